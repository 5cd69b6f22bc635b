"""What the HTML report shows, prepared from a ReportResponse: the first screen (verdict, vetoes
and red flags, the key figures, the growth chart), sections whose metrics that found nothing fold
into one line, and evidence joined with the posts it names.

The analysis grows new fields and metrics over time and old stored reports lack them, so every
lookup here tolerates a missing metric, section or benchmark: the page then leaves that part out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from markupsafe import Markup

from webapp.charts.report_charts import ReportCharts, charts_of
from webapp.links import web_link
from webapp.models import (
    BenchmarkBand,
    Evidence,
    Metric,
    PostRow,
    ReportResponse,
    ReportSection,
    SectionKey,
    SectionMetric,
    SubScore,
)

# Charts shown with each section, in order (fields of ReportCharts). The followers chart is on
# the first screen instead.
SECTION_CHARTS: dict[SectionKey, tuple[tuple[str, str], ...]] = {
    "engagement": (
        ("engagement", "Engagement rate per post against the tier's benchmark"),
        ("likes", "How likes spread across posts"),
    ),
    "content": (("cadence", "Posts per week, last 12 weeks"),),
}
GROWTH_CHART_TITLE = "Followers over time"

VERDICT_LABELS = {"recommended": "Recommended", "review": "Review first", "avoid": "Avoid"}

# What a section's sample sizes count, for the one-line summary of a family that found nothing.
SAMPLE_NOUNS: dict[SectionKey, str] = {
    "engagement": "posts",
    "audience": "sampled followers",
    "comments": "comments",
    "growth": "days",
    "content": "posts",
    "pricing": "posts",
}

# The first screen's figures: (section, metric key), first present wins.
ENGAGEMENT_KEYS = (("engagement", "position"), ("engagement", "rate_median"))
AUDIENCE_KEYS = (("audience", "fake_share"), ("audience", "quality_audience_share"))
GROWTH_KEYS = (("growth", "growth_30d_percent"),)

# The band's track runs from 0 to this much past the top of the band (or past the value), so
# the marker of an account far above the band still lands on the track.
TRACK_HEADROOM = 1.5

DASH = "\u2013"

# The posts table shows the newest this many; the JSON report and the CSV export hold them all
# (at most limits.MAX_POSTS). A page of 500 rows is ~0.5 MB and renders in tens of ms.
POSTS_SHOWN = 100


def metric_anchor(section: str, key: str) -> str:
    return f"m-{section}-{key.replace('.', '-')}"


def section_anchor(section: str) -> str:
    return f"section-{section}"


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    svg: Markup


@dataclass(frozen=True, slots=True)
class Figure:
    """One metric the first screen shows, with the anchor of its card further down."""

    section: str
    key: str
    metric: Metric

    @property
    def anchor(self) -> str:
        return metric_anchor(self.section, self.key)


@dataclass(frozen=True, slots=True)
class Band:
    """Where the median engagement sits on the tier's band: positions in percent of a track."""

    value: float
    benchmark: BenchmarkBand

    @property
    def top(self) -> float:
        return max(self.benchmark.high * TRACK_HEADROOM, self.value * 1.1, 0.01)

    def at(self, rate: float) -> float:
        return round(min(max(rate, 0.0), self.top) / self.top * 100, 1)

    @property
    def where(self) -> Literal["below", "within", "above"]:
        if self.value < self.benchmark.low:
            return "below"
        if self.value > self.benchmark.high:
            return "above"
        return "within"


@dataclass(frozen=True, slots=True)
class Summary:
    """The first screen's key figures; each None when the report lacks it."""

    engagement: Figure | None
    band: Band | None
    audience: Figure | None
    price_low: Figure | None
    price_high: Figure | None
    cost_per_viewer: Figure | None
    growth: Figure | None
    chart: Chart | None


@dataclass(frozen=True, slots=True)
class Folded:
    """Metrics of a section that all found nothing, shown as one line with the cards behind a
    toggle."""

    title: str
    text: str
    entries: list[SectionMetric]


