"""analyse() and the report and snapshot builders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from webapp.models import Platform, ProfileFigures, ReportResponse
from webapp.pipeline.analysis import analyse
from webapp.pipeline.analysis.content import days_since_last_post, posts_per_week
from webapp.pipeline.analysis.engagement import (
    engagement_rate_by_views,
    engagement_rate_mean,
    engagement_rate_median,
    likes_comments_ratio,
)
from webapp.pipeline.finalizing import build_report, snapshot_of
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def scrape(source: str = "demo", likes: tuple[int, ...] = (10, 20, 30)) -> ScrapeResult:
    return ScrapeResult(
        platform=Platform.TIKTOK,
        profile=Profile(
            handle="creator",
            display_name="The Creator",
            verified=True,
            followers=1_000,
            following=150,
            post_count=320,
        ),
        posts=[
            Post(
                id=f"p{i}",
                published_at=NOW - timedelta(days=i + 1),
                kind="video",
                likes=n,
                comments=0,
                views=1_000,
            )
            for i, n in enumerate(likes)
        ],
        source=source,
        coverage=["Demo data: synthetic."],
    )


def test_analyse_combines_every_metric() -> None:
    result = scrape()
    metrics = analyse(result, [], NOW)
    assert metrics.engagement_rate_median == engagement_rate_median(result, NOW)
    assert metrics.engagement_rate_mean == engagement_rate_mean(result, NOW)
    assert metrics.engagement_rate_by_views == engagement_rate_by_views(result, NOW)
    assert metrics.likes_comments_ratio == likes_comments_ratio(result, NOW)
    assert metrics.posts_per_week == posts_per_week(result, NOW)
    assert metrics.days_since_last_post == days_since_last_post(result, NOW)
    assert metrics.engagement_rate_median.value == 2.0
    assert metrics.days_since_last_post.value == 1.0


def test_build_report() -> None:
    result = scrape()
    metrics = analyse(result, [], NOW)
    report = build_report(job_id="job-1", result=result, metrics=metrics, generated_at=NOW)
    assert report.job_id == "job-1"
    assert report.handle == "creator"
    assert report.platform is Platform.TIKTOK
    assert report.source == "demo"
    assert report.is_demo is True
    assert report.generated_at == "2026-05-10T12:00:00.000Z"
    assert report.profile == ProfileFigures(
        display_name="The Creator",
        followers=1_000,
        following=150,
        posts=320,
        verified=True,
        private=False,
    )
    assert report.metrics == metrics
    assert report.coverage == ["Demo data: synthetic."]
    assert report.coverage is not result.coverage
    # The report survives a JSON round trip, as the store will do with it.
    assert ReportResponse.model_validate_json(report.model_dump_json()) == report


def test_report_from_another_source_is_not_demo() -> None:
    result = scrape(source="upload")
    report = build_report(
        job_id="job-2", result=result, metrics=analyse(result, [], NOW), generated_at=NOW
    )
    assert report.source == "upload"
    assert report.is_demo is False


def test_snapshot_of() -> None:
    result = scrape()
    metrics = analyse(result, [], NOW)
    snapshot = snapshot_of(job_id="job-1", result=result, metrics=metrics, taken_at=NOW)
    assert snapshot.job_id == "job-1"
    assert snapshot.platform is Platform.TIKTOK
    assert snapshot.handle == "creator"
    assert snapshot.taken_at == NOW
    assert (snapshot.followers, snapshot.following, snapshot.posts) == (1_000, 150, 320)
    assert snapshot.engagement_rate == 2.0
    assert snapshot.source == "demo"


def test_snapshot_without_enough_data_has_no_engagement_rate() -> None:
    result = scrape(likes=(10, 20))
    metrics = analyse(result, [], NOW)
    snapshot = snapshot_of(job_id="job-3", result=result, metrics=metrics, taken_at=NOW)
    assert snapshot.engagement_rate is None
    assert snapshot.followers == 1_000
