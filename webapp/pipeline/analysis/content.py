"""Content signals: how often, how regularly and how recently the account publishes, and what.

`content_signals` gathers the family: cadence from this module, hashtags and mentions (tags),
sponsored and promotional posts (sponsorship), the disclosure audit (disclosure) and
brand-safety keywords (brand_safety).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import pairwise
from operator import attrgetter, itemgetter
from statistics import fmean, pstdev

from pydantic import BaseModel, Field

from webapp.models import Evidence, Metric
from webapp.pipeline.analysis.brand_safety import BrandSafety, brand_safety
from webapp.pipeline.analysis.disclosure import DisclosureAudit, disclosure_audit
from webapp.pipeline.analysis.promotion import Caption, Promotion, read_caption
from webapp.pipeline.analysis.share import insufficient
from webapp.pipeline.analysis.sponsorship import (
    promotional_share,
    promotions,
    sponsored_engagement_ratio,
    sponsored_share,
)
from webapp.pipeline.analysis.tags import TagCount, top_hashtags, top_mentions
from webapp.pipeline.scraping.result import Post, ScrapeResult

CADENCE_WINDOW_DAYS = 90
MIN_CADENCE_POSTS = 2
# A truncated sample spanning less than a day would turn a burst of uploads into an absurd
# weekly rate; treat it as covering one day at least.
MIN_SPAN_DAYS = 1.0
_DAY = timedelta(days=1)
# Three gaps (four posts) is the least that can show a spread rather than one odd gap.
MIN_GAPS = 3
LONGEST_GAPS_SHOWN = 5
# How to read the coefficient of variation: a content calendar keeps gaps within half their
# mean; a creator posting when inspired lands near 1 (gaps spread like an exponential's);
# above that, bursts alternate with silences.
REGULAR_CV = 0.5
BURSTY_CV = 1.0


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


def _regularity_word(cv: float) -> str:
    if cv < REGULAR_CV:
        return "regular, like a content calendar"
    if cv <= BURSTY_CV:
        return "irregular, as for most creators"
    return "bursty: bursts of posts between long silences"


def gap_regularity(result: ScrapeResult) -> Metric:
    label = "Regularity of gaps between posts"
    formula = (
        "population stdev(gaps between consecutive posts) / mean(gaps) (coefficient of variation)"
    )
    ordered = sorted(result.posts, key=attrgetter("published_at"))
    gaps = [
        (later, (later.published_at - earlier.published_at) / _DAY)
        for earlier, later in pairwise(ordered)
    ]
    n = len(gaps)
    if n < MIN_GAPS:
        why = f"{len(ordered)} posts give {n} gaps; at least {MIN_GAPS} gaps are needed."
        return insufficient(label, "ratio", n, why, formula)
    days = [gap for _, gap in gaps]
    mean = fmean(days)
    if mean == 0:
        return insufficient(label, "ratio", n, "all posts share one publication time.", formula)
    cv = pstdev(days) / mean
    longest = sorted(gaps, key=itemgetter(1), reverse=True)[:LONGEST_GAPS_SHOWN]
    return Metric(
        label=label,
        value=round(cv, 2),
        unit="ratio",
        explanation=(
            f"Gaps vary by {cv:.2f} times their mean of {mean:.1f} days over {n} gaps "
            f"(longest {max(days):.1f} days): {_regularity_word(cv)}."
        ),
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(
                kind="post", ref=post.id, note=f"published {gap:.1f} days after the previous post"
            )
            for post, gap in longest
        ],
    )


class ContentReport(BaseModel):
    posts_per_week: Metric
    gap_regularity: Metric = Field(description="Coefficient of variation of gaps between posts")
    days_since_last_post: Metric
    top_hashtags: list[TagCount] = Field(description="Most used hashtags, by posts using them")
    top_mentions: list[TagCount] = Field(description="Most mentioned accounts, by posts")
    sponsored_share: Metric
    promotional_share: Metric
    sponsored_engagement_ratio: Metric
    disclosure: DisclosureAudit
    brand_safety: BrandSafety


def content_signals(
    result: ScrapeResult,
    now: datetime,
    read: list[tuple[Post, Promotion]] | None = None,
    captions: list[Caption] | None = None,
) -> ContentReport:
    """The content family. `captions` (each post's `read_caption`) and `read`
    (`promotions(result, captions)`) are passed when the caller has them already."""
    if captions is None:
        captions = [read_caption(post) for post in result.posts]
    if read is None:
        read = promotions(result, captions)
    return ContentReport(
        posts_per_week=posts_per_week(result, now),
        gap_regularity=gap_regularity(result),
        days_since_last_post=days_since_last_post(result, now),
        top_hashtags=top_hashtags(result),
        top_mentions=top_mentions(result),
        sponsored_share=sponsored_share(read),
        promotional_share=promotional_share(read),
        sponsored_engagement_ratio=sponsored_engagement_ratio(read),
        disclosure=disclosure_audit(read, result.profile.business),
        brand_safety=brand_safety(result.posts, captions),
    )
