"""Jobs through the API with the Instagram Graph adapter pointed at a fake Graph API on loopback.

Needs the app wiring of the Instagram settings (instagram_access_token, instagram_user_id,
instagram_graph_base) in settings.py and scraping/router.py's `make_router`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from statistics import fmean, median
from typing import Any

import pytest

from conftest import RunApp, wait_until
from fake_instagram import ACCESS_TOKEN, IG_USER_ID, FakeInstagram, graph_error
from loopback import serving


@pytest.fixture
async def instagram() -> AsyncIterator[FakeInstagram]:
    fake = FakeInstagram(posts=60)
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


def graph_settings(fake: FakeInstagram) -> dict[str, Any]:
    return {
        "instagram_access_token": ACCESS_TOKEN,
        "instagram_user_id": IG_USER_ID,
        "instagram_graph_base": fake.graph_base,
    }


async def test_an_instagram_job_reports_the_account_the_graph_api_returned(
    run_app: RunApp, instagram: FakeInstagram
) -> None:
    async with run_app(**graph_settings(instagram)) as app:
        job_id = await app.submit("https://www.instagram.com/FixtureCreator/")
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()

    assert instagram.count("graph") == 2  # 50 + 10 posts
    assert report["source"] == "instagram"
    assert report["is_demo"] is False
    assert report["profile"]["followers"] == 48_000
    assert report["profile"]["posts"] == 60

    # The 12 newest posts, less the two that hide their likes (fixture indexes 4 and 9).
    visible = [i for i in range(12) if instagram.likes(i) is not None]
    interactions = [(instagram.likes(i) or 0) + instagram.comments(i) for i in visible]
    rates = [total / 48_000 * 100 for total in interactions]
    metrics = report["metrics"]
    assert metrics["engagement_rate_median"]["value"] == round(median(rates), 2)
    assert metrics["engagement_rate_median"]["sample_size"] == 10
    assert metrics["engagement_rate_mean"]["value"] == round(fmean(rates), 2)
    likes = sum(instagram.likes(i) or 0 for i in visible)
    comments = sum(instagram.comments(i) for i in visible)
    assert metrics["likes_comments_ratio"]["value"] == round(likes / comments, 1)
    assert metrics["engagement_rate_by_views"]["value"] is None  # the Graph API gives no views
    assert "Follower list not available from the Graph API." in report["coverage"]


async def test_a_throttled_job_waits_and_then_completes(
    run_app: RunApp, instagram: FakeInstagram
) -> None:
    instagram.graph_fail.append(
        graph_error(400, 4, "(#4) Application request limit reached", headers={"Retry-After": "5"})
    )
    async with run_app(**graph_settings(instagram)) as app:
        job_id = await app.submit("fixturecreator")
        await wait_until(lambda: app.clock.sleeping() > 0, what="the backoff sleep")
        waiting = await app.status(job_id)
        assert (waiting["status"], waiting["attempt"]) == ("pending", 2)
        assert "rate limiting this app (code 4" in waiting["error_message"]
        backoff = app.clock.sleeps[-1]
        assert backoff >= 5.0  # the Graph API's Retry-After

        app.clock.advance(backoff)
        done = await app.wait_for_status(job_id, "completed")
    assert done["attempt"] == 2


async def test_a_personal_account_fails_the_job_at_once_with_the_reason(
    run_app: RunApp, instagram: FakeInstagram
) -> None:
    async with run_app(**graph_settings(instagram)) as app:
        job_id = await app.submit("someonepersonal")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["attempt"] == 1
    assert failed["error_code"] == "not_found"
    assert "@someonepersonal is not a business or creator account" in failed["error_message"]
    assert instagram.count("graph") == 1


async def test_an_expired_token_fails_with_auth_required(
    run_app: RunApp, instagram: FakeInstagram
) -> None:
    instagram.graph_fail.append(graph_error(400, 190, "Error validating access token"))
    async with run_app(**graph_settings(instagram)) as app:
        job_id = await app.submit("fixturecreator")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["attempt"] == 1
    assert failed["error_code"] == "auth_required"
    assert "WEBAPP_INSTAGRAM_ACCESS_TOKEN" in failed["error_message"]


async def test_throttling_that_outlasts_the_attempts_fails_as_rate_limited(
    run_app: RunApp, instagram: FakeInstagram
) -> None:
    instagram.graph_fail.extend(
        graph_error(400, 4, "(#4) Application request limit reached") for _ in range(2)
    )
    async with run_app(**graph_settings(instagram), max_attempts=2) as app:
        job_id = await app.submit("fixturecreator")
        await wait_until(lambda: app.clock.sleeping() > 0, what="the backoff sleep")
        app.clock.advance(10)
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["attempt"] == 2
    assert failed["error_code"] == "rate_limited"
    message = failed["error_message"]
    assert message.startswith("Instagram kept limiting our requests (")
    assert "try again later" in message
    assert "handle" not in message.lower()


def web_settings(fake: FakeInstagram) -> dict[str, Any]:
    return {"instagram_web": True, "instagram_web_base": fake.base_url}


@pytest.mark.parametrize(
    ("handle", "code", "words"),
    [
        ("privatecreator", "private", "the account is private"),
        ("loginwall", "auth_required", "Instagram requires login"),
        ("vanished", "not_found", "No Instagram account @vanished exists"),
        ("nobody.at.all", "not_found", "No Instagram account @nobody.at.all exists"),
    ],
)
async def test_the_public_profile_fails_with_the_code_of_each_refusal(
    run_app: RunApp, instagram: FakeInstagram, handle: str, code: str, words: str
) -> None:
    async with run_app(**web_settings(instagram)) as app:
        job_id = await app.submit(handle)
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["attempt"] == 1
    assert failed["error_code"] == code
    assert words in failed["error_message"]
