"""Demo archetypes: each documented handle shows the signature a marketer should be able to see."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from statistics import fmean, median, pstdev

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.benchmarks import engagement_band
from webapp.pipeline.analysis.content import days_since_last_post, posts_per_week
from webapp.pipeline.analysis.tiers import tier_of
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.demo_archetypes import HANDLES, Archetype, archetype_of
from webapp.pipeline.scraping.demo_text import GENERIC_COMMENTS
from webapp.pipeline.scraping.demo_traits import TYPICAL_ENGAGEMENT, typical_engagement
from webapp.pipeline.scraping.result import AccountStub, ScrapeResult

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
_PROMO = re.compile(r"https://|\bcode\b|link in bio", re.IGNORECASE)
README = Path(__file__).resolve().parents[2] / "README.md"


class FixedClock:
    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("the demo adapter must not sleep with no delay")


async def _ignore(fraction: float, message: str) -> None:
    pass


async def fetch(handle: str, platform: Platform = Platform.INSTAGRAM) -> ScrapeResult:
    adapter = DemoAdapter(FixedClock(), 0.0)
    return await adapter.fetch(ScrapeRequest(platform, handle, attempt=1), _ignore)


def engagement(result: ScrapeResult) -> float:
    """Median (likes + comments) per follower over the 12 newest posts, as the report reads it."""
    recent = result.posts[:12]
    return median(((p.likes or 0) + (p.comments or 0)) / result.profile.followers for p in recent)


def relative_engagement(result: ScrapeResult) -> float:
    """Engagement over the typical authentic engagement of the same follower count."""
    return engagement(result) / typical_engagement(result.platform, result.profile.followers)


def suspicious(stub: AccountStub) -> bool:
    """A mass follower: follows over 1,500 and has either no posts or no picture."""
    following = stub.following or 0
    return following > 1_500 and (stub.posts == 0 or stub.has_profile_pic is False)


def suspicious_share(result: ScrapeResult) -> float:
    return sum(map(suspicious, result.follower_sample)) / len(result.follower_sample)


def recurring_share(result: ScrapeResult) -> float:
    """Share of fetched comments by authors who commented on at least half the commented posts."""
    posts_by_author: dict[str, set[str]] = {}
    for comment in result.comments:
        posts_by_author.setdefault(comment.author, set()).add(comment.post_id)
    commented = len({c.post_id for c in result.comments})
    regulars = {a for a, ids in posts_by_author.items() if len(ids) >= commented / 2}
    return sum(c.author in regulars for c in result.comments) / max(1, len(result.comments))


def likes_trend(result: ScrapeResult) -> float:
    """Median likes of the 10 newest posts over the median of the 10 oldest fetched."""
    likes = [p.likes or 0 for p in result.posts]
    return median(likes[:10]) / max(1, median(likes[-10:]))


def likes_per_comment(result: ScrapeResult) -> float:
    recent = result.posts[:12]
    return sum(p.likes or 0 for p in recent) / max(1, sum(p.comments or 0 for p in recent))


def gap_cv(result: ScrapeResult) -> float:
    times = [p.published_at for p in result.posts]
    gaps = [(a - b).total_seconds() for a, b in pairwise(times)]
    return pstdev(gaps) / fmean(gaps)


async def authentic_of_similar_size(followers: int, platform: Platform) -> list[ScrapeResult]:
    """Authentic accounts within a factor 2.5 of `followers`, from generic handles."""
    found = []
    for i in range(3000):
        handle = f"peer{i}"
        if archetype_of(platform, handle) is not Archetype.AUTHENTIC:
            continue
        result = await fetch(handle, platform)
        if followers / 2.5 <= result.profile.followers <= followers * 2.5:
            found.append(result)
            if len(found) == 15:
                break
    assert len(found) >= 10
    return found


def test_every_archetype_has_a_documented_handle_in_the_readme() -> None:
    assert set(HANDLES.values()) == set(Archetype)
    readme = README.read_text(encoding="utf-8")
    for handle in [*HANDLES, "demo.notfound", "demo.private", "demo.flaky", "demo.down"]:
        assert f"`{handle}`" in readme


@pytest.mark.parametrize("platform", list(Platform))
def test_documented_handles_map_to_their_archetype_on_every_platform(platform: Platform) -> None:
    for handle, archetype in HANDLES.items():
        assert archetype_of(platform, handle) is archetype
        assert archetype_of(platform, handle.upper()) is archetype


def test_other_handles_are_mostly_authentic_with_every_archetype_present() -> None:
    counts = Counter(archetype_of(Platform.INSTAGRAM, f"someone{i}") for i in range(2000))
    assert set(counts) == set(Archetype)
    assert 0.6 <= counts[Archetype.AUTHENTIC] / 2000 <= 0.8
    # The mix is a function of the handle: the same handles give the same archetypes.
    again = Counter(archetype_of(Platform.INSTAGRAM, f"someone{i}") for i in range(2000))
    assert again == counts


@pytest.mark.parametrize("handle", sorted(HANDLES))
async def test_archetype_accounts_are_deterministic(handle: str) -> None:
    first = await fetch(handle, Platform.TIKTOK)
    second = await fetch(handle, Platform.TIKTOK)
    assert first.model_dump_json() == second.model_dump_json()
    assert first.source == "demo"
    assert any("synthetic" in note for note in first.coverage)


async def test_authentic_creator_looks_organic() -> None:
    result = await fetch("demo.authentic")
    assert 0.5 <= relative_engagement(result) <= 2.0
    likes = [p.likes or 0 for p in result.posts]
    assert 0.35 <= pstdev(likes) / fmean(likes) <= 1.0
    assert suspicious_share(result) <= 0.2
    assert recurring_share(result) < 0.1
    authors = [c.author for c in result.comments]
    assert len(set(authors)) >= 0.8 * len(authors)
    assert 20 <= likes_per_comment(result) <= 200
    assert days_since_last_post(result, NOW).value is not None
    assert (days_since_last_post(result, NOW).value or 0) < 30


@pytest.mark.parametrize("platform", list(Platform))
async def test_bought_followers_engage_far_below_authentic_peers(platform: Platform) -> None:
    bought = await fetch("demo.bought", platform)
    peers = await authentic_of_similar_size(bought.profile.followers, platform)
    assert engagement(bought) < 0.4 * median(map(engagement, peers))
    assert suspicious_share(bought) >= 0.5
    assert max(map(suspicious_share, peers)) <= 0.25
    mass = [s for s in bought.follower_sample if (s.following or 0) > 1_500]
    assert len(mass) >= 0.4 * len(bought.follower_sample)
    digit_heavy = [s for s in bought.follower_sample if sum(c.isdigit() for c in s.username) >= 3]
    assert len(digit_heavy) >= 0.4 * len(bought.follower_sample)
    # Few comments: per follower, far fewer than the peers get.
    comments = median((p.comments or 0) / bought.profile.followers for p in bought.posts[:12])
    peer_comments = median(
        median((p.comments or 0) / r.profile.followers for p in r.posts[:12]) for r in peers
    )
    assert comments < 0.4 * peer_comments


@pytest.mark.parametrize("platform", list(Platform))
async def test_engagement_pod_has_the_same_commenters_on_every_post(platform: Platform) -> None:
    pod = await fetch("demo.pod", platform)
    authentic = await fetch("demo.authentic", platform)
    assert recurring_share(pod) >= 0.6
    # A small authentic account may get a handful of comments in all (a 2,000-follower TikTok
    # at the typical 1.6 % gets about 30 likes a video): too few to call anyone a pod.
    assert recurring_share(authentic) < 0.1 or len(authentic.comments) < 30
    per_author = Counter(c.author for c in pod.comments)
    commented = len({c.post_id for c in pod.comments})
    regulars = [a for a, n in per_author.items() if n >= 0.8 * commented]
    assert 8 <= len(regulars) <= 16
    generic = [c for c in pod.comments if c.text in GENERIC_COMMENTS]
    assert len(generic) >= 0.6 * len(pod.comments)
    # Pods answer within the hour; organic comments trickle in over many hours.
    by_id = {p.id: p for p in pod.posts}
    delays = [c.published_at - by_id[c.post_id].published_at for c in pod.comments]
    assert median(delays) < timedelta(hours=1)
    assert likes_per_comment(pod) < 10 < 20 <= likes_per_comment(authentic)


@pytest.mark.parametrize("platform", list(Platform))
async def test_rising_creator_grows_across_the_series(platform: Platform) -> None:
    rising = await fetch("demo.rising", platform)
    assert likes_trend(rising) >= 2.0
    assert (posts_per_week(rising, NOW).value or 0) >= 3.5
    peers = await authentic_of_similar_size(rising.profile.followers, platform)
    assert likes_trend(rising) > 1.5 * median(map(likes_trend, peers))


@pytest.mark.parametrize("platform", list(Platform))
async def test_dormant_account_stopped_posting_months_ago(platform: Platform) -> None:
    dormant = await fetch("demo.dormant", platform)
    days = days_since_last_post(dormant, NOW).value
    assert days is not None
    assert 120 <= days <= 320
    assert not [p for p in dormant.posts if p.published_at >= NOW - timedelta(days=90)]
    assert all(c.published_at <= NOW for c in dormant.comments)


@pytest.mark.parametrize("platform", list(Platform))
async def test_brand_account_is_a_verified_business_that_promotes(platform: Platform) -> None:
    brand = await fetch("demo.brand", platform)
    authentic = await fetch("demo.authentic", platform)
    assert brand.profile.business
    assert brand.profile.verified
    assert brand.profile.external_url
    promos = [p for p in brand.posts if _PROMO.search(p.caption)]
    assert len(promos) >= 0.4 * len(brand.posts)
    assert not any(p.sponsored for p in brand.posts)  # its own posts are not paid partnerships
    assert gap_cv(brand) < 0.5 < gap_cv(authentic)
    if platform is Platform.INSTAGRAM:
        assert 0.25 <= relative_engagement(brand) <= 0.8


@pytest.mark.parametrize("platform", list(Platform))
def test_the_demo_level_is_the_typical_rate_of_each_tier(platform: Platform) -> None:
    # Each anchor sits inside one tier and carries that tier's typical rate from benchmarks.py.
    for log_followers, rate in TYPICAL_ENGAGEMENT[platform]:
        band = engagement_band(platform, tier_of(round(10**log_followers)))
        assert rate * 100 == pytest.approx(band.typical)
