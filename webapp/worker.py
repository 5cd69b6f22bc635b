"""`python -m webapp worker`: runs jobs from the Redis queue (SAQ) — Scraping, Analysis,
Finalizing — and publishes their progress to every web process.

Each SAQ run of our job: heart-beats while it works; finds a job that already ended (its worker
died after finishing) and only announces it again; resumes a job a dead worker left processing
(that attempt counts); then runs it through the same `JobExecutor` as the embedded runner.
Upkeep, every `worker_sweep_seconds`: SAQ's own sweep (jobs of dead workers), re-queueing jobs
that are unfinished in our store but unknown to SAQ (a web process that died between storing
and enqueueing, a Redis restart between the two), and trimming expired ids from the indexes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from saq import Worker

from webapp.backend import open_executor, safe_url
from webapp.clock import Clock, SystemClock
from webapp.jobs.execution import JobExecutor
from webapp.jobs.job import Job
from webapp.jobs.redis_hub import RedisHub
from webapp.jobs.redis_store import RedisStore
from webapp.jobs.saq_queue import FUNCTION, SaqJobQueue, redis_queue
from webapp.jobs.store import StoreError
from webapp.jobs.tracker import JobTracker
from webapp.pipeline.scraping.adapter import Adapter
from webapp.settings import Settings
from webapp.webhooks.dispatcher import running_dispatcher

logger = logging.getLogger(__name__)

# How often a run whose store went away tries it again.
STORE_RETRY_SECONDS = 1.0


class _Worker(Worker[Any]):
    """SAQ's worker, whose upkeep loops (sweep, schedule, worker info) end at once on stop:
    SAQ's sleep out their timer first, so a stop took up to 10 s with no job running."""

    _upkeep: list[asyncio.Task[None]] | None = None

    async def upkeep(self) -> list[asyncio.Task[None]]:
        self._upkeep = await super().upkeep()
        return self._upkeep

    async def stop(self) -> None:
        for task in self._upkeep or ():
            task.cancel()
        await super().stop()


