"""Exponential backoff with full jitter, honouring a server's Retry-After."""

from __future__ import annotations

import random


def backoff_delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    rng: random.Random,
    retry_after: float | None = None,
) -> float:
    """Seconds to wait after failed attempt `attempt` (1-based).

    Full jitter (uniform in [0, min(cap, base * 2^(attempt-1))]) spreads retries of many jobs
    that failed together; a Retry-After from the platform is a floor, itself capped.
    """
    ceiling = min(cap, base * 2 ** (attempt - 1))
    delay = rng.uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay
