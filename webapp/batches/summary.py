"""A completed job's row in a batch table, from its report: the figures the report's first
screen shows (score and verdict, engagement against the tier's band, the genuine audience,
the fair price). Computed once per job and cached by the store: a 500-row table then reads
500 small summaries instead of 500 reports of ~80 KB each."""

from __future__ import annotations

from webapp.batches.models import (
    AudienceSummary,
    BandData,
    EngagementSummary,
    PriceSummary,
    RowSummary,
)
from webapp.models import Metric, ReportResponse
from webapp.report_view import AUDIENCE_KEYS, ENGAGEMENT_KEYS, Band


def summary_of(report_json: str) -> RowSummary:
    return summarise(ReportResponse.model_validate_json(report_json))


def summarise(report: ReportResponse) -> RowSummary:
    score = report.score
    return RowSummary(
        score=score.value if score else None,
        verdict=score.verdict if score else None,
        veto=score.vetoes[0].rule if score and score.vetoes else None,
        is_demo=report.is_demo,
        source=report.source,
        followers=report.profile.followers,
        engagement=_engagement(report),
        audience=_audience(report),
        price=_price(report),
    )


def _metric(report: ReportResponse, section: str, key: str) -> Metric | None:
    for entry in next((s.metrics for s in report.sections if s.key == section), ()):
        if entry.key == key:
            return entry.metric
    return None


def _first(report: ReportResponse, keys: tuple[tuple[str, str], ...]) -> tuple[str, Metric] | None:
    for section, key in keys:
        metric = _metric(report, section, key)
        if metric is not None:
            return key, metric
    return None


def _engagement(report: ReportResponse) -> EngagementSummary | None:
    found = _first(report, ENGAGEMENT_KEYS)
    if found is None:
        # A report from before the sections: its first-cut median rate.
        rate = report.metrics.engagement_rate_median.value
    else:
        rate = found[1].value if found[1].unit == "percent" else None
    benchmark = report.benchmark
    band = (
        BandData(
            tier=benchmark.tier, low=benchmark.low, typical=benchmark.typical, high=benchmark.high
        )
        if benchmark is not None
        else None
    )
    position = (
        Band(value=rate, benchmark=benchmark).where
        if rate is not None and benchmark is not None
        else None
    )
    return EngagementSummary(rate=rate, band=band, position=position)


def _audience(report: ReportResponse) -> AudienceSummary | None:
    found = _first(report, AUDIENCE_KEYS)
    if found is None:
        return None
    key, metric = found
    if key == "fake_share":
        # Genuine = 100 - fake; the interval turns round with it.
        value = None if metric.value is None else round(100 - metric.value, 2)
        interval = (
            None
            if metric.interval is None
            else (round(100 - metric.interval[1], 2), round(100 - metric.interval[0], 2))
        )
        return AudienceSummary(genuine_share=value, interval=interval, metric=key)
    return AudienceSummary(genuine_share=metric.value, interval=metric.interval, metric=key)


def _price(report: ReportResponse) -> PriceSummary | None:
    low = _metric(report, "pricing", "price_low")
    high = _metric(report, "pricing", "price_high")
    per_viewer = _metric(report, "pricing", "cost_per_genuine_viewer")
    if low is None and high is None and per_viewer is None:
        return None
    return PriceSummary(
        low=low.value if low else None,
        high=high.value if high else None,
        cost_per_genuine_viewer=per_viewer.value if per_viewer else None,
    )
