"""What the job core needs from storage. SQLite implements it now; Redis can follow unchanged."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from webapp.jobs.job import Job
from webapp.models import Platform, Snapshot


class StoreError(Exception):
    """The store cannot serve requests (file gone, schema damaged, writer stopped)."""


class Store(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Return when the store can read and write; raise StoreError otherwise."""
        ...

    async def save_job(self, job: Job) -> None:
        """Insert or update the job's state row."""
        ...

    async def create_upload_job(self, job: Job, upload_json: str) -> None:
        """Insert a new job and the ScrapeResult JSON of its uploaded file in one transaction."""
        ...

    async def get_upload(self, job_id: str) -> str | None:
        """The ScrapeResult JSON stored with an upload job; deleted along with the job."""
        ...

    async def complete_job(self, job: Job, report_json: str, snapshot: Snapshot) -> None:
        """Write the completed state, its report and the account snapshot in one transaction."""
        ...

    async def get_job(self, job_id: str) -> Job | None: ...

    async def find_reusable(self, dedup_key: str, now: datetime) -> Job | None:
        """The newest completed job for this account whose report has not expired."""
        ...

    async def get_report(self, job_id: str) -> str | None: ...

    async def recent_jobs(self, limit: int, now: datetime) -> list[Job]:
        """The newest jobs first, whatever their status, leaving out expired ones."""
        ...

    async def unfinished_jobs(self) -> list[Job]:
        """Jobs left pending or processing, oldest first (for recovery at start-up)."""
        ...

    async def delete_expired(self, now: datetime) -> list[str]:
        """Delete finished jobs (their reports and uploads too) whose TTL ran out; return ids."""
        ...

    async def snapshots(self, platform: Platform, handle: str) -> list[Snapshot]:
        """The account's snapshots, oldest first; they outlive the jobs that made them."""
        ...
