"""Two to four reports side by side: the same headline figures of each, with the better one
marked where "better" means something.

Each figure says which way is better (`higher` or `lower`, or None: not a quality, such as size
or price per post) and marks the best value only when at least two reports measured it, the
best is not tied, and the values are comparable (the same unit: a cost per person reached on
Instagram is not a cost per view on TikTok). For a share estimated from a sample, the mark says
when the best one's 95 % interval overlaps the runner-up's: the difference may be noise.

Every lookup tolerates a missing section, metric or benchmark (reports stored by older
analyses): the figure then reads "not measured" for that report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

from webapp.handles import shown_handle
from webapp.models import Flag, Metric, Platform, ReportResponse, Verdict
from webapp.report_view import DASH, ReportView
from webapp.templating import metric_value

MIN_REPORTS = 2
MAX_REPORTS = 4
NOT_MEASURED = "not measured"

Better = Literal["higher", "lower"]

PRICE_METHOD = (
    "Price per genuine viewer = the usual price of a post for an account this size / the "
    "genuine viewers a post gets, where genuine viewers = reach x the genuine share of the "
    "audience. It is the report's own pricing figure (section Pricing, 'Cost per genuine "
    "viewer'): on Instagram reach is people reached (followers x the tier's reach share x "
    "engagement against the tier's typical rate) and the usual price is followers x reach share "
    "x 1.2 impressions per person at the middle CPM; on TikTok and YouTube reach is the median "
    "views per post (plays, so it is a cost per genuine view) and the usual price is views at "
    "the middle CPM. The genuine share is the audience's quality share from the follower "
    "sample; when the sample could not be measured the report counts everyone as genuine, and "
    "the comparison leaves such a value unmarked. Lower is better: each genuine viewer costs "
    "less."
)

_VERDICT_RANK: dict[Verdict, int] = {"avoid": 0, "review": 1, "recommended": 2}


class ComparedAccount(BaseModel):
    """One compared report: who, its score and verdict, and the rules that fired."""

    job_id: str
    handle: str = Field(description="The handle as people read it (@name)")
    platform: Platform
    display_name: str
    is_demo: bool = Field(description="True when the figures are synthetic demo data")
    source: str
    generated_at: str
    followers: int
    tier: str | None = Field(description="The follower tier of the engagement benchmark")
    score: float | None = Field(description="Quality score 0-100")
    verdict: Verdict | None
    verdict_label: str = Field(description="The verdict as the report words it")
    vetoed: bool = Field(description="A veto makes the verdict avoid whatever the score")
    vetoes: list[Flag]
    red_flags: list[Flag]
    report_url: str
    history_url: str


class ComparedValue(BaseModel):
    """One report's value of one figure."""

    job_id: str
    value: float | None = Field(description="The number compared; None when not measured")
    text: str = Field(description="The value as the page shows it")
    interval: tuple[float, float] | None = Field(
        default=None, description="95 % confidence interval of a value estimated from a sample"
    )
    range: tuple[float, float] | None = Field(
        default=None, description="Low and high end when the figure is a range (fair price)"
    )
    note: str | None = Field(default=None, description="What qualifies the value")
    best: bool = Field(default=False, description="The better value of this figure")


class ComparedFigure(BaseModel):
    key: str
    group: str = Field(description="The report section the figure comes from")
    label: str
    better: Better | None = Field(description="Which way is better; None: not a quality")
    rule: str = Field(description="What 'better' means for this figure, or why none is marked")
    marked: bool = Field(description="True when one value is marked best")
    unmarked_reason: str | None = Field(
        default=None, description="Why no value is marked, when the figure has a direction"
    )
    clear: bool | None = Field(
        default=None,
        description=(
            "For a marked value with an interval: False when its 95 % interval overlaps the "
            "runner-up's (the difference may be noise)"
        ),
    )
    values: list[ComparedValue]


class ComparisonResponse(BaseModel):
    accounts: list[ComparedAccount]
    figures: list[ComparedFigure]
    any_demo: bool = Field(description="True when any compared report is synthetic demo data")
    price_method: str = Field(description="How the price per genuine viewer is worked out")


