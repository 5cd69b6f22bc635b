"""Idempotent submissions and the TTL after which finished jobs expire."""

from __future__ import annotations

import asyncio

from conftest import RunApp, wait_until

# Job-core tests: each runs on SQLite and on Redis (with a SAQ worker).
BOTH_BACKENDS = True


async def test_spellings_of_one_account_share_a_running_job(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0) as app:
        first = await app.client.post("/api/analyze", json={"handle": "natgeo"})
        assert first.status_code == 202
        job_id = first.json()["job_id"]
        for spelling in ("@NatGeo", " https://www.instagram.com/natgeo/ ", "NATGEO"):
            again = await app.client.post("/api/analyze", json={"handle": spelling})
            assert again.status_code == 200
            assert again.json() == {"job_id": job_id, "status": "accepted", "deduplicated": True}
        other_platform = await app.client.post(
            "/api/analyze", json={"handle": "natgeo", "platform": "tiktok"}
        )
        assert other_platform.status_code == 202
        assert app.count_jobs() == 2


async def test_fifty_parallel_identical_posts_make_exactly_one_job(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0) as app:
        responses = await asyncio.gather(
            *(app.client.post("/api/analyze", json={"handle": "@same.one"}) for _ in range(50))
        )
        ids = {response.json()["job_id"] for response in responses}
        codes = sorted(response.status_code for response in responses)
        assert len(ids) == 1
        assert codes == [200] * 49 + [202]
        assert app.count_jobs() == 1


async def test_completed_job_is_reused_within_the_ttl_and_refresh_forces_a_new_run(
    run_app: RunApp,
) -> None:
    async with run_app(job_ttl_seconds=3600) as app:
        job_id = await app.submit("done.creator")
        await app.wait_for_status(job_id, "completed")
        app.clock.advance(3599)
        again = await app.client.post("/api/analyze", json={"handle": "done.creator"})
        assert again.status_code == 200
        assert again.json()["job_id"] == job_id
        assert again.json()["deduplicated"] is True

        fresh = await app.client.post(
            "/api/analyze", json={"handle": "done.creator", "refresh": True}
        )
        assert fresh.status_code == 202
        assert fresh.json()["job_id"] != job_id
        await app.wait_for_status(fresh.json()["job_id"], "completed")
        # Both runs left a snapshot: the follower history grows with every analysis.
        assert len(app.snapshots()) == 2


async def test_refresh_while_a_run_is_active_joins_it(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0) as app:
        job_id = await app.submit("busy.creator")
        joined = await app.client.post(
            "/api/analyze", json={"handle": "busy.creator", "refresh": True}
        )
        assert joined.status_code == 200
        assert joined.json()["job_id"] == job_id


async def test_failed_job_is_not_reused(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await app.submit("demo.notfound")
        await app.wait_for_status(job_id, "failed")
        again = await app.client.post("/api/analyze", json={"handle": "demo.notfound"})
        assert again.status_code == 202
        assert again.json()["job_id"] != job_id


async def test_finished_jobs_expire_after_the_ttl_and_the_sweeper_deletes_them(
    run_app: RunApp,
) -> None:
    async with run_app(job_ttl_seconds=600, sweep_interval_seconds=60) as app:
        job_id = await app.submit("expiring.creator")
        await app.wait_for_status(job_id, "completed")
        failed_id = await app.submit("demo.private")
        await app.wait_for_status(failed_id, "failed")

        app.clock.advance(599)
        assert (await app.client.get(f"/api/report/{job_id}")).status_code == 200

        app.clock.advance(61)  # past the TTL, and the sweeper's interval has come round
        for path in (f"/api/status/{job_id}", f"/api/report/{job_id}", f"/api/status/{failed_id}"):
            response = await app.client.get(path)
            assert response.status_code == 404
            assert "expired" in response.json()["error"]["message"]

        def swept() -> bool:
            app.clock.advance(60)  # keep the sweeper's interval coming round
            return app.count_jobs() == 0

        await wait_until(swept, what="the sweeper to delete the expired jobs")
        assert app.count_reports() == 0
        # Snapshots outlive their jobs: they are the account's follower history.
        assert [row[0] for row in app.snapshots()] == [job_id]

        again = await app.client.post("/api/analyze", json={"handle": "expiring.creator"})
        assert again.status_code == 202
        assert again.json()["job_id"] != job_id


async def test_queue_bound_answers_503_with_retry_after_and_writes_nothing(
    run_app: RunApp,
) -> None:
    async with run_app(demo_delay_seconds=4.0, max_concurrency=1, max_queued=2) as app:
        running = await app.submit("first.creator")
        await app.wait_for_status(running, "processing")
        await app.submit("second.creator")
        await app.submit("third.creator")
        response = await app.client.post("/api/analyze", json={"handle": "fourth.creator"})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "queue_full"
        assert int(response.headers["retry-after"]) > 0
        assert app.count_jobs() == 3
        # A duplicate of a queued job is still answered: it adds no work.
        duplicate = await app.client.post("/api/analyze", json={"handle": "third.creator"})
        assert duplicate.status_code == 200
