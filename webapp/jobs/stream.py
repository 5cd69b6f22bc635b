"""What every live view of a job reads: its current state first, then each newer state, until
the job ends (or the server shuts down). SSE, WebSocket and the job page all iterate this."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from webapp.jobs.hub import JobEvent, Subscription


class JobStream:
    """Events of some jobs. Open it with `JobService.open_stream`; close it when done (iterating
    `events()` to the end closes it)."""

    def __init__(
        self, subscription: Subscription, current: Sequence[JobEvent], *, until_all_end: bool
    ) -> None:
        self._subscription = subscription
        self.current = list(current)
        self._until_all_end = until_all_end
        self._unsent: list[JobEvent] | None = self.current
        self._last_seq: dict[str, int] = {}
        self._open_jobs: set[str] = set()
        self._latest: JobEvent | None = None
        self._ended = False

    async def next_batch(self) -> list[JobEvent] | None:
        """The next events to send, oldest change first: the current states first, then the
        changes newer than what was sent (newest per job). None means a keep-alive tick with
        nothing new. An empty list means the stream has ended: every watched job ended (for a
        stream of named jobs), or the server is shutting down (after a `restarting` event)."""
        if self._ended:
            return []
        if self._unsent is not None:
            batch, self._unsent = self._unsent, None
            self._track(batch)
            if batch or self._ended:
                return batch
        while True:
            if self._subscription.closing is not None:
                self._ended = True
                latest = self._latest
                return [latest.as_restarting(self._subscription.closing)] if latest else []
            events = await self._subscription.next_events()
            if not events and self._subscription.closing is None:
                return None
            fresh = [e for e in events if e.seq > self._last_seq.get(e.job_id, 0)]
            self._track(fresh)
            if fresh:
                return fresh

    def _track(self, events: list[JobEvent]) -> None:
        for event in events:
            self._last_seq[event.job_id] = event.seq
            if event.terminal:
                self._open_jobs.discard(event.job_id)
            else:
                self._open_jobs.add(event.job_id)
            self._latest = event
        if self._until_all_end and not self._open_jobs:
            self._ended = True

    async def events(self) -> AsyncIterator[JobEvent]:
        """Every event of `next_batch`, one at a time, until the stream ends; then it closes."""
        try:
            while (batch := await self.next_batch()) != []:
                for event in batch or ():
                    yield event
        finally:
            self.close()

    def close(self) -> None:
        self._subscription.close()
