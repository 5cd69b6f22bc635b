"""Cheap random draws for the demo generator, all built on `random.Random.random()`.

`choice`, `randint`, `gauss` and `lognormvariate` each run several Python-level calls; one
account takes over a thousand draws and the service targets hundreds of jobs a second, so these
leaner forms roughly halve the cost of a draw. They are deterministic for a seed.

The hottest loops (demo_posts, demo_comments, demo_people) go further and write these draws out:
`draw() < p` for `chance(rng, p)` and `items[int(draw() * len(items))]` for `pick(rng, items)`,
with `draw = rng.random`, since the call costs more than the draw. For fixed parameters,
`lognormal_table` and `noise_table` hold every value the draw can give, in draw order, so a pick
from the table returns exactly what the draw would, with no arithmetic.
"""

from __future__ import annotations

import base64
import math
import random
from collections.abc import Sequence
from statistics import NormalDist
from typing import TypeVar

T = TypeVar("T")

# Standard normal quantiles at evenly spaced probabilities: one uniform draw and a lookup replace
# random.gauss. Tails are cut near +-3.3 sigma, which synthetic demo figures do not miss.
_NORMAL_STEPS = 2048
_NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / _NORMAL_STEPS) for i in range(_NORMAL_STEPS))


def pick(rng: random.Random, items: Sequence[T]) -> T:
    return items[int(rng.random() * len(items))]


def integer(rng: random.Random, low: int, high: int) -> int:
    """A whole number in [low, high], both included."""
    return low + int(rng.random() * (high - low + 1))


def chance(rng: random.Random, probability: float) -> bool:
    return rng.random() < probability


def normal(rng: random.Random) -> float:
    """A standard normal draw (mean 0, standard deviation 1)."""
    return _NORMAL[int(rng.random() * _NORMAL_STEPS)]


def noise(rng: random.Random, sigma: float) -> float:
    """A lognormal factor with mean 1: spreads values without shifting their average."""
    return math.exp(sigma * normal(rng) - sigma * sigma / 2)


def lognormal_int(rng: random.Random, median: float, sigma: float) -> int:
    return round(median * math.exp(sigma * normal(rng)))


def lognormal_table(median: float, sigma: float) -> tuple[int, ...]:
    """Every `lognormal_int(rng, median, sigma)`; `pick(rng, table)` draws exactly like it."""
    return tuple(round(median * math.exp(sigma * z)) for z in _NORMAL)


def noise_table(sigma: float) -> tuple[float, ...]:
    """Every `noise(rng, sigma)`; `pick(rng, table)` draws exactly like it."""
    return tuple(math.exp(sigma * z - sigma * sigma / 2) for z in _NORMAL)


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def token(rng: random.Random, length: int) -> str:
    """A URL-safe id like Instagram shortcodes and YouTube video ids."""
    raw = rng.randbytes(length * 3 // 4 + 1)
    return base64.urlsafe_b64encode(raw).decode()[:length]
