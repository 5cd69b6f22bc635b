"""Frames a live page stream sends for one job state, rendered once and shared by every stream.

Every browser watching a job gets the same frames for the same event: its progress block and
message, and, when the job completes, the whole report (~100 KB of HTML, ~10 ms to render).
Rendering that once per watching connection would cost the event loop N renders per event.
Here the first stream to ask for a (job, seq) renders it; streams asking meanwhile or later
await the same result.

Memory is bounded: the newest frames of at most `limit` states (least recently asked for go
first); a stream that asks for an evicted state renders it again, which is slower, not wrong.
A render that fails is forgotten, so the next stream to ask tries again.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable

Key = tuple[str, int]  # (job id, event seq): one state of one job

DEFAULT_LIMIT = 64  # at most ~64 x 190 KB (a completed job's frames) = ~12 MB


class SharedFrames:
    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self._limit = limit
        self._frames: OrderedDict[Key, asyncio.Future[bytes]] = OrderedDict()
        # Renders started: what a test or benchmark reads to see that sharing works.
        self.renders = 0

    async def get(self, key: Key, render: Callable[[], Awaitable[bytes]]) -> bytes:
        """The frames for `key`, from `render()` the first time they are asked for."""
        frames = self._frames.get(key)
        if frames is None:
            self.renders += 1
            frames = asyncio.ensure_future(render())
            frames.add_done_callback(lambda done: self._settled(key, done))
            self._frames[key] = frames
            while len(self._frames) > self._limit:
                self._frames.popitem(last=False)
        else:
            self._frames.move_to_end(key)
        # Shielded: a stream whose client leaves must not cancel the others' render.
        return await asyncio.shield(frames)

    def _settled(self, key: Key, done: asyncio.Future[bytes]) -> None:
        failed = done.cancelled() or done.exception() is not None
        if failed and self._frames.get(key) is done:
            del self._frames[key]
