"""The processes a process started, read from /proc (Linux), to check that none outlives it."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    start: int  # clock ticks after boot: tells the process recorded from a later one on its pid
    command: str


def _read(pid: int) -> tuple[str, Proc] | None:
    """(state, process), or None once the pid is gone."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
        command = (PROC / str(pid) / "cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name in parentheses may hold spaces or parentheses: split after the last one.
    fields = stat[stat.rindex(")") + 2 :].split()
    proc = Proc(
        pid=pid,
        ppid=int(fields[1]),
        start=int(fields[19]),
        command=command.replace(b"\0", b" ").decode(errors="replace").strip(),
    )
    return fields[0], proc


def descendants(pid: int) -> list[Proc]:
    """Every live process below pid: children, their children, and so on."""
    by_parent: dict[int, list[Proc]] = {}
    for entry in os.listdir(PROC):
        if entry.isdigit() and (read := _read(int(entry))) is not None:
            by_parent.setdefault(read[1].ppid, []).append(read[1])
    found: list[Proc] = []
    parents = [pid]
    while parents:
        children = by_parent.get(parents.pop(), [])
        found.extend(children)
        parents.extend(child.pid for child in children)
    return found


def alive(proc: Proc) -> bool:
    """Still running: not gone, not a zombie waiting for its new parent to reap it, and not
    another process that has since taken the pid."""
    read = _read(proc.pid)
    return read is not None and read[0] not in ("Z", "X") and read[1].start == proc.start


def still_alive_after(procs: list[Proc], timeout: float) -> list[Proc]:
    """Wait until every process has exited, or the deadline; those still running then."""
    deadline = time.monotonic() + timeout
    while (left := [proc for proc in procs if alive(proc)]) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


def kill_all(procs: list[Proc]) -> None:
    """SIGKILL what is left (after a failed check), multiprocessing's resource tracker last: it
    exits once the others have gone, removing the semaphores they would leave in /dev/shm."""
    trackers = [proc for proc in procs if "multiprocessing.resource_tracker" in proc.command]
    others = [proc for proc in procs if proc not in trackers]
    for proc in others:
        _kill(proc)
    for proc in still_alive_after(trackers, 5):
        _kill(proc)


def _kill(proc: Proc) -> None:
    if alive(proc):
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
