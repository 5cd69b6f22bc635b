"""Runs jobs in a task group: bounded concurrency, one error boundary per job, retries with
backoff, recovery of unfinished jobs at start-up, and the sweeper that expires old jobs."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Coroutine
from types import TracebackType
from typing import Any

from webapp.backoff import backoff_delay
from webapp.clock import Clock
from webapp.jobs.job import Job
from webapp.jobs.store import Store
from webapp.jobs.tracker import JobTracker
from webapp.models import PHASE_BANDS, ErrorCode, JobStatus, Phase
from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.run import run_pipeline
from webapp.pipeline.scraping.adapter import Adapter, ScrapeRequest
from webapp.pipeline.scraping.upload import UploadAdapter
from webapp.pipeline.workers import Workers

logger = logging.getLogger(__name__)

UNEXPECTED = "An unexpected error in this app stopped the analysis"


def gave_up_message(job: Job, message: str, code: ErrorCode) -> str:
    """Why a job that kept failing transiently has failed: whose fault, and what to do.

    A platform that stayed unreachable says so and asks for patience, never for another handle:
    nothing was learnt about the account."""
    reason = message.rstrip(". ")
    tries = f"Gave up after {job.attempt} attempt{'' if job.attempt == 1 else 's'}"
    if code == "internal":
        return (
            f"{reason} (a fault on our side, not in the account or its handle). {tries}; "
            "the error is logged. Try again later."
        )
    platform = job.platform.label
    if code == "rate_limited":
        return (
            f"{platform} kept limiting our requests ({reason}). {tries}; try again later, "
            "when its rate limit has reset."
        )
    return (
        f"{platform} could not be reached ({reason}). {tries}; the platform may be down or "
        "blocking us, so try again in a few minutes."
    )


class JobRunner:
    def __init__(
        self,
        *,
        store: Store,
        tracker: JobTracker,
        adapter: Adapter,
        workers: Workers,
        clock: Clock,
        rng: random.Random,
        max_concurrency: int,
        max_attempts: int,
        retry_base_seconds: float,
        retry_max_seconds: float,
        sweep_interval_seconds: float,
    ) -> None:
        self._store = store
        self._tracker = tracker
        self._adapter = adapter
        self._workers = workers
        self._clock = clock
        self._rng = rng
        self._slots = asyncio.Semaphore(max_concurrency)
        self.max_attempts = max_attempts
        self._retry_base = retry_base_seconds
        self._retry_max = retry_max_seconds
        self._sweep_interval = sweep_interval_seconds
        self._group = asyncio.TaskGroup()
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> JobRunner:
        await self._group.__aenter__()
        self._spawn(self._sweep_forever(), name="job-sweeper")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Jobs cut short here stay 'processing' in the store and resume at the next start.
        for task in list(self._tasks):
            task.cancel()
        await self._group.__aexit__(exc_type, exc, traceback)

    def start(self, job: Job) -> None:
        self._spawn(self._run(job), name=f"job-{job.id}")

    async def recover(self) -> int:
        """Resume every job a previous process left pending or processing."""
        jobs = await self._store.unfinished_jobs()
        for job in jobs:
            if job.status is JobStatus.PROCESSING:
                if job.attempt >= self.max_attempts:
                    job = await self._tracker.track(job)
                    reason = (
                        f"The analysis was interrupted {job.attempt} times by server "
                        "restarts and was stopped. Start it again."
                    )
                    await self._tracker.transition(
                        job,
                        status=JobStatus.FAILED,
                        message=reason,
                        error_message=reason,
                        error_code="internal",
                    )
                    continue
                job.attempt += 1
                job.status = JobStatus.PENDING
                job.phase, job.percent = Phase.SCRAPING, 0
                job.message = "Resuming after a server restart"
            job.seq += 1
            job.updated_at = self._clock.now()
            self.start(await self._tracker.track(job))
        if jobs:
            logger.info("Resumed %d unfinished jobs", len(jobs))
        return len(jobs)

    async def sweep(self) -> int:
        expired = await self._store.delete_expired(self._clock.now())
        self._tracker.forget(expired)
        if expired:
            logger.info("Deleted %d expired jobs", len(expired))
        return len(expired)

    def _spawn(self, coroutine: Coroutine[Any, Any, None], *, name: str) -> None:
        task = self._group.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _sweep_forever(self) -> None:
        while True:
            await self._clock.sleep(self._sweep_interval)
            try:
                await self.sweep()
            except Exception:
                logger.exception("Sweeping expired jobs failed; will try again")

    async def _run(self, job: Job) -> None:
        try:
            while True:
                async with self._slots:
                    delay = await self._attempt(job)
                if delay is None:
                    return
                await self._clock.sleep(delay)
                job = self._tracker.get(job.id) or job
        except Exception:
            # Only a failing store gets here; the job stays unfinished and resumes at restart.
            logger.exception("Job %s stopped without a final state", job.id)

    async def _attempt(self, job: Job) -> float | None:
        """Run one attempt: the job's error boundary. Returns the delay before a retry."""
        try:

            async def progress(phase: Phase, fraction: float, message: str) -> None:
                # The first report of progress also marks the job processing: one event,
                # not "started" and "fetching" a millisecond apart.
                nonlocal job
                low, high = PHASE_BANDS[phase]
                percent = low + int(max(0.0, min(1.0, fraction)) * (high - low))
                job = await self._tracker.transition(
                    job, status=JobStatus.PROCESSING, phase=phase, percent=percent, message=message
                )

            history = await self._store.snapshots(job.platform, job.handle)
            output = await run_pipeline(
                job_id=job.id,
                request=ScrapeRequest(
                    platform=job.platform, handle=job.handle, attempt=job.attempt
                ),
                adapter=await self._adapter_for(job),
                history=history,
                clock=self._clock,
                progress=progress,
                workers=self._workers,
            )
            await self._tracker.transition(
                job, status=JobStatus.COMPLETED, message="Report ready", report=output
            )
            return None
        except PermanentError as exc:
            logger.info("Job %s failed (%s): %s", job.id, exc.code, exc.message)
            await self._fail(job, exc.message, exc.code)
            return None
        except TransientError as exc:
            return await self._retry_or_fail(job, exc.message, exc.code, exc.retry_after)
        except Exception:
            # A bug of ours (or a failing store): retried, since some are passing troubles.
            logger.exception("Job %s hit an unexpected error", job.id)
            return await self._retry_or_fail(job, UNEXPECTED, "internal", None)

    async def _adapter_for(self, job: Job) -> Adapter:
        # Read per attempt, not kept in memory: a resumed job finds its file in the store.
        if job.has_upload:
            return UploadAdapter(await self._store.get_upload(job.id))
        return self._adapter

    async def _retry_or_fail(
        self, job: Job, message: str, code: ErrorCode, retry_after: float | None
    ) -> float | None:
        job = self._tracker.get(job.id) or job
        if job.attempt >= self.max_attempts:
            await self._fail(job, gave_up_message(job, message, code), code)
            return None
        delay = backoff_delay(
            job.attempt,
            base=self._retry_base,
            cap=self._retry_max,
            rng=self._rng,
            retry_after=retry_after,
        )
        logger.info(
            "Job %s attempt %d failed (%s); retrying in %.1f s", job.id, job.attempt, message, delay
        )
        await self._tracker.transition(
            job,
            status=JobStatus.PENDING,
            phase=Phase.SCRAPING,
            percent=0,
            attempt=job.attempt + 1,
            error_message=message,
            message=f"Retrying in {delay:.0f} s (attempt {job.attempt + 1} of {self.max_attempts})",
        )
        return delay

    async def _fail(self, job: Job, message: str, code: ErrorCode) -> None:
        job = self._tracker.get(job.id) or job
        try:
            await self._tracker.transition(
                job,
                status=JobStatus.FAILED,
                message=message,
                error_message=message,
                error_code=code,
            )
        except Exception:
            # The store itself is failing: the job stays unfinished and resumes after a restart.
            logger.exception("Could not record the failure of job %s", job.id)
