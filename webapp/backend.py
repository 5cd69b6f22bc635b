"""The job backend a process runs on, assembled in one place from the settings.

* Embedded (the default): a SQLite file, an in-process hub and runner; this process runs jobs.
* Redis (`WEBAPP_REDIS_URL`): the web side of a cluster. Jobs, reports and events live in Redis,
  this process only enqueues (SAQ), and `python -m webapp worker` processes run the jobs
  (`webapp.worker`).
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from webapp.batches.service import BatchService
from webapp.clock import Clock
from webapp.jobs.execution import JobExecutor
from webapp.jobs.hub import Hub, JobEvent, LocalHub, event_of
from webapp.jobs.redis_hub import RedisHub
from webapp.jobs.redis_store import RedisStore
from webapp.jobs.runner import JobRunner
from webapp.jobs.saq_queue import SaqJobQueue, redis_queue
from webapp.jobs.service import JobService
from webapp.jobs.sqlite import SQLiteStore
from webapp.jobs.store import Store
from webapp.jobs.tracker import JobTracker
from webapp.pipeline.scraping.adapter import Adapter
from webapp.pipeline.scraping.http import HttpClient, HttpSettings, make_client
from webapp.pipeline.scraping.router import make_router
from webapp.pipeline.workers import make_workers
from webapp.settings import Settings
from webapp.webhooks.dispatcher import running_dispatcher


@dataclass(frozen=True, slots=True)
class Backend:
    service: JobService
    hub: Hub
    description: str
    batches: BatchService


@asynccontextmanager
async def open_backend(
    settings: Settings,
    *,
    clock: Clock,
    rng: random.Random,
    adapter: Adapter | None,
    hub: LocalHub,
) -> AsyncIterator[Backend]:
    """Open the backend the settings name; `hub` is this process's own fan-out."""
    opener = _redis_web if settings.redis_url else _embedded
    async with opener(settings, clock=clock, rng=rng, adapter=adapter, hub=hub) as backend:
        yield backend


@asynccontextmanager
async def open_executor(
    settings: Settings,
    *,
    store: Store,
    tracker: JobTracker,
    clock: Clock,
    rng: random.Random,
    adapter: Adapter | None,
) -> AsyncIterator[JobExecutor]:
    """What running jobs needs: the platform adapters with their HTTP client, and the
    analysis worker pool."""
    http_settings = HttpSettings()
    http_client = make_client(http_settings)
    http = HttpClient(http_client, http_settings, sleep=clock.sleep, rng=rng, now=clock.now)
    scraper = adapter if adapter is not None else make_router(settings, http, clock)
    workers = make_workers(settings.analysis_processes)
    try:
        await workers.start()
        yield JobExecutor(
            store=store,
            tracker=tracker,
            adapter=scraper,
            workers=workers,
            clock=clock,
            rng=rng,
            max_attempts=settings.max_attempts,
            retry_base_seconds=settings.retry_base_seconds,
            retry_max_seconds=settings.retry_max_seconds,
        )
    finally:
        await workers.close()
        await http_client.aclose()


@asynccontextmanager
async def _embedded(
    settings: Settings,
    *,
    clock: Clock,
    rng: random.Random,
    adapter: Adapter | None,
    hub: LocalHub,
) -> AsyncIterator[Backend]:
    store = SQLiteStore(settings.database)
    await store.open()
    try:
        async with running_dispatcher(settings, store=store, clock=clock) as dispatcher:
            tracker = JobTracker(
                store=store,
                hub=hub,
                clock=clock,
                ttl_seconds=settings.job_ttl_seconds,
                on_end=dispatcher.wake,
            )
            async with (
                open_executor(
                    settings, store=store, tracker=tracker, clock=clock, rng=rng, adapter=adapter
                ) as executor,
                JobRunner(
                    store=store,
                    tracker=tracker,
                    executor=executor,
                    clock=clock,
                    max_concurrency=settings.max_concurrency,
                    sweep_interval_seconds=settings.sweep_interval_seconds,
                ) as runner,
            ):
                await runner.sweep()
                await runner.recover()
                service = JobService(
                    store=store,
                    tracker=tracker,
                    queue=runner,
                    hub=hub,
                    clock=clock,
                    max_queued=settings.max_queued,
                    on_webhook=dispatcher.wake,
                )
                batches = BatchService(
                    jobs=service, store=store, clock=clock, ttl_seconds=settings.job_ttl_seconds
                )
                yield Backend(service, hub, f"SQLite database {settings.database}", batches)
    finally:
        await store.close()


@asynccontextmanager
async def _redis_web(
    settings: Settings,
    *,
    clock: Clock,
    rng: random.Random,
    adapter: Adapter | None,
    hub: LocalHub,
) -> AsyncIterator[Backend]:
    store = RedisStore(settings.redis_url, ttl_seconds=settings.job_ttl_seconds)
    await store.open()
    queue = SaqJobQueue(
        redis_queue(settings.redis_url),
        max_attempts=settings.max_attempts,
        heartbeat_seconds=settings.worker_heartbeat_seconds,
    )

    async def resync(job_ids: list[str], everything: bool) -> list[JobEvent]:
        jobs = [job for job_id in job_ids if (job := await store.get_job(job_id)) is not None]
        if everything:
            jobs += await store.unfinished_jobs()
        return [event_of(job) for job in jobs]

    redis_hub = RedisHub(settings.redis_url, resync=resync, local=hub)
    try:
        await redis_hub.start()
        # Workers elsewhere change the jobs: nothing is cached here, every read asks Redis.
        tracker = JobTracker(
            store=store,
            hub=redis_hub,
            clock=clock,
            ttl_seconds=settings.job_ttl_seconds,
            cache=False,
        )
        service = JobService(
            store=store,
            tracker=tracker,
            queue=queue,
            hub=redis_hub,
            clock=clock,
            max_queued=settings.max_queued,
        )
        batches = BatchService(
            jobs=service, store=store, clock=clock, ttl_seconds=settings.job_ttl_seconds
        )
        yield Backend(service, redis_hub, f"Redis at {safe_url(settings.redis_url)}", batches)
    finally:
        await redis_hub.close()
        await queue.close()
        await store.close()


def safe_url(url: str) -> str:
    """The URL without its password, for logs."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    return f"{scheme}://{'***@' if at and credentials else ''}{host}"
