"""Transient failures retry with backoff; permanent ones fail at once; restarts resume jobs."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from webapp.backoff import backoff_delay
from webapp.jobs.job import Job
from webapp.jobs.redis_store import RedisStore
from webapp.jobs.sqlite import SQLiteStore
from webapp.jobs.store import Store
from webapp.models import JobStatus, Phase, Platform
from webapp.settings import Settings

from conftest import FakeClock, RunApp, wait_until

# Job-core tests: each runs on SQLite and on Redis (with a SAQ worker).
BOTH_BACKENDS = True


@pytest.mark.parametrize("attempt", [1, 2, 3, 6])
def test_backoff_is_full_jitter_below_the_exponential_ceiling(attempt: int) -> None:
    rng = random.Random(1)
    delays = [backoff_delay(attempt, base=2.0, cap=30.0, rng=rng) for _ in range(500)]
    ceiling = min(30.0, 2.0 * 2 ** (attempt - 1))
    assert all(0 <= delay <= ceiling for delay in delays)
    # Jitter spreads delays over the whole range rather than bunching at the ceiling.
    assert min(delays) < ceiling * 0.1
    assert max(delays) > ceiling * 0.9


def test_backoff_honours_retry_after_but_caps_it() -> None:
    rng = random.Random(1)
    assert backoff_delay(1, base=0.5, cap=60.0, rng=rng, retry_after=7.0) >= 7.0
    assert backoff_delay(1, base=0.5, cap=60.0, rng=rng, retry_after=3600.0) == 60.0


async def test_rate_limited_job_waits_retry_after_then_succeeds(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await app.submit("demo.flaky")
        await wait_until(lambda: app.clock.sleeping() > 0, what="the backoff sleep")
        waiting = await app.status(job_id)
        assert waiting["status"] == "pending"
        assert waiting["attempt"] == 2
        assert "rate-limited" in waiting["error_message"]
        assert waiting["error_code"] is None, "only a failed job has a code"
        assert "Retrying in" in waiting["message"]
        assert waiting["percent"] == 0
        backoff = app.clock.sleeps[-1]
        assert backoff >= 2.0  # the demo platform's Retry-After

        app.clock.advance(backoff)
        done = await app.wait_for_status(job_id, "completed")
        assert done["attempt"] == 2
        assert done["error_message"] is None
        assert done["error_code"] is None
        assert app.count_reports() == 1


async def test_transient_failures_stop_after_max_attempts(run_app: RunApp) -> None:
    async with run_app(max_attempts=3) as app:
        job_id = await app.submit("demo.down", platform="youtube")
        for _ in range(2):
            await wait_until(lambda: app.clock.sleeping() > 0, what="a backoff sleep")
            app.clock.advance(60)
        failed = await app.wait_for_status(job_id, "failed")
        assert failed["attempt"] == 3
        assert failed["error_code"] == "upstream_unavailable"
        message = failed["error_message"]
        assert message.startswith("YouTube could not be reached (")
        assert "HTTP 503" in message
        assert "Gave up after 3 attempts" in message
        assert "try again in a few minutes" in message
        # An outage says nothing about the account: no hint that the handle is wrong.
        assert "handle" not in message.lower()
        assert "check" not in message.lower()
        assert failed["completed_at"] is not None

        response = await app.client.get(f"/api/report/{job_id}")
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "job_failed"
        assert "Gave up after 3 attempts" in error["message"]
        assert error["details"]["status"] == "failed"
        assert error["details"]["error_code"] == "upstream_unavailable"


async def test_permanent_failure_fails_at_once_without_retrying(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await app.submit("demo.notfound", platform="tiktok")
        failed = await app.wait_for_status(job_id, "failed")
        assert failed["attempt"] == 1
        assert "No TikTok account @demo.notfound exists" in failed["error_message"]
        assert failed["error_code"] == "not_found"
        assert app.clock.sleeping() == 0


async def test_a_private_account_fails_with_its_code(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await app.submit("demo.private", platform="youtube")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["error_code"] == "private"
    assert "is private and cannot be analysed" in failed["error_message"]


async def test_a_rate_limit_that_outlasts_the_attempts_says_to_try_later(run_app: RunApp) -> None:
    async with run_app(max_attempts=1) as app:
        job_id = await app.submit("demo.flaky", platform="tiktok")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["error_code"] == "rate_limited"
    message = failed["error_message"]
    assert message.startswith("TikTok kept limiting our requests (TikTok rate-limited the request)")
    assert "Gave up after 1 attempt;" in message
    assert "try again later" in message
    assert "handle" not in message.lower()


async def test_a_running_job_has_a_null_error_code(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0) as app:
        job_id = await app.submit("no.error")
        status = await app.status(job_id)
    assert status["status"] in ("pending", "processing")
    assert "error_code" in status
    assert status["error_code"] is None


async def _leave_unfinished(settings: Settings, clock: FakeClock, *jobs: Job) -> None:
    """Write jobs as a killed process would have left them. On Redis that leaves them unknown
    to SAQ, as a web process killed between storing and enqueueing would: the workers'
    upkeep finds them."""
    store: Store = (
        RedisStore(settings.redis_url, ttl_seconds=settings.job_ttl_seconds)
        if settings.redis_url
        else SQLiteStore(settings.database)
    )
    await store.open()
    for job in jobs:
        await store.claim(job, refresh=True, now=clock.now())
    await store.close()


def _job(handle: str, clock: FakeClock, **changes: object) -> Job:
    job = Job.new(
        platform=Platform.INSTAGRAM, handle=handle, dedup_key=f"instagram:{handle}", now=clock.now()
    )
    return replace(job, **changes)  # type: ignore[arg-type]


async def test_unfinished_jobs_resume_at_start_up(
    run_app: RunApp, settings: Settings, clock: FakeClock
) -> None:
    pending = _job("queued.one", clock)
    interrupted = _job(
        "halfway.one", clock, status=JobStatus.PROCESSING, phase=Phase.ANALYSIS, percent=55
    )
    await _leave_unfinished(settings, clock, pending, interrupted)

    async with run_app() as app:
        first = await app.wait_for_status(pending.id, "completed")
        second = await app.wait_for_status(interrupted.id, "completed")
        assert first["attempt"] == 1
        assert second["attempt"] == 2  # the interrupted attempt counts
        assert app.count_reports() == 2
        # Submitting the account again joins the resumed job's report.
        again = await app.client.post("/api/analyze", json={"handle": "halfway.one"})
        assert again.json()["job_id"] == interrupted.id


async def test_a_job_interrupted_too_often_fails_instead_of_looping(
    run_app: RunApp, settings: Settings, clock: FakeClock
) -> None:
    poison = _job("poison.one", clock, status=JobStatus.PROCESSING, attempt=4)
    await _leave_unfinished(settings, clock, poison)
    async with run_app(max_attempts=4) as app:
        failed = await app.wait_for_status(poison.id, "failed")
        assert "interrupted 4 times" in failed["error_message"]
        assert failed["error_code"] == "internal"
