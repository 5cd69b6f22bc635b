"""Fixed-window counters: at most `limit` hits per client in each window of `window` seconds.

Windows are numbered from the injected clock (window n covers [n·w, (n+1)·w) seconds since the
epoch), so a test moves to the next window by advancing its clock, and every web process of a
cluster, sharing one Redis, agrees on which window it is. A client may fit up to twice the limit
around a window's edge; that is the price of one counter per client and window.
"""

from __future__ import annotations

import contextlib
import logging
import math
from typing import Any, Protocol

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from webapp.clock import Clock

logger = logging.getLogger(__name__)


class RateLimiter(Protocol):
    async def hit(self, client: str) -> float | None:
        """Count one hit; None when it is within the limit, else the seconds until the
        client's window ends."""
        ...

    async def close(self) -> None: ...


class _Window:
    def __init__(self, limit: int, window_seconds: float, clock: Clock) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock

    def position(self) -> tuple[int, float]:
        """The current window's number and the seconds left in it."""
        now = self.clock.now().timestamp()
        index = math.floor(now / self.window_seconds)
        return index, (index + 1) * self.window_seconds - now


class LocalRateLimiter(_Window):
    """Counts in this process: the embedded backend has one web process."""

    def __init__(self, limit: int, window_seconds: float, clock: Clock) -> None:
        super().__init__(limit, window_seconds, clock)
        self._index = -1
        self._counts: dict[str, int] = {}

    async def hit(self, client: str) -> float | None:
        index, left = self.position()
        if index != self._index:  # a new window: every client starts again (and memory too)
            self._index = index
            self._counts.clear()
        count = self._counts.get(client, 0) + 1
        self._counts[client] = count
        return left if count > self.limit else None

    async def close(self) -> None:
        return None


# One round trip: count, and let the key expire once its window is over.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
"""


class RedisRateLimiter(_Window):
    """Counts in Redis, so the limit holds across all web processes of a cluster."""

    def __init__(self, url: str, limit: int, window_seconds: float, clock: Clock) -> None:
        super().__init__(limit, window_seconds, clock)
        self._redis = aioredis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self._hit: Any = self._redis.register_script(_HIT)
        self._expire = math.ceil(window_seconds) + 1

    async def hit(self, client: str) -> float | None:
        index, left = self.position()
        try:
            count = int(
                await self._hit(keys=[f"ratelimit:jobs:{client}:{index}"], args=[self._expire])
            )
        except (RedisError, OSError) as exc:
            # Without Redis the job cannot be stored either (that answers 503): do not add a
            # second error on top.
            logger.warning("Rate limit not checked, Redis failed: %s", exc)
            return None
        return left if count > self.limit else None

    async def close(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._redis.aclose()


class Unlimited:
    async def hit(self, client: str) -> float | None:
        return None

    async def close(self) -> None:
        return None


def make_rate_limiter(
    *, limit: int, window_seconds: float, redis_url: str, clock: Clock
) -> RateLimiter:
    if limit == 0:
        return Unlimited()
    if redis_url:
        return RedisRateLimiter(redis_url, limit, window_seconds, clock)
    return LocalRateLimiter(limit, window_seconds, clock)
