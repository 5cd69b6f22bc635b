"""Submitting, following and reading a job through the real app, on a real SQLite file and on a
real Redis."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest

from webapp.jobs.hub import JobEvent

from conftest import RunApp, wait_until

# Job-core tests: each runs on SQLite and on Redis (with a SAQ worker).
BOTH_BACKENDS = True


ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
BANDS = {"Scraping": (0, 30), "Analysis": (30, 90), "Finalizing": (90, 100)}


async def test_analyze_accepts_and_the_job_completes_with_a_report(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            "/api/analyze", json={"handle": "@Creator.One", "platform": "tiktok"}
        )
        assert response.status_code == 202
        body = response.json()
        assert body["status"] == "accepted"
        assert body["deduplicated"] is False
        assert response.headers["location"] == f"/api/status/{body['job_id']}"
        job_id = body["job_id"]

        status = await app.wait_for_status(job_id, "completed")
        assert status["phase"] == "Finalizing"
        assert status["percent"] == 100
        assert status["attempt"] == 1
        assert status["error_message"] is None
        assert status["error_code"] is None
        for field in ("created_at", "updated_at", "completed_at"):
            assert ISO_Z.match(status[field]), status[field]

        report = (await app.client.get(f"/api/report/{job_id}")).json()
        assert report["job_id"] == job_id
        assert report["handle"] == "creator.one"
        assert report["platform"] == "tiktok"
        assert report["source"] == "demo"
        assert report["is_demo"] is True
        assert ISO_Z.match(report["generated_at"])
        assert report["profile"]["followers"] > 0
        for name, metric in report["metrics"].items():
            assert metric["explanation"], name
        assert report["metrics"]["engagement_rate_by_views"]["value"] is not None
        assert any("demo" in note.lower() for note in report["coverage"])
        # The report and the account snapshot are stored once each.
        assert app.count_reports() == 1
        assert app.snapshots() == [(job_id, "creator.one", "demo")]


async def test_every_event_keeps_percent_inside_its_phase_band_and_never_goes_back(
    run_app: RunApp,
) -> None:
    async with run_app(demo_delay_seconds=4.0) as app:
        seen: list[JobEvent] = []
        with app.hub.subscribe() as subscription:
            job_id = await app.submit("steady.creator")

            async def collect() -> None:
                async for event in subscription:
                    seen.append(event)
                    if event.terminal:
                        return

            collector = asyncio.create_task(collect())
            # The demo adapter sleeps on the fake clock between its steps: let each one pass.
            while not collector.done():
                await wait_until(
                    lambda: app.clock.sleeping() > 0 or collector.done(), what="next step"
                )
                status = await app.status(job_id)
                if status["status"] == "processing":
                    assert status["phase"] == "Scraping"
                    assert 0 <= status["percent"] <= 30
                app.clock.advance(1.0)
            await collector

        assert seen[-1].status == "completed"
        assert seen[-1].percent == 100
        assert [e.seq for e in seen] == sorted({e.seq for e in seen})
        percents = [e.percent for e in seen]
        assert percents == sorted(percents)
        phases = [e.phase.value for e in seen]
        assert phases == sorted(phases, key=list(BANDS).index)
        assert {"Scraping", "Analysis", "Finalizing"} <= set(phases)
        for event in seen:
            low, high = BANDS[event.phase.value]
            assert low <= event.percent <= high, event
        scraping = [e.percent for e in seen if e.phase == "Scraping" and e.status == "processing"]
        assert len(set(scraping)) >= 3, "scraping progress should be visible in steps"


async def test_report_of_unfinished_job_is_409_with_its_status(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0) as app:
        job_id = await app.submit("slow.creator")
        await wait_until(lambda: app.clock.sleeping() > 0, what="the demo adapter to wait")
        response = await app.client.get(f"/api/report/{job_id}")
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "job_not_finished"
        assert error["details"]["status"] == "processing"
        assert error["details"]["phase"] == "Scraping"


@pytest.mark.sqlite_only
async def test_health_checks_the_store(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.get("/health")
        assert response.status_code == 200
        assert response.json()["status"] == "ok"
        assert response.json()["store"] == "ok"

        # Damage the database from outside, as a bad migration or an operator might.
        app.rows("DROP TABLE reports")
        app.rows("DROP TABLE jobs")
        # A probe that passed stands for a second, so polling /health costs no query each time.
        response = await app.client.get("/health")
        assert response.status_code == 200
        app.clock.advance(1.0)
        response = await app.client.get("/health")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"
        assert "no such table: jobs" in response.json()["store"]


@pytest.mark.sqlite_only
async def test_status_of_an_active_job_is_served_from_memory(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0) as app:
        job_id = await app.submit("memory.creator")
        await wait_until(lambda: app.clock.sleeping() > 0, what="the job to start")
        # With the table gone, only memory can answer: a query would fail.
        app.rows("ALTER TABLE jobs RENAME TO jobs_elsewhere")
        status = await app.status(job_id)
        assert status["status"] == "processing"
        app.rows("ALTER TABLE jobs_elsewhere RENAME TO jobs")


async def test_the_failed_event_carries_the_error_code(run_app: RunApp) -> None:
    async with run_app() as app:
        with app.hub.subscribe() as subscription:
            job_id = await app.submit("demo.notfound", platform="youtube")
            final: JobEvent | None = None
            async for event in subscription:
                if event.job_id == job_id and event.terminal:
                    final = event
                    break
        status = await app.status(job_id)
    assert final is not None
    data = json.loads(final.json)
    assert data["status"] == "failed"
    assert data["error_code"] == "not_found"
    assert data["error_message"] == status["error_message"]
    assert status["error_code"] == "not_found"


SHOWN = ("status", "phase", "percent", "message", "updated_at")


def shown(state: JobEvent | dict[str, Any]) -> tuple[str, ...]:
    """What status and an event both show of a job's state, as text."""
    if isinstance(state, JobEvent):
        return tuple(str(getattr(state, name)) for name in SHOWN)
    return tuple(str(state[name]) for name in SHOWN)


