"""Security headers, API keys, per-client rate limits and stream caps, and slow clients dropped.

In-process tests use the real app over ASGI with the fake clock; what needs a real server
(uvicorn's connection handling, forwarded client addresses, streams held open) runs one.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import json
import random
import re
import select
import socket
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from asgi_lifespan import LifespanManager
from starlette.requests import Request
from starlette.routing import Route

import webapp.api_keys
from webapp.app import create_app
from webapp.security_headers import CONTENT_SECURITY_POLICY
from webapp.settings import Settings

from conftest import FakeClock, RunApp, ServerProcess, wait_until
from redis_server import RedisServer

# The rate limit counts in Redis on that backend: those tests run on both.
BOTH_BACKENDS = True

ROOT = Path(__file__).resolve().parents[1]
KEY = "k-3f9a1c77e2"
OTHER_KEY = "k-8b20d4aa51"
SECURITY = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


def assert_secured(response: httpx.Response) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (response.request.url, name)


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


# --- security headers ----------------------------------------------------------------------------


def test_the_policy_allows_only_our_own_files() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["object-src"] == "'none'"


@pytest.mark.sqlite_only
async def test_pages_api_errors_static_and_streams_carry_the_headers(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await app.submit("headers.check")
        await app.wait_for_status(job_id, "completed")
        responses = [
            await app.client.get("/"),
            await app.client.get(f"/jobs/{job_id}"),
            await app.client.get(f"/reports/{job_id}"),
            await app.client.get("/jobs"),
            await app.client.get("/no/such/page"),  # the HTML error page
            await app.client.get(f"/api/status/{job_id}"),
            await app.client.get("/api/status/nope"),  # the JSON error
            await app.client.post("/api/analyze", json={"handle": ""}),  # 422
            await app.client.get("/health"),
            await app.client.get("/openapi.json"),
            await app.client.get("/static/css/app.css"),
            await app.client.get("/static/js/report.js"),
            # A finished job's stream answers at once: current state, end.
            await app.client.get(f"/api/jobs/{job_id}/events"),
            await app.client.get(f"/jobs/{job_id}/stream"),
        ]
        assert [r.status_code for r in responses] == [200] * 4 + [404, 200, 404, 422] + [200] * 6
        for response in responses:
            assert_secured(response)


@pytest.mark.sqlite_only
async def test_an_unexpected_error_page_carries_the_headers_too(
    settings: Settings, clock: FakeClock
) -> None:
    # A 500 is answered from outside the middleware stack (Starlette's ServerErrorMiddleware).
    app = create_app(settings, clock=clock, rng=random.Random(7))

    async def broken(request: Request) -> None:
        raise RuntimeError("a bug")

    app.router.routes.insert(0, Route("/broken", broken))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/broken")
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert_secured(response)


class _InlineFinder(HTMLParser):
    """Collects what a strict CSP blocks: inline scripts, event handler and style attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.classes: set[str] = set()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "style" or name.startswith(("on", "hx-on")):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "class" and value:
                self.classes.update(value.split())
        if tag == "script" and not dict(attrs).get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")

    def handle_data(self, data: str) -> None:
        pass


def _inline_parts(html: str) -> tuple[list[str], set[str]]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found, finder.classes


@pytest.mark.sqlite_only
async def test_no_page_or_fragment_has_inline_script_or_style(run_app: RunApp) -> None:
    """A strict CSP would block them: bars and band markers are positioned by classes."""
    async with run_app(demo_delay_seconds=5.0) as app:
        done = await app.submit("demo.bought")  # has a band and sub-scores

        async def finished() -> bool:
            app.clock.advance(1.0)
            return (await app.status(done))["status"] == "completed"

        await wait_until(finished, what="the first job to finish")
        running = await app.submit("inline.running")  # a live job page and jobs list
        await wait_until(lambda: app.clock.sleeping() > 0, what="the second job to run")
        urls = ("/", f"/jobs/{done}", f"/reports/{done}", f"/jobs/{running}", "/jobs", "/nope")
        pages = [(await app.client.get(url)).text for url in urls]
    scale = (ROOT / "static/css/scale.css").read_text()
    used: set[str] = set()
    for html in pages:
        found, classes = _inline_parts(html)
        assert found == []
        used |= {name for name in classes if re.fullmatch(r"(at|span)-\d+", name)}
    assert {"at-100"} <= used  # the finished bars
    assert any(name.startswith("span-") for name in used)  # the engagement band
    for name in used:
        assert f".{name} {{" in scale, name


