"""Where accepted jobs go to be run: the embedded runner's task group, or SAQ's queue in Redis."""

from __future__ import annotations

from typing import Protocol

from webapp.jobs.job import Job


class JobQueue(Protocol):
    max_attempts: int

    async def enqueue(self, job: Job) -> None:
        """Have the job run (once, however often it is enqueued while it waits or runs)."""
        ...

    async def running(self) -> int:
        """How many jobs are being worked on now."""
        ...

    async def waiting(self) -> int:
        """How many accepted jobs wait for a worker (for back-pressure)."""
        ...
