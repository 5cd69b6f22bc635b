"""Engagement metrics against hand-computed expectations on hand-built scrape results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import Metric, Platform
from webapp.pipeline.analysis.engagement import (
    EngagementPosition,
    engagement,
    engagement_position,
    engagement_rate_by_views,
    engagement_rate_mean,
    engagement_rate_median,
    like_spread,
    likes_comments_ratio,
    recent_posts,
)
from webapp.pipeline.analysis.tiers import Tier
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import Post, PostKind, Profile, ScrapeResult

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def post(
    days_ago: float,
    likes: int | None,
    comments: int | None,
    views: int | None = None,
    kind: PostKind = "photo",
) -> Post:
    return Post(
        id=f"p{days_ago}",
        published_at=NOW - timedelta(days=days_ago),
        kind=kind,
        likes=likes,
        comments=comments,
        views=views,
    )


def scrape(
    posts: list[Post], followers: int = 1_000, platform: Platform = Platform.INSTAGRAM
) -> ScrapeResult:
    return ScrapeResult(
        platform=platform,
        profile=Profile(handle="creator", followers=followers, post_count=len(posts)),
        posts=posts,
        source="upload",
    )


# Rates per follower: 1%, 2.5%, 5%, 11.5% -> median 3.75, mean 5.0.
FOUR_POSTS = [post(1, 10, 0), post(2, 20, 5), post(3, 40, 10), post(4, 115, 0)]


def test_median_and_mean_engagement() -> None:
    result = scrape(FOUR_POSTS)
    med = engagement_rate_median(result)
    assert med.value == pytest.approx(3.75)
    assert med.unit == "percent"
    assert med.sample_size == 4
    assert med.explanation == "Median engagement 3.75% of followers across the 4 most recent posts."
    mean = engagement_rate_mean(result)
    assert mean.value == pytest.approx(5.0)
    assert mean.sample_size == 4
    assert "5.00% of followers" in mean.explanation


def test_only_the_twelve_most_recent_posts_count() -> None:
    recent = [post(day, 10, 0) for day in range(1, 13)]
    old_viral = [post(100, 5_000, 200), post(101, 9_000, 300)]
    # Shuffled on purpose: adapters may return posts in any order.
    result = scrape([*old_viral[:1], *recent[6:], *old_viral[1:], *recent[:6]])
    assert [p.published_at for p in recent_posts(result)] == [p.published_at for p in recent]
    assert engagement_rate_median(result).value == pytest.approx(1.0)
    assert engagement_rate_mean(result).value == pytest.approx(1.0)
    assert engagement_rate_mean(result).sample_size == 12


def test_hidden_comments_count_as_none_and_hidden_likes_are_skipped() -> None:
    posts = [post(1, 10, None), post(2, 20, 0), post(3, None, 50), post(4, 30, 0)]
    # Post 3 has no likes: rates 1%, 2%, 3% over 3 posts.
    metric = engagement_rate_median(scrape(posts))
    assert metric.value == pytest.approx(2.0)
    assert metric.sample_size == 3
    assert metric.explanation == (
        "Median engagement 2.00% of followers across the 3 most recent posts with visible "
        "likes (1 more hides its)."
    )


@pytest.mark.parametrize("metric", [engagement_rate_median, engagement_rate_mean])
def test_too_few_posts_is_not_enough_data(metric: Callable[[ScrapeResult], Metric]) -> None:
    result = metric(scrape([post(1, 10, 1), post(4, 12, 0)]))
    assert result.value is None
    assert result.sample_size == 2
    assert result.explanation.startswith("Not enough recent posts (n=2): ")
    assert "at least 3 posts" in result.explanation


@pytest.mark.parametrize("metric", [engagement_rate_median, engagement_rate_mean])
def test_hidden_likes_say_so_rather_than_too_few_posts(
    metric: Callable[[ScrapeResult], Metric],
) -> None:
    posts = [post(1, 10, 1), post(2, None, 3), post(3, None, 2), post(4, 12, 0)]
    result = metric(scrape(posts))
    assert result.value is None
    assert result.sample_size == 2
    assert result.explanation == (
        "Not enough data (n=2): 2 of the 4 most recent posts hide their likes; engagement needs "
        "likes on at least 3 posts."
    )


def test_zero_followers_is_not_enough_data() -> None:
    result = engagement_rate_median(scrape(FOUR_POSTS, followers=0))
    assert result.value is None
    assert result.explanation.startswith("Not enough data (n=4): ")
    assert "0 followers" in result.explanation


def test_engagement_by_views() -> None:
    posts = [
        post(1, 50, 10, views=1_000, kind="video"),  # 6%
        post(2, 100, 0, views=1_000, kind="video"),  # 10%
        post(3, 20, 5, views=1_000, kind="video"),  # 2.5%
        post(4, 999, 1, views=0, kind="video"),  # no views: skipped
        post(5, 999, 1, views=None, kind="video"),  # views hidden: skipped
    ]
    metric = engagement_rate_by_views(scrape(posts, platform=Platform.TIKTOK))
    assert metric.value == pytest.approx(6.0)
    assert metric.sample_size == 3
    assert metric.explanation == (
        "Median engagement 6.00% of views across the 3 most recent posts with views."
    )


def test_instagram_photos_have_no_views() -> None:
    posts = [post(d, 10, 1) for d in range(1, 9)]
    posts += [post(10, 10, 1, views=400, kind="reel"), post(11, 10, 1, views=500, kind="reel")]
    metric = engagement_rate_by_views(scrape(posts))
    assert metric.value is None
    assert metric.sample_size == 2
    assert metric.explanation.startswith("Not enough data (n=2): views are shown on 2 of the 10")
    assert "Instagram shows views only for reels" in metric.explanation


def test_views_reason_names_no_platform_quirk_elsewhere() -> None:
    metric = engagement_rate_by_views(scrape([post(1, 10, 1)], platform=Platform.YOUTUBE))
    assert metric.value is None
    assert metric.explanation.startswith("Not enough data (n=0): ")
    assert "Instagram" not in metric.explanation


def test_likes_comments_ratio() -> None:
    posts = [post(1, 100, 4), post(2, 150, 6), post(3, 50, 2), post(4, 1_000, None)]
    # The post with hidden comments is left out: 300 likes / 12 comments.
    metric = likes_comments_ratio(scrape(posts))
    assert metric.value == pytest.approx(25.0)
    assert metric.unit == "ratio"
    assert metric.sample_size == 3
    assert metric.explanation == (
        "25.0 likes for every comment across the 3 most recent posts (300 likes, 12 comments)."
    )


def test_ratio_with_comments_turned_off_says_so() -> None:
    posts = [post(d, 100, None) for d in (1, 2, 3, 4)]
    metric = likes_comments_ratio(scrape(posts))
    assert metric.value is None
    assert metric.explanation == (
        "Not enough data (n=0): comments are turned off or hidden on 4 of the 4 recent posts; "
        "the ratio needs them on at least 3."
    )


def test_ratio_without_comments_is_not_enough_data() -> None:
    metric = likes_comments_ratio(scrape([post(1, 100, 0), post(2, 80, 0), post(3, 90, 0)]))
    assert metric.value is None
    assert metric.explanation.startswith("Not enough data (n=3): ")
    assert "no comments" in metric.explanation


def test_ratio_with_too_few_posts_is_not_enough_data() -> None:
    metric = likes_comments_ratio(scrape([post(1, 100, 3), post(2, 80, 2)]))
    assert metric.value is None
    assert metric.sample_size == 2
    assert metric.explanation.startswith("Not enough data (n=2): ")


# The recent window. Without `now` every fetched post can be among the twelve; with `now`, only
# posts of the last 365 days. Recency itself is the Activity part's business: old posts never
# count as 0 %.


def test_a_monthly_poster_is_rated_on_its_monthly_posts() -> None:
    # A 10K account posting monthly at 2.5 % a post: twelve posts over a year.
    monthly = scrape([post(5 + 30 * i, 250, 0) for i in range(12)], followers=10_000)
    med = engagement_rate_median(monthly, NOW)
    assert med.value == pytest.approx(2.5)
    assert med.sample_size == 12
    assert "of the last 365 days" in med.explanation


def test_posts_older_than_a_year_are_not_recent() -> None:
    fresh = [post(1, 20, 0), post(10, 40, 0), post(300, 60, 0)]  # 2%, 4%, 6%
    stale = [post(400 + d, 5_000, 100) for d in range(9)]  # viral once, long ago
    result = scrape([*stale, *fresh])
    mean = engagement_rate_mean(result, NOW)
    assert mean.value == pytest.approx(4.0)
    assert mean.sample_size == 3
    # Without the time of the analysis the old viral posts would be among the twelve.
    assert engagement_rate_mean(result).value == pytest.approx((12 + 9 * 510) / 12)


def test_too_few_posts_in_the_year_is_not_enough_recent_posts() -> None:
    dormant = scrape([post(300, 80, 5), *[post(400 + d, 80, 5) for d in range(5)]])
    med = engagement_rate_median(dormant, NOW)
    assert med.value is None
    assert med.sample_size == 1
    assert med.explanation.startswith("Not enough recent posts (n=1): ")
    assert engagement_rate_median(dormant).value == pytest.approx(8.5)


def test_a_post_exactly_365_days_old_is_still_recent() -> None:
    posts = [post(365, 30, 0), post(365.01, 30, 0), post(1, 10, 0), post(2, 20, 0)]
    assert engagement_rate_mean(scrape(posts), NOW).value == pytest.approx(2.0)


def test_far_above_the_band_is_implausible() -> None:
    # Instagram micro band tops at 2.61 %: 13 % is under five times that, 13.2 % beyond it.
    assert engagement_position(micro_account(13.0), NOW).implausible is False
    implausible = engagement_position(micro_account(13.2), NOW)
    assert implausible.implausible is True
    assert "implausible" in implausible.explanation
    assert implausible.relative == pytest.approx(13.2 / implausible.band_typical, abs=0.01)


def video_account(
    followers: int, views: int | None, per_view: float, platform: Platform = Platform.TIKTOK
) -> ScrapeResult:
    """Four videos with `views` each, liked or commented by `per_view` % of them (of `views`,
    or of 10x the followers when views are hidden)."""
    seen = views if views is not None else 10 * followers
    likes = round(per_view / 100 * seen)
    posts = [post(d, likes, 0, views=views, kind="video") for d in (1, 2, 3, 4)]
    return scrape(posts, followers, platform)


@pytest.mark.parametrize("platform", [Platform.TIKTOK, Platform.YOUTUBE])
def test_videos_reaching_ten_times_the_followers_are_reach_not_implausible(
    platform: Platform,
) -> None:
    # 5,000 followers, 50,000 views a video, 8 % of viewers engage: 80 % of the followers,
    # twenty times the top of the nano band, and an ordinary rate by views.
    position = engagement_position(video_account(5_000, 50_000, 8.0, platform), NOW)
    assert position.rate == pytest.approx(80.0)
    assert position.position == "above"
    assert position.judged_by == "views"
    assert position.rate_by_views == pytest.approx(8.0)
    assert position.implausible is False
    assert "seen by about 10.0x the followers, so the rate by followers is reach beyond them" in (
        position.explanation
    )


@pytest.mark.parametrize(("platform", "limit"), [(Platform.TIKTOK, 45.0), (Platform.YOUTUBE, 30.0)])
def test_likes_on_most_views_are_implausible_however_few_the_followers(
    platform: Platform, limit: float
) -> None:
    # The limit is 3x the top of the platform's published per-view range (15 % and 10 %).
    # 300,000 followers and 5,000 views a video: per follower, both rates look ordinary.
    below = engagement_position(video_account(300_000, 5_000, limit - 1, platform), NOW)
    assert below.views_limit == pytest.approx(limit)
    assert below.implausible is False
    above = engagement_position(video_account(300_000, 5_000, limit + 1, platform), NOW)
    assert above.judged_by == "views"
    assert above.implausible is True
    assert "implausible" in above.explanation
    # The band alone would have passed it.
    assert above.rate is not None
    assert above.rate < 5 * above.band_high


def test_views_on_fewer_than_half_the_posts_leave_the_judgement_to_followers() -> None:
    # 12 videos at 80 % of 5,000 followers; views shown on 5 of them (8 % of 50,000).
    likes = 4_000
    posts = [
        post(d, likes, 0, views=50_000 if d <= 5 else None, kind="video") for d in range(1, 13)
    ]
    position = engagement_position(scrape(posts, 5_000, Platform.TIKTOK), NOW)
    assert position.judged_by == "followers"
    assert position.implausible is True
    shown = [
        post(d, likes, 0, views=50_000 if d <= 6 else None, kind="video") for d in range(1, 13)
    ]
    judged = engagement_position(scrape(shown, 5_000, Platform.TIKTOK), NOW)
    assert judged.judged_by == "views"
    assert "Judged by views (shown on 6 of the 12 recent posts)" in judged.explanation


def test_views_fewer_than_the_followers_are_not_called_reach() -> None:
    # 100,000 subscribers, 50,000 views a video, 7 % of viewers engage: 3.5 % of subscribers,
    # above the YouTube mid band, and well inside the usual 10 % per view.
    position = engagement_position(video_account(100_000, 50_000, 7.0, Platform.YOUTUBE), NOW)
    assert position.position == "above"
    assert "within the usual range (up to 10% per view): those who see the posts engage" in (
        position.explanation
    )
    assert "reach beyond" not in position.explanation


def test_videos_without_views_are_judged_by_followers() -> None:
    position = engagement_position(video_account(5_000, None, 8.0), NOW)
    assert position.judged_by == "followers"
    assert position.rate_by_views is None
    assert position.implausible is True  # 80 % of followers, over 5x the nano band's top


def test_instagram_reels_are_judged_by_views_a_photo_feed_by_followers() -> None:
    # 5,000 followers, reels seen 50,000 times, 8 % of viewers engaging: 80 % of followers.
    reels = [post(d, 4_000, 0, views=50_000, kind="video") for d in (1, 2, 3, 4)]
    position = engagement_position(scrape(reels, 5_000), NOW)
    assert position.judged_by == "views"
    assert position.implausible is False
    assert "seen by about 10.0x the followers, so the rate by followers is reach beyond them" in (
        position.explanation
    )
    # One reel among photos: too few views to judge by, so the followers decide.
    feed = [*reels[:1], *(post(d, 4_000, 0) for d in (2, 3, 4))]
    photos = engagement_position(scrape(feed, 5_000), NOW)
    assert photos.judged_by == "followers"
    assert photos.implausible is True


def small_account(rate_per_post: float, followers: int = 500) -> ScrapeResult:
    likes = round(rate_per_post / 100 * followers)
    return scrape([post(d, likes, 0) for d in (1, 2, 3, 4)], followers)


def test_under_1000_followers_only_beyond_the_99th_percentile_is_implausible() -> None:
    # 30 % is over 5x the nano band's top (28.75 %), and usual for a small personal account.
    usual = engagement_position(small_account(30.0), NOW)
    assert usual.followers_limit == 50.0
    assert usual.position == "above"
    assert usual.implausible is False
    assert "Under 1,000 followers no published band exists" in usual.explanation
    assert engagement_position(small_account(50.0), NOW).implausible is False
    over = engagement_position(small_account(51.0), NOW)
    assert over.implausible is True
    assert "Above 50% of the followers, the rate is implausible" in over.explanation
    # From 1,000 to 5,000 followers the limit eases, on a log scale, to the band's 5x (28.75 %):
    # 60 followers more no longer flip a verdict.
    assert engagement_position(small_account(30.0, followers=990), NOW).followers_limit == 50.0
    at_1050 = engagement_position(small_account(30.0, followers=1_050), NOW)
    assert at_1050.followers_limit == pytest.approx(49.35, abs=0.01)
    assert at_1050.implausible is False
    middle = engagement_position(small_account(30.0, followers=2_236), NOW)
    assert middle.followers_limit == pytest.approx((50 + 28.75) / 2, abs=0.01)
    at_5000 = engagement_position(small_account(30.0, followers=5_000), NOW)
    assert at_5000.followers_limit == pytest.approx(28.75)
    assert at_5000.implausible is True


def test_giveaway_posts_are_left_out_of_the_rate_while_three_others_remain() -> None:
    organic = [post(d, 10, 0) for d in (2, 4, 6)]  # 1 % of 1,000 followers
    contests = [
        post(d, 200, 0).model_copy(update={"caption": "GIVEAWAY! Follow and tag to enter"})
        for d in (1, 3, 5)
    ]
    metric = engagement_rate_median(scrape([*organic, *contests]), NOW)
    assert metric.value == pytest.approx(1.0)
    assert metric.explanation.endswith(
        "; 3 giveaway or contest posts left out (their likes are entries)."
    )
    # With fewer than three other posts, the giveaways count rather than no rate at all.
    few = engagement_rate_median(scrape([*organic[:2], *contests]), NOW)
    assert few.value == pytest.approx(20.0)


def test_rates_carry_their_posts_as_evidence() -> None:
    metric = engagement_rate_median(scrape(FOUR_POSTS), NOW)
    assert [(e.kind, e.ref, e.note) for e in metric.evidence] == [
        ("post", "p1", "1.00% of followers"),
        ("post", "p2", "2.50% of followers"),
        ("post", "p3", "5.00% of followers"),
        ("post", "p4", "11.50% of followers"),
    ]


def micro_account(rate_per_post: float, platform: Platform = Platform.INSTAGRAM) -> ScrapeResult:
    """20,000 followers (micro) and four posts at the given rate, percent of followers."""
    likes = round(rate_per_post / 100 * 20_000)
    return scrape([post(d, likes, 0) for d in (1, 2, 3, 4)], 20_000, platform)


@pytest.mark.parametrize(
    ("rate", "position"),
    [(0.3, "below"), (0.4, "within"), (1.0, "within"), (2.6, "within"), (3.0, "above")],
)
def test_position_in_the_instagram_micro_band(rate: float, position: str) -> None:
    result = engagement_position(micro_account(rate), NOW)
    assert result.tier is Tier.MICRO
    assert (result.band_low, result.band_typical, result.band_high) == (0.39, 0.98, 2.61)
    assert result.rate == pytest.approx(rate)
    assert result.position == position
    assert f"is {position} the usual range for a micro account (20,000 followers)" in (
        result.explanation
    )
    assert "0.39-2.61%" in result.explanation
    assert "Modash" in result.explanation


def test_the_same_rate_sits_differently_on_each_platform() -> None:
    # 3% per follower is above Instagram's micro band (0.39-2.61%) and YouTube's (0.09-1.66%),
    # inside TikTok's (0.24-3.44%), where For You views reach beyond the followers.
    positions = {
        platform: engagement_position(micro_account(3.0, platform), NOW).position
        for platform in Platform
    }
    assert positions == {
        Platform.INSTAGRAM: "above",
        Platform.TIKTOK: "within",
        Platform.YOUTUBE: "above",
    }


def test_position_without_a_rate_is_not_enough_data() -> None:
    result = engagement_position(scrape([post(1, 10, 0)], followers=600_000), NOW)
    assert result.tier is Tier.MACRO
    assert result.rate is None
    assert result.position is None
    assert result.explanation.startswith("Not enough recent posts (n=1): ")
    assert "0.46-2.46%" in result.explanation


def likes_series(likes: list[int]) -> ScrapeResult:
    return scrape([post(d + 1, n, 1) for d, n in enumerate(likes)])


@pytest.mark.parametrize(
    ("likes", "cv", "classification"),
    [
        # mean 100, squared deviations 25+0+25+0+25+25 = 100, /5 = 20, sd 4.47 -> 4.5%
        ([95, 100, 105, 100, 95, 105], 4.5, "even"),
        # mean 100, squared deviations 4 x 2,500 = 10,000, /5 = 2,000, sd 44.72 -> 44.7%
        ([50, 100, 150, 50, 100, 150], 44.7, "normal"),
        # mean 175, squared deviations 5 x 27,225 + 680,625 = 816,750, /5, sd 404.17 -> 231.0%
        ([10, 10, 10, 10, 10, 1_000], 231.0, "uneven"),
    ],
)
def test_like_spread_classes(likes: list[int], cv: float, classification: str) -> None:
    spread = like_spread(likes_series(likes))
    assert spread.metric.value == pytest.approx(cv)
    assert spread.metric.sample_size == 6
    assert spread.classification == classification
    assert spread.metric.evidence[0].note == f"{max(likes):,} likes"


def test_like_spread_reads_every_fetched_post_not_just_twelve() -> None:
    spread = like_spread(likes_series([100] * 14 + [10, 1_000]))
    assert spread.metric.sample_size == 16


@pytest.mark.parametrize("likes", [[10, 20, 30, 40, 50], [0, 0, 0, 0, 0, 0]])
def test_like_spread_without_enough_likes_is_not_enough_data(likes: list[int]) -> None:
    spread = like_spread(likes_series(likes))
    assert spread.metric.value is None
    assert spread.classification is None
    assert spread.metric.explanation.startswith(f"Not enough data (n={len(likes)}): ")


class StillClock:
    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("a demo with no delay never sleeps")


async def demo(handle: str, platform: Platform) -> ScrapeResult:
    async def progress(fraction: float, message: str) -> None:
        pass

    request = ScrapeRequest(platform=platform, handle=handle, attempt=1)
    return await DemoAdapter(StillClock(), 0.0).fetch(request, progress)


ORDER = {"below": 0, "within": 1, "above": 2}


def relative(position: EngagementPosition) -> float:
    assert position.rate is not None
    return position.rate / position.band_typical


@pytest.mark.parametrize("platform", list(Platform))
async def test_bought_followers_engage_below_an_authentic_creator(platform: Platform) -> None:
    bought = engagement(await demo("demo.bought", platform), NOW).position
    authentic = engagement(await demo("demo.authentic", platform), NOW).position
    assert bought.position == "below"
    assert bought.position is not None
    assert authentic.position is not None
    assert ORDER[bought.position] <= ORDER[authentic.position]
    assert relative(bought) < relative(authentic) / 2
