"""Running one job to its end: each attempt inside its error boundary, retries with backoff, and
the resumption of a job that a stopped process left running. The embedded runner and the SAQ
worker both run jobs through this."""

from __future__ import annotations

import contextlib
import logging
import random
from contextlib import AbstractAsyncContextManager

from webapp.backoff import backoff_delay
from webapp.clock import Clock
from webapp.jobs.job import Job
from webapp.jobs.store import Store, StoreError
from webapp.jobs.tracker import InvalidTransition, JobTracker
from webapp.models import ErrorCode, JobStatus, Phase
from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.run import run_pipeline
from webapp.pipeline.scraping.adapter import Adapter, ScrapeRequest
from webapp.pipeline.scraping.upload import UploadAdapter
from webapp.pipeline.workers import Workers

logger = logging.getLogger(__name__)

UNEXPECTED = "An unexpected error in this app stopped the analysis"
STORE_FAILED = "The job store could not be used"


def internal_error_message() -> str:
    """Why a job hit by a bug of ours failed at once: not the account's fault, and not retried
    (the same code on the same data fails the same way)."""
    return (
        f"{UNEXPECTED} (a fault on our side, not in the account or its handle). The error is "
        "logged; try again later."
    )


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


class JobExecutor:
    def __init__(
        self,
        *,
        store: Store,
        tracker: JobTracker,
        adapter: Adapter,
        workers: Workers,
        clock: Clock,
        rng: random.Random,
        max_attempts: int,
        retry_base_seconds: float,
        retry_max_seconds: float,
    ) -> None:
        self._store = store
        self._tracker = tracker
        self._adapter = adapter
        self._workers = workers
        self._clock = clock
        self._rng = rng
        self.max_attempts = max_attempts
        self._retry_base = retry_base_seconds
        self._retry_max = retry_max_seconds

    async def resume(self, job: Job, *, interrupted_by: str) -> Job | None:
        """Take over a job another process left unfinished. A job it left processing had its
        attempt cut short: that attempt counts, and a job out of attempts fails. Returns the
        job to run, or None when there is nothing (more) to run."""
        if job.status.terminal:
            return None
        if job.status is JobStatus.PENDING:
            self._tracker.adopt(job)
            return job
        if job.attempt >= self.max_attempts:
            reason = (
                f"The analysis was interrupted {job.attempt} times by {interrupted_by}s and was "
                "stopped. Start it again."
            )
            await self._tracker.fail(job.id, reason, "internal")
            return None
        return await self._tracker.retry(
            job.id, message=f"Resuming after a {interrupted_by}", error_message=None
        )

    async def run(
        self,
        job: Job,
        slot: AbstractAsyncContextManager[object] | None = None,
    ) -> None:
        """Attempt the job until it completes, fails for good or runs out of attempts, holding
        `slot` (a concurrency limit) during each attempt but not between them."""
        try:
            while True:
                async with slot if slot is not None else contextlib.nullcontext():
                    delay = await self._attempt(job)
                if delay is None:
                    return
                await self._clock.sleep(delay)
                job = await self._tracker.current(job.id) or job
        except InvalidTransition as exc:
            # Another process finished (or the sweeper removed) the job: nothing left to do.
            logger.info("Job %s stopped here: %s", job.id, exc)
        except Exception:
            # Only a failing store gets here; the job stays unfinished and resumes later.
            logger.exception("Job %s stopped without a final state", job.id)

    async def _attempt(self, job: Job) -> float | None:
        """Run one attempt: the job's error boundary. Returns the delay before a retry."""
        try:

            async def progress(phase: Phase, fraction: float, message: str) -> None:
                await self._tracker.progress(job.id, phase, fraction, message)

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
            await self._tracker.complete(job.id, output)
            return None
        except InvalidTransition:
            raise
        except PermanentError as exc:
            logger.info("Job %s failed (%s): %s", job.id, exc.code, exc.message)
            await self._fail(job, exc.message, exc.code)
            return None
        except TransientError as exc:
            return await self._retry_or_fail(job, exc.message, exc.code, exc.retry_after)
        except StoreError as exc:
            # The store (a file, Redis) failing is a passing trouble: the attempt is retried.
            logger.warning("Job %s could not use the store: %s", job.id, exc)
            return await self._retry_or_fail(job, STORE_FAILED, "internal", None)
        except Exception:
            # A bug of ours: running the same code on the same data again would fail again.
            logger.exception("Job %s hit an unexpected error", job.id)
            await self._fail(job, internal_error_message(), "internal")
            return None

    async def _adapter_for(self, job: Job) -> Adapter:
        # Read per attempt, not kept in memory: a resumed job finds its file in the store.
        if job.has_upload:
            return UploadAdapter(await self._store.get_upload(job.id))
        return self._adapter

    async def _retry_or_fail(
        self, job: Job, message: str, code: ErrorCode, retry_after: float | None
    ) -> float | None:
        job = await self._tracker.current(job.id) or job
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
        await self._tracker.retry(
            job.id,
            error_message=message,
            message=f"Retrying in {delay:.0f} s (attempt {job.attempt + 1} of {self.max_attempts})",
        )
        return delay

    async def _fail(self, job: Job, message: str, code: ErrorCode) -> None:
        try:
            await self._tracker.fail(job.id, message, code)
        except InvalidTransition:
            raise
        except Exception:
            # The store itself is failing: the job stays unfinished and resumes later.
            logger.exception("Could not record the failure of job %s", job.id)
