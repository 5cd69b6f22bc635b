"""A job as the pages show it: its steps, labels and links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from webapp.jobs.hub import JobEvent
from webapp.jobs.job import Job
from webapp.jobs.tracker import event_of
from webapp.models import JobStatus, Phase
from webapp.report_view import VERDICT_LABELS
from webapp.templating import at

SHORT_REASON_CHARS = 160
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
    (from the newest event: progress, then the verdict or the reason it failed)."""

    job: Job
    event: JobEvent

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
    def is_demo(self) -> bool | None:
        """Known only once the report exists."""
        return self.event.is_demo

    @property
    def verdict(self) -> str | None:
        return self.event.verdict if self.event.status is JobStatus.COMPLETED else None

    @property
    def outcome(self) -> str | None:
        """A finished job in a few words: "72 · Recommended", "No verdict", or why it failed."""
        event = self.event
        if event.status is JobStatus.FAILED:
            return short_reason(event.error_message or "The analysis failed.")
        if event.status is not JobStatus.COMPLETED:
            return None
        if event.verdict is None:
            return "No verdict"
        label = VERDICT_LABELS[event.verdict]
        return label if event.score is None else f"{round(event.score)} · {label}"

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


def view_of(job: Job) -> JobView:
    return JobView(job, event_of(job))


def short_reason(message: str, limit: int = SHORT_REASON_CHARS) -> str:
    """The first sentence of a failure message, cut at a word if it is still long: a list row
    has room for the gist, the job page shows the whole message."""
    end = message.find(". ")
    first = message if end < 0 else message[: end + 1]
    if len(first) <= limit:
        return first
    cut = first[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:(") + "…"
