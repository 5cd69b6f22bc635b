"""A demo account's daily follower counts, today and the 90 days before, shaped by its archetype.

Real platforms show history only to the owner (or a tracking service), so the live adapters
leave it empty and growth analysis reads the app's own snapshots; the demo can show what a
bought-follower spike looks like. Daily growth rates are illustrative: steady accounts gain
roughly 0.05-0.2 % a day, rising ones about 1 %, dormant ones slowly lose followers.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from webapp.pipeline.scraping.demo_archetypes import Archetype
from webapp.pipeline.scraping.result import FollowerCount
from webapp.trusted import trusted

# Today and the 90 days before: enough for the report's 90-day growth.
HISTORY_DAYS = 91
# How far each day of the history lies before today, oldest first.
_DAYS_BEFORE_TODAY = tuple(
    timedelta(days=HISTORY_DAYS - 1 - index) for index in range(HISTORY_DAYS)
)

# Daily growth as a fraction of followers, drawn once per account.
_DAILY_GROWTH: dict[Archetype, tuple[float, float]] = {
    Archetype.AUTHENTIC: (0.0005, 0.002),
    Archetype.BOUGHT: (0.0001, 0.0008),
    Archetype.POD: (0.0005, 0.0015),
    Archetype.RISING: (0.006, 0.015),
    Archetype.DORMANT: (-0.0008, 0.0),
    Archetype.BRAND: (0.0003, 0.0012),
}
# A bought batch: this share of the pre-purchase audience, arriving over one or two days.
_BOUGHT_BATCH = (0.2, 0.4)
_BOUGHT_DAYS_AGO = (15, 45)


def follower_history(
    rng: random.Random, archetype: Archetype, followers: int, now: datetime
) -> list[FollowerCount]:
    """Counts for each of the last HISTORY_DAYS days, oldest first, ending at `followers`."""
    rate = rng.uniform(*_DAILY_GROWTH[archetype])
    # rate * rng.uniform(0.6, 1.4) a day, written out to save a Python-level call per day.
    draw = rng.random
    gains = [rate * (0.6 + (1.4 - 0.6) * draw()) for _ in range(HISTORY_DAYS - 1)]
    if archetype is Archetype.BOUGHT:
        spike_at = HISTORY_DAYS - 1 - rng.randint(*_BOUGHT_DAYS_AGO)
        batch = rng.uniform(*_BOUGHT_BATCH)
        split = rng.uniform(0.5, 1.0)
        gains[spike_at] += batch * split
        gains[spike_at + 1] += batch * (1 - split)
    # Walk back from today's count: each day's count is the next day's less that day's gain.
    counts = [float(followers)]
    for gain in reversed(gains):
        counts.append(counts[-1] / (1 + gain))
    counts.reverse()
    today = now.date()
    return [
        trusted(FollowerCount, day=today - before, followers=round(count))
        for before, count in zip(_DAYS_BEFORE_TODAY, counts, strict=True)
    ]
