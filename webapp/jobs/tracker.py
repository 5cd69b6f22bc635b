"""The one place a job's state changes: write the store, then update memory, then publish.

Active jobs (and a bounded set of recently finished ones) are kept in memory, so status polls
cost no query; the store stays the source of truth after a restart.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import OrderedDict
from datetime import timedelta

from webapp.clock import Clock, isoformat
from webapp.jobs.hub import Hub, JobEvent
from webapp.jobs.job import Job
from webapp.jobs.store import Store
from webapp.models import ErrorCode, JobStatus, Phase
from webapp.pipeline.report import ReportOutput

logger = logging.getLogger(__name__)

_PHASE_ORDER = {phase: index for index, phase in enumerate(Phase)}


class InvalidTransition(Exception):
    """A caller tried to change a finished job or move progress backwards."""


class JobTracker:
    def __init__(
        self,
        *,
        store: Store,
        hub: Hub,
        clock: Clock,
        ttl_seconds: float,
        recent_limit: int = 10_000,
    ) -> None:
        self._store = store
        self._hub = hub
        self._clock = clock
        self._ttl = timedelta(seconds=ttl_seconds)
        self._active: dict[str, Job] = {}
        self._active_by_key: dict[str, str] = {}
        self._pending: set[str] = set()
        self._recent: OrderedDict[str, Job] = OrderedDict()
        self._recent_limit = recent_limit

    # -- reads --------------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        """The job if it is active or recently finished; None means 'ask the store'."""
        return self._active.get(job_id) or self._recent.get(job_id)

    def active_for_key(self, dedup_key: str) -> Job | None:
        job_id = self._active_by_key.get(dedup_key)
        return self._active.get(job_id) if job_id else None

    def active_jobs(self) -> list[Job]:
        return list(self._active.values())

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def active_count(self) -> int:
        return len(self._active)

    def forget(self, job_ids: list[str]) -> None:
        """Drop finished jobs from memory once the sweeper deleted them."""
        for job_id in job_ids:
            self._recent.pop(job_id, None)

    # -- writes -------------------------------------------------------------------------------

    async def track(self, job: Job, *, upload_json: str | None = None) -> Job:
        """Record a new (or recovered) job, with its uploaded data if any, and announce it."""
        if upload_json is not None:
            await self._store.create_upload_job(job, upload_json)
        else:
            await self._store.save_job(job)
        self._remember(job)
        self._publish(job)
        return job

    async def transition(
        self,
        job: Job,
        *,
        status: JobStatus | None = None,
        phase: Phase | None = None,
        percent: int | None = None,
        message: str | None = None,
        attempt: int | None = None,
        error_message: str | None = None,
        error_code: ErrorCode | None = None,
        report: ReportOutput | None = None,
    ) -> Job:
        current = self._active.get(job.id, job)
        if current.status.terminal:
            raise InvalidTransition(f"job {job.id} already {current.status.value}")
        now = self._clock.now()
        new_attempt = attempt if attempt is not None else current.attempt
        same_attempt = new_attempt == current.attempt
        new_phase = phase if phase is not None else current.phase
        new_percent = current.percent if percent is None else max(0, min(100, percent))
        if same_attempt:
            # Within an attempt progress only moves forward, whatever a caller reports.
            if _PHASE_ORDER[new_phase] < _PHASE_ORDER[current.phase]:
                new_phase = current.phase
            new_percent = max(new_percent, current.percent)
        new_status = status if status is not None else current.status
        changed = dataclasses.replace(
            current,
            status=new_status,
            phase=new_phase,
            percent=new_percent,
            message=message if message is not None else current.message,
            attempt=new_attempt,
            seq=current.seq + 1,
            updated_at=now,
            error_message=error_message if error_message is not None else current.error_message,
        )
        if new_status.terminal:
            changed.completed_at = now
            changed.expires_at = now + self._ttl
        if new_status is JobStatus.FAILED:
            # Only a failure has a code (a retry's error_message says what went wrong); a
            # failure recorded without one can only be our own.
            changed.error_code = error_code or "internal"
        if new_status is JobStatus.COMPLETED:
            changed.phase, changed.percent, changed.error_message = Phase.FINALIZING, 100, None
            if report is None:
                raise InvalidTransition("a completed job needs its report and snapshot")
            changed.score, changed.verdict = report.score, report.verdict
            changed.is_demo = report.is_demo
            await self._store.complete_job(changed, report.report_json, report.snapshot)
        else:
            await self._store.save_job(changed)
        self._remember(changed)
        self._publish(changed)
        return changed

    def _remember(self, job: Job) -> None:
        if job.status.terminal:
            self._active.pop(job.id, None)
            if self._active_by_key.get(job.dedup_key) == job.id:
                del self._active_by_key[job.dedup_key]
            self._pending.discard(job.id)
            self._recent[job.id] = job
            self._recent.move_to_end(job.id)
            while len(self._recent) > self._recent_limit:
                self._recent.popitem(last=False)
            return
        self._active[job.id] = job
        self._active_by_key[job.dedup_key] = job.id
        if job.status is JobStatus.PENDING:
            self._pending.add(job.id)
        else:
            self._pending.discard(job.id)

    def _publish(self, job: Job) -> None:
        self._hub.publish(event_of(job))


def event_of(job: Job) -> JobEvent:
    return JobEvent(
        job_id=job.id,
        seq=job.seq,
        status=job.status,
        phase=job.phase,
        percent=job.percent,
        message=job.message,
        updated_at=isoformat(job.updated_at),
        error_message=job.error_message,
        error_code=job.error_code,
        score=job.score,
        verdict=job.verdict,
        is_demo=job.is_demo,
    )
