"""uvicorn's HTTP protocol with a deadline for request heads, and the connection limits.

uvicorn times out only an idle keep-alive connection, and only until its first byte: a client
that opens a connection and sends its request line and headers one byte at a time is never
dropped, so a few thousand such clients hold as many sockets for as long as they like. Here a
connection must deliver a whole request head within WEBAPP_HEADER_TIMEOUT_SECONDS of the moment
the server starts waiting for one (on connect, and after each response; checked every quarter
of that time, at most every second); otherwise it gets a 408 (or nothing, if it had sent
nothing) and is closed. The body is the app's to read.

The same WEBAPP_* settings set uvicorn's keep-alive timeout and its cap on open connections
(over it, new requests get uvicorn's plain 503). Both `python -m webapp serve` and the
Procfile's `uvicorn --http webapp.http_protocol:WebappHttpProtocol` use this class, so the
settings are read from the environment here, once per process, at the first connection.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import resource
import weakref
from dataclasses import dataclass
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from webapp.errors import RequestTimeout
from webapp.malformed_http import JsonBadRequest, raw_error_response
from webapp.settings import Settings

logger = logging.getLogger(__name__)

# File descriptors kept for what is not a client connection: the SQLite files, Redis
# connections, analysis worker pipes, log files.
RESERVED_DESCRIPTORS = 256

# Written straight to the socket (there is no request for the app to answer), in the error shape.
_TIMEOUT_RESPONSE = raw_error_response(
    RequestTimeout(
        "The request head did not arrive in time, so the connection was closed. Send the "
        "whole request line and headers at once."
    )
)


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    header_timeout_seconds: float
    keep_alive_seconds: int
    max_connections: int | None  # None: no cap


def connection_limits(settings: Settings) -> ConnectionLimits:
    maximum: int | None = settings.max_connections
    if not maximum:
        soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        unlimited = soft == resource.RLIM_INFINITY or soft <= 0
        maximum = None if unlimited else max(16, soft - RESERVED_DESCRIPTORS)
    return ConnectionLimits(
        header_timeout_seconds=settings.header_timeout_seconds,
        keep_alive_seconds=settings.keep_alive_seconds,
        max_connections=maximum,
    )


@functools.cache
def _configured() -> ConnectionLimits:
    return connection_limits(Settings.from_env())


class HeadDeadlines:
    """Every connection's request-head deadline on one timer per event loop: a timer per request
    (armed and cancelled around each of thousands of status polls a second) cost a few percent
    of a poll; a dictionary entry costs next to nothing. The timer fires every quarter of the
    deadline (at most every second), so a head is cut between 1 and 1.25 deadlines, or within a
    second of it."""

    def __init__(self, loop: asyncio.AbstractEventLoop, timeout_seconds: float) -> None:
        self._loop = loop
        self._timeout = timeout_seconds
        self._interval = min(1.0, timeout_seconds / 4)
        self._deadlines: dict[WebappHttpProtocol, float] = {}
        self._timer: asyncio.TimerHandle | None = None

    def start(self, protocol: WebappHttpProtocol) -> None:
        self._deadlines[protocol] = self._loop.time() + self._timeout
        if self._timer is None:
            self._timer = self._loop.call_later(self._interval, self._sweep)

    def stop(self, protocol: WebappHttpProtocol) -> None:
        self._deadlines.pop(protocol, None)

    def _sweep(self) -> None:
        self._timer = None
        now = self._loop.time()
        late = [protocol for protocol, deadline in self._deadlines.items() if deadline <= now]
        for protocol in late:
            del self._deadlines[protocol]
            protocol.head_timed_out()
        if self._deadlines:
            self._timer = self._loop.call_later(self._interval, self._sweep)


_deadlines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, HeadDeadlines] = (
    weakref.WeakKeyDictionary()
)


def _head_deadlines(loop: asyncio.AbstractEventLoop, timeout_seconds: float) -> HeadDeadlines:
    deadlines = _deadlines.get(loop)
    if deadlines is None:
        deadlines = _deadlines[loop] = HeadDeadlines(loop, timeout_seconds)
    return deadlines


class WebappHttpProtocol(JsonBadRequest):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        limits = _configured()
        self.timeout_keep_alive = limits.keep_alive_seconds
        self.limit_concurrency = limits.max_connections
        self._header_timeout = limits.header_timeout_seconds
        self._deadlines = _head_deadlines(self.loop, limits.header_timeout_seconds)
        self._head_started = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_waiting()

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadlines.stop(self)
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        self._head_started = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._deadlines.stop(self)
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # uvicorn arms its keep-alive timer only when it now waits for the next request (not
        # when a pipelined one starts, nor when the connection closes).
        if self.timeout_keep_alive_task is not None:
            self._start_waiting()

    def _start_waiting(self) -> None:
        self._head_started = False
        self._deadlines.start(self)

    def head_timed_out(self) -> None:
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            return  # a request is being answered: not waiting for a head
        if self._head_started:
            logger.info(
                "Dropped %s: its request head took over %g s", self._peer(), self._header_timeout
            )
            self.transport.write(_TIMEOUT_RESPONSE)
        self.transport.close()

    def _peer(self) -> str:
        return f"{self.client[0]}:{self.client[1]}" if self.client else "a client"
