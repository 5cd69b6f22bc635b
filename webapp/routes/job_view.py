"""A job as the pages show it: its steps, labels and links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from webapp.jobs.hub import JobEvent
from webapp.jobs.job import Job
from webapp.jobs.tracker import event_of
from webapp.models import JobStatus, Phase
from webapp.templating import at

StepState = Literal["done", "current", "waiting", "failed", "todo"]
_STEP_LABELS: dict[StepState, str] = {
    "done": "Done",
    "current": "In progress",
    "waiting": "Waiting",
    "failed": "Failed",
    "todo": "To do",
}
# How the phase a job is in shows, by the job's status (a completed job has every phase done).
_CURRENT_STEP: dict[JobStatus, StepState] = {
    JobStatus.PENDING: "waiting",
    JobStatus.PROCESSING: "current",
    JobStatus.FAILED: "failed",
}
_STATUS_LABELS = {
    JobStatus.PENDING: "Queued",
    JobStatus.PROCESSING: "Running",
    JobStatus.COMPLETED: "Completed",
    JobStatus.FAILED: "Failed",
}


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    state: StepState

    @property
    def label(self) -> str:
        return _STEP_LABELS[self.state]


@dataclass(frozen=True, slots=True)
class JobView:
    """A job as the pages show it: who (from the job, which never changes) and where it is now
    (from the newest event). `is_demo` is known only once the report exists."""

    job: Job
    event: JobEvent
    is_demo: bool | None = None

    @property
    def id(self) -> str:
        return self.job.id

    @property
    def handle(self) -> str:
        return at(self.job.handle, self.job.platform)

    @property
    def platform(self) -> str:
        return self.job.platform.label

    @property
    def status(self) -> str:
        return self.event.status.value

    @property
    def status_label(self) -> str:
        return _STATUS_LABELS[self.event.status]

    @property
    def finished(self) -> bool:
        return self.event.terminal

    @property
    def retrying(self) -> bool:
        return self.event.status is JobStatus.PENDING and self.event.error_message is not None

    @property
    def steps(self) -> list[Step]:
        status = self.event.status
        if status is JobStatus.COMPLETED:
            return [Step(phase.value, "done") for phase in Phase]
        current = _CURRENT_STEP[status]
        order = list(Phase).index(self.event.phase)
        return [
            Step(phase.value, "done" if i < order else current if i == order else "todo")
            for i, phase in enumerate(Phase)
        ]

    @property
    def retry_url(self) -> str:
        """The form, filled in with this account, to try again."""
        return "/?" + urlencode({"handle": self.job.handle, "platform": self.job.platform.value})


def view_of(job: Job, *, is_demo: bool | None = None) -> JobView:
    return JobView(job, event_of(job), is_demo)
