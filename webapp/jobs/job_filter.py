"""Which jobs a list shows: a handle search and filters by platform, status and verdict."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.jobs.job import Job
from webapp.models import JobStatus, Platform, Verdict

# Longer than any platform's handle (30 characters), so a search this long can match nothing.
MAX_SEARCH_CHARS = 64


@dataclass(frozen=True, slots=True)
class JobFilter:
    """Every field None matches every job. `handle` is a lower-case substring of the stored
    (canonical, so lower-case except YouTube channel ids) handle, without a leading @."""

    handle: str | None = None
    platform: Platform | None = None
    status: JobStatus | None = None
    verdict: Verdict | None = None

    @property
    def empty(self) -> bool:
        return self == JobFilter()

    def matches(self, job: Job) -> bool:
        return (
            (self.handle is None or self.handle in job.handle.lower())
            and (self.platform is None or job.platform is self.platform)
            and (self.status is None or job.status is self.status)
            and (
                self.verdict is None
                or (job.status is JobStatus.COMPLETED and job.verdict == self.verdict)
            )
        )


def search_text(raw: str) -> str | None:
    """What a marketer typed in the search box as the filter's `handle`: trimmed, without a
    leading @, lower-cased; None when nothing is left."""
    text = raw.strip().removeprefix("@").strip().lower()
    return text or None
