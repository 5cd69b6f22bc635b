"""A batch's live progress on stderr, fed by its event stream (`row`, `progress`, `end`).

On a terminal: one bar per line for a small batch, else one overall bar with the counts (done,
failed, running, queued, and the verdicts so far). In a pipe or a log: plain lines, the overall
progress at every 10 % and one line per finished row.
"""

from __future__ import annotations

from typing import Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from webapp.client.progress import LINE_STEP_PERCENT, BarView
from webapp.client.summary import PLATFORMS
from webapp.handles import shown_handle
from webapp.models import Platform
from webapp.report_view import VERDICT_LABELS

# Up to this many lines, a bar each; above, one overall bar (a terminal is ~25 lines high).
ROW_BARS_MAX = 20
ENDED = ("completed", "failed", "expired")


def row_label(row: dict[str, Any]) -> str:
    """`@demo.pod (TikTok)` for a row of the batch's answer or status."""
    platform = str(row.get("platform") or "")
    handle = row.get("handle")
    if handle and platform in PLATFORMS:
        handle = shown_handle(handle, Platform(platform))
    return f"{handle or row.get('input', '')} ({PLATFORMS.get(platform, platform)})"


def finished_line(row: dict[str, Any], label: str) -> str:
    """One finished row, from a `row` event or a status row: `line 3  @demo.pod (TikTok)
    completed  score 34  Avoid`, or the failure's code and message."""
    text = f"line {row.get('line')}  {label}  {row.get('status')}"
    if row.get("status") == "completed":
        score = row.get("score")
        text += f"  score {score:.0f}" if isinstance(score, int | float) else ""
        text += f"  {VERDICT_LABELS.get(str(row.get('verdict')), 'no verdict')}"
    elif row.get("status") == "failed":
        text += f" ({row.get('error_code') or 'unknown'}): {row.get('error_message') or ''}"
    return text.rstrip()


def counts_text(progress: dict[str, Any], verdicts: dict[str, int]) -> str:
    """`3 of 6 done (1 failed), 2 running, 1 queued · 1 Recommended, 1 Avoid`."""
    counts = progress.get("counts") or {}
    failed = counts.get("failed", 0) + counts.get("expired", 0)
    done = counts.get("completed", 0) + failed
    text = f"{done} of {progress.get('total', 0)} done"
    if failed:
        text += f" ({failed} failed)"
    text += f", {counts.get('processing', 0)} running, {counts.get('pending', 0)} queued"
    shown = [f"{verdicts[v]} {label}" for v, label in VERDICT_LABELS.items() if verdicts.get(v)]
    return text + (" · " + ", ".join(shown) if shown else "")


class BatchView(Protocol):
    def row(self, event: dict[str, Any]) -> None:
        """A `row` event: one line's job changed."""

    def progress(self, progress: dict[str, Any]) -> None:
        """A `progress` or `end` event: the batch's overall figures."""

    def notice(self, text: str) -> None: ...

    def close(self, final: dict[str, Any] | None) -> None:
        """Stop drawing; `final` is the batch's status once it has ended."""


class _Tracker:
    """What every view remembers: each line's label, and the verdicts of finished lines."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.labels = {int(r["line"]): row_label(r) for r in rows if r.get("job_id")}
        self.finished: dict[int, str | None] = {}  # line -> verdict (None: failed)

    def finish(self, event: dict[str, Any]) -> bool:
        """Note a row event; True the first time its line is seen ended."""
        line = int(event["line"])
        if event.get("status") not in ENDED or line in self.finished:
            return False
        self.finished[line] = event.get("verdict")
        return True

    def verdicts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for verdict in self.finished.values():
            if verdict is not None:
                counts[verdict] = counts.get(verdict, 0) + 1
        return counts


class RowBars:
    """One bar per line (the analyze command's bar view, keyed by line)."""

    def __init__(self, console: Console, rows: list[dict[str, Any]]) -> None:
        self._tracker = _Tracker(rows)
        width = max((len(label) for label in self._tracker.labels.values()), default=0)
        self._labels = {line: label.ljust(width) for line, label in self._tracker.labels.items()}
        self._bars = BarView(console)
        for line, label in self._labels.items():  # every line in order, queued until it moves
            self._bars.update(str(line), label, {"status": "pending", "percent": 0})

    def row(self, event: dict[str, Any]) -> None:
        line = int(event["line"])
        self._bars.update(str(line), self._labels.get(line, str(line)), event)

    def progress(self, progress: dict[str, Any]) -> None:
        pass  # every line has its own bar

    def notice(self, text: str) -> None:
        self._bars.notice(text)

    def close(self, final: dict[str, Any] | None) -> None:
        self._bars.close()


class OverallBar:
    """One bar for the whole batch, with the counts and the verdicts so far."""

    def __init__(self, console: Console, rows: list[dict[str, Any]]) -> None:
        self._tracker = _Tracker(rows)
        self._progress = Progress(
            TextColumn("[bold]Batch"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self._task = self._progress.add_task("batch", total=100, counts="")
        self._last: dict[str, Any] = {}
        self._progress.start()

    def row(self, event: dict[str, Any]) -> None:
        if self._tracker.finish(event) and self._last:
            self.progress(self._last)  # the verdicts changed

    def progress(self, progress: dict[str, Any]) -> None:
        self._last = progress
        counts = counts_text(progress, self._tracker.verdicts())
        self._progress.update(self._task, completed=progress.get("percent", 0), counts=counts)

    def notice(self, text: str) -> None:
        self._progress.console.print(text, style="yellow", markup=False, highlight=False)

    def close(self, final: dict[str, Any] | None) -> None:
        self._progress.stop()


class PlainLines:
    """For pipes and logs: `Batch  40%  2 of 5 done, ...` at each 10 % step, and a line per
    finished row."""

    def __init__(self, console: Console, rows: list[dict[str, Any]]) -> None:
        self._console = console
        self._tracker = _Tracker(rows)
        self._step = -1

    def _print(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False)

    def row(self, event: dict[str, Any]) -> None:
        if self._tracker.finish(event):
            label = self._tracker.labels.get(int(event["line"]), "")
            self._print(finished_line(event, label))

    def progress(self, progress: dict[str, Any]) -> None:
        percent = int(progress.get("percent", 0))
        if percent // LINE_STEP_PERCENT <= self._step:
            return
        self._step = percent // LINE_STEP_PERCENT
        self._print(f"Batch {percent:>3}%  {counts_text(progress, self._tracker.verdicts())}")

    def notice(self, text: str) -> None:
        self._print(text)

    def close(self, final: dict[str, Any] | None) -> None:
        # Lines that had ended before the stream was joined sent no row event: say them now.
        for row in (final or {}).get("rows", []):
            if row.get("job_id") and self._tracker.finish(row):
                self._print(finished_line(row, row_label(row)))


class QuietView:
    def row(self, event: dict[str, Any]) -> None:
        pass

    def progress(self, progress: dict[str, Any]) -> None:
        pass

    def notice(self, text: str) -> None:
        pass

    def close(self, final: dict[str, Any] | None) -> None:
        pass


def batch_view(console: Console, rows: list[dict[str, Any]]) -> BatchView:
    """Bars on a terminal (a bar per line up to ROW_BARS_MAX lines), plain lines elsewhere."""
    if not console.is_terminal:
        return PlainLines(console, rows)
    if sum(1 for row in rows if row.get("job_id")) <= ROW_BARS_MAX:
        return RowBars(console, rows)
    return OverallBar(console, rows)
