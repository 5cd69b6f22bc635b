"""Pub/sub of job events. Progress is state: subscribers see the newest event per job.

`Hub` is what the rest of the app uses; `LocalHub` fans events out inside one process, and
`webapp.jobs.redis_hub.RedisHub` carries them between processes through Redis, delivering them
to its own `LocalHub`.

A subscription buffers at most one event per job (the newest), so a slow reader can skip
intermediate percents but never the terminal event, and never slows the publisher. Encoded forms
of an event are computed once and shared by every subscriber.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, Protocol

from webapp.clock import isoformat
from webapp.jobs.job import Job
from webapp.models import ErrorCode, JobStatus, Phase, Verdict

EventKind = Literal["progress", "completed", "failed", "restarting"]


@dataclass(frozen=True)
class JobEvent:
    job_id: str
    seq: int
    status: JobStatus
    phase: Phase
    percent: int
    message: str
    updated_at: str
    error_message: str | None = None
    error_code: ErrorCode | None = None
    # The report's headline, for lists of jobs (not part of the JSON: the report has it).
    score: float | None = None
    verdict: Verdict | None = None
    is_demo: bool | None = None
    restarting: bool = False

    @property
    def terminal(self) -> bool:
        return self.status.terminal

    @property
    def kind(self) -> EventKind:
        if self.restarting:
            return "restarting"
        if self.status is JobStatus.COMPLETED:
            return "completed"
        if self.status is JobStatus.FAILED:
            return "failed"
        return "progress"

    @property
    def report_url(self) -> str | None:
        return f"/api/report/{self.job_id}" if self.status is JobStatus.COMPLETED else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "seq": self.seq,
            "status": self.status.value,
            "phase": self.phase.value,
            "percent": self.percent,
            "message": self.message,
            "updated_at": self.updated_at,
            "report_url": self.report_url,
            "error_message": self.error_message if self.status is JobStatus.FAILED else None,
            "error_code": self.error_code if self.status is JobStatus.FAILED else None,
        }

    @cached_property
    def json(self) -> str:
        """The JSON form, encoded once however many subscribers send it."""
        return json.dumps(self.as_dict(), separators=(",", ":"))

    @cached_property
    def sse(self) -> bytes:
        """The Server-Sent Events frame (id = seq, event = kind, data = JSON), encoded once."""
        return f"id: {self.seq}\nevent: {self.kind}\ndata: {self.json}\n\n".encode()

    def as_restarting(self, message: str) -> JobEvent:
        return dataclasses.replace(self, message=message, restarting=True)


class Subscription:
    """Events for some jobs (or all jobs when `job_ids` is None), newest per job."""

    def __init__(self, hub: LocalHub, job_ids: frozenset[str] | None) -> None:
        self._hub = hub
        self.job_ids = job_ids
        self._pending: dict[str, JobEvent] = {}
        # The reader's waiter, when it waits. A bare future is cheaper than an asyncio.Event,
        # which matters when ten thousand readers are woken for every event.
        self._waiter: asyncio.Future[None] | None = None
        self._ticked = False
        self.closing: str | None = None

    def offer(self, event: JobEvent) -> None:
        current = self._pending.get(event.job_id)
        if current is None or current.seq < event.seq:
            # Re-insert so the dict's order is the order in which jobs last changed.
            self._pending.pop(event.job_id, None)
            self._pending[event.job_id] = event
            self._hub._wake_soon(self)

    def end(self, reason: str) -> None:
        """Wake the reader for the last time: the server is going away."""
        self.closing = reason
        self._hub._wake_soon(self)

    def tick(self) -> None:
        """Wake the reader with nothing to say: time for a keep-alive ping."""
        self._ticked = True
        self._hub._wake_soon(self)

    async def next_events(self) -> list[JobEvent]:
        """Wait for at least one event, a tick or the end; return what is buffered, oldest
        first (an empty list after a tick)."""
        while not self._pending and self.closing is None:
            if self._ticked:
                self._ticked = False
                return []
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        events = list(self._pending.values())
        self._pending.clear()
        return events

    def wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    def close(self) -> None:
        self._hub._remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aiter__(self) -> AsyncIterator[JobEvent]:
        while self.closing is None:
            for event in await self.next_events():
                yield event


class Hub(Protocol):
    """Where job events are published and subscribed to."""

    @property
    def closing(self) -> str | None:
        """Why this process's subscriptions end (None while they do not)."""
        ...

    @property
    def subscribers(self) -> int: ...

    async def publish(self, event: JobEvent) -> None:
        """Deliver the event to every subscriber of its job, in every process that shares it."""
        ...

    def subscribe(self, job_ids: Iterable[str] | None = None) -> Subscription: ...

    def tick(self) -> None:
        """One keep-alive tick for every subscriber of this process."""
        ...

    def shutdown(self, reason: str) -> None:
        """End this process's subscriptions (and any opened from now on) with `reason`."""
        ...


