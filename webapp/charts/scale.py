"""Linear scales and "nice" axis ticks (steps of 1, 2 or 5 times a power of ten)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LinearScale:
    """Maps a data interval (domain) onto a coordinate interval (range)."""

    domain: tuple[float, float]
    range: tuple[float, float]

    def __post_init__(self) -> None:
        if self.domain[0] == self.domain[1]:
            raise ValueError("a scale needs a domain of non-zero width; widen it first")

    def __call__(self, value: float) -> float:
        (d0, d1), (r0, r1) = self.domain, self.range
        return r0 + (value - d0) * (r1 - r0) / (d1 - d0)


def widen(low: float, high: float) -> tuple[float, float]:
    """The interval itself, or one around it when all the values are equal."""
    if high > low:
        return low, high
    if low == 0:
        return 0.0, 1.0
    pad = abs(low) * 0.1
    return low - pad, high + pad


def nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, whichever is nearest to `raw` on a log scale."""
    if raw <= 0:
        raise ValueError("a step must be positive")
    power = 10.0 ** math.floor(math.log10(raw))
    mantissa = raw / power
    # The boundaries are the geometric means of neighbours: sqrt(1*2), sqrt(2*5), sqrt(5*10).
    if mantissa < math.sqrt(2):
        return power
    if mantissa < math.sqrt(10):
        return 2 * power
    if mantissa < math.sqrt(50):
        return 5 * power
    return 10 * power


def _clean(value: float) -> float:
    # 3 * 0.1 is 0.30000000000000004; tick values are compared and printed, so round them.
    return round(value, 10) + 0.0  # + 0.0 turns -0.0 into 0.0


def nice_ticks(low: float, high: float, target: int = 5, *, integer: bool = False) -> list[float]:
    """About `target` evenly spaced round values from at or below `low` to at or above `high`.

    0..87 gives 0, 20, 40, 60, 80, 100. With `integer`, the step is at least 1 (counts).
    """
    low, high = widen(low, high)
    step = nice_step((high - low) / max(1, target))
    if integer:
        step = max(1.0, step)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [_clean(k * step) for k in range(first, last + 1)]
