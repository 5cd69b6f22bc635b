"""What the routes call, and all they call: submit with dedup and back-pressure, status, report,
live streams and health. Whatever the backend (SQLite in one process, or Redis shared by many),
the routes see only this."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from webapp.clock import Clock
from webapp.errors import JobFailed, JobNotFinished, NotFound, QueueFull
from webapp.handles import dedup_key, normalise_handle, upload_dedup_key
from webapp.jobs.hub import Hub, event_of
from webapp.jobs.job import Job, is_job_id
from webapp.jobs.job_filter import JobFilter
from webapp.jobs.queue import JobQueue
from webapp.jobs.store import Store, StoreError
from webapp.jobs.stream import JobStream
from webapp.jobs.tracker import JobTracker
from webapp.models import AnalyzeRequest, JobStatus, Platform, Snapshot, WebhookStatus
from webapp.pipeline.scraping.result import ScrapeResult
from webapp.pipeline.scraping.upload_parse import UploadRequest, parse_upload
from webapp.webhooks.payload import job_payload
from webapp.webhooks.record import Target, Webhook, WebhookState
from webapp.webhooks.status import statuses

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submission:
    job: Job
    deduplicated: bool


@dataclass(frozen=True, slots=True)
class Health:
    problem: str | None  # why the store cannot be used; None when it can
    running: int
    waiting: int
    subscribers: int


def _parsed(upload: UploadRequest, now: datetime) -> tuple[ScrapeResult, str]:
    result = parse_upload(upload, now)
    return result, result.model_dump_json()


class JobService:
    def __init__(
        self,
        *,
        store: Store,
        tracker: JobTracker,
        queue: JobQueue,
        hub: Hub,
        clock: Clock,
        max_queued: int,
        health_probe_seconds: float = 1.0,
        on_webhook: Callable[[], None] | None = None,
    ) -> None:
        self._store = store
        self._tracker = tracker
        self._queue = queue
        self._hub = hub
        self._clock = clock
        self._max_queued = max_queued
        # Single flight per account within this process: concurrent identical submissions wait
        # for the first. Across processes the store's claim is atomic on its own.
        self._submitting: dict[str, asyncio.Future[None]] = {}
        self._probe: asyncio.Future[str | None] | None = None
        self._probe_passed_at: datetime | None = None
        self._probe_lifetime = timedelta(seconds=health_probe_seconds)
        self._on_webhook = on_webhook  # this process's webhook dispatcher, if it has one

    async def submit(self, request: AnalyzeRequest) -> Submission:
        handle = normalise_handle(request.platform, request.handle)
        key = dedup_key(request.platform, handle)
        submission = await self._submit(request.platform, handle, key, refresh=request.refresh)
        if request.callback_url is not None:
            await self.subscribe("job", submission.job.id, request.callback_url, submission.job)
        return submission

    async def subscribe(self, target: Target, target_id: str, url: str, job: Job | None) -> None:
        """Call `url` back when the job or batch ends. A job that has ended already (a
        submission that joined a finished one) gets its callback at once."""
        now = self._clock.now()
        hook = Webhook.new(target, target_id, url, now)
        if job is not None and job.status.terminal:
            hook = dataclasses.replace(
                hook,
                state=WebhookState.PENDING,
                payload=job_payload(hook.id, job),
                next_attempt_at=now,
            )
        if not await self._store.add_webhook(hook):
            logger.warning("No webhook for %s %s: it is gone", target, target_id)
            return
        if target == "job":
            self._tracker.mark_webhooks(target_id)
        if self._on_webhook is not None:
            self._on_webhook()

    async def webhooks(self, target: Target, target_id: str) -> list[WebhookStatus]:
        return statuses(await self._store.webhooks_of(target, target_id))

    async def submit_upload(self, upload: UploadRequest) -> Submission:
        """Parse the file (a bad one raises before anything is stored), then submit its job."""
        # A 5 MiB file takes a while to parse; a thread keeps the loop serving streams.
        result, upload_json = await asyncio.to_thread(_parsed, upload, self._clock.now())
        # The digest is of the parsed result, not the raw bytes: it also covers the form's
        # handle and followers, so the same file with another follower count is a new job.
        digest = hashlib.sha256(upload_json.encode()).hexdigest()
        handle = result.profile.handle
        key = upload_dedup_key(upload.platform, handle, digest)
        return await self._submit(
            upload.platform, handle, key, refresh=upload.refresh, upload_json=upload_json
        )

    async def _submit(
        self,
        platform: Platform,
        handle: str,
        key: str,
        *,
        refresh: bool,
        upload_json: str | None = None,
    ) -> Submission:
        while (in_flight := self._submitting.get(key)) is not None:
            await asyncio.shield(in_flight)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._submitting[key] = done
        try:
            job = Job.new(
                platform=platform,
                handle=handle,
                dedup_key=key,
                now=self._clock.now(),
                has_upload=upload_json is not None,
            )
            waiting = await self._queue.waiting()
            # A running job is already a fresh run, so even `refresh` joins it.
            claimed = await self._tracker.create(
                job, refresh=refresh, upload_json=upload_json, allowed=waiting < self._max_queued
            )
            if claimed is None:
                raise QueueFull(
                    f"{waiting} analyses are already waiting; try again in a minute.",
                    headers={"Retry-After": "30"},
                )
            if claimed.id != job.id:
                return Submission(claimed, deduplicated=True)
            await self._queue.enqueue(job)
            logger.info("Job %s accepted for %s", job.id, key)
            return Submission(job, deduplicated=False)
        finally:
            del self._submitting[key]
            done.set_result(None)

    async def job(self, job_id: str) -> Job:
        """The job's current state; NotFound when unknown, malformed or expired."""
        # Memory first: an id found there is well formed, so only a miss pays for the check.
        job = self._tracker.get(job_id)
        if job is None and is_job_id(job_id):
            job = await self._store.get_job(job_id)
        if job is None or (job.expires_at is not None and job.expires_at <= self._clock.now()):
            raise NotFound(
                f"No job {job_id[:64]!r}. It may have expired; submit the account again."
            )
        return job

    async def status_json(self, job_id: str) -> bytes:
        """`status` as JSON. A job this process holds in memory (every active and recently
        finished one, on the embedded backend) encodes each state once, whoever polls it."""
        job = await self.job(job_id)
        if not job.has_webhooks:
            return job.status_json(self._queue.max_attempts)
        webhooks = await self.webhooks("job", job.id)
        return job.to_status(self._queue.max_attempts, webhooks).model_dump_json().encode()

    async def recent_jobs(self, limit: int) -> list[Job]:
        """The newest jobs that have not expired, newest first."""
        return await self._store.recent_jobs(limit, self._clock.now())

    async def search_jobs(self, where: JobFilter, limit: int) -> list[Job]:
        """The newest jobs that match `where` and have not expired, newest first."""
        if where.empty:
            return await self.recent_jobs(limit)
        return await self._store.search_jobs(where, limit, self._clock.now())

    async def account_jobs(self, platform: Platform, handle: str, limit: int) -> list[Job]:
        """The account's jobs that have not expired, newest first (`handle` canonical)."""
        return await self._store.account_jobs(platform, handle, limit, self._clock.now())

    async def snapshots(self, platform: Platform, handle: str) -> list[Snapshot]:
        """The account's snapshots, oldest first; they outlive its jobs."""
        return await self._store.snapshots(platform, handle)

    async def report_json(self, job_id: str) -> str:
        job = await self.job(job_id)
        if job.status is JobStatus.FAILED:
            raise JobFailed(
                f"The analysis failed: {job.error_message}",
                details={
                    "status": job.status.value,
                    "error_message": job.error_message,
                    "error_code": job.error_code,
                    "attempt": job.attempt,
                },
            )
        if job.status is not JobStatus.COMPLETED:
            raise JobNotFinished(
                f"The report is not ready yet: the job is {job.status.value} "
                f"({job.phase.value}, {job.percent}%).",
                details={
                    "status": job.status.value,
                    "phase": job.phase.value,
                    "percent": job.percent,
                },
            )
        body = await self._store.get_report(job_id)
        if body is None:
            raise NotFound(f"No report for job {job_id!r}. It may have expired.")
        return body

    async def secret(self, name: str, candidate: str) -> str:
        """An app secret shared by every process (see Store.secret)."""
        return await self._store.secret(name, candidate)

    async def open_stream(self, job_ids: Sequence[str] | None) -> JobStream:
        """Events of the named jobs until they all end (NotFound for an unknown id), or of every
        job from the unfinished ones on (`job_ids` None) until the server shuts down.

        Subscribes first, then reads the current states, so no change slips between."""
        subscription = self._hub.subscribe(job_ids)
        try:
            if job_ids is None:
                current = [event_of(job) for job in await self._tracker.unfinished()]
            else:
                current = [event_of(await self.job(job_id)) for job_id in dict.fromkeys(job_ids)]
        except BaseException:
            subscription.close()
            raise
        return JobStream(subscription, current, until_all_end=job_ids is not None)

    async def free_slots(self) -> int:
        """How many more jobs the queue takes now (a batch checks before it creates any)."""
        return max(0, self._max_queued - await self._queue.waiting())

    async def live_jobs(self, job_ids: Sequence[str]) -> dict[str, Job]:
        """The named jobs that exist and have not expired, in the order named: from memory
        where this process has them, the rest in one read of the store."""
        wanted = list(dict.fromkeys(job_ids))
        found: dict[str, Job] = {}
        missing: list[str] = []
        for job_id in wanted:
            job = self._tracker.get(job_id)
            if job is None:
                missing.append(job_id)
            else:
                found[job_id] = job
        if missing:
            found.update((job.id, job) for job in await self._store.get_jobs(missing))
        now = self._clock.now()
        return {
            job_id: job
            for job_id in wanted
            if (job := found.get(job_id)) is not None
            and (job.expires_at is None or job.expires_at > now)
        }

    async def open_live_stream(self, job_ids: Sequence[str]) -> JobStream:
        """Events of the named jobs that still exist (a batch's, some of which may have
        expired) until they all end; subscribes first, then reads their states."""
        subscription = self._hub.subscribe(job_ids)
        try:
            jobs = await self.live_jobs(job_ids)
        except BaseException:
            subscription.close()
            raise
        return JobStream(subscription, [event_of(job) for job in jobs.values()], until_all_end=True)

    async def health(self) -> Health:
        """The store's state and the queue's counts (see `_store_problem`)."""
        problem = await self._store_problem()
        running = waiting = 0
        if problem is None:
            try:
                running, waiting = await self._queue.running(), await self._queue.waiting()
            except StoreError as exc:
                problem = str(exc)
        return Health(problem, running, waiting, self._hub.subscribers)

    async def _store_problem(self) -> str | None:
        """Why the store cannot be used, or None. A probe that passed stands for
        `health_probe_seconds`, so a health check polled hard costs no query each time; a
        failure is probed again on the next call, so recovery shows at once. Calls that
        overlap share one probe."""
        passed = self._probe_passed_at
        if passed is not None and self._clock.now() - passed < self._probe_lifetime:
            return None
        if self._probe is None:
            self._probe = asyncio.ensure_future(self._run_probe())
        return await asyncio.shield(self._probe)

    async def _run_probe(self) -> str | None:
        started = self._clock.now()
        try:
            await self._store.ping()
        except StoreError as exc:
            self._probe_passed_at = None
            return str(exc)
        else:
            self._probe_passed_at = started
            return None
        finally:
            self._probe = None