class AnalysisWorker:
    def __init__(
        self,
        *,
        store: RedisStore,
        tracker: JobTracker,
        executor: JobExecutor,
        queue: SaqJobQueue,
        clock: Clock,
        heartbeat_seconds: float,
    ) -> None:
        self._store = store
        self._tracker = tracker
        self._executor = executor
        self._queue = queue
        self._clock = clock
        self._beat_every = max(0.2, heartbeat_seconds / 3)
        self.runs = 0

    async def analyze(self, ctx: dict[str, Any], *, job_id: str) -> None:
        """SAQ's function: take the job to its end (or leave it for a re-run if we stop)."""
        self.runs += 1
        beat = asyncio.create_task(self._heartbeat(ctx["job"]), name=f"heartbeat-{job_id}")
        try:
            job = await self._read_when_back(job_id)
            if job is None:
                return  # expired while it waited
            if job.status.terminal:
                await self._tracker.announce(job_id)
                return
            interrupted_by = "worker stop"
            while True:
                try:
                    resumed = await self._executor.resume(job, interrupted_by=interrupted_by)
                    if resumed is not None:
                        await self._executor.run(resumed)
                except StoreError as exc:
                    logger.warning("Job %s paused: %s", job_id, exc)
                # A run ends unfinished only when the store failed (Redis went away): wait for
                # it and resume here. Ending the SAQ run instead would leave it marked active
                # for a sweep to find, one job at a time and seconds each.
                job = await self._read_when_back(job_id)
                if job is None or job.status.terminal:
                    return
                interrupted_by = "Redis outage"
                await asyncio.sleep(STORE_RETRY_SECONDS)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _read_when_back(self, job_id: str) -> Job | None:
        while True:
            try:
                return await self._store.get_job(job_id)
            except StoreError:
                await asyncio.sleep(STORE_RETRY_SECONDS)

    async def _heartbeat(self, saq_job: Any) -> None:
        while True:
            await asyncio.sleep(self._beat_every)
            try:
                await saq_job.update()
            except Exception as exc:
                logger.warning("Heartbeat of %s failed: %s", saq_job.key, exc)

    async def upkeep(self, seconds: float, stop: asyncio.Event) -> None:
        """Every `seconds` until `stop` is set. Ended by the event rather than cancelled: a
        cancellation landing inside a Redis call can be swallowed by the client library."""
        while not stop.is_set():
            try:
                await self.requeue_orphans()
                await self._store.delete_expired(self._clock.now())
                await self._store.delete_expired_batches(self._clock.now())
            except StoreError as exc:
                logger.warning("Upkeep skipped: %s", exc)
            except Exception:
                logger.exception("Upkeep failed; will try again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), seconds)

    async def requeue_orphans(self) -> int:
        """Enqueue every unfinished job; SAQ ignores the ones it already has (same key)."""
        jobs = await self._store.unfinished_jobs()
        for job in jobs:
            await self._queue.enqueue(job)
        return len(jobs)


@asynccontextmanager
async def running_worker(
    settings: Settings,
    *,
    concurrency: int | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    adapter: Adapter | None = None,
    handle_signals: bool = False,
    grace_seconds: int = 10,
) -> AsyncIterator[tuple[Worker[Any], AnalysisWorker]]:
    """A SAQ worker running in this event loop until the block ends. Tests run one in-process
    with a fake clock; `run_worker` runs one as a process."""
    if not settings.redis_url:
        raise ValueError("a worker needs WEBAPP_REDIS_URL")
    clock = clock if clock is not None else SystemClock()
    rng = rng if rng is not None else random.Random()
    store = RedisStore(settings.redis_url, ttl_seconds=settings.job_ttl_seconds)
    await store.open()
    hub = RedisHub(settings.redis_url, listen=False)
    queue = SaqJobQueue(
        redis_queue(settings.redis_url),
        max_attempts=settings.max_attempts,
        heartbeat_seconds=settings.worker_heartbeat_seconds,
    )
    try:
        await hub.start()
        dispatcher_running = running_dispatcher(settings, store=store, clock=clock)
        async with dispatcher_running as dispatcher:
            tracker = JobTracker(
                store=store,
                hub=hub,
                clock=clock,
                ttl_seconds=settings.job_ttl_seconds,
                cache=False,
                on_end=dispatcher.wake,
            )
            async with open_executor(
                settings, store=store, tracker=tracker, clock=clock, rng=rng, adapter=adapter
            ) as executor:
                analysis = AnalysisWorker(
                    store=store,
                    tracker=tracker,
                    executor=executor,
                    queue=queue,
                    clock=clock,
                    heartbeat_seconds=settings.worker_heartbeat_seconds,
                )
                sweep = max(1, round(settings.worker_sweep_seconds))
                worker: Worker[Any] = _Worker(
                    queue.queue,
                    functions=[(FUNCTION, analysis.analyze)],
                    concurrency=concurrency or settings.worker_concurrency,
                    timers={"sweep": sweep, "schedule": 1, "abort": 1, "worker_info": 10},
                    # On SIGTERM a run gets this long to finish before it is cut short (it then
                    # resumes on another worker).
                    shutdown_grace_period_s=grace_seconds,
                    cancellation_hard_deadline_s=2.0,
                    dequeue_timeout=1.0,
                )
                if not handle_signals:
                    worker.SIGNALS = []
                stop = asyncio.Event()
                upkeep = asyncio.create_task(analysis.upkeep(sweep, stop), name="worker-upkeep")
                running = asyncio.create_task(worker.start(), name="saq-worker")
                try:
                    yield worker, analysis
                finally:
                    stop.set()
                    await worker.stop()
                    # start() makes a fresh stop event when it begins: one that had not begun yet
                    # would wait on it for ever, so it is cancelled (it only waits there).
                    running.cancel()
                    await asyncio.gather(upkeep, running, return_exceptions=True)
    finally:
        await hub.close()
        await queue.close()
        await store.close()


async def run_worker(settings: Settings, *, concurrency: int | None = None) -> None:
    """Run until SIGTERM or SIGINT; a run cut short resumes on another worker."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with running_worker(settings, concurrency=concurrency) as (worker, _):
        logger.info(
            "Worker %s running up to %d jobs at a time from %s",
            worker.id,
            worker.concurrency,
            safe_url(settings.redis_url),
        )
        await stop.wait()
        logger.info("Worker %s stopping", worker.id)
