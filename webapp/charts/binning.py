"""Histogram bins for counts: about Sturges' number of bins, on round edges."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from webapp.charts.scale import nice_step


@dataclass(frozen=True, slots=True)
class Bin:
    """Values v with start <= v < end."""

    start: int
    end: int
    count: int


def sturges(n: int) -> int:
    """ceil(log2 n) + 1 bins: 45 posts -> 7 bins."""
    return math.ceil(math.log2(n)) + 1 if n > 1 else 1


def count_bins(values: Sequence[int]) -> list[Bin]:
    """Bins of equal, round width (1, 2 or 5 times a power of ten) covering every value.

    The width is the round number nearest to range / Sturges, so there are roughly that many
    bins; equal values share one bin.
    """
    if not values:
        return []
    low, high = min(values), max(values)
    raw = (high - low) / sturges(len(values)) if high > low else max(1.0, abs(low) * 0.2)
    width = max(1, round(nice_step(raw)))  # counts are whole, so bins are at least 1 wide
    first = low // width
    counts = [0] * (high // width - first + 1)
    for value in values:
        counts[value // width - first] += 1
    return [
        Bin(start=(first + index) * width, end=(first + index + 1) * width, count=count)
        for index, count in enumerate(counts)
    ]
