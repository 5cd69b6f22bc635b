"""Batches: many accounts at once, each line a job through `JobService.submit` (so dedup,
back-pressure and everything after are the jobs' own), recorded once as a `Batch`.

Capacity is checked before any job is created: a batch that needs more queue slots than are
free is refused whole (503 queue_full), so a marketer never gets half a batch by surprise.
A line can still be refused with `queue_full` when other submissions fill the queue while the
batch is being created (a race the check cannot close); the rest of the batch stands.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from pydantic import ValidationError

from webapp.batches.batch import Batch, BatchRow, LineError
from webapp.batches.models import RowSummary
from webapp.batches.state import BatchState
from webapp.batches.summary import summary_of
from webapp.clock import Clock
from webapp.errors import AppError, NotFound, NoValidRows, QueueFull
from webapp.handles import dedup_key
from webapp.jobs.hub import event_of
from webapp.jobs.job import Job, is_job_id
from webapp.jobs.service import JobService, Submission
from webapp.jobs.store import Store, StoreError
from webapp.jobs.stream import JobStream
from webapp.models import AnalyzeRequest, JobStatus, Platform, WebhookStatus

logger = logging.getLogger(__name__)

# Submissions in flight at once while a batch is created: enough for the store to commit them
# in groups, few enough that jobs start roughly in the order of their lines.
SUBMIT_CONCURRENCY = 32
# Summaries computed in one go beyond this run in a thread, so the loop keeps serving streams.
INLINE_SUMMARIES = 4


class BatchService:
    def __init__(self, *, jobs: JobService, store: Store, clock: Clock, ttl_seconds: float) -> None:
        self._jobs = jobs
        self._store = store
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        self._saving: set[asyncio.Task[None]] = set()  # cache writes not awaited by a stream

    def now(self) -> datetime:
        return self._clock.now()

    async def create(
        self, rows: list[BatchRow], *, refresh: bool, callback_url: str | None = None
    ) -> Batch:
        good = [row for row in rows if row.error is None]
        if not good:
            raise NoValidRows(
                "None of the lines is an account that can be analysed; fix them and send "
                "the batch again.",
                details=[_line_detail(row) for row in rows],
            )
        firsts: dict[str, BatchRow] = {}
        for row in good:
            firsts.setdefault(_key(row), row)
        free = await self._jobs.free_slots()
        if len(firsts) > free:
            raise QueueFull(
                f"This batch needs up to {len(firsts)} analyses, but only {free} more can wait "
                "right now, so nothing was started. Try again in a few minutes, or send a "
                "smaller batch.",
                details={"needed": len(firsts), "free": free},
                headers={"Retry-After": "30"},
            )
        slots = asyncio.Semaphore(SUBMIT_CONCURRENCY)

        async def submit(row: BatchRow) -> Submission | AppError:
            assert row.platform is not None
            assert row.handle is not None
            request = AnalyzeRequest(
                handle=row.handle, platform=Platform(row.platform), refresh=refresh
            )
            async with slots:
                try:
                    return await self._jobs.submit(request)
                except QueueFull as exc:  # filled by others since the check
                    return exc

        outcomes = dict(
            zip(firsts, await asyncio.gather(*(submit(r) for r in firsts.values())), strict=True)
        )
        built = [_with_outcome(row, firsts, outcomes) for row in rows]
        if not any(row.job_id for row in built):
            raise QueueFull(
                "The queue filled up while the batch was being created, so nothing was "
                "started. Try again in a few minutes.",
                headers={"Retry-After": "30"},
            )
        now = self._clock.now()
        batch = Batch(
            id=Batch.new_id(),
            created_at=now,
            expires_at=now + self._ttl,
            rows=tuple(built),
            callback_url=callback_url,
        )
        await self._store.save_batch(batch)
        if callback_url is not None:
            await self._jobs.subscribe("batch", batch.id, callback_url, None)
        logger.info(
            "Batch %s accepted: %d lines with jobs, %d rejected",
            batch.id,
            batch.accepted,
            batch.rejected,
        )
        return batch

    async def get(self, batch_id: str) -> Batch:
        batch = await self._store.get_batch(batch_id) if is_job_id(batch_id) else None
        if batch is None or batch.expires_at <= self._clock.now():
            raise NotFound(f"No batch {batch_id[:64]!r}. It may have expired; send it again.")
        return batch

    async def state(self, batch: Batch) -> BatchState:
        jobs = await self._jobs.live_jobs(batch.job_ids)
        completed = [job for job in jobs.values() if job.status is JobStatus.COMPLETED]
        return BatchState(
            batch,
            {job_id: event_of(job) for job_id, job in jobs.items()},
            await self.summaries(completed),
        )

    async def webhooks(self, batch: Batch) -> list[WebhookStatus]:
        if batch.callback_url is None:
            return []
        return await self._jobs.webhooks("batch", batch.id)

    async def open_stream(self, batch: Batch) -> JobStream:
        """One subscription for all the batch's jobs, until they all end."""
        return await self._jobs.open_live_stream(batch.job_ids)

    async def summary(self, job_id: str) -> RowSummary | None:
        """A completed job's summary (None once it has expired), for a live stream: the cache
        is written in the background, so the stream's next rows do not wait for a commit."""
        job = (await self._jobs.live_jobs([job_id])).get(job_id)
        if job is None or job.status is not JobStatus.COMPLETED:
            return None
        return (await self.summaries([job], wait_for_cache=False)).get(job_id)

    async def summaries(
        self, jobs: list[Job], *, wait_for_cache: bool = True
    ) -> dict[str, RowSummary]:
        """The completed jobs' summaries: cached ones, the rest computed from their reports
        (once: they are cached for the next reader)."""
        if not jobs:
            return {}
        found: dict[str, RowSummary] = {}
        for job_id, body in (await self._store.get_summaries([j.id for j in jobs])).items():
            # One cached by an older version may not validate: it is computed again below.
            with contextlib.suppress(ValidationError):
                found[job_id] = RowSummary.model_validate_json(body)
        reports: list[tuple[Job, str]] = []
        for job in jobs:
            if job.id not in found and (report := await self._store.get_report(job.id)):
                reports.append((job, report))
        if not reports:
            return found
        if len(reports) > INLINE_SUMMARIES:
            computed = await asyncio.to_thread(_summarise_all, reports)
        else:
            computed = _summarise_all(reports)
        save = self._save([(job, summary.model_dump_json()) for job, summary in computed])
        if wait_for_cache:
            await save
        else:
            task = asyncio.create_task(save)
            self._saving.add(task)
            task.add_done_callback(self._saving.discard)
        found.update((job.id, summary) for job, summary in computed)
        return found

    async def _save(self, summaries: list[tuple[Job, str]]) -> None:
        try:
            await self._store.save_summaries(summaries)
        except StoreError as exc:  # a cache: the next reader computes it again
            logger.warning("Caching %d row summaries failed: %s", len(summaries), exc)


