"""What "better" means per figure: the rules of webapp/comparison.py on real demo reports,
edited where a rule needs a particular case."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from webapp.comparison import NOT_MEASURED, ComparedFigure, ComparisonResponse, compare
from webapp.models import Flag, Metric, ReportResponse

from conftest import RunApp

Reports = Callable[..., list[ReportResponse]]


@pytest.fixture
async def reports(run_app: RunApp) -> list[ReportResponse]:
    """Two real demo reports of Instagram accounts."""
    found = []
    async with run_app() as app:
        for handle in ("demo.authentic", "demo.rising"):
            job_id = await app.submit(handle)
            await app.wait_for_status(job_id, "completed")
            body = (await app.client.get(f"/api/report/{job_id}")).text
            found.append(ReportResponse.model_validate_json(body))
    return found


def _metric(report: ReportResponse, section: str, key: str) -> Metric:
    for candidate in report.sections:
        if candidate.key == section:
            for entry in candidate.metrics:
                if entry.key == key:
                    return entry.metric
    raise AssertionError(f"no {section}.{key}")


def _set(
    report: ReportResponse, section: str, key: str, value: float | None, **more: object
) -> None:
    metric = _metric(report, section, key)
    metric.value = value
    for name, item in more.items():
        setattr(metric, name, item)


def _figure(result: ComparisonResponse, key: str) -> ComparedFigure:
    return next(figure for figure in result.figures if figure.key == key)


def _best(result: ComparisonResponse, key: str) -> list[int]:
    return [i for i, value in enumerate(_figure(result, key).values) if value.best]


def _copies(reports: list[ReportResponse]) -> list[ReportResponse]:
    return [report.model_copy(deep=True) for report in reports]


async def test_higher_and_lower_are_marked_by_the_figures_direction(
    reports: list[ReportResponse],
) -> None:
    a, b = _copies(reports)
    _set(a, "audience", "fake_share", 30.0, interval=(20.0, 40.0))
    _set(b, "audience", "fake_share", 2.0, interval=(0.0, 5.0))
    _set(a, "audience", "quality_audience_share", 60.0, interval=(50.0, 70.0))
    _set(b, "audience", "quality_audience_share", 95.0, interval=(85.0, 99.0))
    result = compare([a, b])
    assert _best(result, "fake_share") == [1], "lower is better"
    assert _best(result, "genuine_share") == [1], "higher is better"
    assert _figure(result, "fake_share").clear is True, "the intervals do not overlap"


async def test_overlapping_intervals_mark_the_best_as_within_the_margin(
    reports: list[ReportResponse],
) -> None:
    a, b = _copies(reports)
    _set(a, "audience", "quality_audience_share", 90.0, interval=(80.0, 96.0))
    _set(b, "audience", "quality_audience_share", 86.0, interval=(75.0, 93.0))
    figure = _figure(compare([a, b]), "genuine_share")
    assert [v.best for v in figure.values] == [True, False]
    assert figure.clear is False


async def test_a_tie_or_a_single_measurement_marks_nothing(reports: list[ReportResponse]) -> None:
    a, b = _copies(reports)
    _set(a, "content", "sponsored_share", 10.0)
    _set(b, "content", "sponsored_share", 10.0)
    _set(a, "comments", "generic_share", None)
    result = compare([a, b])
    sponsored = _figure(result, "sponsored_share")
    assert not sponsored.marked
    assert sponsored.unmarked_reason == "Tied: no value is better."
    generic = _figure(result, "generic_comments")
    assert not generic.marked
    assert generic.values[0].text == NOT_MEASURED
    assert "fewer than two" in (generic.unmarked_reason or "")


async def test_a_vetoed_score_and_spiky_growth_are_never_marked(
    reports: list[ReportResponse],
) -> None:
    a, b = _copies(reports)
    assert a.score is not None
    assert b.score is not None
    a.score.value, b.score.value = 95.0, 70.0
    a.score.vetoes = [
        Flag(rule="Fake followers over 40 %", text="52 %", section="audience", metric=None)
    ]
    _set(a, "growth", "growth_30d_percent", 40.0)
    _set(a, "growth", "spikes", 3.0)
    _set(b, "growth", "growth_30d_percent", 2.0)
    _set(b, "growth", "spikes", 0.0)
    result = compare([a, b])
    score = _figure(result, "score")
    assert not score.marked, "only one score is eligible"
    assert score.values[0].note == "overruled by a veto"
    assert _best(result, "vetoes") == [1]
    assert result.accounts[0].vetoed
    assert result.accounts[0].verdict_label.startswith("Avoid: Fake followers")
    assert _figure(result, "verdict").values[0].text.startswith("Avoid")
    assert _best(result, "verdict") == [1]
    growth = _figure(result, "growth")
    assert not growth.marked
    assert growth.values[0].note == "has follower spikes: not counted as better"


async def test_price_per_genuine_viewer_needs_a_measured_audience(
    reports: list[ReportResponse],
) -> None:
    a, b = _copies(reports)
    _set(a, "pricing", "cost_per_genuine_viewer", 0.01)
    _set(b, "pricing", "cost_per_genuine_viewer", 0.05)
    assert _best(compare([a, b]), "price_per_genuine_viewer") == [0], "lower is better"
    _set(a, "audience", "quality_audience_share", None)
    figure = _figure(compare([a, b]), "price_per_genuine_viewer")
    assert not figure.marked
    assert figure.values[0].note == "audience not measured: everyone counted as genuine"
    _set(b, "pricing", "cost_per_genuine_viewer", None)
    assert _figure(compare([a, b]), "price_per_genuine_viewer").values[1].text == NOT_MEASURED


async def test_engagement_is_compared_against_each_accounts_band(
    reports: list[ReportResponse],
) -> None:
    a, b = _copies(reports)
    assert a.benchmark is not None
    assert b.benchmark is not None
    # A lower raw rate that sits higher in its own (smaller-rate) band is the better one.
    a.benchmark.typical, a.benchmark.low, a.benchmark.high = 1.0, 0.4, 2.6
    b.benchmark.typical, b.benchmark.low, b.benchmark.high = 4.0, 1.5, 6.0
    _set(a, "engagement", "position", 2.0)
    _set(b, "engagement", "position", 3.0)
    figure = _figure(compare([a, b]), "engagement")
    assert [v.value for v in figure.values] == [2.0, 0.75]
    assert _best(compare([a, b]), "engagement") == [0]
    assert figure.values[1].note == f"in the {b.benchmark.tier} band 1.5\u20136 % (typical 4 %)"


async def test_a_report_from_before_the_families_reads_not_measured(
    reports: list[ReportResponse],
) -> None:
    a, b = _copies(reports)
    a.sections, a.score, a.benchmark = [], None, None
    result = compare([a, b])
    for figure in result.figures:
        if figure.key != "followers":
            assert figure.values[0].text == NOT_MEASURED, figure.key
            assert not figure.marked, figure.key
    assert result.accounts[0].verdict_label == "No verdict: not enough data"


async def test_values_that_read_the_same_are_a_tie(reports: list[ReportResponse]) -> None:
    a, b = _copies(reports)
    assert a.score is not None
    assert b.score is not None
    a.score.value, b.score.value = 85.2, 84.9
    score = _figure(compare([a, b]), "score")
    assert [v.text for v in score.values] == ["85/100", "85/100"]
    assert not score.marked
    assert score.unmarked_reason == "Tied: no value is better."
