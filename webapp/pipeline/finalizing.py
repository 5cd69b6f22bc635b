"""Finalizing: assembles the report and the account snapshot from the scrape and its metrics."""

from __future__ import annotations

from datetime import datetime

from webapp.clock import isoformat
from webapp.models import ProfileFigures, ReportMetrics, ReportResponse, Snapshot
from webapp.pipeline.scraping.result import ScrapeResult

DEMO_SOURCE = "demo"


def build_report(
    *, job_id: str, result: ScrapeResult, metrics: ReportMetrics, generated_at: datetime
) -> ReportResponse:
    profile = result.profile
    return ReportResponse(
        job_id=job_id,
        handle=profile.handle,
        platform=result.platform,
        source=result.source,
        is_demo=result.source == DEMO_SOURCE,
        generated_at=isoformat(generated_at),
        profile=ProfileFigures(
            display_name=profile.display_name,
            followers=profile.followers,
            following=profile.following,
            posts=profile.post_count,
            verified=profile.verified,
            private=profile.private,
        ),
        metrics=metrics,
        # A copy, so the report never shares a mutable list with the scrape result.
        coverage=list(result.coverage),
    )


def snapshot_of(
    *, job_id: str, result: ScrapeResult, metrics: ReportMetrics, taken_at: datetime
) -> Snapshot:
    profile = result.profile
    return Snapshot(
        job_id=job_id,
        platform=result.platform,
        handle=profile.handle,
        taken_at=taken_at,
        followers=profile.followers,
        following=profile.following,
        posts=profile.post_count,
        engagement_rate=metrics.engagement_rate_median.value,
        source=result.source,
    )
