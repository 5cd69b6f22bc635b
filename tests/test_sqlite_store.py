"""The SQLite store on a real file: schema versions, group commit, read-after-write."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from webapp.jobs.job import Job
from webapp.jobs.sqlite import MIGRATIONS, SQLiteStore
from webapp.jobs.store import StoreError
from webapp.models import JobStatus, Platform

from conftest import START


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
