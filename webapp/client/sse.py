"""Reading Server-Sent Events, and following a stream to its final event across drops.

`parse_events` is the format alone (a pure function over lines). `follow` keeps a stream going:
when the connection drops or the server restarts before the final event, it waits the server's
`retry:` hint and reconnects with `Last-Event-ID`, and the server answers with the current state
first, so nothing is missed (progress is state, not a log).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx

from webapp.client.api import ApiClient, ServerUnavailable, error_of, unreachable

# How long to keep reconnecting without getting through, before giving up (a server restart
# takes a few seconds; this leaves room for a slow one).
RECONNECT_WINDOW_SECONDS = 60.0
DEFAULT_RETRY_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str
    data: str
    id: str | None

    def json(self) -> Any:
        return json.loads(self.data)


@dataclass(slots=True)
class _Frame:
    event: str = ""
    data: list[str] | None = None
    id: str | None = None


def parse_events(
    lines: Iterable[str], on_retry: Callable[[int], None] | None = None
) -> Iterator[SseEvent]:
    """Events from the lines of a text/event-stream (line endings already removed).

    Comments (`: ping`) are skipped; `retry:` is passed to `on_retry` in milliseconds; an event
    without data is not dispatched, as in EventSource."""
    frame = _Frame()
    for line in lines:
        if line == "":
            if frame.data is not None:
                yield SseEvent(frame.event or "message", "\n".join(frame.data), frame.id)
            frame = _Frame(id=frame.id)  # the last id carries over, as in EventSource
            frame.event = ""
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            frame.data = [*(frame.data or []), value]
        elif name == "event":
            frame.event = value
        elif name == "id" and "\0" not in value:
            frame.id = value
        elif name == "retry" and value.isascii() and value.isdigit() and on_retry is not None:
            on_retry(int(value))


class StreamEnded(Exception):
    """The server says there is nothing more to follow (204: the final event was seen)."""


def follow(
    client: ApiClient,
    path: str,
    *,
    is_final: Callable[[SseEvent], bool],
    on_reconnect: Callable[[str], None] = lambda reason: None,
    window: float = RECONNECT_WINDOW_SECONDS,
) -> Iterator[SseEvent]:
    """Every event of the stream at `path` up to and including the final one.

    A 4xx (unknown job, refused key) raises ServerRefused at once; a server that stays
    unreachable for `window` seconds raises ServerUnavailable. Ends without a final event only
    when the server answers 204 to a reconnection (the final event was already delivered)."""
    last_id: str | None = None
    retry = DEFAULT_RETRY_SECONDS
    failing_since: float | None = None

    def set_retry(milliseconds: int) -> None:
        nonlocal retry
        retry = min(max(milliseconds / 1000, 0.1), 30.0)

    while True:
        headers = {"Accept": "text/event-stream"}
        if last_id is not None:
            headers["Last-Event-ID"] = last_id
        try:
            with client.stream(path, headers) as response:
                if response.status_code == 204:
                    return
                if response.status_code >= 400:
                    response.read()
                    raise error_of(response)
                failing_since = None
                for event in parse_events(response.iter_lines(), set_retry):
                    if event.id is not None:
                        last_id = event.id
                    yield event
                    if is_final(event):
                        return
            reason = "the server closed the stream (restarting?)"
        except (httpx.TransportError, ServerUnavailable) as exc:
            now = time.monotonic()
            failing_since = failing_since if failing_since is not None else now
            if now - failing_since > window:
                if isinstance(exc, ServerUnavailable):
                    raise
                raise unreachable(client.base_url, exc) from None
            reason = f"connection lost ({exc or type(exc).__name__})"
        on_reconnect(reason)
        time.sleep(retry)
