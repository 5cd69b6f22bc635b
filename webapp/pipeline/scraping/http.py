"""The HTTP layer every platform adapter shares: timeouts, retries, per-host limits, budgets.

Adapters call `HttpClient.get` / `get_json` (or `post` / `post_json` for query APIs that take
their parameters in a body) and get back any answer that is final: 2xx, 3xx
(redirects are not followed, so a login redirect stays visible) and 4xx other than 408/429.
Transient trouble (408, 429, 5xx gateway errors, timeouts, broken connections) is retried here
with backoff, and what is still failing after the retries becomes a `TransientError` the job
runner reschedules. Mapping a platform's own error bodies stays with its adapter.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from webapp.backoff import backoff_delay
from webapp.models import ErrorCode
from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.scraping.retry_after import parse_retry_after

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times"}


@dataclass(frozen=True, slots=True)
class HttpSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_retries: int = 3  # retries after the first try, for transient answers
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    # A longer Retry-After is not waited in-process: the job runner reschedules the job instead
    # of holding a slot of its task group for minutes.
    retry_after_cap: float = 120.0
    per_host_limit: int = 4  # concurrent requests per host
    user_agent: str = "webapp-profile-analyzer/0.1"


class RequestBudget:
    """Requests one job may make; a runaway pagination loop cannot hammer a platform."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.spent = 0

    def spend(self) -> None:
        if self.spent >= self.limit:
            # Retries spend from the budget too, so a flaky platform can use it up as well.
            raise PermanentError(
                f"This analysis used up its budget of {self.limit} requests before it was "
                "done: the account has more data than one analysis may fetch, or the platform "
                "needed many retries",
                code="quota_exceeded",
            )
        self.spent += 1


def make_client(settings: HttpSettings) -> httpx.AsyncClient:
    """The one AsyncClient an app shares between adapters (its owner closes it)."""
    # Write and pool timeouts follow the read timeout: all three mean "the platform is slow".
    timeout = httpx.Timeout(settings.read_timeout, connect=settings.connect_timeout)
    # The pool is roomy so the per-host semaphores in HttpClient, not a pool wait, bound
    # concurrency; a pool wait would surface as a misleading timeout of the platform.
    limits = httpx.Limits(
        max_connections=settings.per_host_limit * 16,
        max_keepalive_connections=settings.per_host_limit * 4,
    )
    return httpx.AsyncClient(
        timeout=timeout,
        limits=limits,
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent},
    )


