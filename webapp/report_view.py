"""What the HTML report shows, prepared from a ReportResponse: sections with their sub-score and
charts, anchors for the verdict's reasons, and links from evidence to the posts it names."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from webapp.charts.report_charts import ReportCharts, charts_of
from webapp.models import Evidence, ReportResponse, ReportSection, SectionKey, SubScore

# Charts shown with each section, in order (fields of ReportCharts).
SECTION_CHARTS: dict[SectionKey, tuple[tuple[str, str], ...]] = {
    "engagement": (
        ("engagement", "Engagement rate per post against the tier's benchmark"),
        ("likes", "How likes spread across posts"),
    ),
    "growth": (("followers", "Followers over time"),),
    "content": (("cadence", "Posts per week, last 12 weeks"),),
}

VERDICT_LABELS = {"recommended": "Recommended", "review": "Review first", "avoid": "Avoid"}


def metric_anchor(section: str, key: str) -> str:
    return f"m-{section}-{key.replace('.', '-')}"


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    svg: Markup


@dataclass(frozen=True, slots=True)
class SectionView:
    section: ReportSection
    sub_scores: list[SubScore]  # the parts of the quality score this section shows
    charts: list[Chart]

    @property
    def anchor(self) -> str:
        return f"section-{self.section.key}"


@dataclass(frozen=True, slots=True)
class ReportView:
    report: ReportResponse
    sections: list[SectionView]
    post_urls: dict[str, str] = field(default_factory=dict)

    def evidence_link(self, evidence: Evidence) -> str | None:
        """Where a piece of evidence can be seen: the post itself, when its link is known."""
        if evidence.kind != "post":
            return None
        return self.post_urls.get(evidence.ref) or None

    @property
    def verdict_label(self) -> str | None:
        score = self.report.score
        if score is None or score.verdict is None:
            return None
        return VERDICT_LABELS[score.verdict]


def report_view(report: ReportResponse) -> ReportView:
    charts: ReportCharts = charts_of(report)
    sub_scores = report.score.sub_scores if report.score else []
    sections = [
        SectionView(
            section=section,
            sub_scores=[sub for sub in sub_scores if sub.key == section.key],
            charts=[
                Chart(title=title, svg=getattr(charts, name))
                for name, title in SECTION_CHARTS.get(section.key, ())
            ],
        )
        for section in report.sections
    ]
    return ReportView(
        report=report,
        sections=sections,
        post_urls={post.id: post.url for post in report.posts if post.url},
    )
