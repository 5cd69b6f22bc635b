"""One pipeline run: Scraping -> Analysis -> Finalizing for one account.

The run has no side effects of its own (it reads the adapter and the clock and returns values),
so the job runner can re-run it after a crash or a retry. Adapter errors (pipeline.errors)
propagate unchanged: deciding between retry and failure is the runner's job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from webapp.clock import Clock
from webapp.models import Phase, Snapshot
from webapp.pipeline.report import ReportOutput, analyse_and_report
from webapp.pipeline.scraping.adapter import Adapter, ScrapeRequest
from webapp.pipeline.scraping.limits import within_limits
from webapp.pipeline.scraping.result import ScrapeResult
from webapp.pipeline.workers import Workers

logger = logging.getLogger(__name__)

# Phase, fraction in [0, 1] within that phase, one-line message.
PhaseProgress = Callable[[Phase, float, str], Awaitable[None]]


def analysing_message(result: ScrapeResult) -> str:
    return (
        f"Analysing {len(result.posts)} posts, {len(result.comments)} comments "
        f"and {len(result.follower_sample)} sampled followers"
    )


def _bounded_json(fetched: ScrapeResult) -> tuple[ScrapeResult, str]:
    result = within_limits(fetched)
    return result, result.model_dump_json()


async def run_pipeline(
    *,
    job_id: str,
    request: ScrapeRequest,
    adapter: Adapter,
    history: Sequence[Snapshot],
    clock: Clock,
    progress: PhaseProgress,
    workers: Workers,
) -> ReportOutput:
    async def scraping(fraction: float, message: str) -> None:
        # Clamp so a sloppy adapter cannot push percent outside the Scraping band.
        await progress(Phase.SCRAPING, min(1.0, max(0.0, fraction)), message)

    fetched = await adapter.fetch(request, scraping)
    # Whatever a source returned, the analysis reads no more than limits.py allows (a no-op for
    # every adapter's usual output; uploads were cut when they arrived). Writing a few MB of
    # JSON for the worker is CPU work too: all of it off the event loop.
    result, result_json = await asyncio.to_thread(_bounded_json, fetched)

    await progress(Phase.ANALYSIS, 0.0, analysing_message(result))
    # Analysis and report building are CPU work: off the event loop, in a worker process.
    output = await workers.run(analyse_and_report, job_id, result_json, list(history), clock.now())
    await progress(Phase.FINALIZING, 0.0, "Saving the report")
    logger.debug("pipeline built the report of job %s from %s", job_id, result.source)
    return output
