"""The stores' new reads on both backends: an account's jobs (indexed per account) and a
filtered list of jobs; snapshots keep the score and verdict."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis

from webapp.jobs.job import Job
from webapp.jobs.job_filter import JobFilter, search_text
from webapp.jobs.redis_store import RedisStore, account_key
from webapp.jobs.sqlite import ACCOUNT_JOBS_SQL, MIGRATIONS, SQLiteStore
from webapp.jobs.store import Store
from webapp.models import JobStatus, Phase, Platform, Snapshot

from conftest import START
from redis_server import RedisServer

TTL = 600


def _job(handle: str, platform: Platform = Platform.INSTAGRAM, minute: int = 0) -> Job:
    return Job.new(
        platform=platform,
        handle=handle,
        dedup_key=f"{platform.value}:{handle}",
        now=START + timedelta(minutes=minute),
    )


def _completed(job: Job, score: float, verdict: Any = "recommended") -> Job:
    return dataclasses.replace(
        job,
        status=JobStatus.COMPLETED,
        seq=job.seq + 1,
        phase=Phase.FINALIZING,
        percent=100,
        completed_at=job.created_at,
        expires_at=job.created_at + timedelta(seconds=TTL),
        score=score,
        verdict=verdict,
        is_demo=True,
        source="demo",
    )


def _snapshot(job: Job) -> Snapshot:
    return Snapshot(
        job_id=job.id,
        platform=job.platform,
        handle=job.handle,
        taken_at=job.created_at,
        followers=1000,
        following=10,
        posts=5,
        engagement_rate=2.0,
        source="demo",
        score=job.score,
        verdict=job.verdict,
    )


@pytest.fixture(params=["sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    opened: Store
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.command("FLUSHALL")
        opened = RedisStore(server.url, ttl_seconds=TTL)
    else:
        opened = SQLiteStore(tmp_path / "store.db")
    await opened.open()
    try:
        yield opened
    finally:
        await opened.close()


async def _add(store: Store, job: Job, *, score: float | None = None, verdict: Any = None) -> Job:
    claimed = await store.claim(job, refresh=True, now=job.created_at)
    assert claimed is not None
    assert claimed.id == job.id
    if score is None:
        return job
    done = _completed(job, score, verdict or "recommended")
    assert await store.complete_job(done, "{}", _snapshot(done))
    return done


async def test_account_jobs_are_the_accounts_own_newest_first(store: Store) -> None:
    first = await _add(store, _job("alice", minute=0), score=60)
    await _add(store, _job("alice", Platform.TIKTOK, minute=1), score=70)
    await _add(store, _job("alice.other", minute=2), score=80)
    second = await _add(store, _job("alice", minute=3))
    found = await store.account_jobs(Platform.INSTAGRAM, "alice", 10, START)
    assert [job.id for job in found] == [second.id, first.id]
    assert found[1].score == 60
    assert [j.id for j in await store.account_jobs(Platform.INSTAGRAM, "alice", 1, START)] == [
        second.id
    ]
    assert await store.account_jobs(Platform.YOUTUBE, "alice", 10, START) == []


async def test_account_jobs_leave_out_expired_ones_but_snapshots_stay(store: Store) -> None:
    old = await _add(store, _job("alice", minute=0), score=60)
    later = START + timedelta(seconds=TTL + 1)
    assert await store.account_jobs(Platform.INSTAGRAM, "alice", 10, later) == []
    assert await store.delete_expired(later) == [old.id]
    assert await store.account_jobs(Platform.INSTAGRAM, "alice", 10, later) == []
    snapshots = await store.snapshots(Platform.INSTAGRAM, "alice")
    assert [(s.job_id, s.score, s.verdict) for s in snapshots] == [(old.id, 60, "recommended")]


async def test_search_filters_by_handle_platform_status_and_verdict(store: Store) -> None:
    alice = await _add(store, _job("alice.cooks", minute=0), score=80, verdict="recommended")
    bob = await _add(
        store, _job("bob.alison", Platform.TIKTOK, minute=1), score=30, verdict="avoid"
    )
    carol = await _add(store, _job("carol", minute=2))  # pending

    async def ids(**where: Any) -> list[str]:
        return [job.id for job in await store.search_jobs(JobFilter(**where), 50, START)]

    assert await ids(handle="ali") == [bob.id, alice.id], "substring, newest first"
    assert await ids(handle=search_text(" @ALICE ")) == [alice.id]
    assert await ids(platform=Platform.TIKTOK) == [bob.id]
    assert await ids(status=JobStatus.PENDING) == [carol.id]
    assert await ids(status=JobStatus.COMPLETED, platform=Platform.INSTAGRAM) == [alice.id]
    assert await ids(verdict="avoid") == [bob.id]
    assert await ids(verdict="review") == []
    assert await ids(handle="zzz") == []
    assert await ids(handle="%") == [], "LIKE wildcards are plain characters"
    assert len(await store.search_jobs(JobFilter(), 2, START)) == 2
    later = START + timedelta(seconds=TTL + 300)
    assert [j.id for j in await store.search_jobs(JobFilter(handle="a"), 50, later)] == [
        carol.id
    ], "expired jobs are left out; an unfinished one never expires"


async def test_sqlite_serves_an_accounts_jobs_from_its_index(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "store.db")
    await store.open()
    await store.close()
    with sqlite3.connect(tmp_path / "store.db") as db:
        plan = " ".join(
            str(row[-1])
            for row in db.execute(
                f"EXPLAIN QUERY PLAN {ACCOUNT_JOBS_SQL}", ("instagram", "alice", "x", 10)
            )
        )
    assert "USING INDEX jobs_by_account" in plan
    assert "TEMP B-TREE" not in plan, "the index gives the order too"


async def test_a_version_4_database_gains_scores_on_its_snapshots(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:4]:
        db.executescript(script)
    db.execute("PRAGMA user_version = 4")
    db.execute(
        "INSERT INTO jobs (id, platform, handle, dedup_key, status, phase, percent, message, "
        "attempt, seq, created_at, updated_at) VALUES ('j1', 'instagram', 'alice', "
        "'instagram:alice', 'completed', 'Finalizing', 100, '', 1, 3, '2026-11-28T12:00:00Z', "
        "'2026-11-28T12:00:00Z')"
    )
    db.execute(
        "INSERT INTO reports VALUES ('j1', ?, '2026-11-28T12:00:00Z')",
        ('{"score": {"value": 41.5, "verdict": "review"}}',),
    )
    db.executemany(
        "INSERT INTO snapshots VALUES (?, 'instagram', 'alice', ?, 1000, 10, 5, 2.0, 'demo')",
        [("j1", "2026-11-28T12:00:00.000Z"), ("gone", "2026-11-27T12:00:00.000Z")],
    )
    db.commit()
    db.close()
    store = SQLiteStore(path)
    await store.open()
    try:
        snapshots = await store.snapshots(Platform.INSTAGRAM, "alice")
    finally:
        await store.close()
    assert [(s.job_id, s.score, s.verdict) for s in snapshots] == [
        ("gone", None, None),  # its report is gone: nothing is made up
        ("j1", 41.5, "review"),
    ]


async def test_redis_keeps_an_index_per_account_and_trims_it(redis_server: RedisServer) -> None:
    redis_server.command("FLUSHALL")
    store = RedisStore(redis_server.url, ttl_seconds=TTL)
    await store.open()
    try:
        old = await _add(store, _job("alice", minute=0), score=50)
        gone = await _add(store, _job("alice", minute=1), score=55)
        key = account_key(Platform.INSTAGRAM, "alice")
        with redis.Redis.from_url(redis_server.url) as client:
            assert [m.decode() for m in client.zrange(key, 0, -1)] == [old.id, gone.id]
            client.delete(f"jobs:{gone.id}")  # as Redis's own EXPIRE would
        assert [j.id for j in await store.account_jobs(Platform.INSTAGRAM, "alice", 9, START)] == [
            old.id
        ]
        with redis.Redis.from_url(redis_server.url) as client:
            assert [m.decode() for m in client.zrange(key, 0, -1)] == [old.id], "trimmed on read"
        await store.delete_expired(START + timedelta(seconds=TTL + 1))
        with redis.Redis.from_url(redis_server.url) as client:
            assert client.zcard(key) == 0, "the sweep trims it too"
    finally:
        await store.close()