@dataclass(frozen=True, slots=True)
class SectionView:
    section: ReportSection
    sub_scores: list[SubScore]  # the parts of the quality score this section shows
    charts: list[Chart]
    shown: list[SectionMetric]
    folded: list[Folded]

    @property
    def anchor(self) -> str:
        return section_anchor(self.section.key)


@dataclass(frozen=True, slots=True)
class ReportView:
    report: ReportResponse
    sections: list[SectionView]
    summary: Summary | None = None
    posts: dict[str, PostRow] = field(default_factory=dict)
    anchors: frozenset[str] = frozenset()

    def evidence_link(self, evidence: Evidence) -> str | None:
        """Where a piece of evidence can be seen: the post itself, when its link is known."""
        post = self.evidence_post(evidence)
        return web_link(post.url) if post is not None else None

    def evidence_post(self, evidence: Evidence) -> PostRow | None:
        """The post a piece of evidence names (date, caption, likes), when the report has it."""
        return self.posts.get(evidence.ref) if evidence.kind == "post" else None

    def link(self, section: str, metric: str | None) -> str | None:
        """The anchor a reason or flag points at: its metric's card, else its section."""
        if metric is not None and metric_anchor(section, metric) in self.anchors:
            return metric_anchor(section, metric)
        if section_anchor(section) in self.anchors:
            return section_anchor(section)
        return None

    @property
    def shown_posts(self) -> list[PostRow]:
        """The posts table's rows: the newest POSTS_SHOWN (the report lists posts newest first)."""
        return self.report.posts[:POSTS_SHOWN]

    @property
    def verdict_label(self) -> str | None:
        score = self.report.score
        if score is None:
            return None
        if score.vetoes:
            # A veto decides whatever the score: say which rule, next to the score.
            return f"Avoid: {score.vetoes[0].rule}"
        if score.verdict is None:
            return None
        return VERDICT_LABELS[score.verdict]

    @property
    def vetoed(self) -> bool:
        return self.report.score is not None and bool(self.report.score.vetoes)

    @staticmethod
    def interval_text(metric: Metric) -> str:
        """`95 % CI 12-26 %` in the metric's unit; empty without an interval."""
        if metric.interval is None:
            return ""
        low, high = metric.interval
        return f"95 % CI {_bound(low, metric.unit)}{DASH}{_bound(high, metric.unit, last=True)}"


def _bound(value: float, unit: str, *, last: bool = False) -> str:
    if unit == "percent":
        text = f"{value:.1f}".removesuffix(".0")
        return f"{text} %" if last else text
    if unit == "usd":
        return f"${value:,.2f}" if abs(value) < 10 else f"${value:,.0f}"
    if unit in ("count", "per_day"):
        return f"{value:,.0f}"
    if unit == "p_value":
        return f"{value:.3f}"
    return f"{value:.1f}".removesuffix(".0")


def report_view(report: ReportResponse) -> ReportView:
    charts: ReportCharts = charts_of(report)
    sub_scores = report.score.sub_scores if report.score else []
    summary = _summary(report, charts)
    pinned = _pinned(report, summary)
    sections = []
    for section in report.sections:
        shown, folded = _fold(section, pinned.get(section.key, set()))
        sections.append(
            SectionView(
                section=section,
                sub_scores=[sub for sub in sub_scores if sub.key == section.key],
                charts=[
                    Chart(title=title, svg=getattr(charts, name))
                    for name, title in SECTION_CHARTS.get(section.key, ())
                ],
                shown=shown,
                folded=folded,
            )
        )
    anchors = {section_anchor(s.key) for s in report.sections} | {
        metric_anchor(s.key, entry.key) for s in report.sections for entry in s.metrics
    }
    return ReportView(
        report=report,
        sections=sections,
        summary=summary,
        posts={post.id: post for post in report.posts},
        anchors=frozenset(anchors),
    )


def _find(report: ReportResponse, keys: Iterable[tuple[str, str]]) -> Figure | None:
    for section_key, metric_key in keys:
        for section in report.sections:
            if section.key != section_key:
                continue
            for entry in section.metrics:
                if entry.key == metric_key:
                    return Figure(section_key, metric_key, entry.metric)
    return None


