"""Posts per week over the weeks that end at a given moment."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

WEEK = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Week:
    """Posts published after `start` and up to `end`."""

    start: datetime
    end: datetime
    posts: int


def weekly_counts(published: Iterable[datetime], *, end: datetime, weeks: int) -> list[Week]:
    """`weeks` consecutive weeks, oldest first, the last ending at `end`; moments outside
    (older, or after `end`) are ignored and weeks without posts count 0."""
    counts = [0] * weeks
    for moment in published:
        age = end - moment
        if timedelta(0) <= age < weeks * WEEK:
            counts[weeks - 1 - age // WEEK] += 1
    return [
        Week(start=end - (weeks - index) * WEEK, end=end - (weeks - 1 - index) * WEEK, posts=count)
        for index, count in enumerate(counts)
    ]
