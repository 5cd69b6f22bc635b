"""Requests uvicorn cannot parse are answered in the app's error shape, not in plain text.

A request that is not valid HTTP (`Content-Length: -1`, a control character in a header, a bad
request line) never reaches the app: uvicorn's parser refuses it and writes a plain-text 400
itself. uvicorn takes the protocol class as a setting (`uvicorn.run(http=...)`, or
`--http webapp.malformed_http:JsonBadRequest`), so a subclass can replace that one answer with
the JSON body every other error has. The connection still closes after it: a stream that failed
to parse cannot be trusted to frame the next request.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from webapp.errors import AppError, MalformedRequest

_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 503: b"Service Unavailable"}


def raw_error_response(
    error: AppError, default_headers: Iterable[tuple[bytes, bytes]] = ()
) -> bytes:
    """A whole HTTP/1.1 response carrying `error` as JSON, for answers written straight to the
    socket (before there is a request the app could answer); it closes the connection."""
    body = json.dumps(error.body()).encode()
    reason = _REASONS.get(error.status_code, b"Error")
    head = [b"HTTP/1.1 %d %s\r\n" % (error.status_code, reason)]
    head.extend(name + b": " + value + b"\r\n" for name, value in default_headers)
    head.append(b"content-type: application/json\r\n")
    head.append(b"content-length: %d\r\n" % len(body))
    head.append(b"connection: close\r\n\r\n")
    return b"".join(head) + body


def malformed_request(reason: str | None) -> MalformedRequest:
    return MalformedRequest(
        "The request is not valid HTTP/1.1, so it was not read and nothing was done; "
        "details.reason says what is wrong (a negative Content-Length, say).",
        details={"reason": reason[:200]} if reason else None,
    )


class JsonBadRequest(HttpToolsProtocol):
    """httptools (uvicorn's `auto` choice when it is installed, as with uvicorn[standard]),
    with the parser's 400 in the error shape. Other protocol subclasses can build on it."""

    def send_400_response(self, msg: str) -> None:
        # uvicorn calls this inside its `except HttpParserError`, whose text names the fault
        # ("Invalid character in Content-Length"); the `msg` it passes is always the same.
        problem = sys.exception()
        error = malformed_request(str(problem) if problem is not None else None)
        self.transport.write(raw_error_response(error, self.server_state.default_headers))
        self.transport.close()
