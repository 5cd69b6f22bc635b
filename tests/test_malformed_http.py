"""A request uvicorn cannot parse is answered in the app's JSON error shape, not plain text."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import pytest

from conftest import ServerProcess


def _exchange(port: int, request: bytes) -> tuple[bytes, dict[str, str], bytes]:
    """Send raw bytes; read until the server closes (it must: the stream cannot be trusted)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    return status_line, headers, body


@pytest.mark.slow
@pytest.mark.parametrize(
    ("request_bytes", "reason"),
    [
        pytest.param(
            b"POST /api/analyze HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            b"Content-Length: -1\r\n\r\n{}",
            "Content-Length",
            id="negative-content-length",
        ),
        pytest.param(
            b"POST /api/analyze HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999"
            b"\r\n\r\n",
            "Content-Length",
            id="content-length-overflow",
        ),
        pytest.param(b"GARBAGE\r\n\r\n", "method", id="bad-request-line"),
        pytest.param(b"GET /health HTTP/1.1\r\nX: a\x01b\r\n\r\n", "header", id="control-char"),
    ],
)
def test_unparseable_request_gets_the_error_shape(
    server_factory: Callable[..., ServerProcess], request_bytes: bytes, reason: str
) -> None:
    server = server_factory()
    server.start()
    status_line, headers, body = _exchange(server.port, request_bytes)
    assert status_line.startswith(b"HTTP/1.1 400 ")
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert int(headers["content-length"]) == len(body)
    error = json.loads(body)["error"]
    assert error["code"] == "malformed_request"
    assert "not valid HTTP" in error["message"]
    assert reason.lower() in error["details"]["reason"].lower()
    # The server is unharmed and still answers well-formed requests.
    status_line, _, body = _exchange(
        server.port, b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
    )
    assert status_line.startswith(b"HTTP/1.1 200 ")
    assert json.loads(body)["status"] == "ok"
