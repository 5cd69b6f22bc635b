"""Cadence and recency metrics against hand-computed expectations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.content import days_since_last_post, posts_per_week
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
