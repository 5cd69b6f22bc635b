"""The demo's daily follower history: ends at the profile's count, shows the archetype."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from statistics import median

from webapp.models import Platform
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import ScrapeResult

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class StillClock:
    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("a demo with no delay never sleeps")


async def fetch(handle: str, platform: Platform = Platform.INSTAGRAM) -> ScrapeResult:
    async def progress(fraction: float, message: str) -> None:
        pass

    request = ScrapeRequest(platform=platform, handle=handle, attempt=1)
    return await DemoAdapter(StillClock(), 0.0).fetch(request, progress)


def daily_gains(result: ScrapeResult) -> list[int]:
    counts = [entry.followers for entry in result.follower_history]
    return [after - before for before, after in itertools.pairwise(counts)]


async def test_history_reaches_back_90_days_oldest_first_and_ends_at_the_profile() -> None:
    result = await fetch("demo.authentic")
    days = [entry.day for entry in result.follower_history]
    assert len(days) == 91
    assert days == sorted(days)
    assert days[-1] == NOW.date()
    assert days[0] == NOW.date() - timedelta(days=90)
    assert result.follower_history[-1].followers == result.profile.followers
    assert (await fetch("demo.authentic")).follower_history == result.follower_history


async def test_bought_followers_show_a_spike_that_authentic_growth_lacks() -> None:
    for platform in Platform:
        bought = daily_gains(await fetch("demo.bought", platform))
        authentic = daily_gains(await fetch("demo.authentic", platform))
        assert max(bought) > 20 * max(1, median(bought)), platform
        assert max(authentic) < 3 * max(1, median(authentic)), platform


async def test_rising_grows_much_faster_than_dormant() -> None:
    rising = (await fetch("demo.rising")).follower_history
    dormant = (await fetch("demo.dormant")).follower_history
    assert rising[-1].followers / rising[0].followers > 1.5
    assert dormant[-1].followers <= dormant[0].followers
