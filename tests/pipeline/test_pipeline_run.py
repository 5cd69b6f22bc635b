"""run_pipeline: phase order, few progress writes, unchanged errors, repeatable output."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from webapp.models import Phase, Platform, ReportResponse
from webapp.pipeline.errors import TransientError
from webapp.pipeline.report import ReportOutput, full_report
from webapp.pipeline.run import run_pipeline
from webapp.pipeline.scraping.adapter import ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import Profile, ScrapeResult
from webapp.pipeline.workers import ProcessWorkers, ThreadWorkers, Workers

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
REQUEST = ScrapeRequest(platform=Platform.INSTAGRAM, handle="natgeo", attempt=1)


class FakeClock:
    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


class PhaseRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple[Phase, float, str]] = []

    async def __call__(self, phase: Phase, fraction: float, message: str) -> None:
        self.calls.append((phase, fraction, message))

    def percents(self) -> list[float]:
        return [low + (high - low) * f for phase, f, _ in self.calls for low, high in [phase.band]]


class FailingAdapter:
    """An adapter whose platform fails after the first step, with a given error."""

    name = "failing"

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        await progress(0.0, "Fetching the profile")
        raise self.error


class OvershootingAdapter:
    """A sloppy adapter that reports fractions outside [0, 1]."""

    name = "sloppy"

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        await progress(-0.5, "Starting")
        await progress(1.7, "Done")
        return ScrapeResult(
            platform=request.platform,
            profile=Profile(handle=request.handle, followers=10, post_count=0),
            source="sloppy",
        )


async def _ignore(fraction: float, message: str) -> None:
    return None


async def run(recorder: PhaseRecorder, workers: Workers | None = None) -> ReportOutput:
    return await run_pipeline(
        job_id="job-1",
        request=REQUEST,
        adapter=DemoAdapter(FakeClock(), 0.0),
        history=[],
        clock=FakeClock(),
        progress=recorder,
        workers=workers or ThreadWorkers(),
    )


def report_of(output: ReportOutput) -> ReportResponse:
    return ReportResponse.model_validate_json(output.report_json)


async def test_phases_run_in_order_with_few_progress_calls() -> None:
    posts = len((await DemoAdapter(FakeClock(), 0.0).fetch(REQUEST, _ignore)).posts)
    recorder = PhaseRecorder()
    output = await run(recorder)
    phases = [phase for phase, _, _ in recorder.calls]
    assert phases == [Phase.SCRAPING] * 4 + [Phase.ANALYSIS, Phase.FINALIZING]
    phase, fraction, message = recorder.calls[-2]
    assert (phase, fraction) == (Phase.ANALYSIS, 0.0)
    assert message.startswith(f"Analysing {posts} posts, ")
    assert recorder.calls[-1] == (Phase.FINALIZING, 0.0, "Saving the report")
    percents = recorder.percents()
    assert percents == sorted(percents)
    assert percents[4] == 30.0  # Analysis starts at the top of the Scraping band
    report = report_of(output)
    assert report.job_id == "job-1"
    assert report.handle == "natgeo"
    assert report.is_demo
    assert report.generated_at == "2026-05-10T12:00:00.000Z"
    assert report.score is not None
    assert report.score.verdict is not None
    assert [section.key for section in report.sections] == [
        "engagement",
        "audience",
        "comments",
        "growth",
        "content",
        "pricing",
    ]
    assert len(report.posts) == posts
    assert output.snapshot.job_id == "job-1"
    assert output.snapshot.engagement_rate == report.metrics.engagement_rate_median.value
    assert output.snapshot.taken_at == NOW


async def test_output_is_what_the_parts_build() -> None:
    result = await DemoAdapter(FakeClock(), 0.0).fetch(REQUEST, _ignore)
    expected = full_report("job-1", result, [], NOW)
    output = await run(PhaseRecorder())
    assert report_of(output) == expected


async def test_a_worker_process_builds_the_same_report_as_a_thread() -> None:
    workers = ProcessWorkers(1)
    try:
        in_process = await run(PhaseRecorder(), workers)
    finally:
        await workers.close()
    assert in_process == await run(PhaseRecorder())


async def test_a_rerun_gives_the_same_output() -> None:
    first_calls, second_calls = PhaseRecorder(), PhaseRecorder()
    first = await run(first_calls)
    second = await run(second_calls)
    assert first == second
    assert first_calls.calls == second_calls.calls


async def test_adapter_errors_propagate_unchanged() -> None:
    error = TransientError("Instagram rate-limited the request", retry_after=7.0)
    recorder = PhaseRecorder()
    with pytest.raises(TransientError) as caught:
        await run_pipeline(
            job_id="job-1",
            request=REQUEST,
            adapter=FailingAdapter(error),
            history=[],
            clock=FakeClock(),
            progress=recorder,
            workers=ThreadWorkers(),
        )
    assert caught.value is error
    assert [phase for phase, _, _ in recorder.calls] == [Phase.SCRAPING]


async def test_scraping_fractions_are_kept_within_the_phase() -> None:
    recorder = PhaseRecorder()
    output = await run_pipeline(
        job_id="job-1",
        request=REQUEST,
        adapter=OvershootingAdapter(),
        history=[],
        clock=FakeClock(),
        progress=recorder,
        workers=ThreadWorkers(),
    )
    assert [f for phase, f, _ in recorder.calls if phase is Phase.SCRAPING] == [0.0, 1.0]
    report = report_of(output)
    assert report.source == "sloppy"
    assert not report.is_demo
    assert report.metrics.engagement_rate_median.value is None
    assert report.posts == []
