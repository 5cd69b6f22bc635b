"""The SQLite store on a real file: schema versions, group commit, read-after-write."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from webapp.jobs.job import Job
from webapp.jobs.sqlite import MIGRATIONS, SQLiteStore
from webapp.jobs.store import StoreError
from webapp.models import JobStatus, Platform
from webapp.settings import Settings

from conftest import START, RunApp


def _job(handle: str) -> Job:
    return Job.new(
        platform=Platform.YOUTUBE, handle=handle, dedup_key=f"youtube:{handle}", now=START
    )


async def test_new_database_is_migrated_to_the_latest_version_once(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "store.db"
    for _ in range(2):  # opening again must not re-run migrations
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"jobs", "reports", "snapshots"} <= tables


async def test_database_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    store = SQLiteStore(path)
    with pytest.raises(StoreError, match="newer than this app"):
        await store.open()
    await store.close()


async def test_concurrent_writes_are_grouped_and_all_committed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    await store.open()
    jobs = [_job(f"creator{i}") for i in range(300)]
    await asyncio.gather(*(store.save_job(job) for job in jobs))
    updated = [replace(job, status=JobStatus.PROCESSING, seq=2) for job in jobs]
    await asyncio.gather(*(store.save_job(job) for job in updated))
    # Read-after-write: every awaited save is visible to the reader connection.
    for job in updated[::37]:
        stored = await store.get_job(job.id)
        assert stored is not None
        assert stored.status is JobStatus.PROCESSING
        assert stored.created_at == job.created_at
    assert len(await store.unfinished_jobs()) == 300
    await store.close()
    with sqlite3.connect(tmp_path / "store.db") as db:
        assert db.execute("SELECT count(*) FROM jobs WHERE seq = 2").fetchone() == (300,)


async def test_expired_jobs_are_deleted_with_their_reports(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    await store.open()
    live = replace(_job("live"), status=JobStatus.FAILED, expires_at=START + timedelta(hours=1))
    old = replace(_job("old"), status=JobStatus.FAILED, expires_at=START - timedelta(seconds=1))
    running = _job("running")
    for job in (live, old, running):
        await store.save_job(job)
    assert await store.delete_expired(START) == [old.id]
    assert await store.get_job(old.id) is None
    assert await store.get_job(live.id) is not None
    assert await store.get_job(running.id) is not None
    await store.close()


async def test_a_closed_store_says_so(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    await store.open()
    await store.close()
    with pytest.raises(StoreError):
        await store.ping()
    with pytest.raises(StoreError):
        await store.save_job(_job("late"))


# --- migrating a version-2 database --------------------------------------------------------------

_V2_COLUMNS = (
    "id, platform, handle, dedup_key, status, phase, percent, message, attempt, seq, "
    "error_message, created_at, updated_at, completed_at, expires_at, has_upload"
)


def _v2_row(job_id: str, handle: str, status: str, error: str | None = None) -> tuple[object, ...]:
    finished = status in ("completed", "failed")
    return (
        job_id,
        "instagram",
        handle,
        f"instagram:{handle}",
        status,
        "Finalizing" if status == "completed" else "Scraping",
        100 if status == "completed" else 0,
        error or "Waiting for a free worker",
        1,
        3,
        error,
        "2026-11-28T11:00:00.000Z",
        "2026-11-28T11:00:01.000Z",
        "2026-11-28T11:00:01.000Z" if finished else None,
        "2026-11-29T11:00:01.000Z" if finished else None,
        0,
    )


def _version_2_database(path: Path) -> dict[str, str]:
    """A database as the app of schema version 2 left it: finished jobs with reports (one from
    before reports had a score), a failed job and a job still waiting."""
    ids = {
        name: f"00000000-0000-4000-8000-00000000000{index}"
        for index, name in enumerate(("scored", "unscored", "failed", "waiting"), start=1)
    }
    error = "No Instagram account @gone.away exists. Check the spelling of the handle."
    db = sqlite3.connect(path)
    try:
        for script in MIGRATIONS[:2]:
            db.executescript(script)
        db.execute("PRAGMA user_version = 2")
        db.executemany(
            f"INSERT INTO jobs ({_V2_COLUMNS}) VALUES ({', '.join('?' * 16)})",
            [
                _v2_row(ids["scored"], "scored.one", "completed"),
                _v2_row(ids["unscored"], "unscored.one", "completed"),
                _v2_row(ids["failed"], "gone.away", "failed", error),
                _v2_row(ids["waiting"], "waiting.one", "pending"),
            ],
        )
        reports = {
            "scored": {"is_demo": True, "score": {"value": 72.4, "verdict": "recommended"}},
            "unscored": {"is_demo": False, "score": None},
        }
        db.executemany(
            "INSERT INTO reports (job_id, body, created_at) VALUES (?, ?, ?)",
            [
                (ids[name], json.dumps(body), "2026-11-28T11:00:01.000Z")
                for name, body in reports.items()
            ],
        )
        db.commit()
    finally:
        db.close()
    return ids


async def test_a_version_2_database_keeps_its_jobs_and_gains_their_verdicts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v2.db"
    ids = _version_2_database(path)
    store = SQLiteStore(path)
    await store.open()
    try:
        scored = await store.get_job(ids["scored"])
        unscored = await store.get_job(ids["unscored"])
        failed = await store.get_job(ids["failed"])
        unfinished = await store.unfinished_jobs()
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        assert db.execute("SELECT count(*) FROM jobs").fetchone() == (4,)
    assert scored is not None
    assert (scored.status, scored.score, scored.verdict, scored.is_demo) == (
        JobStatus.COMPLETED,
        72.4,
        "recommended",
        True,
    )
    assert unscored is not None
    assert (unscored.score, unscored.verdict, unscored.is_demo) == (None, None, False)
    assert failed is not None
    assert failed.error_message is not None
    assert failed.error_message.startswith("No Instagram account @gone.away exists.")
    assert failed.error_code is None  # version 2 did not record why; nothing is made up
    assert [job.id for job in unfinished] == [ids["waiting"]]


async def test_after_the_migration_the_list_shows_verdicts_and_waiting_jobs_resume(
    run_app: RunApp, settings: Settings
) -> None:
    ids = _version_2_database(settings.database)
    async with run_app() as app:
        done = await app.wait_for_status(ids["waiting"], "completed")
        html = (await app.client.get("/jobs")).text
        failed = await app.status(ids["failed"])
        resumed = app.rows(
            "SELECT verdict IS NOT NULL OR score IS NOT NULL, is_demo, error_code FROM jobs "
            "WHERE id = ?",
            (ids["waiting"],),
        )
    assert done["error_code"] is None
    assert resumed == [(1, 1, None)], "a resumed job stores its verdict like a new one"
    assert failed["status"] == "failed"
    assert failed["error_code"] is None
    assert "72 · Recommended</span>" in html
    assert "No verdict</span>" in html
    assert "No Instagram account @gone.away exists.</span>" in html
