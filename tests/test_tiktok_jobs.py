"""Jobs through the API with the TikTok adapters pointed at fake TikTok servers on loopback.

Needs the integrator's settings: `tiktok_web`, `tiktok_web_base`, `tiktok_client_key`,
`tiktok_client_secret`, `tiktok_api_base`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from statistics import median

import pytest

from conftest import RunApp, wait_until
from fake_tiktok import (
    CLIENT_KEY,
    CLIENT_SECRET,
    NOW,
    FakeTikTokResearch,
    FakeTikTokWeb,
    api_error,
)
from loopback import serving


@pytest.fixture
async def web() -> AsyncIterator[FakeTikTokWeb]:
    fake = FakeTikTokWeb()
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


@pytest.fixture
async def research() -> AsyncIterator[FakeTikTokResearch]:
    fake = FakeTikTokResearch()
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


async def test_a_tiktok_job_reports_the_profile_page_figures(
    run_app: RunApp, web: FakeTikTokWeb
) -> None:
    async with run_app(tiktok_web=True, tiktok_web_base=web.base_url) as app:
        job_id = await app.submit("https://www.tiktok.com/@FixtureCreator", platform="tiktok")
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()

    assert report["source"] == "tiktok"
    assert report["is_demo"] is False
    assert report["profile"]["followers"] == 1_234_567  # statsV2, not the rounded 1_200_000
    assert report["profile"]["posts"] == 40
    # The 12 newest of the 15 videos on the page; video i has 41_234 + 1_000 i likes,
    # 312 + i comments and 1_234_567 + 10_000 i plays (exact statsV2 figures).
    likes = [41_234 + 1_000 * i for i in range(12)]
    comments = [312 + i for i in range(12)]
    plays = [1_234_567 + 10_000 * i for i in range(12)]
    interactions = [like + comment for like, comment in zip(likes, comments, strict=True)]
    metrics = report["metrics"]
    assert metrics["engagement_rate_median"]["sample_size"] == 12
    # Median of 12: the mean of the 6th and 7th (i = 5, 6): (46_551 + 47_552) / 2 = 47_051.5.
    assert median(interactions) == 47_051.5
    assert metrics["engagement_rate_median"]["value"] == round(47_051.5 / 1_234_567 * 100, 2)
    by_views = [i / p * 100 for i, p in zip(interactions, plays, strict=True)]
    assert metrics["engagement_rate_by_views"]["value"] == round(median(by_views), 2)
    assert any("Follower list not available" in note for note in report["coverage"])
    assert web.requests == ["/@fixturecreator"]


async def test_tiktok_without_settings_stays_demo(run_app: RunApp, web: FakeTikTokWeb) -> None:
    async with run_app() as app:
        job_id = await app.submit("fixturecreator", platform="tiktok")
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()
    assert report["source"] == "demo"
    assert web.requests == []


async def test_pointing_the_web_base_somewhere_enables_the_page_reader(
    run_app: RunApp, web: FakeTikTokWeb
) -> None:
    async with run_app(tiktok_web_base=web.base_url) as app:
        job_id = await app.submit("fixturecreator", platform="tiktok")
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()
    assert report["source"] == "tiktok"
    assert web.requests == ["/@fixturecreator"]


async def test_a_missing_tiktok_account_fails_at_once(run_app: RunApp, web: FakeTikTokWeb) -> None:
    async with run_app(tiktok_web=True, tiktok_web_base=web.base_url) as app:
        job_id = await app.submit("nobody.here", platform="tiktok")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["attempt"] == 1
    assert failed["error_code"] == "not_found"
    assert "No TikTok account @nobody.here exists" in failed["error_message"]


async def test_a_private_tiktok_account_fails_with_private(
    run_app: RunApp, web: FakeTikTokWeb
) -> None:
    web.profile = 10222
    async with run_app(tiktok_web=True, tiktok_web_base=web.base_url) as app:
        job_id = await app.submit("fixturecreator", platform="tiktok")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["error_code"] == "private"
    assert "is private and cannot be analysed" in failed["error_message"]


async def test_pages_without_data_every_time_fail_as_unreachable(
    run_app: RunApp, web: FakeTikTokWeb
) -> None:
    web.profile = "shell"
    web.embed = "empty"
    async with run_app(tiktok_web=True, tiktok_web_base=web.base_url, max_attempts=1) as app:
        job_id = await app.submit("fixturecreator", platform="tiktok")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["error_code"] == "upstream_unavailable"
    message = failed["error_message"]
    assert message.startswith("TikTok could not be reached (TikTok did not return profile data")
    assert "try again in a few minutes" in message
    assert "spelling" not in message
    assert "check" not in message.lower()


async def test_refused_research_credentials_fail_with_auth_required(
    run_app: RunApp, research: FakeTikTokResearch
) -> None:
    async with run_app(
        tiktok_client_key=CLIENT_KEY,
        tiktok_client_secret="not-the-secret",
        tiktok_api_base=research.base_url,
    ) as app:
        job_id = await app.submit("fixturecreator", platform="tiktok")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["attempt"] == 1
    assert failed["error_code"] == "auth_required"
    assert "WEBAPP_TIKTOK_CLIENT_KEY" in failed["error_message"]


async def test_a_research_api_rate_limit_fails_as_rate_limited(
    run_app: RunApp, research: FakeTikTokResearch
) -> None:
    research.fail["user"] = [
        api_error(429, "rate_limit_exceeded", "The API rate limit was exceeded.") for _ in range(4)
    ]
    async with run_app(
        tiktok_client_key=CLIENT_KEY,
        tiktok_client_secret=CLIENT_SECRET,
        tiktok_api_base=research.base_url,
        max_attempts=1,
    ) as app:
        job_id = await app.submit("fixturecreator", platform="tiktok")

        async def failed_or_sleeping() -> bool:
            if app.clock.sleeping() > 0:
                app.clock.advance(10)  # the HTTP layer's retries of the 429
            return (await app.status(job_id))["status"] == "failed"

        await wait_until(failed_or_sleeping, what="the job to give up")
        failed = await app.status(job_id)
    assert failed["error_code"] == "rate_limited"
    assert failed["error_message"].startswith("TikTok kept limiting our requests (")
    assert research.count("user") == 4


async def test_research_credentials_take_precedence_over_the_web_pages(
    run_app: RunApp, web: FakeTikTokWeb, research: FakeTikTokResearch
) -> None:
    async with run_app(
        tiktok_web=True,
        tiktok_web_base=web.base_url,
        tiktok_client_key=CLIENT_KEY,
        tiktok_client_secret=CLIENT_SECRET,
        tiktok_api_base=research.base_url,
    ) as app:
        # The fake dates its videos back from NOW; the adapter's 30-day windows end at the
        # app's clock, so the two must agree.
        assert app.clock.now() == NOW
        job_id = await app.submit("fixturecreator", platform="tiktok")
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()

    assert report["source"] == "tiktok"
    assert report["profile"]["followers"] == 250_000
    assert report["profile"]["posts"] == 60
    # Research video i (one a day back from the fake's NOW): 20_000 + 100 i likes and
    # 150 + i comments; the 12 newest are i = 0..11.
    interactions = [20_000 + 100 * i + 150 + i for i in range(12)]
    assert report["metrics"]["engagement_rate_median"]["value"] == round(
        median(interactions) / 250_000 * 100, 2
    )
    assert web.requests == []
    assert research.count("token") == 1
