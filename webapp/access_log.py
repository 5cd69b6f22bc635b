"""A cheap access log: one line per request, written to stdout in batches.

uvicorn's own access log sends every request through `logging` (a record, a copy of it, a
formatter that colours and looks up the status phrase), which costs more than answering a status
poll. This middleware formats one line with an f-string, keeps it in a list, and writes the list
at most every `FLUSH_SECONDS` (and when the app shuts down), so a busy server makes one write
call a fraction of a second, not one per request. It is on with WEBAPP_ACCESS_LOG=1.

    2026-12-05T23:20:01Z 127.0.0.1 "GET /api/status/5f0c… HTTP/1.1" 200 0.3ms
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

FLUSH_SECONDS = 0.25
# A long burst still goes out in bounded pieces.
MAX_BUFFERED_LINES = 1000


class AccessLogWriter:
    """Buffers lines and writes them to `stream` (stdout unless given) a little later."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lines: list[str] = []
        self._flush_at: asyncio.TimerHandle | None = None
        self._second = -1
        self._stamp = ""

    def stamp(self) -> str:
        """The current time to the second, formatted once a second."""
        now = int(time.time())
        if now != self._second:
            self._second = now
            self._stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
        return self._stamp

    def write(self, line: str) -> None:
        self._lines.append(line)
        if len(self._lines) >= MAX_BUFFERED_LINES:
            self.flush()
        elif self._flush_at is None:
            self._flush_at = asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)

    def flush(self) -> None:
        if self._flush_at is not None:
            self._flush_at.cancel()
            self._flush_at = None
        if not self._lines:
            return
        stream = self._stream if self._stream is not None else sys.stdout
        stream.write("".join(self._lines))
        stream.flush()
        self._lines.clear()


def _text(raw: bytes | str) -> str:
    """Part of a request as printable ASCII, anything else escaped: a line stays one line."""
    text = raw.decode("ascii", "backslashreplace") if isinstance(raw, bytes) else raw
    if text.isascii() and text.isprintable():
        return text
    return text.encode("unicode_escape").decode("ascii")


class AccessLog:
    """Pure ASGI middleware: after each HTTP response, one line into the writer (client,
    request line as the client sent it, status, time to the last byte). Streams log when they
    end; WebSockets are not logged."""

    def __init__(self, app: ASGIApp, writer: AccessLogWriter) -> None:
        self.app = app
        self.writer = writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def logged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, logged_send)
        except Exception:
            # Nothing sent yet: the outermost error handler answers 500.
            status = status or 500
            raise
        finally:
            self._log(scope, status, time.perf_counter() - started)

    def _log(self, scope: Scope, status: int, seconds: float) -> None:
        client = scope.get("client")
        host = _text(client[0]) if client else "-"
        path = _text(scope.get("raw_path") or scope["path"])
        query = scope.get("query_string")
        if query:
            path = f"{path}?{_text(query)}"
        self.writer.write(
            f'{self.writer.stamp()} {host} "{scope["method"]} {path} '
            f'HTTP/{scope["http_version"]}" {status or "-"} {seconds * 1000:.1f}ms\n'
        )
