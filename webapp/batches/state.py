"""A batch as it stands: each line with its job's newest event and, once completed, its
summary. The JSON status, the CSV, the page and both event streams all read this one view;
the streams keep it current by feeding it each event."""

from __future__ import annotations

from collections.abc import Mapping

from webapp.batches.batch import Batch, BatchRow
from webapp.batches.models import (
    BatchCounts,
    BatchProgress,
    BatchRowEventData,
    BatchRowStatus,
    LineErrorData,
    RowStatus,
    RowSummary,
)
from webapp.jobs.hub import JobEvent
from webapp.models import JobStatus, Platform

_SUMMARY_FIELDS = (
    "score",
    "verdict",
    "veto",
    "is_demo",
    "followers",
    "engagement",
    "audience",
    "price",
)
ENDED: frozenset[RowStatus] = frozenset({"completed", "failed", "expired"})


class BatchState:
    def __init__(
        self,
        batch: Batch,
        events: Mapping[str, JobEvent],
        summaries: Mapping[str, RowSummary],
    ) -> None:
        self.batch = batch
        self.events = dict(events)  # newest event per job; a job missing here has expired
        self.summaries = dict(summaries)
        self.lines: dict[str, list[BatchRow]] = {}
        for row in batch.rows:
            if row.job_id is not None:
                self.lines.setdefault(row.job_id, []).append(row)

    def update(self, event: JobEvent, summary: RowSummary | None = None) -> None:
        self.events[event.job_id] = event
        if summary is not None:
            self.summaries[event.job_id] = summary

    def row(self, row: BatchRow) -> BatchRowStatus:
        event = self.events.get(row.job_id) if row.job_id is not None else None
        summary = self.summaries.get(row.job_id) if row.job_id is not None else None
        return row_status(row, event, summary)

    def rows(self) -> list[BatchRowStatus]:
        return [self.row(row) for row in self.batch.rows]

    def status_of(self, row: BatchRow) -> RowStatus:
        if row.job_id is None:
            return "rejected"
        event = self.events.get(row.job_id)
        return "expired" if event is None else event.status.value

    def progress(self) -> BatchProgress:
        counts = BatchCounts()
        total = points = 0
        for row in self.batch.rows:
            status = self.status_of(row)
            if status == "rejected":
                continue
            total += 1
            setattr(counts, status, getattr(counts, status) + 1)
            event = self.events.get(row.job_id or "")
            points += 100 if status in ENDED or event is None else event.percent
        ended = counts.completed + counts.failed + counts.expired
        return BatchProgress(
            batch_id=self.batch.id,
            status="completed" if ended == total else "running",
            total=total,
            rejected=self.batch.rejected,
            counts=counts,
            percent=points // total if total else 100,
            is_demo=self.is_demo,
        )

    @property
    def is_demo(self) -> bool:
        return any(s.is_demo for s in self.summaries.values()) or any(
            e.is_demo for e in self.events.values()
        )

    @property
    def ended(self) -> bool:
        return all(self.status_of(row) in ENDED | {"rejected"} for row in self.batch.rows)

    def row_events(self, event: JobEvent) -> list[BatchRowEventData]:
        """The `row` events one job event makes: one per line that shares the job."""
        return [
            BatchRowEventData(
                batch_id=self.batch.id,
                line=row.line,
                job_id=event.job_id,
                status=event.status,
                phase=event.phase,
                percent=event.percent,
                message=event.message,
                score=event.score,
                verdict=event.verdict,
                error_code=event.error_code if event.status is JobStatus.FAILED else None,
                error_message=event.error_message if event.status is JobStatus.FAILED else None,
                report_url=event.report_url,
            )
            for row in self.lines.get(event.job_id, ())
        ]


class ProgressWatch:
    """For a stream: the batch's progress when it changed since last asked (a stream's first
    events are the jobs' current states, which its first progress already counts, so they
    add no progress events), and the end, once."""

    def __init__(self, view: BatchState) -> None:
        self._view = view
        self._last: tuple[int, ...] | None = None
        self._ended = False

    def changed(self) -> BatchProgress | None:
        progress = self._view.progress()
        counts = progress.counts
        key = (
            progress.percent,
            counts.pending,
            counts.processing,
            counts.completed,
            counts.failed,
            counts.expired,
        )
        if key == self._last:
            return None
        self._last = key
        return progress

    def just_ended(self) -> bool:
        if self._ended or not self._view.ended:
            return False
        self._ended = True
        return True


def row_status(row: BatchRow, event: JobEvent | None, summary: RowSummary | None) -> BatchRowStatus:
    base = {
        "line": row.line,
        "input": row.input,
        "platform": Platform(row.platform) if row.platform else None,
        "handle": row.handle,
        "job_id": row.job_id,
        "deduplicated": row.deduplicated,
        "error": (
            LineErrorData(code=row.error.code, message=row.error.message) if row.error else None
        ),
    }
    if event is None:
        return BatchRowStatus(
            **base,
            status="rejected" if row.job_id is None else "expired",
            phase=None,
            percent=None,
            message=None if row.job_id is None else "The job has expired; submit it again.",
            error_code=None,
            error_message=None,
            report_url=None,
        )
    failed = event.status is JobStatus.FAILED
    completed = event.status is JobStatus.COMPLETED
    extra: dict[str, object] = {}
    if completed and summary is not None:
        extra = {name: getattr(summary, name) for name in _SUMMARY_FIELDS}
    elif completed:
        extra = {"score": event.score, "verdict": event.verdict, "is_demo": event.is_demo}
    return BatchRowStatus(
        **base,
        status=event.status.value,
        phase=event.phase,
        percent=event.percent,
        message=event.message,
        error_code=event.error_code if failed else None,
        error_message=event.error_message if failed else None,
        report_url=event.report_url,
        **extra,
    )
