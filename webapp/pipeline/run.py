"""One pipeline run: Scraping -> Analysis -> Finalizing for one account.

The run has no side effects of its own (it reads the adapter and the clock and returns values),
so the job runner can re-run it after a crash or a retry. Adapter errors (pipeline.errors)
propagate unchanged: deciding between retry and failure is the runner's job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from webapp.clock import Clock
from webapp.models import Phase, ReportResponse, Snapshot
from webapp.pipeline.analysis import analyse
from webapp.pipeline.finalizing import build_report, snapshot_of
from webapp.pipeline.scraping.adapter import Adapter, ScrapeRequest
from webapp.pipeline.scraping.result import ScrapeResult

logger = logging.getLogger(__name__)

# Phase, fraction in [0, 1] within that phase, one-line message.
PhaseProgress = Callable[[Phase, float, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PipelineOutput:
    report: ReportResponse
    snapshot: Snapshot


def analysing_message(result: ScrapeResult) -> str:
    return (
        f"Analysing {len(result.posts)} posts, {len(result.comments)} comments "
        f"and {len(result.follower_sample)} sampled followers"
    )


async def run_pipeline(
    *,
    job_id: str,
    request: ScrapeRequest,
    adapter: Adapter,
    history: Sequence[Snapshot],
    clock: Clock,
    progress: PhaseProgress,
) -> PipelineOutput:
    async def scraping(fraction: float, message: str) -> None:
        # Clamp so a sloppy adapter cannot push percent outside the Scraping band.
        await progress(Phase.SCRAPING, min(1.0, max(0.0, fraction)), message)

    result = await adapter.fetch(request, scraping)

    await progress(Phase.ANALYSIS, 0.0, analysing_message(result))
    # Analysis is CPU work; a thread keeps the event loop free for streams and other jobs.
    metrics = await asyncio.to_thread(analyse, result, history, clock.now())

    await progress(Phase.FINALIZING, 0.0, "Building the report")
    generated_at = clock.now()
    report = build_report(job_id=job_id, result=result, metrics=metrics, generated_at=generated_at)
    snapshot = snapshot_of(job_id=job_id, result=result, metrics=metrics, taken_at=generated_at)
    logger.debug("pipeline built the report of job %s from %s", job_id, result.source)
    return PipelineOutput(report=report, snapshot=snapshot)
