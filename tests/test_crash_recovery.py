"""SIGKILL a real server with jobs in flight; the restarted server finishes each exactly once."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

import httpx
import pytest

from conftest import ServerProcess

HANDLES = [f"crash.test{i}" for i in range(12)]


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
def test_sigkill_with_jobs_in_flight_then_restart_completes_every_job_once(
    server_factory: Callable[..., ServerProcess],
) -> None:
    # Slow demo jobs and two workers: when the kill comes, some run and some wait.
    first = server_factory(WEBAPP_DEMO_DELAY_SECONDS="3", WEBAPP_MAX_CONCURRENCY="4")
    first.start()
    with httpx.Client(base_url=first.base_url, timeout=5) as client:
        ids = [
            client.post("/api/analyze", json={"handle": handle}).json()["job_id"]
            for handle in HANDLES
        ]

        def statuses() -> list[str]:
            return [client.get(f"/api/status/{job_id}").json()["status"] for job_id in ids]

        _wait(lambda: statuses().count("processing") == 4, 10, "four jobs to be processing")
        before = statuses()
    assert before.count("pending") == len(HANDLES) - 4
    first.kill()

    second = server_factory(WEBAPP_DEMO_DELAY_SECONDS="0.2")
    second.start()
    with httpx.Client(base_url=second.base_url, timeout=5) as client:

        def all_completed() -> bool:
            return all(
                client.get(f"/api/status/{job_id}").json()["status"] == "completed"
                for job_id in ids
            )

        _wait(all_completed, 30, "every job to complete after the restart")
        attempts = {job_id: client.get(f"/api/status/{job_id}").json()["attempt"] for job_id in ids}
        for job_id in ids:
            report = client.get(f"/api/report/{job_id}")
            assert report.status_code == 200
            assert report.json()["job_id"] == job_id
    assert second.stop(), "the server should shut down gracefully on SIGTERM"

    # Jobs cut off mid-run count the interrupted attempt; queued ones start at attempt 1.
    assert sorted(attempts.values()) == [1] * (len(HANDLES) - 4) + [2] * 4
    with sqlite3.connect(second.env["WEBAPP_DATABASE"]) as db:
        assert db.execute("SELECT count(*), count(DISTINCT job_id) FROM reports").fetchone() == (
            len(HANDLES),
            len(HANDLES),
        )
        assert db.execute("SELECT count(*) FROM snapshots").fetchone() == (len(HANDLES),)
        assert db.execute("SELECT DISTINCT status FROM jobs").fetchall() == [("completed",)]
        # Resumed or not, each job keeps its report's headline and no error code.
        assert db.execute(
            "SELECT count(*) FROM jobs WHERE is_demo = 1 AND error_code IS NULL "
            "AND (score IS NOT NULL OR verdict IS NOT NULL)"
        ).fetchone() == (len(HANDLES),)
