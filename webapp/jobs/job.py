"""The job: one analysis of one account, as the store keeps it and the API shows it."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from webapp.clock import isoformat
from webapp.models import (
    ErrorCode,
    JobStatus,
    JobStatusResponse,
    Phase,
    Platform,
    Verdict,
    WebhookStatus,
)


@dataclass(slots=True)
class Job:
    id: str
    platform: Platform
    handle: str
    dedup_key: str
    status: JobStatus
    phase: Phase
    percent: int
    message: str
    attempt: int
    seq: int
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    expires_at: datetime | None = None
    error_message: str | None = None
    # The job replays an uploaded file (stored with it) instead of scraping the platform.
    has_upload: bool = False
    # Why a failed job failed, for programs; None unless failed.
    error_code: ErrorCode | None = None
    # From the report, kept on the job so lists of jobs never read reports. Set on completion.
    score: float | None = None
    verdict: Verdict | None = None
    is_demo: bool | None = None
    source: str | None = None
    # Someone asked to be called back when it ends (webapp/webhooks): only then does its status
    # read the webhook records; every other job keeps the cached status JSON.
    has_webhooks: bool = False
    # The status JSON, encoded on first use. A state change never edits a Job but makes a new
    # one (`dataclasses.replace`, which leaves this out), so the encoding is never stale.
    _status_json: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def new(
        cls,
        *,
        platform: Platform,
        handle: str,
        dedup_key: str,
        now: datetime,
        has_upload: bool = False,
    ) -> Job:
        return cls(
            id=str(uuid.uuid4()),
            platform=platform,
            handle=handle,
            dedup_key=dedup_key,
            status=JobStatus.PENDING,
            phase=Phase.SCRAPING,
            percent=0,
            message="Waiting for a free worker",
            attempt=1,
            seq=1,
            created_at=now,
            updated_at=now,
            has_upload=has_upload,
        )

    def copy(self) -> Job:
        return dataclasses.replace(self)

    def status_json(self, max_attempts: int) -> bytes:
        """`to_status` as JSON, encoded once per state however often it is polled (a process
        has one `max_attempts`, so it is not part of the key)."""
        if self._status_json is None:
            self._status_json = self.to_status(max_attempts).model_dump_json().encode()
        return self._status_json

    def to_status(
        self, max_attempts: int, webhooks: list[WebhookStatus] | None = None
    ) -> JobStatusResponse:
        return JobStatusResponse(
            job_id=self.id,
            status=self.status,
            phase=self.phase,
            percent=self.percent,
            message=self.message,
            created_at=isoformat(self.created_at),
            updated_at=isoformat(self.updated_at),
            completed_at=isoformat(self.completed_at) if self.completed_at else None,
            error_message=self.error_message,
            attempt=self.attempt,
            max_attempts=max_attempts,
            error_code=self.error_code if self.status is JobStatus.FAILED else None,
            webhooks=webhooks or [],
        )


def is_job_id(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False