# --- the figures ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cell:
    value: float | None
    text: str
    interval: tuple[float, float] | None = None
    range: tuple[float, float] | None = None
    note: str | None = None
    eligible: bool = True  # may be marked best (a vetoed score, a spiky growth may not)
    kind: str = ""  # values of different kinds are not comparable


def _missing(note: str | None = None) -> _Cell:
    return _Cell(None, NOT_MEASURED, note=note)


def _metric(report: ReportResponse, section: str, key: str) -> Metric | None:
    for candidate in report.sections:
        if candidate.key == section:
            for entry in candidate.metrics:
                if entry.key == key:
                    return entry.metric
    return None


def _from_metric(report: ReportResponse, section: str, key: str) -> _Cell:
    metric = _metric(report, section, key)
    if metric is None:
        return _missing()
    if metric.value is None:
        return _missing(metric.explanation)
    return _Cell(metric.value, metric_value(metric), interval=metric.interval)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _score(report: ReportResponse) -> _Cell:
    score = report.score
    if score is None or score.value is None:
        return _missing("No score: not enough data")
    text = f"{round(score.value)}/100"
    if score.vetoes:
        return _Cell(score.value, text, note="overruled by a veto", eligible=False)
    return _Cell(score.value, text)


def _verdict(report: ReportResponse, view: ReportView) -> _Cell:
    score = report.score
    label = view.verdict_label
    if score is None or label is None:
        return _missing("No verdict: not enough data")
    verdict: Verdict = "avoid" if score.vetoes else (score.verdict or "review")
    return _Cell(_VERDICT_RANK[verdict], label)


def _vetoes(report: ReportResponse) -> _Cell:
    if report.score is None:
        return _missing()
    n = len(report.score.vetoes)
    return _Cell(n, "none" if n == 0 else _count(n, "veto"))


def _red_flags(report: ReportResponse) -> _Cell:
    if report.score is None:
        return _missing()
    n = len(report.score.red_flags)
    return _Cell(n, "none" if n == 0 else _count(n, "red flag"))


def _followers(report: ReportResponse) -> _Cell:
    tier = report.benchmark.tier if report.benchmark else None
    return _Cell(report.profile.followers, f"{report.profile.followers:,}", note=tier)


def _engagement(report: ReportResponse) -> _Cell:
    """Median engagement against the tier's typical rate: accounts of different sizes (and
    platforms) are compared on where they sit in their own band, not on raw rates."""
    metric = _metric(report, "engagement", "position") or _metric(
        report, "engagement", "rate_median"
    )
    band = report.benchmark
    if metric is None or metric.value is None:
        return _missing(metric.explanation if metric else None)
    if band is None or band.typical <= 0 or metric.unit != "percent":
        return _Cell(
            None,
            metric_value(metric),
            note="no benchmark band: not compared",
        )
    ratio = metric.value / band.typical
    where = "below" if metric.value < band.low else "above" if metric.value > band.high else "in"
    return _Cell(
        round(ratio, 2),
        f"{metric_value(metric)} · {ratio:.1f}x typical",
        note=f"{where} the {band.tier} band {band.low:g}{DASH}{band.high:g} % (typical "
        f"{band.typical:g} %)",
    )


def _growth(report: ReportResponse) -> _Cell:
    cell = _from_metric(report, "growth", "growth_30d_percent")
    spikes = _metric(report, "growth", "spikes")
    if cell.value is not None and spikes is not None and (spikes.value or 0) > 0:
        return _Cell(
            cell.value,
            cell.text,
            note="has follower spikes: not counted as better",
            eligible=False,
        )
    return cell


def _comments(report: ReportResponse) -> _Cell:
    score = report.score
    part = None
    if score is not None:
        part = next((sub for sub in score.sub_scores if sub.key == "comments"), None)
    if part is None or part.value is None:
        return _missing(part.explanation if part else None)
    return _Cell(part.value, f"{round(part.value)}/100", note=part.explanation)


def _fair_price(report: ReportResponse) -> _Cell:
    low = _metric(report, "pricing", "price_low")
    high = _metric(report, "pricing", "price_high")
    if low is None or high is None or low.value is None or high.value is None:
        return _missing(low.explanation if low is not None and low.value is None else None)
    return _Cell(
        low.value,
        f"{metric_value(low)}{DASH}{metric_value(high)}",
        range=(low.value, high.value),
    )


