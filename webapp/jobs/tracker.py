"""The one place a job's state changes: write the store, then update memory, then publish.

Each change has a name and is keyed by job id: `create`, `start`/`progress`, `retry`, `fail`,
`complete`. All of them go through one private write, which refuses to touch a finished job, so
a job ends exactly once whoever (a runner, a recovering process, a second worker) tries again.

With `cache` on (one process runs everything), active jobs and a bounded set of recently
finished ones are kept in memory, so status polls cost no query. With it off (web processes in
front of Redis, where workers elsewhere change the jobs), every read goes to the store.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from webapp.clock import Clock
from webapp.jobs.hub import Hub, event_of
from webapp.jobs.job import Job
from webapp.jobs.store import Store
from webapp.models import PHASE_BANDS, ErrorCode, JobStatus, Phase
from webapp.pipeline.report import ReportOutput

logger = logging.getLogger(__name__)

_PHASE_ORDER = {phase: index for index, phase in enumerate(Phase)}


class InvalidTransition(Exception):
    """A caller tried to change a finished (or unknown) job."""


class JobTracker:
    def __init__(
        self,
        *,
        store: Store,
        hub: Hub,
        clock: Clock,
        ttl_seconds: float,
        cache: bool = True,
        recent_limit: int = 10_000,
        on_end: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._hub = hub
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        self._cache = cache
        self._active: dict[str, Job] = {}
        self._pending: set[str] = set()
        self._recent: OrderedDict[str, Job] = OrderedDict()
        self._recent_limit = recent_limit
        self._on_end = on_end  # told after a job ended here (the webhook dispatcher)

    # -- reads --------------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        """The job if this process knows it (active or recently finished); None means 'ask
        the store'."""
        return self._active.get(job_id) or self._recent.get(job_id)

    async def current(self, job_id: str) -> Job | None:
        """The job's newest state: from memory when this process has it, else the store."""
        return self.get(job_id) or await self._store.get_job(job_id)

    async def unfinished(self) -> list[Job]:
        """Every pending or processing job: from memory, or the store when not caching."""
        if self._cache:
            return list(self._active.values())
        return await self._store.unfinished_jobs()

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def active_count(self) -> int:
        return len(self._active)

    def mark_webhooks(self, job_id: str) -> None:
        """The store flagged the job `has_webhooks`: flag the copy in memory too."""
        for jobs in (self._active, self._recent):
            job = jobs.get(job_id)
            if job is not None and not job.has_webhooks:
                jobs[job_id] = dataclasses.replace(job, has_webhooks=True)

    def forget(self, job_ids: list[str]) -> None:
        """Drop finished jobs from memory once the sweeper deleted them."""
        for job_id in job_ids:
            self._recent.pop(job_id, None)

    # -- named changes ------------------------------------------------------------------------

    async def create(
        self, job: Job, *, refresh: bool, upload_json: str | None = None, allowed: bool = True
    ) -> Job | None:
        """Store `job` unless its account already has one to share (see `Store.claim`); return
        the job the caller gets: `job` itself when created, the shared one otherwise, None when
        a new one was needed but not `allowed` (the queue is full)."""
        claimed = await self._store.claim(
            job, refresh=refresh, now=self._clock.now(), upload_json=upload_json, create=allowed
        )
        if claimed is not None and claimed.id == job.id:
            self._remember(job)
            await self._publish(job)
        return claimed

    def adopt(self, job: Job) -> None:
        """Keep a stored pending job in memory, unchanged (a process resuming it)."""
        self._remember(job)

    async def progress(self, job_id: str, phase: Phase, fraction: float, message: str) -> Job:
        """The job is running and has got this far in `phase` (0..1 of the phase's band).

        Within an attempt progress only moves forward, whatever a caller reports. The first
        report also marks the job processing: one event, not 'started' and 'fetching'."""
        current = await self._require(job_id)
        low, high = PHASE_BANDS[phase]
        percent = low + int(max(0.0, min(1.0, fraction)) * (high - low))
        if _PHASE_ORDER[phase] < _PHASE_ORDER[current.phase]:
            phase = current.phase
        return await self._write(
            current,
            status=JobStatus.PROCESSING,
            phase=phase,
            percent=max(percent, current.percent),
            message=message,
        )

    async def retry(self, job_id: str, *, message: str, error_message: str | None) -> Job:
        """The attempt ended and another will follow: back to pending, attempt + 1, progress
        back to the start. `error_message` says what went wrong (None keeps the last one)."""
        current = await self._require(job_id)
        return await self._write(
            current,
            status=JobStatus.PENDING,
            phase=Phase.SCRAPING,
            percent=0,
            attempt=current.attempt + 1,
            message=message,
            error_message=error_message or current.error_message,
        )

    async def fail(self, job_id: str, message: str, code: ErrorCode) -> Job:
        current = await self._require(job_id)
        now = self._clock.now()
        return await self._write(
            current,
            status=JobStatus.FAILED,
            message=message,
            error_message=message,
            error_code=code,
            completed_at=now,
            expires_at=now + self._ttl,
        )

    async def complete(self, job_id: str, report: ReportOutput) -> Job:
        current = await self._require(job_id)
        now = self._clock.now()
        return await self._write(
            current,
            report=report,
            status=JobStatus.COMPLETED,
            phase=Phase.FINALIZING,
            percent=100,
            message="Report ready",
            error_message=None,
            completed_at=now,
            expires_at=now + self._ttl,
            score=report.score,
            verdict=report.verdict,
            is_demo=report.is_demo,
            source=report.source,
        )

    async def announce(self, job_id: str) -> Job | None:
        """Publish the job's stored state again (a worker finding it already finished, in
        case the process that finished it died before publishing)."""
        job = await self._store.get_job(job_id)
        if job is not None:
            await self._publish(job)
        return job

    # -- the one write ------------------------------------------------------------------------

    async def _require(self, job_id: str) -> Job:
        job = self._active.get(job_id) or await self._store.get_job(job_id)
        if job is None:
            raise InvalidTransition(f"job {job_id} is not in the store")
        return job

    async def _write(
        self, current: Job, *, report: ReportOutput | None = None, **changes: Any
    ) -> Job:
        if current.status.terminal:
            raise InvalidTransition(f"job {current.id} already {current.status.value}")
        changed = dataclasses.replace(
            current, **changes, seq=current.seq + 1, updated_at=self._clock.now()
        )
        if report is not None:
            stored = await self._store.complete_job(changed, report.report_json, report.snapshot)
        else:
            stored = await self._store.save_job(changed)
        if not stored:
            # Another process finished (or moved on) the job since we read it: theirs stands.
            self._active.pop(current.id, None)
            raise InvalidTransition(f"job {current.id} was finished or changed elsewhere")
        self._remember(changed)
        await self._publish(changed)
        if changed.status.terminal and self._on_end is not None:
            self._on_end()
        return changed

    def _remember(self, job: Job) -> None:
        prior = self.get(job.id)
        if prior is not None and prior.has_webhooks and not job.has_webhooks:
            # Flagged while this change was being written (the store kept the flag).
            job = dataclasses.replace(job, has_webhooks=True)
        if job.status.terminal:
            self._active.pop(job.id, None)
            self._pending.discard(job.id)
            if self._cache:
                self._recent[job.id] = job
                self._recent.move_to_end(job.id)
                while len(self._recent) > self._recent_limit:
                    self._recent.popitem(last=False)
            return
        if not self._cache:
            return
        self._active[job.id] = job
        if job.status is JobStatus.PENDING:
            self._pending.add(job.id)
        else:
            self._pending.discard(job.id)

    async def _publish(self, job: Job) -> None:
        await self._hub.publish(event_of(job))
