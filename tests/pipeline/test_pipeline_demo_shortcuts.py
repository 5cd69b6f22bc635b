"""The demo generator's shortcuts give what the plain forms gave, and models the schema accepts.

It builds its result models without validation (demo_trusted) and draws fixed-parameter values
from tables (demo_random); both are safe only while these hold.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from webapp.models import Platform
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.demo_account import DemoAccount
from webapp.pipeline.scraping.demo_archetypes import HANDLES
from webapp.pipeline.scraping.demo_random import (
    lognormal_int,
    lognormal_table,
    noise,
    noise_table,
    pick,
)
from webapp.pipeline.scraping.result import FollowerCount, ScrapeResult
from webapp.trusted import trusted

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
# Every archetype by name, and enough hashed handles to meet pods, brands and bought followers.
SAMPLE_HANDLES = [*sorted(HANDLES), *(f"creator{i}" for i in range(15))]


class StillClock:
    def __init__(self, now: datetime = NOW) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("a demo with no delay never sleeps")


async def fetch(handle: str, platform: Platform, now: datetime = NOW) -> ScrapeResult:
    async def progress(fraction: float, message: str) -> None:
        pass

    request = ScrapeRequest(platform=platform, handle=handle, attempt=1)
    return await DemoAdapter(StillClock(now), 0.0).fetch(request, progress)


def models_in(result: ScrapeResult) -> list[BaseModel]:
    """The result and every model inside it."""
    stubs = [comment.author_stub for comment in result.comments if comment.author_stub]
    return [
        result,
        result.profile,
        *result.posts,
        *result.comments,
        *stubs,
        *result.follower_sample,
        *result.follower_history,
    ]


@pytest.mark.parametrize("platform", list(Platform))
async def test_generated_accounts_validate_to_themselves(platform: Platform) -> None:
    for handle in SAMPLE_HANDLES:
        result = await fetch(handle, platform)
        validated = ScrapeResult.model_validate(result.model_dump())
        assert validated == result, handle
        assert validated.model_dump_json() == result.model_dump_json(), handle


@pytest.mark.parametrize("platform", list(Platform))
async def test_every_model_holds_every_field_in_order_as_set(platform: Platform) -> None:
    for handle in SAMPLE_HANDLES:
        for model in models_in(await fetch(handle, platform)):
            fields = list(type(model).model_fields)
            assert list(model.__dict__) == fields, (handle, model)
            assert model.model_fields_set == set(fields), (handle, model)
            assert model.model_extra is None


async def test_a_clock_in_another_zone_gives_the_same_account_in_utc() -> None:
    elsewhere = NOW.astimezone(timezone(timedelta(hours=2)))
    for platform in Platform:
        result = await fetch("demo.pod", platform, elsewhere)
        assert result.model_dump_json() == (await fetch("demo.pod", platform)).model_dump_json()
        times = [p.published_at for p in result.posts] + [c.published_at for c in result.comments]
        assert all(moment.tzinfo is UTC for moment in times)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        DemoAccount(Platform.INSTAGRAM, "demo.authentic", datetime(2026, 5, 10, 12, 0))


def test_a_trusted_model_equals_the_validated_one() -> None:
    built = trusted(FollowerCount, day=date(2026, 5, 10), followers=1200)
    validated = FollowerCount(day=date(2026, 5, 10), followers=1200)
    assert built == validated
    assert built.model_fields_set == validated.model_fields_set
    assert built.model_dump_json() == validated.model_dump_json()
    assert built.model_copy(update={"followers": 1300}).followers == 1300


@pytest.mark.parametrize(("median", "sigma"), [(345, 0.9), (0.7, 1.3), (1500, 0.9), (15, 1.0)])
def test_a_lognormal_table_draws_what_lognormal_int_draws(median: float, sigma: float) -> None:
    table = lognormal_table(median, sigma)
    plain, tabled = random.Random(7), random.Random(7)
    for _ in range(5000):
        assert pick(tabled, table) == lognormal_int(plain, median, sigma)


@pytest.mark.parametrize("sigma", [0.25, 0.3, 0.5, 0.6, 1.0])
def test_a_noise_table_draws_what_noise_draws(sigma: float) -> None:
    table = noise_table(sigma)
    plain, tabled = random.Random(7), random.Random(7)
    for _ in range(5000):
        assert pick(tabled, table) == noise(plain, sigma)
