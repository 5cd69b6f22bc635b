"""The access log: off by default, one line per request on stdout with WEBAPP_ACCESS_LOG=1,
against a real `python -m webapp serve`."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest

from conftest import ServerProcess, wait_until

LINE = re.compile(
    r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 127\.0\.0\.1 "(?P<request>[^"]*)" '
    r"(?P<status>\d{3}) \d+\.\dms$"
)


def access_lines(server: ServerProcess) -> list[tuple[str, str]]:
    found = (LINE.match(line) for line in server.log_path.read_text().splitlines())
    return [(match["request"], match["status"]) for match in found if match]


@pytest.mark.slow
async def test_with_the_setting_each_request_is_one_line(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory(WEBAPP_ACCESS_LOG="1")
    server.start()
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        assert (await client.get("/health")).status_code == 200
        assert (await client.get("/api/status/nope")).status_code == 404
        # An encoded line break stays encoded: no request can start a line of its own.
        assert (await client.get("/nothing%0A200 fake?x=%0D%0A")).status_code == 404

    wanted = {
        ("GET /health HTTP/1.1", "200"),
        ("GET /api/status/nope HTTP/1.1", "404"),
        ("GET /nothing%0A200%20fake?x=%0D%0A HTTP/1.1", "404"),
    }
    await wait_until(
        lambda: wanted <= set(access_lines(server)), what="the access lines to be written"
    )
    log = server.log_path.read_text()
    # uvicorn's own access log (`... "GET /health HTTP/1.1" 200 OK`) stays off.
    assert " 200 OK" not in log
    assert sum(1 for line in log.splitlines() if "fake" in line) == 1


@pytest.mark.slow
async def test_by_default_requests_are_not_logged(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory()
    server.start()  # polls /health until it answers
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        assert (await client.get("/api/status/nope")).status_code == 404
    assert server.stop()  # a clean shutdown writes whatever is buffered
    log = server.log_path.read_text()
    assert "Application shutdown complete" in log
    assert "/health" not in log
    assert "/api/status/nope" not in log