def _price_per_genuine_viewer(report: ReportResponse) -> _Cell:
    metric = _metric(report, "pricing", "cost_per_genuine_viewer")
    if metric is None:
        return _missing()
    if metric.value is None:
        return _missing(metric.explanation)
    per_view = report.platform in (Platform.TIKTOK, Platform.YOUTUBE)
    text = f"{metric_value(metric)} per genuine {'view' if per_view else 'person reached'}"
    share = _metric(report, "audience", "quality_audience_share")
    if share is None or share.value is None:
        return _Cell(
            metric.value,
            text,
            note="audience not measured: everyone counted as genuine",
            eligible=False,
            kind="view" if per_view else "person",
        )
    return _Cell(metric.value, text, kind="view" if per_view else "person")


@dataclass(frozen=True, slots=True)
class _Figure:
    key: str
    group: str
    label: str
    better: Better | None
    rule: str
    cell: Callable[[ReportResponse, ReportView], _Cell]


FIGURES: tuple[_Figure, ...] = (
    _Figure(
        "score",
        "Verdict",
        "Quality score",
        "higher",
        "Higher is better; a score overruled by a veto is never marked.",
        lambda r, v: _score(r),
    ),
    _Figure(
        "verdict",
        "Verdict",
        "Verdict",
        "higher",
        "Recommended is better than review first, which is better than avoid.",
        _verdict,
    ),
    _Figure(
        "vetoes",
        "Verdict",
        "Vetoes",
        "lower",
        "Fewer is better: each veto means avoid, whatever the score.",
        lambda r, v: _vetoes(r),
    ),
    _Figure(
        "red_flags",
        "Verdict",
        "Red flags",
        "lower",
        "Fewer is better: each red flag needs a look before paying.",
        lambda r, v: _red_flags(r),
    ),
    _Figure(
        "followers",
        "Profile",
        "Followers",
        None,
        "Not marked: size is a choice, not a quality.",
        lambda r, v: _followers(r),
    ),
    _Figure(
        "engagement",
        "Engagement",
        "Engagement vs its band",
        "higher",
        "Higher is better: median engagement divided by the typical rate of the account's "
        "tier, so accounts of different sizes compare fairly.",
        lambda r, v: _engagement(r),
    ),
    _Figure(
        "genuine_share",
        "Audience",
        "Genuine audience",
        "higher",
        "Higher is better: the share of sampled followers who are real people or influencers.",
        lambda r, v: _from_metric(r, "audience", "quality_audience_share"),
    ),
    _Figure(
        "fake_share",
        "Audience",
        "Fake followers",
        "lower",
        "Lower is better: the estimated share of fake accounts among followers.",
        lambda r, v: _from_metric(r, "audience", "fake_share"),
    ),
    _Figure(
        "comments",
        "Comments",
        "Comment authenticity",
        "higher",
        "Higher is better: the comments part of the score (pods, suspicious commenters and "
        "generic praise lower it).",
        lambda r, v: _comments(r),
    ),
    _Figure(
        "generic_comments",
        "Comments",
        "Generic comments",
        "lower",
        "Lower is better: the share of comments that are generic praise or emoji only.",
        lambda r, v: _from_metric(r, "comments", "generic_share"),
    ),
    _Figure(
        "growth",
        "Growth",
        "Follower growth, 30 days",
        "higher",
        "Higher is better, for accounts without follower spikes (bought followers arrive in "
        "spikes, so spiky growth is never marked).",
        lambda r, v: _growth(r),
    ),
    _Figure(
        "spikes",
        "Growth",
        "Follower spikes",
        "lower",
        "Fewer is better: days with a sudden, unusual gain of followers.",
        lambda r, v: _from_metric(r, "growth", "spikes"),
    ),
    _Figure(
        "sponsored_share",
        "Content",
        "Sponsored posts",
        "lower",
        "Lower is better: a feed with fewer ads leaves more attention for yours.",
        lambda r, v: _from_metric(r, "content", "sponsored_share"),
    ),
    _Figure(
        "undisclosed",
        "Content",
        "Undisclosed paid posts",
        "lower",
        "Fewer is better: paid-looking posts without a clear disclosure.",
        lambda r, v: _from_metric(r, "content", "disclosure.undisclosed_posts"),
    ),
    _Figure(
        "fair_price",
        "Pricing",
        "Fair price per post",
        None,
        "Not marked: the price follows reach; compare the price per genuine viewer instead.",
        lambda r, v: _fair_price(r),
    ),
    _Figure(
        "price_per_genuine_viewer",
        "Pricing",
        "Price per genuine viewer",
        "lower",
        "Lower is better: what each genuine viewer costs at the usual price.",
        lambda r, v: _price_per_genuine_viewer(r),
    ),
)


