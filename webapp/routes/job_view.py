"""A job as the pages show it: its steps, labels and links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from webapp.jobs.hub import JobEvent, event_of
from webapp.jobs.job import Job
from webapp.models import ErrorCode, JobStatus, Phase
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
STATUS_LABELS = {
    JobStatus.PENDING: "Queued",
    JobStatus.PROCESSING: "Running",
    JobStatus.COMPLETED: "Completed",
    JobStatus.FAILED: "Failed",
}


# What to do about a failure, by its code: only a missing account is the handle's fault.
_ADVICE: dict[ErrorCode, str] = {
    "not_found": "Check that the handle and the platform are right, then try again.",
    "private": (
        "A private account cannot be analysed from outside. Ask the creator for an export of "
        "their posts and upload it."
    ),
    "auth_required": (
        "The platform refused this app's access, so nothing is known about the account yet. "
        "Whoever runs this app needs to fix its credentials; until then, upload an export of "
        "the account's posts."
    ),
    "quota_exceeded": (
        "This app has used up the requests it may make for now. Try again later, or upload an "
        "export of the account's posts."
    ),
    "rate_limited": (
        "The platform is limiting how fast this app may ask, so nothing is known about the "
        "account yet. Try again later."
    ),
    "upstream_unavailable": (
        "The platform could not be reached or sent no usable data, so nothing is known about "
        "the account yet. Try again in a few minutes."
    ),
    "invalid_data": (
        "The data could not be read. Try again later; if it keeps failing, upload an export of "
        "the account's posts."
    ),
    "internal": (
        "This is a fault in this app, not in the account or its handle. Try again later; if it "
        "keeps failing, tell whoever runs this app (the error is in its log)."
    ),
}
# Jobs that failed before codes were recorded.
_UNKNOWN_ADVICE = "Try again; if it fails the same way, the message above says why."


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
        return STATUS_LABELS[self.event.status]

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
    def advice(self) -> str:
        """What to do about a failed job."""
        code = self.event.error_code
        return _ADVICE[code] if code is not None else _UNKNOWN_ADVICE

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
    def history_url(self) -> str:
        """Every kept report of this account, and its score and follower trend."""
        return f"/accounts/{self.job.platform.value}/{self.job.handle}"

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