def test_every_percent_class_exists() -> None:
    scale = (ROOT / "static/css/scale.css").read_text()
    for n in range(101):
        assert f".at-{n} {{ --at: {n}%; }}" in scale
        assert f".span-{n} {{ --span: {n}%; }}" in scale


# --- API keys ------------------------------------------------------------------------------------


def test_keys_stay_out_of_the_settings_repr() -> None:
    settings = Settings.from_env({"WEBAPP_API_KEYS": f" {KEY} , {OTHER_KEY},"})
    assert settings.keys() == (KEY, OTHER_KEY)
    assert KEY not in repr(settings)


def test_pages_need_key_without_keys_is_refused() -> None:
    with pytest.raises(ValueError, match="WEBAPP_PAGES_NEED_KEY needs keys"):
        Settings.from_env({"WEBAPP_PAGES_NEED_KEY": "true"})


@pytest.mark.sqlite_only
async def test_with_keys_the_api_needs_a_bearer_key(run_app: RunApp) -> None:
    async with run_app(api_keys=f"{KEY},{OTHER_KEY}") as app:
        missing = await app.client.post("/api/analyze", json={"handle": "no.key"})
        assert missing.status_code == 401
        assert missing.json()["error"]["code"] == "unauthorized"
        assert "Authorization: Bearer" in missing.json()["error"]["message"]
        assert missing.headers["www-authenticate"] == 'Bearer realm="api"'
        assert_secured(missing)

        wrong = await app.client.get("/api/status/x", headers=bearer("k-guessed"))
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "unauthorized"
        assert 'error="invalid_token"' in wrong.headers["www-authenticate"]
        not_bearer = await app.client.get("/api/status/x", headers={"authorization": KEY})
        assert not_bearer.status_code == 401
        assert app.count_jobs() == 0

        accepted = await app.client.post(
            "/api/analyze", json={"handle": "with.key"}, headers=bearer(KEY)
        )
        assert accepted.status_code == 202
        job_id = accepted.json()["job_id"]
        status = await app.client.get(f"/api/status/{job_id}", headers=bearer(OTHER_KEY))
        assert status.status_code == 200
        assert (await app.client.get(f"/api/report/{job_id}")).status_code == 401
        assert (await app.client.get(f"/api/jobs/{job_id}/events")).status_code == 401

        # Open: the health check for load balancers, the API's description, the pages (their
        # form is guarded by the same-origin check) and their files.
        assert (await app.client.get("/health")).status_code == 200
        assert (await app.client.get("/openapi.json")).status_code == 200
        assert (await app.client.get("/")).status_code == 200
        assert (await app.client.get(f"/jobs/{job_id}")).status_code == 200
        assert (await app.client.get("/static/css/app.css")).status_code == 200
        form = await app.client.post("/", data={"handle": "page.user", "platform": "instagram"})
        assert form.status_code == 303
        assert app.count_jobs() == 2