def _mark(figure: _Figure, cells: Sequence[_Cell]) -> tuple[int | None, str | None, bool | None]:
    """(index of the best cell, why none is marked, whether the best is clear of the
    runner-up's interval)."""
    if figure.better is None:
        return None, None, None
    measured = [(i, cell) for i, cell in enumerate(cells) if cell.value is not None]
    candidates = [(i, cell) for i, cell in measured if cell.eligible]
    if len(candidates) < 2:
        if len(measured) < 2:
            return None, "Measured in fewer than two of these reports.", None
        return None, "Fewer than two of these values can be compared (see the notes).", None
    if len({cell.kind for _, cell in candidates}) > 1:
        return (
            None,
            "Not comparable: a cost per person reached (Instagram) and a cost per view "
            "(TikTok, YouTube) are different units.",
            None,
        )
    sign = 1.0 if figure.better == "higher" else -1.0
    ordered = sorted(candidates, key=lambda item: sign * (item[1].value or 0.0), reverse=True)
    (best_index, best), (_, runner_up) = ordered[0], ordered[1]
    # Values that read the same (a score of 85.2 and one of 84.9 both show 85) are a tie.
    if best.value == runner_up.value or best.text == runner_up.text:
        return None, "Tied: no value is better.", None
    clear = None
    if best.interval is not None and runner_up.interval is not None:
        clear = best.interval[1] < runner_up.interval[0] or runner_up.interval[1] < best.interval[0]
    return best_index, None, clear


def _account(report: ReportResponse, view: ReportView) -> ComparedAccount:
    score = report.score
    return ComparedAccount(
        job_id=report.job_id,
        handle=shown_handle(report.handle, report.platform),
        platform=report.platform,
        display_name=report.profile.display_name,
        is_demo=report.is_demo,
        source=report.source,
        generated_at=report.generated_at,
        followers=report.profile.followers,
        tier=report.benchmark.tier if report.benchmark else None,
        score=score.value if score else None,
        verdict=score.verdict if score else None,
        verdict_label=view.verdict_label or "No verdict: not enough data",
        vetoed=view.vetoed,
        vetoes=list(score.vetoes) if score else [],
        red_flags=list(score.red_flags) if score else [],
        report_url=f"/reports/{report.job_id}",
        history_url=f"/accounts/{report.platform.value}/{report.handle}",
    )


def compare(reports: Sequence[ReportResponse]) -> ComparisonResponse:
    # Only the verdict's wording is needed from the view: no charts, no sections.
    views = [ReportView(report=report, sections=[]) for report in reports]
    figures = []
    for figure in FIGURES:
        cells = [figure.cell(report, view) for report, view in zip(reports, views, strict=True)]
        best, reason, clear = _mark(figure, cells)
        figures.append(
            ComparedFigure(
                key=figure.key,
                group=figure.group,
                label=figure.label,
                better=figure.better,
                rule=figure.rule,
                marked=best is not None,
                unmarked_reason=reason,
                clear=clear,
                values=[
                    ComparedValue(
                        job_id=report.job_id,
                        value=cell.value,
                        text=cell.text,
                        interval=cell.interval,
                        range=cell.range,
                        note=cell.note,
                        best=index == best,
                    )
                    for index, (report, cell) in enumerate(zip(reports, cells, strict=True))
                ],
            )
        )
    return ComparisonResponse(
        accounts=[_account(report, view) for report, view in zip(reports, views, strict=True)],
        figures=figures,
        any_demo=any(report.is_demo for report in reports),
        price_method=PRICE_METHOD,
    )
