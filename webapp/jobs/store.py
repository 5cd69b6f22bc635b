"""What the job core needs from storage: SQLite (one process) and Redis (many) implement it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from webapp.batches.batch import Batch
from webapp.jobs.job import Job
from webapp.jobs.job_filter import JobFilter
from webapp.models import Platform, Snapshot
from webapp.webhooks.record import Target, Webhook


class StoreError(Exception):
    """The store cannot serve requests (file gone, schema damaged, writer stopped)."""


class Store(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Return when the store can read and write; raise StoreError otherwise."""
        ...

    async def claim(
        self,
        job: Job,
        *,
        refresh: bool,
        now: datetime,
        upload_json: str | None = None,
        create: bool = True,
    ) -> Job | None:
        """The job a submission of `job`'s account gets, decided atomically: the account's
        unfinished job if any; else, unless `refresh`, its newest completed job that has not
        expired at `now`; else `job` itself, stored (with its uploaded ScrapeResult JSON) in
        one write. With `create` false, None instead of storing a new job."""
        ...

    async def save_job(self, job: Job) -> bool:
        """Update the job's state; False (and nothing written) when it has already finished
        (Redis also refuses a seq not above the stored one: another run wrote first)."""
        ...

    async def get_upload(self, job_id: str) -> str | None:
        """The ScrapeResult JSON stored with an upload job; deleted along with the job."""
        ...

    async def complete_job(self, job: Job, report_json: str, snapshot: Snapshot) -> bool:
        """Write the completed state, its report and the account snapshot in one transaction;
        False (and nothing written) when the job has already finished."""
        ...

    async def get_job(self, job_id: str) -> Job | None: ...

    async def get_report(self, job_id: str) -> str | None: ...

    async def recent_jobs(self, limit: int, now: datetime) -> list[Job]:
        """The newest jobs first, whatever their status, leaving out expired ones."""
        ...

    async def search_jobs(self, where: JobFilter, limit: int, now: datetime) -> list[Job]:
        """The newest jobs matching `where` first, leaving out expired ones (Redis looks at
        the newest `SEARCH_SCAN` jobs only)."""
        ...

    async def account_jobs(
        self, platform: Platform, handle: str, limit: int, now: datetime
    ) -> list[Job]:
        """The account's jobs (uploads too), newest first, leaving out expired ones."""
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

    async def secret(self, name: str, candidate: str) -> str:
        """The app secret `name` (the key of share links, say), shared by every process:
        `candidate` is stored if none is yet, atomically; the stored one is returned."""
        ...

    async def get_jobs(self, job_ids: Sequence[str]) -> list[Job]:
        """The stored jobs among `job_ids` (expired ones too: callers judge), in no order."""
        ...

    # -- batches (webapp/batches): a record written once, and per-job summaries for their tables

    async def save_batch(self, batch: Batch) -> None: ...

    async def get_batch(self, batch_id: str) -> Batch | None: ...

    async def delete_expired_batches(self, now: datetime) -> list[str]:
        """Delete batches whose `expires_at` has passed at `now`; return their ids."""
        ...

    async def get_summaries(self, job_ids: Sequence[str]) -> dict[str, str]:
        """The cached row summaries (JSON) of the jobs that have one."""
        ...

    async def save_summaries(self, summaries: Sequence[tuple[Job, str]]) -> None:
        """Cache each completed job's row summary; it is deleted (or expires) with the job."""
        ...

    # -- webhooks (webapp/webhooks): an outbox of deliveries, deleted with their job or batch

    async def add_webhook(self, hook: Webhook) -> bool:
        """Store the subscription (and, for a job, set its `has_webhooks` flag) in one write;
        False, nothing stored, when its job or batch no longer exists."""
        ...

    async def webhooks_of(self, target: Target, target_id: str) -> list[Webhook]:
        """The job's or batch's webhooks, oldest first."""
        ...

    async def waiting_webhooks(self, limit: int) -> list[Webhook]:
        """Webhooks whose target had not ended when last looked at, oldest first."""
        ...

    async def promote_webhook(self, hook_id: str, payload: str, now: datetime) -> bool:
        """A waiting webhook's target ended: make it pending with its body, due at `now`
        (it then expires with its target). False when it was not waiting."""
        ...

    async def claim_webhooks(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Webhook]:
        """Pending webhooks due at `now` and not leased (or whose lease ran out), leased until
        `lease_until` atomically: two dispatchers never claim the same attempt."""
        ...

    async def record_webhook_attempt(self, hook: Webhook, attempts_before: int) -> None:
        """Write an attempt's outcome (`hook`'s state, attempts, last_*, next_attempt_at,
        delivered_at) and drop the lease, unless the webhook moved on since it was claimed
        with `attempts_before` attempts (its lease ran out and another dispatcher took it)."""
        ...
