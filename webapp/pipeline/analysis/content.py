"""Content signals: how often and how recently the account publishes."""

from __future__ import annotations

from datetime import datetime, timedelta

from webapp.models import Metric
from webapp.pipeline.scraping.result import ScrapeResult

CADENCE_WINDOW_DAYS = 90
MIN_CADENCE_POSTS = 2
# A truncated sample spanning less than a day would turn a burst of uploads into an absurd
# weekly rate; treat it as covering one day at least.
MIN_SPAN_DAYS = 1.0
_DAY = timedelta(days=1)


def posts_per_week(result: ScrapeResult, now: datetime) -> Metric:
    label = "Posts per week"
    posts = result.posts
    n = len(posts)
    if n < MIN_CADENCE_POSTS:
        return Metric(
            label=label,
            value=None,
            unit="posts_per_week",
            explanation=(
                f"Not enough data (n={n}): the cadence needs at least "
                f"{MIN_CADENCE_POSTS} posts with dates."
            ),
            formula=f"posts in the last {CADENCE_WINDOW_DAYS} days / ({CADENCE_WINDOW_DAYS} / 7)",
            sample_size=n,
        )
    cutoff = now - timedelta(days=CADENCE_WINDOW_DAYS)
    oldest = min(p.published_at for p in posts)
    truncated = oldest > cutoff and n < result.profile.post_count
    if truncated:
        # Only the newest posts were fetched and they do not reach back 90 days: counting them
        # over 90 days would understate the cadence, so use the span they actually cover.
        span_days = max(MIN_SPAN_DAYS, (now - oldest) / _DAY)
        value = n / (span_days / 7)
        return Metric(
            label=label,
            value=round(value, 2),
            unit="posts_per_week",
            explanation=(
                f"{value:.1f} posts per week over the {span_days:.0f} days the {n} fetched posts "
                f"cover (the account has {result.profile.post_count:,} posts; only the newest "
                "were fetched)."
            ),
            formula="fetched posts / (days since the oldest fetched post / 7)",
            sample_size=n,
        )
    in_window = sum(1 for p in posts if p.published_at >= cutoff)
    value = in_window / (CADENCE_WINDOW_DAYS / 7)
    return Metric(
        label=label,
        value=round(value, 2),
        unit="posts_per_week",
        explanation=(
            f"{value:.1f} posts per week: {in_window} posts in the last {CADENCE_WINDOW_DAYS} days."
        ),
        formula=f"posts in the last {CADENCE_WINDOW_DAYS} days / ({CADENCE_WINDOW_DAYS} / 7)",
        sample_size=in_window,
    )


def days_since_last_post(result: ScrapeResult, now: datetime) -> Metric:
    label = "Days since the last post"
    formula = "now - publication time of the newest post, in days"
    if not result.posts:
        return Metric(
            label=label,
            value=None,
            unit="days",
            explanation="Not enough data (n=0): no posts were fetched.",
            formula=formula,
            sample_size=0,
        )
    newest = max(p.published_at for p in result.posts)
    # A post stamped slightly in the future (clock skew at the platform) counts as just now.
    days = max(0.0, (now - newest) / _DAY)
    return Metric(
        label=label,
        value=round(days, 1),
        unit="days",
        explanation=f"Last post {days:.1f} days ago, on {newest:%Y-%m-%d}.",
        formula=formula,
        sample_size=1,
    )
