"""Analysis: pure functions of a ScrapeResult (and stored history) that return report metrics."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from webapp.models import ReportMetrics, Snapshot
from webapp.pipeline.analysis.content import days_since_last_post, posts_per_week
from webapp.pipeline.analysis.engagement import (
    engagement_rate_by_views,
    engagement_rate_mean,
    engagement_rate_median,
    likes_comments_ratio,
)
from webapp.pipeline.scraping.result import ScrapeResult

__all__ = ["analyse"]


def analyse(result: ScrapeResult, history: Sequence[Snapshot], now: datetime) -> ReportMetrics:
    """All report metrics for one account.

    `history` (earlier snapshots of the same account) is not read yet; it is part of the
    signature so the growth module can be added without changing the callers.
    """
    return ReportMetrics(
        engagement_rate_median=engagement_rate_median(result, now),
        engagement_rate_mean=engagement_rate_mean(result, now),
        engagement_rate_by_views=engagement_rate_by_views(result, now),
        likes_comments_ratio=likes_comments_ratio(result, now),
        posts_per_week=posts_per_week(result, now),
        days_since_last_post=days_since_last_post(result, now),
    )
