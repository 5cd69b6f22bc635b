"""Cadence and recency metrics against hand-computed expectations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.content import (
    content_signals,
    days_since_last_post,
    gap_regularity,
    posts_per_week,
)
from webapp.pipeline.analysis.tags import TagCount
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def post(days_ago: float) -> Post:
    return Post(
        id=f"p{days_ago}",
        published_at=NOW - timedelta(days=days_ago),
        kind="photo",
        likes=10,
        comments=1,
    )


def scrape(posts: list[Post], post_count: int | None = None) -> ScrapeResult:
    return ScrapeResult(
        platform=Platform.INSTAGRAM,
        profile=Profile(
            handle="creator",
            followers=1_000,
            post_count=len(posts) if post_count is None else post_count,
        ),
        posts=posts,
        source="upload",
    )


def test_posts_per_week_over_ninety_days() -> None:
    # 13 posts in the last 90 days, 2 older ones that do not count.
    posts = [post(6 * i + 1) for i in range(13)] + [post(95), post(120)]
    metric = posts_per_week(scrape(posts, post_count=15), NOW)
    assert metric.value == pytest.approx(round(13 / (90 / 7), 2))
    assert metric.value == pytest.approx(1.01)
    assert metric.sample_size == 13
    assert metric.unit == "posts_per_week"
    assert metric.explanation == "1.0 posts per week: 13 posts in the last 90 days."


def test_truncated_sample_uses_the_span_it_covers() -> None:
    # The newest 10 of 500 posts reach back only 20 days: 10 posts / (20 / 7) weeks.
    posts = [post(2 * i + 2) for i in range(10)]
    metric = posts_per_week(scrape(posts, post_count=500), NOW)
    assert metric.value == pytest.approx(3.5)
    assert metric.sample_size == 10
    assert "over the 20 days the 10 fetched posts cover" in metric.explanation
    assert "500 posts" in metric.explanation
    assert "days since the oldest fetched post" in metric.formula


def test_whole_history_counts_over_ninety_days_even_when_young() -> None:
    # All 5 posts of the account were fetched: the account is simply new or slow.
    posts = [post(d) for d in (1, 5, 10, 15, 20)]
    metric = posts_per_week(scrape(posts), NOW)
    assert metric.value == pytest.approx(round(5 / (90 / 7), 2))
    assert "5 posts in the last 90 days" in metric.explanation


def test_truncated_burst_counts_as_one_day_at_least() -> None:
    posts = [post(0.01), post(0.02), post(0.03)]
    metric = posts_per_week(scrape(posts, post_count=40), NOW)
    assert metric.value == pytest.approx(21.0)


def test_posts_per_week_needs_two_posts() -> None:
    metric = posts_per_week(scrape([post(3)]), NOW)
    assert metric.value is None
    assert metric.sample_size == 1
    assert metric.explanation.startswith("Not enough data (n=1): ")


def test_days_since_last_post() -> None:
    metric = days_since_last_post(scrape([post(9), post(2.5), post(30)]), NOW)
    assert metric.value == pytest.approx(2.5)
    assert metric.unit == "days"
    assert metric.sample_size == 1
    assert metric.explanation == "Last post 2.5 days ago, on 2026-05-08."


def test_a_post_in_the_future_counts_as_just_now() -> None:
    metric = days_since_last_post(scrape([post(-0.5), post(4)]), NOW)
    assert metric.value == 0.0


def test_days_since_last_post_without_posts() -> None:
    metric = days_since_last_post(scrape([]), NOW)
    assert metric.value is None
    assert metric.sample_size == 0
    assert metric.explanation.startswith("Not enough data (n=0): ")


def test_gap_regularity_by_hand() -> None:
    # Gaps of 1, 2, 3 and 6 days: mean 3, population stdev sqrt(3.5), CV 0.62.
    metric = gap_regularity(scrape([post(d) for d in (12, 6, 3, 1, 0)]))
    assert metric.value == pytest.approx(round(3.5**0.5 / 3, 2))
    assert metric.sample_size == 4
    assert metric.unit == "ratio"
    assert metric.evidence[0].ref == "p6"  # the post that ended the 6-day gap
    assert metric.evidence[0].note == "published 6.0 days after the previous post"
    assert "irregular" in metric.explanation


def test_even_gaps_are_regular() -> None:
    metric = gap_regularity(scrape([post(d) for d in (0, 7, 14, 21)]))
    assert metric.value == 0.0
    assert "regular, like a content calendar" in metric.explanation


def test_gap_regularity_needs_three_gaps() -> None:
    metric = gap_regularity(scrape([post(1), post(2), post(3)]))
    assert metric.value is None
    assert metric.explanation.startswith("Not enough data (n=2): ")
    same = gap_regularity(
        scrape([post(1)] + [post(1).model_copy(update={"id": f"x{i}"}) for i in range(3)])
    )
    assert same.value is None


def test_content_signals_gathers_the_family() -> None:
    posts = [
        post(1).model_copy(update={"caption": "Run #fitness @liftfuel", "mentions": ["liftfuel"]}),
        post(3).model_copy(update={"caption": "Gym #Fitness #gym", "hashtags": ["fitness"]}),
        post(5).model_copy(update={"caption": "@creator @liftfuel rest day"}),
        post(8),
    ]
    report = content_signals(scrape(posts), NOW)
    assert report.posts_per_week == posts_per_week(scrape(posts), NOW)
    assert report.days_since_last_post.value == pytest.approx(1.0)
    assert report.gap_regularity.sample_size == 3
    assert report.top_hashtags == [TagCount(tag="fitness", posts=2), TagCount(tag="gym", posts=1)]
    assert report.top_mentions == [TagCount(tag="liftfuel", posts=2)]  # own handle left out
    assert report.sponsored_share.value == 0.0


class FixedClock:
    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("the demo adapter must not sleep with no delay")


async def _ignore(fraction: float, message: str) -> None:
    pass


async def test_demo_brand_promotes_far_more_than_the_authentic_demo() -> None:
    adapter = DemoAdapter(FixedClock(), 0.0)
    reports = {}
    for handle in ("demo.brand", "demo.authentic"):
        request = ScrapeRequest(Platform.INSTAGRAM, handle, attempt=1)
        reports[handle] = content_signals(await adapter.fetch(request, _ignore), NOW)
    brand = reports["demo.brand"].promotional_share.value
    authentic = reports["demo.authentic"].promotional_share.value
    assert brand is not None
    assert authentic is not None
    assert brand > 50 > 25 > authentic
    # A brand's calendar is steadier than a creator's posting.
    brand_cv = reports["demo.brand"].gap_regularity.value
    authentic_cv = reports["demo.authentic"].gap_regularity.value
    assert brand_cv is not None
    assert authentic_cv is not None
    assert brand_cv < authentic_cv
    # Selling its own products, the brand owes no endorsement disclosure.
    assert reports["demo.brand"].disclosure.undisclosed_posts.value == 0
