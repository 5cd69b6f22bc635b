"""The demo adapter: deterministic, realistic, fast to test, and able to simulate failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from statistics import median

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.benchmarks import engagement_band
from webapp.pipeline.analysis.tiers import Tier, tier_of
from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.scraping.adapter import Adapter, ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.demo_archetypes import Archetype, archetype_of
from webapp.pipeline.scraping.result import ScrapeResult

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


class FakeClock:
    """A fixed now; sleeps are recorded and return at once."""

    def __init__(self, now: datetime = NOW) -> None:
        self._now = now
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


class Progress:
    def __init__(self) -> None:
        self.calls: list[tuple[float, str]] = []

    async def __call__(self, fraction: float, message: str) -> None:
        self.calls.append((fraction, message))


async def fetch(
    handle: str,
    platform: Platform = Platform.INSTAGRAM,
    *,
    attempt: int = 1,
    clock: FakeClock | None = None,
    delay: float = 0.0,
    progress: Progress | None = None,
) -> ScrapeResult:
    adapter = DemoAdapter(clock or FakeClock(), delay)
    request = ScrapeRequest(platform=platform, handle=handle, attempt=attempt)
    return await adapter.fetch(request, progress or Progress())


async def sample(platform: Platform, count: int) -> list[ScrapeResult]:
    return [await fetch(f"creator{i}", platform) for i in range(count)]


async def authentic_sample(platform: Platform, count: int) -> list[ScrapeResult]:
    """`count` accounts of the authentic archetype: the calibrated base, without the others."""
    handles = (f"creator{i}" for i in range(10 * count))
    chosen = [h for h in handles if archetype_of(platform, h) is Archetype.AUTHENTIC][:count]
    assert len(chosen) == count
    return [await fetch(handle, platform) for handle in chosen]


def test_demo_adapter_satisfies_the_protocol() -> None:
    adapter: Adapter = DemoAdapter(FakeClock(), 0.0)
    assert adapter.name == "demo"


async def test_same_handle_gives_the_same_account() -> None:
    first = await fetch("natgeo")
    second = await fetch("natgeo")
    assert first == second
    assert first.model_dump_json() == second.model_dump_json()


async def test_different_handle_or_platform_gives_a_different_account() -> None:
    base = await fetch("natgeo")
    other_handle = await fetch("natgeo2")
    other_platform = await fetch("natgeo", Platform.TIKTOK)
    assert base.profile.followers != other_handle.profile.followers
    assert [p.id for p in base.posts] != [p.id for p in other_handle.posts]
    assert base.profile.followers != other_platform.profile.followers


async def test_result_is_labelled_as_demo_data() -> None:
    result = await fetch("jane.doe_99", Platform.YOUTUBE)
    assert result.source == "demo"
    assert result.platform is Platform.YOUTUBE
    assert result.profile.handle == "jane.doe_99"
    assert result.profile.display_name == "Jane Doe"
    note = " ".join(result.coverage)
    assert "synthetic" in note
    assert "@jane.doe_99" in note
    assert "YouTube was not contacted" in note


@pytest.mark.parametrize("platform", list(Platform))
async def test_account_shape_is_within_range(platform: Platform) -> None:
    for result in await sample(platform, 40):
        profile = result.profile
        assert 2_000 <= profile.followers <= 5_000_000
        assert 30 <= len(result.posts) <= 60
        assert profile.post_count >= len(result.posts)
        assert not profile.private
        assert len(result.follower_sample) == 50
        assert len({p.id for p in result.posts}) == len(result.posts)
        post_ids = {p.id for p in result.posts}
        recent_ids = {p.id for p in result.posts[:10]}
        assert {c.post_id for c in result.comments} <= recent_ids <= post_ids
        for post in result.posts[:10]:
            fetched = sum(1 for c in result.comments if c.post_id == post.id)
            assert fetched <= (post.comments or 0)
            assert fetched >= min(2, post.comments or 0)
        for post in result.posts:
            assert post.likes is not None
            assert post.likes >= 0
            assert post.comments is not None
            assert post.comments >= 0


@pytest.mark.parametrize("platform", list(Platform))
async def test_posts_are_in_the_past_and_newest_first(platform: Platform) -> None:
    for result in await sample(platform, 20):
        times = [p.published_at for p in result.posts]
        assert all(t.utcoffset() == timedelta(0) for t in times)
        assert all(t < NOW for t in times)
        assert times == sorted(times, reverse=True)
        assert len(set(times)) == len(times)
        by_id = {p.id: p for p in result.posts}
        for comment in result.comments:
            assert by_id[comment.post_id].published_at <= comment.published_at <= NOW


async def test_dates_follow_the_clock() -> None:
    later = NOW + timedelta(days=30)
    now_result = await fetch("natgeo")
    later_result = await fetch("natgeo", clock=FakeClock(later))
    pairs = zip(now_result.posts, later_result.posts, strict=True)
    shift = [later_post.published_at - post.published_at for post, later_post in pairs]
    assert set(shift) == {timedelta(days=30)}


async def test_views_presence_follows_the_platform() -> None:
    kinds: set[str] = set()
    for result in await sample(Platform.INSTAGRAM, 20):
        for post in result.posts:
            kinds.add(post.kind)
            assert (post.views is not None) == (post.kind == "reel")
            assert post.shares is None
    assert kinds == {"photo", "carousel", "reel"}

    for result in await sample(Platform.TIKTOK, 10):
        for post in result.posts:
            assert post.kind == "video"
            assert post.views is not None
            assert post.shares is not None

    kinds = set()
    for result in await sample(Platform.YOUTUBE, 10):
        for post in result.posts:
            kinds.add(post.kind)
            assert post.views is not None
            assert post.shares is None
    assert kinds == {"video", "short"}


def _per_post_engagement(result: ScrapeResult) -> float:
    followers = result.profile.followers
    return median(((p.likes or 0) + (p.comments or 0)) / followers * 100 for p in result.posts)


@pytest.mark.parametrize("platform", list(Platform))
async def test_authentic_engagement_sits_in_its_tier_band(platform: Platform) -> None:
    # The level comes from the published tables the analysis uses: each tier's median account
    # lands inside its band, near the typical rate (posts drift up to the newest one, so the
    # median over all fetched posts runs a little under it).
    tiers: dict[Tier, list[float]] = {}
    for result in await authentic_sample(platform, 120):
        tiers.setdefault(tier_of(result.profile.followers), []).append(_per_post_engagement(result))
    assert len(tiers) == 5
    for tier, rates in tiers.items():
        band = engagement_band(platform, tier)
        assert band.low <= median(rates) <= band.high, (tier, median(rates))
        assert median(rates) >= 0.5 * band.typical, (tier, median(rates))


async def test_tiktok_and_youtube_views_track_followers() -> None:
    tiktok = await authentic_sample(Platform.TIKTOK, 60)
    youtube = await authentic_sample(Platform.YOUTUBE, 60)

    def views_share(result: ScrapeResult) -> float:
        return median((p.views or 0) / result.profile.followers for p in result.posts)

    def likes_per_view(result: ScrapeResult) -> float:
        return median((p.likes or 0) / (p.views or 1) for p in result.posts)

    assert 0.02 <= median(views_share(r) for r in tiktok) <= 0.3
    assert 0.06 <= median(likes_per_view(r) for r in tiktok) <= 0.15
    assert 0.02 <= median(views_share(r) for r in youtube) <= 0.15
    assert 0.02 <= median(likes_per_view(r) for r in youtube) <= 0.05


@pytest.mark.parametrize("platform", list(Platform))
async def test_likes_per_comment_is_realistic(platform: Platform) -> None:
    ratios = []
    for result in await authentic_sample(platform, 60):
        likes = sum(p.likes or 0 for p in result.posts)
        comments = sum(p.comments or 0 for p in result.posts)
        if comments:
            ratios.append(likes / comments)
    assert 20 <= median(ratios) <= 100


async def test_follower_sample_mixes_genuine_and_fake_accounts() -> None:
    stubs = [s for r in await authentic_sample(Platform.INSTAGRAM, 10) for s in r.follower_sample]
    suspicious = [s for s in stubs if s.posts == 0 and (s.following or 0) > 5 * (s.followers or 1)]
    assert 0 < len(suspicious) < len(stubs) / 3
    assert len({s.username for s in stubs}) > len(stubs) / 2


async def test_progress_rises_in_a_few_steps() -> None:
    progress = Progress()
    result = await fetch("natgeo", progress=progress)
    fractions = [f for f, _ in progress.calls]
    assert fractions == [0.0, 0.25, 0.5, 0.75]
    messages = [m for _, m in progress.calls]
    assert f"Fetching posts ({len(result.posts)})" in messages
    assert all("\n" not in m and m for m in messages)


async def test_no_delay_never_sleeps() -> None:
    clock = FakeClock()
    await fetch("natgeo", clock=clock, delay=0.0)
    assert clock.sleeps == []


async def test_delay_is_spread_over_the_steps() -> None:
    clock = FakeClock()
    await fetch("natgeo", clock=clock, delay=3.0)
    assert len(clock.sleeps) == 4
    assert sum(clock.sleeps) == pytest.approx(3.0)
    assert clock.sleeps == pytest.approx([0.75] * 4)


@pytest.mark.parametrize("platform", list(Platform))
async def test_notfound_handle_fails_permanently(platform: Platform) -> None:
    progress = Progress()
    with pytest.raises(PermanentError) as caught:
        await fetch("demo.notfound", platform, progress=progress)
    assert caught.value.message == (
        f"No {platform.label} account @demo.notfound exists. Check the spelling of the handle."
    )
    assert caught.value.code == "not_found"
    assert [f for f, _ in progress.calls] == [0.0]


async def test_private_handle_fails_permanently() -> None:
    with pytest.raises(PermanentError) as caught:
        await fetch("demo.private", Platform.TIKTOK)
    assert "TikTok account @demo.private is private and cannot be analysed" in caught.value.message
    assert caught.value.code == "private"


async def test_flaky_handle_fails_once_then_succeeds() -> None:
    progress = Progress()
    with pytest.raises(TransientError) as caught:
        await fetch("demo.flaky", Platform.YOUTUBE, attempt=1, progress=progress)
    assert caught.value.message == "YouTube rate-limited the request"
    assert caught.value.retry_after == 2.0
    assert caught.value.code == "rate_limited"
    assert len(progress.calls) == 1

    for attempt in (2, 3):
        result = await fetch("demo.flaky", Platform.YOUTUBE, attempt=attempt)
        assert result.profile.handle == "demo.flaky"
        assert result.posts


@pytest.mark.parametrize("attempt", [1, 2, 7])
async def test_down_handle_always_fails_transiently(attempt: int) -> None:
    with pytest.raises(TransientError) as caught:
        await fetch("demo.down", Platform.INSTAGRAM, attempt=attempt)
    assert caught.value.message == "Instagram answered HTTP 503 Service Unavailable"
    assert caught.value.code == "upstream_unavailable"
    assert caught.value.retry_after is None


async def test_failure_comes_after_the_first_step_of_the_delay() -> None:
    clock = FakeClock()
    with pytest.raises(PermanentError):
        await fetch("demo.notfound", clock=clock, delay=2.0)
    assert clock.sleeps == [0.5]
