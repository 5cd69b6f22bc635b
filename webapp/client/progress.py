"""Showing live progress on stderr: a rich progress bar on a terminal, plain lines otherwise.

Views are keyed (one key per job), so one view can show a single analysis or every row of a
list. Each update is one live event's fields: status, phase, percent, message.
"""

from __future__ import annotations

from typing import Any, Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

# Plain lines are written when the phase changes or percent crosses one of these steps, so a
# log stays short whatever the number of events.
LINE_STEP_PERCENT = 10


def stage_of(event: dict[str, Any]) -> str:
    """What a person calls the job's state: Queued, a phase, Completed or Failed."""
    status = event.get("status")
    if status == "pending":
        return "Queued"
    if status == "completed":
        return "Completed"
    if status == "failed":
        return "Failed"
    return str(event.get("phase", ""))


class ProgressView(Protocol):
    def update(self, key: str, label: str, event: dict[str, Any]) -> None: ...

    def notice(self, text: str) -> None: ...

    def close(self) -> None: ...


class BarView:
    """One rich progress bar per key, redrawn in place on the terminal."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._progress = Progress(
            TextColumn("{task.description}"),
            TextColumn("[bold]{task.fields[stage]:<10}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[message]}", style="dim"),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, TaskID] = {}
        self._progress.start()

    def update(self, key: str, label: str, event: dict[str, Any]) -> None:
        percent = int(event.get("percent", 0))
        stage, message = stage_of(event), str(event.get("message", ""))[:60]
        task = self._tasks.get(key)
        if task is None:
            self._tasks[key] = self._progress.add_task(
                label, total=100, completed=percent, stage=stage, message=message
            )
        else:
            self._progress.update(task, completed=percent, stage=stage, message=message)

    def notice(self, text: str) -> None:
        self._progress.console.print(text, style="yellow", markup=False, highlight=False)

    def close(self) -> None:
        self._progress.stop()


class LineView:
    """Plain lines for logs and pipes: one when a job's stage changes or its percent crosses a
    step, e.g. `Analysis    45%  Scoring the audience`."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._last: dict[str, tuple[str, int]] = {}

    def update(self, key: str, label: str, event: dict[str, Any]) -> None:
        stage = stage_of(event)
        percent = int(event.get("percent", 0))
        mark = (stage, percent // LINE_STEP_PERCENT)
        if self._last.get(key) == mark:
            return
        self._last[key] = mark
        prefix = f"{label}: " if label else ""
        message = str(event.get("message", ""))
        self._console.print(
            f"{prefix}{stage:<10} {percent:>3}%  {message}".rstrip(), markup=False, highlight=False
        )

    def notice(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False)

    def close(self) -> None:
        pass


class QuietView:
    def update(self, key: str, label: str, event: dict[str, Any]) -> None:
        pass

    def notice(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


def progress_view(console: Console) -> ProgressView:
    """A bar where the console is a terminal, plain lines where it is a file or a pipe."""
    return BarView(console) if console.is_terminal else LineView(console)