def _summary(report: ReportResponse, charts: ReportCharts) -> Summary | None:
    if not report.sections:
        return None  # a report stored before the families: its first-cut metrics only
    engagement = _find(report, ENGAGEMENT_KEYS)
    band = None
    if (
        engagement is not None
        and report.benchmark is not None
        and engagement.metric.unit == "percent"
        and engagement.metric.value is not None
    ):
        band = Band(value=engagement.metric.value, benchmark=report.benchmark)
    return Summary(
        engagement=engagement,
        band=band,
        audience=_find(report, AUDIENCE_KEYS),
        price_low=_find(report, (("pricing", "price_low"),)),
        price_high=_find(report, (("pricing", "price_high"),)),
        cost_per_viewer=_find(report, (("pricing", "cost_per_genuine_viewer"),)),
        growth=_find(report, GROWTH_KEYS),
        chart=Chart(GROWTH_CHART_TITLE, charts.followers),
    )


def _pinned(report: ReportResponse, summary: Summary | None) -> dict[str, set[str]]:
    """Metrics something on the first screen points at: they never fold away."""
    pinned: dict[str, set[str]] = {}
    score = report.score
    if score is not None:
        pointers: list[tuple[str, str | None]] = [
            (item.section, item.metric) for item in (*score.reasons, *score.unmeasured)
        ]
        pointers += [(flag.section, flag.metric) for flag in (*score.vetoes, *score.red_flags)]
        for section, metric in pointers:
            if metric is not None:
                pinned.setdefault(section, set()).add(metric)
    if summary is not None:
        for figure in (
            summary.engagement,
            summary.audience,
            summary.price_low,
            summary.price_high,
            summary.cost_per_viewer,
            summary.growth,
        ):
            if figure is not None:
                pinned.setdefault(figure.section, set()).add(figure.key)
    return pinned


def _found_nothing(entry: SectionMetric, pinned: set[str]) -> bool:
    metric = entry.metric
    return metric.value == 0 and not metric.evidence and entry.key not in pinned


def _fold(section: ReportSection, pinned: set[str]) -> tuple[list[SectionMetric], list[Folded]]:
    """Split a section's metrics into those shown and groups that found nothing.

    A family (metrics whose keys share a `family.` prefix) whose every metric is 0 without
    evidence becomes one line; so do the section's other zero metrics, when there are two or
    more. A metric the first screen points at stays shown.
    """
    families: dict[str, list[SectionMetric]] = {}
    for entry in section.metrics:
        prefix, dot, _ = entry.key.partition(".")
        if dot:
            families.setdefault(prefix, []).append(entry)
    noun = SAMPLE_NOUNS[section.key]
    folded: list[Folded] = []
    gone: set[str] = set()
    for prefix, entries in families.items():
        if len(entries) < 2 or not all(_found_nothing(entry, pinned) for entry in entries):
            continue
        title, names = _family_names(prefix, entries)
        n = max(entry.metric.sample_size for entry in entries)
        folded.append(
            Folded(
                title=title,
                text=f"none found in {n:,} {noun} ({', '.join(names)})",
                entries=entries,
            )
        )
        gone.update(entry.key for entry in entries)
    loose = [
        entry
        for entry in section.metrics
        if entry.key not in gone and _found_nothing(entry, pinned)
    ]
    if len(loose) >= 2:
        folded.append(
            Folded(
                title="Zero in this sample",
                text=", ".join(entry.metric.label for entry in loose),
                entries=loose,
            )
        )
        gone.update(entry.key for entry in loose)
    return [entry for entry in section.metrics if entry.key not in gone], folded


def _family_names(prefix: str, entries: list[SectionMetric]) -> tuple[str, list[str]]:
    """A family's title and its members' short names: "Brand safety: adult" gives "Brand
    safety" and "adult"; labels without a shared "Title: " part keep their whole label."""
    heads = {entry.metric.label.partition(": ")[0] for entry in entries}
    if len(heads) == 1 and all(": " in entry.metric.label for entry in entries):
        return heads.pop(), [entry.metric.label.partition(": ")[2] for entry in entries]
    title = prefix.replace("_", " ").capitalize()
    return title, [entry.metric.label for entry in entries]
