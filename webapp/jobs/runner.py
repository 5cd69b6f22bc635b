"""The embedded runner: jobs run in this process's task group with bounded concurrency (each one
through `JobExecutor`), unfinished jobs resume at start-up, and a sweeper expires old jobs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from types import TracebackType
from typing import Any

from webapp.clock import Clock
from webapp.jobs.execution import JobExecutor
from webapp.jobs.job import Job
from webapp.jobs.store import Store
from webapp.jobs.tracker import JobTracker

logger = logging.getLogger(__name__)


class JobRunner:
    def __init__(
        self,
        *,
        store: Store,
        tracker: JobTracker,
        executor: JobExecutor,
        clock: Clock,
        max_concurrency: int,
        sweep_interval_seconds: float,
    ) -> None:
        self._store = store
        self._tracker = tracker
        self._executor = executor
        self._clock = clock
        self._slots = asyncio.Semaphore(max_concurrency)
        self.max_attempts = executor.max_attempts
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
        self._spawn(self._executor.run(job, self._slots), name=f"job-{job.id}")

    async def enqueue(self, job: Job) -> None:
        self.start(job)

    async def waiting(self) -> int:
        return self._tracker.pending_count

    async def running(self) -> int:
        return self._tracker.active_count - self._tracker.pending_count

    async def recover(self) -> int:
        """Resume every job a previous process left pending or processing."""
        jobs = await self._store.unfinished_jobs()
        for job in jobs:
            resumed = await self._executor.resume(job, interrupted_by="server restart")
            if resumed is not None:
                self.start(resumed)
        if jobs:
            logger.info("Resumed %d unfinished jobs", len(jobs))
        return len(jobs)

    async def sweep(self) -> int:
        now = self._clock.now()
        expired = await self._store.delete_expired(now)
        self._tracker.forget(expired)
        if expired:
            logger.info("Deleted %d expired jobs", len(expired))
        batches = await self._store.delete_expired_batches(now)
        if batches:
            logger.info("Deleted %d expired batches", len(batches))
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