async def test_status_shows_each_state_the_hub_announces_then_the_final_one(
    run_app: RunApp,
) -> None:
    async with run_app(demo_delay_seconds=5.0) as app:
        job_id = await app.submit("poll.each.step")
        events: list[JobEvent] = []

        async def collect() -> None:
            with app.hub.subscribe([job_id]) as subscription:
                async for event in subscription:
                    events.append(event)
                    if event.terminal:
                        return

        collecting = asyncio.create_task(collect())
        checked: set[tuple[Any, ...]] = set()
        while True:
            # Between demo steps the job waits for the fake clock, so its state holds still:
            # status must come to show the newest announced state (a stale copy never would).
            await wait_until(
                lambda: app.clock.sleeping() > 0 or collecting.done(), what="a demo step"
            )

            async def agrees() -> bool:
                return bool(events) and shown(await app.status(job_id)) == shown(events[-1])

            await wait_until(agrees, what="status to show the newest event")
            checked.add(shown(events[-1]))
            if collecting.done():
                break
            app.clock.advance(5.0)

        final = await app.client.get(f"/api/status/{job_id}")
        again = await app.client.get(f"/api/status/{job_id}")
    assert len(checked) >= 4, checked
    assert final.json()["status"] == "completed"
    assert final.json()["percent"] == 100
    assert final.json()["completed_at"] is not None
    assert again.content == final.content


@pytest.mark.sqlite_only
async def test_a_passed_store_probe_stands_for_a_second_and_a_failed_one_is_retried(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        assert (await app.client.get("/health")).status_code == 200
        app.rows("DROP TABLE reports")
        app.rows("DROP TABLE jobs")
        app.clock.advance(0.9)
        assert (await app.client.get("/health")).status_code == 200
        app.clock.advance(0.1)
        assert (await app.client.get("/health")).status_code == 503
        # A failure is not remembered: the store is probed again at the next call.
        app.rows("CREATE TABLE jobs (id TEXT)")
        response = await app.client.get("/health")
    assert response.status_code == 200
    assert response.json()["store"] == "ok"
