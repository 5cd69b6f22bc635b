"""Every signal family of one account, computed together (off the event loop), and turned into
the report's sections: one list of metrics per family, nested groups flattened."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel

from webapp.models import (
    BenchmarkBand,
    Metric,
    ReportMetrics,
    ReportSection,
    SectionKey,
    SectionMetric,
    Snapshot,
)
from webapp.pipeline.analysis.audience import AudienceReport, audience
from webapp.pipeline.analysis.comments import CommentReport, comment_signals
from webapp.pipeline.analysis.content import ContentReport, content_signals
from webapp.pipeline.analysis.engagement import EngagementPosition, EngagementReport, engagement
from webapp.pipeline.analysis.growth import GrowthReport, growth
from webapp.pipeline.analysis.pricing import PricingReport, pricing
from webapp.pipeline.analysis.promotion import Caption, Promotion, read_caption
from webapp.pipeline.analysis.sponsorship import promotions
from webapp.pipeline.scraping.result import Post, ScrapeResult

TITLES: dict[SectionKey, str] = {
    "engagement": "Engagement",
    "audience": "Audience authenticity",
    "comments": "Comments",
    "growth": "Growth",
    "content": "Content, cadence and sponsorship",
    "pricing": "Reach and price",
}


@dataclass(frozen=True, slots=True)
class Families:
    engagement: EngagementReport
    audience: AudienceReport
    comments: CommentReport
    growth: GrowthReport
    content: ContentReport
    pricing: PricingReport
    captions: list[Caption]  # each post's caption, read once, in the order of result.posts
    promotions: list[tuple[Post, Promotion]]  # what each caption says about money


def analyse_families(result: ScrapeResult, history: Sequence[Snapshot], now: datetime) -> Families:
    audience_report = audience(result)
    quality = audience_report.quality_audience_share.value
    captions = [read_caption(post) for post in result.posts]
    read = promotions(result, captions)
    engagement_report = engagement(result, now)
    return Families(
        engagement=engagement_report,
        audience=audience_report,
        comments=comment_signals(result),
        growth=growth(result, history, now),
        content=content_signals(result, now, read, captions),
        # The price follows the measured engagement and keeps only the genuine audience.
        pricing=pricing(
            result,
            engagement_report.position,
            authentic_share=None if quality is None else quality / 100,
            now=now,
        ),
        captions=captions,
        promotions=read,
    )


def metrics_of(families: Families) -> ReportMetrics:
    """The report's headline metrics (`analyse`), taken from the families instead of recomputed."""
    return ReportMetrics(
        engagement_rate_median=families.engagement.rate_median,
        engagement_rate_mean=families.engagement.rate_mean,
        engagement_rate_by_views=families.engagement.rate_by_views,
        likes_comments_ratio=families.engagement.likes_comments_ratio,
        posts_per_week=families.content.posts_per_week,
        days_since_last_post=families.content.days_since_last_post,
    )


def benchmark_of(families: Families) -> BenchmarkBand:
    position = families.engagement.position
    return BenchmarkBand(
        tier=position.tier.value,
        low=position.band_low,
        typical=position.band_typical,
        high=position.band_high,
        source=position.source,
    )


def sections_of(families: Families) -> list[ReportSection]:
    return [
        ReportSection(key=key, title=TITLES[key], metrics=_metrics(getattr(families, key)))
        for key in TITLES
    ]


def _metrics(report: BaseModel, prefix: str = "") -> list[SectionMetric]:
    found: list[SectionMetric] = []
    for name, value in report:
        key = f"{prefix}{name}"
        if isinstance(value, Metric):
            found.append(SectionMetric(key=key, metric=value))
        elif isinstance(value, EngagementPosition):
            found.append(SectionMetric(key=key, metric=_position_metric(value)))
        elif isinstance(value, BaseModel):
            found.extend(_metrics(value, prefix=f"{key}."))
    return found


def _position_metric(position: EngagementPosition) -> Metric:
    """The benchmark position, shown like any other metric."""
    return Metric(
        label=f"Against the {position.tier.value} tier's benchmark",
        value=position.rate,
        unit="percent",
        explanation=position.explanation,
        formula=(
            f"median engagement vs the {position.platform.label} {position.tier.value} band "
            f"{position.band_low}-{position.band_high} % (typical {position.band_typical} %; "
            f"{position.source}); tiers: {position.tier_bands}"
        ),
        sample_size=1 if position.rate is not None else 0,
    )
