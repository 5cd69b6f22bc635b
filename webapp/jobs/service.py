"""What the routes call: submit with dedup and back-pressure, status, report."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass

from webapp.clock import Clock
from webapp.errors import JobFailed, JobNotFinished, NotFound, QueueFull
from webapp.handles import dedup_key, normalise_handle, upload_dedup_key
from webapp.jobs.job import Job, is_job_id
from webapp.jobs.runner import JobRunner
from webapp.jobs.store import Store
from webapp.jobs.tracker import JobTracker
from webapp.models import AnalyzeRequest, JobStatus, Platform
from webapp.pipeline.scraping.upload_parse import UploadRequest, parse_upload

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submission:
    job: Job
    deduplicated: bool


class JobService:
    def __init__(
        self,
        *,
        store: Store,
        tracker: JobTracker,
        runner: JobRunner,
        clock: Clock,
        max_queued: int,
    ) -> None:
        self._store = store
        self._tracker = tracker
        self._runner = runner
        self._clock = clock
        self._max_queued = max_queued
        # Single flight per account: concurrent identical submissions wait for the first.
        self._submitting: dict[str, asyncio.Future[None]] = {}

    async def submit(self, request: AnalyzeRequest) -> Submission:
        handle = normalise_handle(request.platform, request.handle)
        key = dedup_key(request.platform, handle)
        return await self._submit(request.platform, handle, key, refresh=request.refresh)

    async def submit_upload(self, upload: UploadRequest) -> Submission:
        """Parse the file (a bad one raises before anything is stored), then submit its job."""
        # A 5 MiB file takes a while to parse; a thread keeps the loop serving streams.
        result = await asyncio.to_thread(parse_upload, upload)
        upload_json = result.model_dump_json()
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
        # A running job is already a fresh run, so even `refresh` joins it.
        if (active := self._tracker.active_for_key(key)) is not None:
            return Submission(active, deduplicated=True)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._submitting[key] = done
        try:
            if not refresh:
                reusable = await self._store.find_reusable(key, self._clock.now())
                if reusable is not None:
                    return Submission(reusable, deduplicated=True)
            if self._tracker.pending_count >= self._max_queued:
                raise QueueFull(
                    f"{self._tracker.pending_count} analyses are already waiting; "
                    "try again in a minute.",
                    headers={"Retry-After": "30"},
                )
            job = Job.new(
                platform=platform,
                handle=handle,
                dedup_key=key,
                now=self._clock.now(),
                has_upload=upload_json is not None,
            )
            await self._tracker.track(job, upload_json=upload_json)
            self._runner.start(job)
            logger.info("Job %s accepted for %s", job.id, key)
            return Submission(job, deduplicated=False)
        finally:
            del self._submitting[key]
            done.set_result(None)

    async def job(self, job_id: str) -> Job:
        """The job's current state; NotFound when unknown, malformed or expired."""
        job = self._tracker.get(job_id) if is_job_id(job_id) else None
        if job is None and is_job_id(job_id):
            job = await self._store.get_job(job_id)
        if job is None or (job.expires_at is not None and job.expires_at <= self._clock.now()):
            raise NotFound(
                f"No job {job_id[:64]!r}. It may have expired; submit the account again."
            )
        return job

    async def recent_jobs(self, limit: int) -> list[Job]:
        """The newest jobs that have not expired, newest first."""
        return await self._store.recent_jobs(limit, self._clock.now())

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
