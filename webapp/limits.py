"""Per-client limits: job creations per window, and live streams held open at once.

A client is its API key when it sent one (webapp.api_keys puts a digest of it in the scope),
else its address. Behind a reverse proxy the address is the proxy's unless uvicorn trusts it:
uvicorn takes the client's from `X-Forwarded-For` when the connection comes from an address in
`FORWARDED_ALLOW_IPS` (default 127.0.0.1).

Job creations are counted in Redis when the app runs on Redis (the limit holds across web
processes), else in the process. Streams are counted in the process that holds them: a stream
lives in one process, and a count in Redis would outlive a process killed with its streams.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from math import ceil

from starlette.requests import HTTPConnection
from starlette.types import Scope

from webapp.errors import TooManyRequests
from webapp.rate_limit import RateLimiter
from webapp.state import app_state

CLIENT_KEY = "webapp.client"  # set in the scope by webapp.api_keys for a valid key
# When to try another stream: they end when their jobs do, which is soon for most.
STREAM_RETRY_AFTER_SECONDS = 10


def client_of(scope: Scope) -> str:
    client = scope.get(CLIENT_KEY)
    if client is not None:
        return str(client)
    address = scope.get("client")
    return f"ip:{address[0]}" if address else "ip:unknown"


@dataclass(slots=True)
class StreamSlots:
    """Open streams per client, in this process; `limit` 0 is no limit."""

    limit: int
    _open: dict[str, int] = field(default_factory=dict)

    def take(self, client: str) -> None:
        """Take one of the client's slots; TooManyRequests (429) when it has none left."""
        count = self._open.get(client, 0)
        if self.limit and count >= self.limit:
            raise TooManyRequests(
                f"This client already follows {count} live streams, the most allowed at once. "
                "Close one (or follow several jobs in one stream: /api/events?job_id=…), "
                "then try again.",
                details={"limit": self.limit},
                headers={"Retry-After": str(STREAM_RETRY_AFTER_SECONDS)},
            )
        self._open[client] = count + 1

    def give_back(self, client: str) -> None:
        left = self._open[client] - 1
        if left:
            self._open[client] = left
        else:
            del self._open[client]

    @contextmanager
    def hold(self, client: str) -> Iterator[None]:
        self.take(client)
        try:
            yield
        finally:
            self.give_back(client)

    def count(self, client: str) -> int:
        return self._open.get(client, 0)


@dataclass(frozen=True, slots=True)
class Limits:
    jobs: RateLimiter
    streams: StreamSlots


async def count_job(connection: HTTPConnection) -> None:
    """Count one job creation for the client; TooManyRequests (429) over the limit."""
    limits = app_state(connection).limits
    left = await limits.jobs.hit(client_of(connection.scope))
    if left is not None:
        retry_after = max(1, ceil(left))
        raise TooManyRequests(
            f"Too many analyses started from here: at most {_limit_text(connection)}. "
            f"Try again in {retry_after} s.",
            details={"retry_after_seconds": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def _limit_text(connection: HTTPConnection) -> str:
    settings = app_state(connection).settings
    seconds = f"{settings.rate_limit_window_seconds:g}"
    return f"{settings.rate_limit_jobs} every {seconds} s"


def stream_slot(connection: HTTPConnection) -> AbstractContextManager[None]:
    """Hold one of the client's stream slots while the stream is open; TooManyRequests (429)
    when it has none left."""
    return app_state(connection).limits.streams.hold(client_of(connection.scope))