@pytest.mark.sqlite_only
async def test_keys_are_compared_in_constant_time_with_every_key(
    run_app: RunApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def recording(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(webapp.api_keys.hmac, "compare_digest", recording)
    async with run_app(api_keys=f"{KEY},{OTHER_KEY}") as app:
        await app.client.get("/api/status/x", headers=bearer(KEY))  # the first key matches
        assert len(compared) == 2  # no early exit: the second key was compared too
        await app.client.get("/api/status/x", headers=bearer("k" * 5000))
        assert len(compared) == 4
    # Digests of equal length, whatever the key's length: timing tells nothing of it.
    assert {len(a) for a, _ in compared} == {len(b) for _, b in compared} == {32}


@pytest.mark.sqlite_only
async def test_pages_behind_the_keys_ask_the_browser_for_one(run_app: RunApp) -> None:
    basic = {"authorization": "Basic " + base64.b64encode(f"anyone:{KEY}".encode()).decode()}
    async with run_app(api_keys=KEY, pages_need_key=True) as app:
        page = await app.client.get("/")
        assert page.status_code == 401
        assert page.headers["www-authenticate"].startswith('Basic realm="Profile Analyzer"')
        assert "<html" in page.text
        assert "needs a key" in page.text
        assert_secured(page)
        form = await app.client.post("/", data={"handle": "no.key", "platform": "instagram"})
        assert form.status_code == 401
        assert app.count_jobs() == 0

        assert (await app.client.get("/", headers=basic)).status_code == 200
        posted = await app.client.post(
            "/", data={"handle": "basic.user", "platform": "instagram"}, headers=basic
        )
        assert posted.status_code == 303
        job_url = posted.headers["location"].partition("?")[0]
        assert (await app.client.get(job_url)).status_code == 401
        assert (await app.client.get(job_url, headers=bearer(KEY))).status_code == 200
        assert (await app.client.get("/health")).status_code == 200
        assert (await app.client.get("/static/css/app.css")).status_code == 200


# --- job rate limits -----------------------------------------------------------------------------


async def test_job_creation_over_the_limit_is_429_until_the_window_ends(run_app: RunApp) -> None:
    async with run_app(rate_limit_jobs=3, rate_limit_window_seconds=60.0) as app:
        for i in range(3):
            await app.submit(f"rate.user{i}")
        # The clock stands at 12:00:00 + 25 s: the window (12:00:00-12:01:00) has 35 s left.
        app.clock.advance(25.0)
        refused = await app.client.post("/api/analyze", json={"handle": "rate.user3"})
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "35"
        error = refused.json()["error"]
        assert error["code"] == "too_many_requests"
        assert "3 every 60 s" in error["message"]
        assert error["details"] == {"retry_after_seconds": 35}
        assert_secured(refused)
        # The upload and the page form share the budget: a page gets the form again, with why.
        upload = await app.client.post(
            "/api/analyze/upload",
            files={"file": ("posts.csv", b"post_id,likes\n1,2\n", "text/csv")},
            data={"handle": "upload.user"},
        )
        assert upload.status_code == 429
        page = await app.client.post("/", data={"handle": "page.user", "platform": "instagram"})
        assert page.status_code == 429
        assert page.headers["retry-after"] == "35"
        assert "Too many analyses" in page.text
        assert 'value="page.user"' in page.text
        # A batch request counts as one creation, on the API and on its page.
        batch = await app.client.post("/api/batches", json={"text": "batch.one\nbatch.two"})
        assert batch.status_code == 429
        assert batch.headers["retry-after"] == "35"
        batch_page = await app.client.post(
            "/batches", data={"text": "batch.one\nbatch.two", "platform": "instagram"}
        )
        assert batch_page.status_code == 429
        assert "Too many analyses" in batch_page.text
        assert app.count_jobs() == 3

        app.clock.advance(35.0)  # the next window
        await app.submit("rate.user3")
        assert app.count_jobs() == 4


async def test_each_api_key_has_its_own_budget(run_app: RunApp) -> None:
    async with run_app(rate_limit_jobs=1, api_keys=f"{KEY},{OTHER_KEY}") as app:
        for index, key in enumerate((KEY, OTHER_KEY)):
            first = await app.client.post(
                "/api/analyze", json={"handle": f"budget.user{index}"}, headers=bearer(key)
            )
            assert first.status_code == 202
        again = await app.client.post(
            "/api/analyze", json={"handle": "budget.more"}, headers=bearer(KEY)
        )
        assert again.status_code == 429
        # Pages carry no key: their budget is the address's, apart from the keys'.
        page = await app.client.post("/", data={"handle": "budget.page", "platform": "youtube"})
        assert page.status_code == 303


async def test_a_deduplicated_submission_counts_too(run_app: RunApp) -> None:
    async with run_app(rate_limit_jobs=2) as app:
        await app.submit("same.account")
        second = await app.client.post("/api/analyze", json={"handle": "same.account"})
        assert second.json()["deduplicated"] is True
        third = await app.client.post("/api/analyze", json={"handle": "same.account"})
        assert third.status_code == 429


@pytest.mark.sqlite_only  # builds its own Redis settings: two web processes on one Redis
async def test_on_redis_the_limit_holds_across_web_processes(
    run_app: RunApp, redis_server: RedisServer
) -> None:
    redis_server.command("FLUSHALL")
    on_redis = {"redis_url": redis_server.url, "rate_limit_jobs": 2}
    async with run_app(**on_redis) as first, run_app(**on_redis) as second:
        await first.submit("across.one")
        await second.submit("across.two")
        for app in (first, second):
            response = await app.client.post("/api/analyze", json={"handle": "across.three"})
            assert response.status_code == 429


# --- over a real server: per-client limits, stream caps, connections -----------------------------


def forwarded(address: str) -> dict[str, str]:
    """uvicorn takes the client's address from X-Forwarded-For when the connection comes from
    a trusted proxy (FORWARDED_ALLOW_IPS, by default 127.0.0.1): the tests are that proxy."""
    return {"x-forwarded-for": address}


@pytest.mark.slow
async def test_clients_are_limited_apart_by_address(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory(WEBAPP_RATE_LIMIT_JOBS="2", WEBAPP_DEMO_DELAY_SECONDS="0")
    server.start()
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        for i in range(2):
            response = await client.post(
                "/api/analyze", json={"handle": f"addr.a{i}"}, headers=forwarded("203.0.113.5")
            )
            assert response.status_code == 202
        refused = await client.post(
            "/api/analyze", json={"handle": "addr.a2"}, headers=forwarded("203.0.113.5")
        )
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        other = await client.post(
            "/api/analyze", json={"handle": "addr.b0"}, headers=forwarded("198.51.100.7")
        )
        assert other.status_code == 202


async def _open_sse(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> tuple[httpx.Response, Any]:
    context = client.stream("GET", url, headers=headers)
    response = await context.__aenter__()
    return response, context


@pytest.mark.slow
async def test_a_client_holds_at_most_its_share_of_streams(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory(
        WEBAPP_MAX_STREAMS_PER_CLIENT="2",
        WEBAPP_DEMO_DELAY_SECONDS="600",
        WEBAPP_STREAM_PING_SECONDS="0.3",  # a closed stream is noticed at the next ping
    )
    server.start()
    me = forwarded("203.0.113.9")
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        job_id = (await client.post("/api/analyze", json={"handle": "streams.cap"})).json()[
            "job_id"
        ]
        first, first_context = await _open_sse(client, f"/api/jobs/{job_id}/events", me)
        second, second_context = await _open_sse(client, f"/jobs/{job_id}/stream", me)
        assert (first.status_code, second.status_code) == (200, 200)
        assert_secured(first)

        # Streamed, so that without a cap the test fails at once instead of waiting forever.
        async with client.stream("GET", f"/api/jobs/{job_id}/events", headers=me) as over:
            assert over.status_code == 429
            assert over.headers["retry-after"] == "10"
            assert json.loads(await over.aread())["error"]["code"] == "too_many_requests"
        async with client.stream("GET", f"/jobs/{job_id}/stream", headers=me) as page_over:
            assert page_over.status_code == 429
            assert b"<html" in await page_over.aread()
        ws_url = f"ws://127.0.0.1:{server.port}/api/jobs/{job_id}/ws"
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(ws_url, additional_headers=me)
        assert refused.value.response.status_code == 429
        assert refused.value.response.headers["retry-after"] == "10"

        # Another client is not affected.
        other = forwarded("198.51.100.3")
        async with websockets.connect(ws_url, additional_headers=other) as ws:
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            assert event["job_id"] == job_id

        # A closed stream frees its slot.
        await first_context.__aexit__(None, None, None)

        async def slot_free() -> bool:
            response = await client.get("/api/events?job_id=nope", headers=me)
            return response.status_code == 422  # got past the cap to the job-id check

        await wait_until(slot_free, what="the closed stream's slot to be freed")
        await second_context.__aexit__(None, None, None)


@pytest.mark.slow
async def test_api_streams_need_the_key_too(server_factory: Callable[..., ServerProcess]) -> None:
    server = server_factory(WEBAPP_API_KEYS=KEY, WEBAPP_DEMO_DELAY_SECONDS="0")
    server.start()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        job_id = (
            await client.post("/api/analyze", json={"handle": "ws.key"}, headers=bearer(KEY))
        ).json()["job_id"]
    url = f"ws://127.0.0.1:{server.port}/api/jobs/{job_id}/ws"
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url)
    assert refused.value.response.status_code == 401
    assert b"unauthorized" in refused.value.response.body
    async with websockets.connect(url, additional_headers=bearer(KEY)) as ws:
        first = str(await asyncio.wait_for(ws.recv(), 10))
    assert job_id in first


def _closed_within(
    sock: socket.socket, seconds: float, *, dribble: bytes = b""
) -> tuple[float, bytes]:
    """Wait until the server closes `sock` (at most `seconds`), sending one byte of `dribble`
    every 0.2 s meanwhile, as a slow client does; (seconds it took, bytes received)."""
    started = time.monotonic()
    received = b""
    while time.monotonic() - started < seconds:
        readable, _, _ = select.select([sock], [], [], 0.2)
        if readable:
            chunk = sock.recv(4096)
            if not chunk:
                return time.monotonic() - started, received
            received += chunk
        elif dribble:
            try:
                sock.sendall(dribble[:1])
            except OSError:
                return time.monotonic() - started, received
            dribble = dribble[1:]
    raise AssertionError(f"the server kept the connection open for {seconds} s")


@pytest.mark.slow
def test_a_slow_request_head_is_dropped_at_the_deadline(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory(WEBAPP_HEADER_TIMEOUT_SECONDS="1", WEBAPP_KEEP_ALIVE_SECONDS="30")
    server.start()
    address = ("127.0.0.1", server.port)
    # Headers a byte at a time: more data does not move the deadline.
    with socket.create_connection(address) as slow:
        slow.sendall(b"GET /health HTTP/1.1\r\n")
        took, received = _closed_within(slow, 8, dribble=b"Host: x\r\nX-Slow: " + b"a" * 100)
    assert 0.9 <= took < 4
    assert received.startswith(b"HTTP/1.1 408 ")
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head
    assert json.loads(body)["error"]["code"] == "request_timeout"  # the app's error shape
    # A connection that sends nothing is closed as well, without a response.
    with socket.create_connection(address) as silent:
        took, received = _closed_within(silent, 8)
    assert 0.9 <= took < 4
    assert received == b""
    # After a response, the next head has its own deadline (keep-alive alone is 30 s here).
    with socket.create_connection(address) as reused:
        reused.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        took, received = _closed_within(reused, 8, dribble=b"GET /health HTTP/1.1\r\nHost: x")
        assert received.startswith(b"HTTP/1.1 200 ")
        assert b"HTTP/1.1 408 " in received
        assert took < 4


@pytest.mark.slow
async def test_a_stream_outlives_the_header_deadline(
    server_factory: Callable[..., ServerProcess],
) -> None:
    """The deadline is for the request head only: answers that take long are not cut."""
    server = server_factory(
        WEBAPP_HEADER_TIMEOUT_SECONDS="1",
        WEBAPP_STREAM_PING_SECONDS="0.5",
        WEBAPP_DEMO_DELAY_SECONDS="600",
    )
    server.start()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        job_id = (await client.post("/api/analyze", json={"handle": "long.stream"})).json()[
            "job_id"
        ]
        async with client.stream("GET", f"/api/jobs/{job_id}/events") as response:
            started = time.monotonic()
            pings = 0
            async for line in response.aiter_lines():
                pings += line.startswith(":")
                if time.monotonic() - started > 2.5:  # well past the 1 s deadline
                    break
            assert pings >= 3


@pytest.mark.slow
def test_connections_over_the_cap_are_turned_away(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory(WEBAPP_MAX_CONNECTIONS="4", WEBAPP_HEADER_TIMEOUT_SECONDS="30")
    server.start()
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(4)]
    try:
        response = httpx.get(server.base_url + "/health", timeout=5)
        assert response.status_code == 503
    finally:
        for sock in idle:
            sock.close()
    deadline = time.monotonic() + 10
    while httpx.get(server.base_url + "/health", timeout=5).status_code != 200:
        assert time.monotonic() < deadline, "connections were not freed"


@pytest.mark.sqlite_only
async def test_a_limit_of_zero_is_no_limit(run_app: RunApp) -> None:
    assert Settings().rate_limit_jobs == 60
    async with run_app(rate_limit_jobs=0, demo_delay_seconds=600.0) as app:
        for i in range(61):  # over the default
            response = await app.client.post("/api/analyze", json={"handle": f"free.user{i}"})
            assert response.status_code == 202