class HttpClient:
    """GETs and POSTs with retries on transient failures; waits only through the injected
    `sleep`. POSTs are retried like GETs, so adapters use `post` only for requests that change
    nothing on the platform (token grants, read-only queries)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        settings: HttpSettings,
        *,
        sleep: Callable[[float], Awaitable[None]],
        rng: random.Random,
        now: Callable[[], datetime],
    ) -> None:
        self._client = client
        self._settings = settings
        self._sleep = sleep
        self._rng = rng
        self._now = now
        self._slots: dict[str, asyncio.Semaphore] = {}

    def _slot(self, url: httpx.URL) -> asyncio.Semaphore:
        key = f"{url.scheme}://{url.netloc.decode('ascii')}"
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = asyncio.Semaphore(self._settings.per_host_limit)
        return slot

    async def get(
        self,
        url: str,
        *,
        budget: RequestBudget,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        return await self._send("GET", url, budget=budget, params=params, headers=headers)

    async def post(
        self,
        url: str,
        *,
        budget: RequestBudget,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """A POST with a form body or a JSON body (not both), retried like `get`."""
        if form is not None and json is not None:
            raise ValueError("a POST takes a form body or a JSON body, not both")
        return await self._send(
            "POST", url, budget=budget, params=params, headers=headers, form=form, json=json
        )

    async def _send(
        self,
        method: str,
        url: str,
        *,
        budget: RequestBudget,
        params: Mapping[str, str | int] | None,
        headers: Mapping[str, str] | None,
        form: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        target = httpx.URL(url)
        host = target.host
        settings = self._settings
        failures: list[str] = []
        code: ErrorCode = "upstream_unavailable"
        while True:
            budget.spend()
            retry_after: float | None = None
            try:
                # The slot is held for one attempt only, never across a backoff wait.
                async with self._slot(target):
                    response = await self._client.request(
                        method, target, params=params, headers=headers, data=form, json=json
                    )
            except (httpx.UnsupportedProtocol, httpx.LocalProtocolError):
                raise  # our own mistake (a bad base URL or header): retrying cannot help
            except httpx.TimeoutException as exc:
                limit = (
                    settings.connect_timeout
                    if isinstance(exc, httpx.ConnectTimeout)
                    else settings.read_timeout
                )
                failure = f"{host} did not answer within {limit:g} s"
                code = "upstream_unavailable"
            except httpx.TransportError as exc:
                failure = f"the connection to {host} failed"
                code = "upstream_unavailable"
                logger.info("%s %s%s: %r", method, host, target.path, exc)
            else:
                if response.status_code not in RETRYABLE_STATUSES:
                    return response
                failure = f"{host} answered {response.status_code} {response.reason_phrase}"
                code = "rate_limited" if response.status_code == 429 else "upstream_unavailable"
                retry_after = parse_retry_after(response.headers.get("Retry-After"), self._now())
                if retry_after is not None and retry_after > settings.retry_after_cap:
                    raise TransientError(
                        f"{host} asked to wait {retry_after:.0f} s before trying again",
                        code=code,
                        retry_after=retry_after,
                    )
            failures.append(failure)
            attempt = len(failures)
            if attempt > settings.max_retries:
                # The code of the last failure: what the platform is doing now.
                raise TransientError(_gave_up(failures), code=code, retry_after=retry_after)
            delay = backoff_delay(
                attempt, base=settings.backoff_base, cap=settings.backoff_cap, rng=self._rng
            )
            if retry_after is not None:
                # A floor up to retry_after_cap: backoff_delay would cut it at backoff_cap.
                delay = max(delay, retry_after)
            logger.info(
                "Retrying %s %s%s in %.2f s after attempt %d of %d: %s",
                method,
                host,
                target.path,
                delay,
                attempt,
                settings.max_retries + 1,
                failure,
            )
            await self._sleep(delay)

    async def get_json(
        self,
        url: str,
        *,
        budget: RequestBudget,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """The body of any final answer as JSON (platform APIs put their errors in JSON too).

        A body that is not JSON is an HTML error page of a proxy or of the platform: a 401,
        403 or 404 one is permanent (see raise_for_common_status), anything else transient.
        """
        response = await self.get(url, budget=budget, params=params, headers=headers)
        return _json_body(response)

    async def post_json(
        self,
        url: str,
        *,
        budget: RequestBudget,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        json: Any = None,
    ) -> Any:
        """`post`, then the body as JSON with the same rules as `get_json`."""
        response = await self.post(
            url, budget=budget, params=params, headers=headers, form=form, json=json
        )
        return _json_body(response)


def _json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        host = response.request.url.host
        raise_for_common_status(response, what=host)
        content_type = response.headers.get("Content-Type", "no content type")[:60]
        raise TransientError(
            f"{host} answered {response.status_code} with a body that is not JSON ({content_type})"
        ) from None


def raise_for_common_status(response: httpx.Response, *, what: str) -> None:
    """PermanentError for refused credentials (401, 403) and 404; other statuses pass.

    Only for answers without the platform's own error body: a bare 404 page from an API says
    the address is wrong (or the API moved), not that the account does not exist."""
    status = response.status_code
    if status in (401, 403):
        raise PermanentError(
            f"{what} refused the credentials (HTTP {status}); check the access key or token "
            "in the settings",
            code="auth_required",
        )
    if status == 404:
        raise PermanentError(
            f"{what} has no {response.request.url.path} (HTTP 404): the address in the "
            "settings may be wrong, or the platform has moved it",
            code="upstream_unavailable",
        )


def _gave_up(failures: list[str]) -> str:
    """One sentence for all attempts: "api.example.com answered 503 Service Unavailable
    four times", or the last failure and the count when they differed."""
    tries = len(failures)
    last = failures[-1]
    if all(failure == last for failure in failures):
        return f"{last} {_TIMES.get(tries, f'{tries} times')}"
    return f"{last}, after {tries} failed tries in a row"
