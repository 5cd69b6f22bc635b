"""The shared HTTP layer against a fake platform: a real uvicorn server on loopback."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.scraping.http import (
    HttpClient,
    HttpSettings,
    RequestBudget,
    make_client,
    raise_for_common_status,
)
from webapp.pipeline.scraping.retry_after import parse_retry_after

from conftest import wait_until
from loopback import serving

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
SETTINGS = HttpSettings(connect_timeout=2.0, read_timeout=5.0, max_retries=3)

# A planned answer: a response, or HANG (wait until the test ends, so the client times out),
# or SLOW (wait until the test opens the gate).
HANG = "hang"
SLOW = "slow"
Planned = Response | str


@dataclass
class FakePlatform:
    """Answers each path with the responses a test planned, in order, and records requests."""

    plans: dict[str, list[Planned]] = field(default_factory=dict)
    received: list[str] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    teardown: asyncio.Event = field(default_factory=asyncio.Event)
    base_url: str = ""

    def plan(self, path: str, *answers: Planned) -> str:
        self.plans.setdefault(path, []).extend(answers)
        return self.base_url + path

    def count(self, path: str) -> int:
        return self.received.count(path)

    async def handle(self, request: Request) -> Response:
        path = request.url.path
        self.received.append(path)
        self.requests.append(request)
        self.bodies.append(await request.body())
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            plan = self.plans.get(path, [])
            answer = plan.pop(0) if len(plan) > 1 else plan[0] if plan else None
            if answer is None:
                return PlainTextResponse("nothing planned", status_code=500)
            if answer == HANG:
                await self.teardown.wait()
                return PlainTextResponse("too late")
            if answer == SLOW:
                await self.gate.wait()
                return JSONResponse({"slow": True})
            assert isinstance(answer, Response)
            return answer
        finally:
            self.in_flight -= 1


@pytest.fixture
async def platform() -> AsyncIterator[FakePlatform]:
    fake = FakePlatform()
    routes = [Route("/{path:path}", fake.handle, methods=["GET", "POST"])]
    async with serving(Starlette(routes=routes)) as base_url:
        fake.base_url = base_url
        try:
            yield fake
        finally:
            fake.teardown.set()
            fake.gate.set()


@dataclass
class Harness:
    http: HttpClient
    slept: list[float]


HarnessFactory = Callable[..., Harness]


@pytest.fixture
async def harness() -> AsyncIterator[HarnessFactory]:
    clients: list[httpx.AsyncClient] = []

    def make(**overrides: Any) -> Harness:
        settings = replace(SETTINGS, **overrides)
        client = make_client(settings)
        clients.append(client)
        slept: list[float] = []

        async def sleep(seconds: float) -> None:
            slept.append(seconds)

        http = HttpClient(client, settings, sleep=sleep, rng=random.Random(3), now=lambda: NOW)
        return Harness(http, slept)

    yield make
    for client in clients:
        await client.aclose()


def budget() -> RequestBudget:
    return RequestBudget(50)


async def test_json_answer(platform: FakePlatform, harness: HarnessFactory) -> None:
    url = platform.plan("/v3/channels", JSONResponse({"items": [{"id": "UC1"}]}))
    h = harness()

    body = await h.http.get_json(url, budget=budget(), params={"part": "snippet", "max": 5})

    assert body == {"items": [{"id": "UC1"}]}
    assert h.slept == []


async def test_client_settings_reach_the_platform(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/whoami", JSONResponse({}))
    h = harness(user_agent="probe/1")

    await h.http.get(url, budget=budget(), params={"n": 2}, headers={"X-Extra": "yes"})

    (seen,) = platform.requests
    assert seen.headers["User-Agent"] == "probe/1"
    assert seen.headers["X-Extra"] == "yes"
    assert seen.query_params["n"] == "2"
    async with make_client(HttpSettings(connect_timeout=2.0, read_timeout=9.0)) as client:
        assert client.timeout == httpx.Timeout(9.0, connect=2.0)
        assert client.follow_redirects is False


async def test_post_sends_a_form_body(platform: FakePlatform, harness: HarnessFactory) -> None:
    url = platform.plan("/oauth/token/", JSONResponse({"access_token": "t"}))

    body = await harness().http.post_json(
        url, budget=budget(), form={"grant_type": "client_credentials", "client_key": "k&1"}
    )

    assert body == {"access_token": "t"}
    (seen,) = platform.requests
    assert seen.method == "POST"
    assert seen.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert platform.bodies == [b"grant_type=client_credentials&client_key=k%261"]


async def test_post_sends_a_json_body_and_query(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/query/", JSONResponse({"data": []}))

    response = await harness().http.post(
        url,
        budget=budget(),
        params={"fields": "id,name"},
        headers={"Authorization": "Bearer t"},
        json={"query": {"and": []}, "max_count": 100},
    )

    assert response.status_code == 200
    (seen,) = platform.requests
    assert seen.query_params["fields"] == "id,name"
    assert seen.headers["Authorization"] == "Bearer t"
    assert seen.headers["Content-Type"] == "application/json"
    assert platform.bodies[0] == b'{"query":{"and":[]},"max_count":100}'


async def test_post_is_retried_like_get_and_resends_its_body(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan(
        "/busy/",
        PlainTextResponse("slow down", status_code=429, headers={"Retry-After": "4"}),
        PlainTextResponse("down", status_code=503),
        JSONResponse({"ok": True}),
    )
    h = harness()
    spent = budget()

    assert await h.http.post_json(url, budget=spent, json={"n": 1}) == {"ok": True}

    assert platform.count("/busy/") == 3
    assert spent.spent == 3
    assert platform.bodies == [b'{"n":1}'] * 3
    assert len(h.slept) == 2
    assert h.slept[0] >= 4


async def test_post_gives_up_with_a_transient_error(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/down/", PlainTextResponse("down", status_code=502))

    with pytest.raises(TransientError, match="502 Bad Gateway twice") as caught:
        await harness(max_retries=1).http.post(url, budget=budget(), json={})
    assert caught.value.code == "upstream_unavailable"


async def test_post_json_not_json_404_page_is_permanent(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/gone/", Response("<h1>Not Found</h1>", 404, media_type="text/html"))

    with pytest.raises(PermanentError, match=r"has no /gone/ \(HTTP 404\)") as caught:
        await harness().http.post_json(url, budget=budget(), form={"a": "b"})
    # A bare 404 page says the address is wrong, not that the account does not exist.
    assert caught.value.code == "upstream_unavailable"


async def test_post_takes_one_kind_of_body(harness: HarnessFactory) -> None:
    with pytest.raises(ValueError, match="not both"):
        await harness().http.post("http://127.0.0.1:9/x", budget=budget(), form={}, json={})


# 90 s lies above backoff_cap (30 s) but within retry_after_cap (120 s): still honoured.
@pytest.mark.parametrize("seconds", [7, 90])
async def test_429_waits_at_least_retry_after(
    platform: FakePlatform, harness: HarnessFactory, seconds: int
) -> None:
    url = platform.plan(
        "/media",
        PlainTextResponse("slow down", status_code=429, headers={"Retry-After": str(seconds)}),
        JSONResponse({"ok": True}),
    )
    h = harness()

    assert await h.http.get_json(url, budget=budget()) == {"ok": True}

    assert len(h.slept) == 1
    assert h.slept[0] >= seconds
    assert platform.count("/media") == 2


async def test_503_twice_then_success(platform: FakePlatform, harness: HarnessFactory) -> None:
    unavailable = PlainTextResponse("down", status_code=503)
    url = platform.plan("/user", unavailable, unavailable, JSONResponse({"ok": 1}))
    h = harness(backoff_base=0.5, backoff_cap=30.0)
    spent = budget()

    assert await h.http.get_json(url, budget=spent) == {"ok": 1}

    assert platform.count("/user") == 3
    assert spent.spent == 3
    # Full jitter: each wait lies within the exponential ceiling of its attempt.
    assert len(h.slept) == 2
    assert 0 <= h.slept[0] <= 0.5
    assert 0 <= h.slept[1] <= 1.0


async def test_503_every_time_gives_up_readably(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/down", PlainTextResponse("down", status_code=503))
    h = harness(max_retries=2)

    with pytest.raises(TransientError) as caught:
        await h.http.get(url, budget=budget())

    assert caught.value.message == "127.0.0.1 answered 503 Service Unavailable three times"
    assert caught.value.retry_after is None
    assert platform.count("/down") == 3
    assert len(h.slept) == 2


async def test_mixed_failures_name_the_last_one(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan(
        "/mixed",
        PlainTextResponse("bad gateway", status_code=502),
        PlainTextResponse("busy", status_code=429, headers={"Retry-After": "3"}),
    )
    h = harness(max_retries=1)

    with pytest.raises(TransientError) as caught:
        await h.http.get(url, budget=budget())

    assert caught.value.message == (
        "127.0.0.1 answered 429 Too Many Requests, after 2 failed tries in a row"
    )
    assert caught.value.retry_after == 3.0
    assert caught.value.code == "rate_limited"  # what the platform is doing now


async def test_retry_after_as_http_date(platform: FakePlatform, harness: HarnessFactory) -> None:
    when = format_datetime(NOW + timedelta(seconds=42), usegmt=True)
    url = platform.plan(
        "/dated",
        PlainTextResponse("busy", status_code=503, headers={"Retry-After": when}),
        JSONResponse([1, 2]),
    )
    h = harness()

    assert await h.http.get_json(url, budget=budget()) == [1, 2]

    assert len(h.slept) == 1
    assert 42 <= h.slept[0] < 43


async def test_retry_after_over_cap_is_not_waited(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan(
        "/quota", PlainTextResponse("later", status_code=429, headers={"Retry-After": "600"})
    )
    h = harness(retry_after_cap=120.0)

    with pytest.raises(TransientError) as caught:
        await h.http.get(url, budget=budget())

    assert caught.value.retry_after == 600.0
    assert caught.value.code == "rate_limited"
    assert "600 s" in caught.value.message
    assert h.slept == []
    assert platform.count("/quota") == 1


async def test_read_timeout_is_retried_then_reported(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/hang", HANG)
    h = harness(read_timeout=0.2, max_retries=1)

    with pytest.raises(TransientError) as caught:
        await h.http.get(url, budget=budget())

    assert caught.value.message == "127.0.0.1 did not answer within 0.2 s twice"
    assert platform.count("/hang") == 2
    assert len(h.slept) == 1


async def test_connection_refused_is_retried(free_port: int, harness: HarnessFactory) -> None:
    h = harness(max_retries=1)

    with pytest.raises(TransientError) as caught:
        await h.http.get(f"http://127.0.0.1:{free_port}/x", budget=budget())

    assert caught.value.message == "the connection to 127.0.0.1 failed twice"
    assert len(h.slept) == 1


async def test_redirect_is_returned_not_followed(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/profile", RedirectResponse("/accounts/login", status_code=302))
    platform.plan("/accounts/login", JSONResponse({"login": True}))
    h = harness()

    response = await h.http.get(url, budget=budget())

    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/login"
    assert platform.received == ["/profile"]


async def test_404_is_returned_and_classified(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/users/nobody", JSONResponse({"error": "no user"}, status_code=404))
    h = harness()

    response = await h.http.get(url, budget=budget())

    assert response.status_code == 404
    assert h.slept == []
    with pytest.raises(PermanentError, match=r"has no /users/nobody \(HTTP 404\)"):
        raise_for_common_status(response, what="The TikTok profile page")


@pytest.mark.parametrize("status", [401, 403])
async def test_refused_credentials_are_permanent(
    platform: FakePlatform, harness: HarnessFactory, status: int
) -> None:
    url = platform.plan("/me", JSONResponse({"error": "bad token"}, status_code=status))
    response = await harness().http.get(url, budget=budget())

    with pytest.raises(PermanentError, match="Instagram refused the credentials") as caught:
        raise_for_common_status(response, what="Instagram")
    assert caught.value.code == "auth_required"


async def test_other_statuses_pass_classification(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/bad", JSONResponse({"error": "bad request"}, status_code=400))
    response = await harness().http.get(url, budget=budget())

    raise_for_common_status(response, what="YouTube")

    assert response.status_code == 400


async def test_budget_exhausted_stops_requests(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/page", JSONResponse({"next": True}))
    h = harness()
    spent = RequestBudget(3)

    for _ in range(3):
        await h.http.get_json(url, budget=spent)
    with pytest.raises(PermanentError, match="used up its budget of 3 requests") as caught:
        await h.http.get_json(url, budget=spent)
    assert caught.value.code == "quota_exceeded"

    assert platform.count("/page") == 3
    assert spent.spent == 3


async def test_retries_spend_the_budget(platform: FakePlatform, harness: HarnessFactory) -> None:
    url = platform.plan("/flaky", PlainTextResponse("down", status_code=503))
    spent = RequestBudget(2)

    with pytest.raises(PermanentError, match="budget of 2 requests"):
        await harness(max_retries=5).http.get(url, budget=spent)

    assert platform.count("/flaky") == 2


async def test_per_host_limit(platform: FakePlatform, harness: HarnessFactory) -> None:
    url = platform.plan("/slow", SLOW)
    h = harness(per_host_limit=2)

    gets = [asyncio.create_task(h.http.get_json(url, budget=budget())) for _ in range(6)]
    await wait_until(lambda: platform.in_flight >= 2, what="two requests in flight")
    platform.gate.set()
    bodies = await asyncio.gather(*gets)

    assert bodies == [{"slow": True}] * 6
    assert platform.count("/slow") == 6
    assert platform.most_in_flight == 2


async def test_body_not_json_is_transient(platform: FakePlatform, harness: HarnessFactory) -> None:
    page = "<html>" + "Please wait while we check your browser " * 500 + "</html>"
    url = platform.plan("/proxy", Response(page, media_type="text/html"))

    with pytest.raises(TransientError) as caught:
        await harness().http.get_json(url, budget=budget())

    message = caught.value.message
    assert message.startswith("127.0.0.1 answered 200 with a body that is not JSON")
    assert "text/html" in message
    assert len(message) < 150


async def test_not_json_404_page_is_permanent(
    platform: FakePlatform, harness: HarnessFactory
) -> None:
    url = platform.plan("/gone", Response("<h1>Not Found</h1>", 404, media_type="text/html"))

    with pytest.raises(PermanentError, match=r"has no /gone \(HTTP 404\)"):
        await harness().http.get_json(url, budget=budget())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("1.5", 1.5),
        ("Sun, 10 May 2026 12:01:30 GMT", 90.0),
        ("Sun, 10 May 2026 12:00:00 -0000", 0.0),
        ("Sat, 09 May 2026 12:00:00 GMT", 0.0),
        ("soon", None),
        ("Sun, 99 Foo 2026 12:00:00 GMT", None),
        ("inf", None),
        ("nan", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected
