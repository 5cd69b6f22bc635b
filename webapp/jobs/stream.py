"""What every live view of a job reads: its current state first, then each newer state, until
the job ends (or the server shuts down). SSE, WebSocket and the job page all iterate this."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from webapp.errors import NotFound
from webapp.jobs.hub import Hub, JobEvent, Subscription
from webapp.jobs.service import JobService
from webapp.jobs.tracker import JobTracker, event_of


class JobStream:
    """Events of some jobs. Open it with `open_stream`; it closes itself when iteration ends."""

    def __init__(
        self, subscription: Subscription, current: Sequence[JobEvent], *, until_all_end: bool
    ) -> None:
        self._subscription = subscription
        self.current = list(current)
        self._until_all_end = until_all_end

    async def events(self) -> AsyncIterator[JobEvent]:
        """Current states, then changes (newest per job). Ends when every watched job has ended
        (for a stream of named jobs), or with a `restarting` event when the server shuts down."""
        async for item in self.events_and_ticks():
            if item is not None:
                yield item

    async def events_and_ticks(self) -> AsyncIterator[JobEvent | None]:
        """`events()`, plus None at each of the hub's keep-alive ticks (time for a ping)."""
        last_seq: dict[str, int] = {}
        open_jobs: set[str] = set()
        latest: JobEvent | None = None
        try:
            for event in self.current:
                last_seq[event.job_id] = event.seq
                if not event.terminal:
                    open_jobs.add(event.job_id)
                latest = event
                yield event
            if self._until_all_end and not open_jobs:
                return
            while self._subscription.closing is None:
                batch = await self._subscription.next_events()
                if not batch and self._subscription.closing is None:
                    yield None
                for event in batch:
                    if event.seq <= last_seq.get(event.job_id, 0):
                        continue  # already sent as the current state
                    last_seq[event.job_id] = event.seq
                    latest = event
                    if event.terminal:
                        open_jobs.discard(event.job_id)
                    yield event
                if self._until_all_end and not open_jobs:
                    return
            if latest is not None:
                yield latest.as_restarting(self._subscription.closing)
        finally:
            self.close()

    def close(self) -> None:
        self._subscription.close()


async def open_stream(
    *, hub: Hub, tracker: JobTracker, service: JobService, job_ids: Sequence[str] | None
) -> JobStream:
    """Subscribe, then read current states (in that order, so no change slips between).

    With `job_ids`, raises NotFound for an unknown id and ends when all those jobs have ended;
    without, follows every job from the active ones on, until the server shuts down.
    """
    subscription = hub.subscribe(job_ids)
    try:
        if job_ids is None:
            current = [event_of(job) for job in tracker.active_jobs()]
        else:
            current = [event_of(await service.job(job_id)) for job_id in dict.fromkeys(job_ids)]
    except NotFound:
        subscription.close()
        raise
    return JobStream(subscription, current, until_all_end=job_ids is not None)
