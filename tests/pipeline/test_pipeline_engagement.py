"""Engagement metrics against hand-computed expectations on hand-built scrape results."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import Metric, Platform
from webapp.pipeline.analysis.engagement import (
    engagement_rate_by_views,
    engagement_rate_mean,
    engagement_rate_median,
    likes_comments_ratio,
    recent_posts,
)
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


@pytest.mark.parametrize("metric", [engagement_rate_median, engagement_rate_mean])
def test_too_few_posts_is_not_enough_data(metric: Callable[[ScrapeResult], Metric]) -> None:
    posts = [post(1, 10, 1), post(2, None, 3), post(3, None, 2), post(4, 12, 0)]
    result = metric(scrape(posts))
    assert result.value is None
    assert result.sample_size == 2
    assert result.explanation.startswith("Not enough data (n=2): ")
    assert "at least 3 recent posts" in result.explanation


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