class LocalHub:
    """Fans events out to subscriptions, waking their readers in slices of `wake_batch`.

    Waking ten thousand readers at once would queue them all ahead of everything else on the
    event loop, including the job whose next state they are about to miss. In slices, the loop
    gets to other work between them: jobs move on, requests are served, and a reader woken
    later simply finds the newer state in its buffer (one send instead of two).
    """

    def __init__(self, *, wake_batch: int = 64) -> None:
        self._wake_batch = wake_batch
        # Ordered set of readers to wake, oldest first (popitem(last=False) is O(1)).
        self._to_wake: OrderedDict[Subscription, None] = OrderedDict()
        self._waking = False
        self._by_job: dict[str, set[Subscription]] = {}
        self._everything: set[Subscription] = set()
        self.closing: str | None = None
        self.published = 0

    @property
    def subscribers(self) -> int:
        return len(self._everything) + sum(len(subs) for subs in self._by_job.values())

    async def publish(self, event: JobEvent) -> None:
        self.deliver(event)

    def deliver(self, event: JobEvent) -> None:
        """Offer the event to this process's subscribers (never waits)."""
        self.published += 1
        for subscription in self._by_job.get(event.job_id, ()):
            subscription.offer(event)
        for subscription in self._everything:
            subscription.offer(event)

    def watched(self) -> tuple[set[str], bool]:
        """The jobs some subscription names, and whether any follows every job."""
        return set(self._by_job), bool(self._everything)

    def subscribe(self, job_ids: Iterable[str] | None = None) -> Subscription:
        subscription = Subscription(self, None if job_ids is None else frozenset(job_ids))
        if self.closing is not None:
            subscription.end(self.closing)
        if subscription.job_ids is None:
            self._everything.add(subscription)
        else:
            for job_id in subscription.job_ids:
                self._by_job.setdefault(job_id, set()).add(subscription)
        return subscription

    def tick(self) -> None:
        """One keep-alive tick for every subscriber. One timer for all connections is far
        cheaper than a timeout on each connection's every wait."""
        for subscription in self._everything:
            subscription.tick()
        for subscriptions in self._by_job.values():
            for subscription in subscriptions:
                subscription.tick()

    def shutdown(self, reason: str) -> None:
        """End every subscription (and any opened from now on) with `reason`."""
        self.closing = reason
        for subscription in self._everything:
            subscription.end(reason)
        for subscriptions in self._by_job.values():
            for subscription in subscriptions:
                subscription.end(reason)

    def _wake_soon(self, subscription: Subscription) -> None:
        self._to_wake[subscription] = None
        if not self._waking:
            self._waking = True
            asyncio.get_running_loop().call_soon(self._wake_some)

    def _wake_some(self) -> None:
        for _ in range(min(self._wake_batch, len(self._to_wake))):
            subscription, _ = self._to_wake.popitem(last=False)
            subscription.wake()
        if self._to_wake:
            asyncio.get_running_loop().call_soon(self._wake_some)
        else:
            self._waking = False

    def _remove(self, subscription: Subscription) -> None:
        self._to_wake.pop(subscription, None)
        if subscription.job_ids is None:
            self._everything.discard(subscription)
            return
        for job_id in subscription.job_ids:
            subscribers = self._by_job.get(job_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._by_job[job_id]


def event_of(job: Job) -> JobEvent:
    """The event that announces the job's current state."""
    return JobEvent(
        job_id=job.id,
        seq=job.seq,
        status=job.status,
        phase=job.phase,
        percent=job.percent,
        message=job.message,
        updated_at=isoformat(job.updated_at),
        error_message=job.error_message,
        error_code=job.error_code,
        score=job.score,
        verdict=job.verdict,
        is_demo=job.is_demo,
    )
