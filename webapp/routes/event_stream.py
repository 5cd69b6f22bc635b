"""A lean text/event-stream response: one task per connection, bytes encoded once per event.

sse-starlette's EventSourceResponse runs four tasks per connection (stream, ping, disconnect
listener, shutdown watcher). With ten thousand subscribers that is most of the memory and time,
so live streams use this instead: the connection's own task waits on its subscription; the hub's
single keep-alive timer wakes every subscription at once for a ping (and a check that the client
is still there); the stream ends when the job stream ends, which includes the server's shutdown.
sse-starlette still encodes the frames that are not pre-encoded events.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sse_starlette import ServerSentEvent
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from webapp.jobs.hub import JobEvent
from webapp.jobs.stream import JobStream
from webapp.limits import stream_slot

logger = logging.getLogger(__name__)

Renderer = Callable[[JobEvent], Awaitable[bytes]]

RETRY_MILLISECONDS = 2000
_RETRY = ServerSentEvent(retry=RETRY_MILLISECONDS).encode()
_PING = ServerSentEvent(comment="ping").encode()
_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # tell nginx-style proxies not to buffer the stream
]


async def _client_left(receive: Receive) -> bool:
    """Whether the client has hung up, without waiting. (Starlette's is_disconnected does the
    same through an anyio cancel scope, several times dearer at every tick of every stream.)"""
    try:
        async with asyncio.timeout(0):
            message = await receive()
    except TimeoutError:
        return False
    return bool(message["type"] == "http.disconnect")


class EventStreamResponse:
    """Streams a JobStream: each batch of events as one write. Without `render`, the events'
    own JSON frames (encoded once, shared by every subscriber); with it, what it renders."""

    def __init__(
        self,
        stream: JobStream,
        render: Renderer | None = None,
        *,
        extra_headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        self._stream = stream
        self._render = render
        self._headers = _HEADERS + (extra_headers or [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        render = self._render
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self._headers})
            await send({"type": "http.response.body", "body": _RETRY, "more_body": True})
            while (batch := await self._stream.next_batch()) != []:
                if batch is None:  # a keep-alive tick
                    if await _client_left(receive):
                        return
                    chunk = _PING
                elif render is None:  # JSON events: their frames are encoded once, shared
                    chunk = b"".join(event.sse for event in batch)
                else:
                    chunk = b"".join([await render(event) for event in batch])
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        finally:
            self._stream.close()
            await send({"type": "http.response.body", "body": b"", "more_body": False})


class StreamEndpoint:
    """An endpoint for long streams: Starlette's function endpoints wrap every `send` in one
    more exception-tracking layer, a cost paid on each of the thousands of chunks a stream
    sends. Errors raised before the response starts still reach the app's error handlers,
    among them the 429 of a client that holds too many streams already."""

    def __init__(self, handler: Callable[[Request], Awaitable[ASGIApp]]) -> None:
        self._handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        with stream_slot(request):
            response = await self._handler(request)
            await response(scope, receive, send)
