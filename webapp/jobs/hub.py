"""In-process pub/sub of job events. Progress is state: subscribers see the newest event per job.

A subscription buffers at most one event per job (the newest), so a slow reader can skip
intermediate percents but never the terminal event, and never slows the publisher.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from typing import Any

from webapp.models import JobStatus, Phase


@dataclass(frozen=True, slots=True)
class JobEvent:
    job_id: str
    seq: int
    status: JobStatus
    phase: Phase
    percent: int
    message: str
    updated_at: str

    @property
    def terminal(self) -> bool:
        return self.status.terminal

    def as_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "seq": self.seq,
            "status": self.status.value,
            "phase": self.phase.value,
            "percent": self.percent,
            "message": self.message,
            "updated_at": self.updated_at,
        }


class Subscription:
    """Events for some jobs (or all jobs when `job_ids` is None), newest per job."""

    def __init__(self, hub: Hub, job_ids: frozenset[str] | None) -> None:
        self._hub = hub
        self.job_ids = job_ids
        self._pending: dict[str, JobEvent] = {}
        self._ready = asyncio.Event()

    def offer(self, event: JobEvent) -> None:
        current = self._pending.get(event.job_id)
        if current is None or current.seq < event.seq:
            # Re-insert so the dict's order is the order in which jobs last changed.
            self._pending.pop(event.job_id, None)
            self._pending[event.job_id] = event
            self._ready.set()

    async def next_events(self) -> list[JobEvent]:
        """Wait for at least one event; return every buffered one, oldest change first."""
        while not self._pending:
            self._ready.clear()
            await self._ready.wait()
        events = list(self._pending.values())
        self._pending.clear()
        return events

    def close(self) -> None:
        self._hub._remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aiter__(self) -> AsyncIterator[JobEvent]:
        while True:
            for event in await self.next_events():
                yield event


class Hub:
    def __init__(self) -> None:
        self._by_job: dict[str, set[Subscription]] = {}
        self._everything: set[Subscription] = set()
        self.published = 0

    def publish(self, event: JobEvent) -> None:
        self.published += 1
        for subscription in self._by_job.get(event.job_id, ()):
            subscription.offer(event)
        for subscription in self._everything:
            subscription.offer(event)

    def subscribe(self, job_ids: Iterable[str] | None = None) -> Subscription:
        subscription = Subscription(self, None if job_ids is None else frozenset(job_ids))
        if subscription.job_ids is None:
            self._everything.add(subscription)
        else:
            for job_id in subscription.job_ids:
                self._by_job.setdefault(job_id, set()).add(subscription)
        return subscription

    def _remove(self, subscription: Subscription) -> None:
        if subscription.job_ids is None:
            self._everything.discard(subscription)
            return
        for job_id in subscription.job_ids:
            subscribers = self._by_job.get(job_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_job[job_id]