def _summarise_all(reports: list[tuple[Job, str]]) -> list[tuple[Job, RowSummary]]:
    computed = []
    for job, body in reports:
        try:
            computed.append((job, summary_of(body)))
        except ValidationError:
            logger.exception("The report of job %s cannot be summarised", job.id)
    return computed


def _key(row: BatchRow) -> str:
    assert row.platform is not None
    assert row.handle is not None
    return dedup_key(Platform(row.platform), row.handle)


def _with_outcome(
    row: BatchRow, firsts: dict[str, BatchRow], outcomes: dict[str, Submission | AppError]
) -> BatchRow:
    if row.error is not None:
        return row
    key = _key(row)
    outcome = outcomes[key]
    if isinstance(outcome, AppError):
        return BatchRow(
            row.line,
            row.input,
            row.platform,
            row.handle,
            error=LineError(outcome.code, outcome.message),
        )
    shared = firsts[key] is not row or outcome.deduplicated
    return BatchRow(
        row.line, row.input, row.platform, row.handle, job_id=outcome.job.id, deduplicated=shared
    )


def _line_detail(row: BatchRow) -> dict[str, object]:
    return {
        "line": row.line,
        "input": row.input,
        "code": row.error.code if row.error else None,
        "message": row.error.message if row.error else None,
    }
