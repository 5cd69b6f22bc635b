"""The Redis store on a real redis-server: the seed's key layout, TTL by EXPIRE, an atomic claim
shared by many processes, and writes that never touch a finished job."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import redis

from webapp.jobs.job import Job
from webapp.jobs.redis_store import RedisStore
from webapp.jobs.store import StoreError
from webapp.models import JobStatus, Phase, Platform, Snapshot

from conftest import START, RunApp
from redis_server import RedisServer, free_port

TTL = 600


def _job(handle: str = "keys.creator", **changes: object) -> Job:
    job = Job.new(platform=Platform.TIKTOK, handle=handle, dedup_key=f"tiktok:{handle}", now=START)
    return dataclasses.replace(job, **changes)  # type: ignore[arg-type]


def _snapshot(job: Job) -> Snapshot:
    return Snapshot(
        job_id=job.id,
        platform=job.platform,
        handle=job.handle,
        taken_at=START,
        followers=1000,
        following=10,
        posts=5,
        engagement_rate=0.02,
        source="demo",
    )


def _finished(job: Job, status: JobStatus) -> Job:
    return dataclasses.replace(
        job,
        status=status,
        seq=job.seq + 1,
        completed_at=START,
        expires_at=START + timedelta(seconds=TTL),
        phase=Phase.FINALIZING,
        percent=100,
    )


@pytest.fixture
async def store(redis_server: RedisServer) -> AsyncIterator[RedisStore]:
    redis_server.command("FLUSHALL")
    opened = RedisStore(redis_server.url, ttl_seconds=TTL)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
def client(redis_server: RedisServer) -> redis.Redis:
    return redis.Redis.from_url(redis_server.url, decode_responses=True)


async def test_keys_follow_the_seed_layout_and_expire_with_the_job(
    store: RedisStore, client: redis.Redis
) -> None:
    job = _job()
    assert await store.claim(job, refresh=False, now=START, upload_json='{"x": 1}') == job
    assert client.get("jobs:handle:keys.creator:tiktok") == job.id
    assert client.ttl(f"jobs:{job.id}") == -1  # an unfinished job never expires
    done = _finished(job, JobStatus.COMPLETED)
    assert await store.complete_job(done, '{"report": true}', _snapshot(job))
    for key in (f"jobs:{job.id}", f"jobs:{job.id}:report", f"jobs:{job.id}:upload"):
        assert 0 < client.ttl(key) <= TTL, key
    assert 0 < client.ttl("jobs:handle:keys.creator:tiktok") <= TTL
    # Snapshots are the follower history: no TTL.
    assert client.ttl("snapshots:tiktok:keys.creator") == -1
    assert [s.job_id for s in await store.snapshots(Platform.TIKTOK, "keys.creator")] == [job.id]
    assert await store.get_report(job.id) == '{"report": true}'
    assert (await store.get_job(job.id)) == done


async def test_a_finished_job_is_never_written_again(store: RedisStore) -> None:
    job = _job()
    await store.claim(job, refresh=False, now=START)
    failed = _finished(job, JobStatus.FAILED)
    assert await store.save_job(failed)
    late = dataclasses.replace(job, status=JobStatus.PROCESSING, seq=job.seq + 5)
    assert not await store.save_job(late)
    assert not await store.complete_job(_finished(job, JobStatus.COMPLETED), "{}", _snapshot(job))
    assert (await store.get_job(job.id)) == failed
    assert await store.get_report(job.id) is None
    assert await store.snapshots(Platform.TIKTOK, "keys.creator") == []


async def test_thirty_claims_from_two_processes_make_one_job(redis_server: RedisServer) -> None:
    redis_server.command("FLUSHALL")
    stores = [RedisStore(redis_server.url, ttl_seconds=TTL) for _ in range(2)]
    for store in stores:
        await store.open()
    try:
        candidates = [_job("same.creator") for _ in range(30)]
        claimed = await asyncio.gather(
            *(
                stores[index % 2].claim(job, refresh=False, now=START)
                for index, job in enumerate(candidates)
            )
        )
    finally:
        for store in stores:
            await store.close()
    winners = {job.id for job in claimed if job is not None}
    assert len(winners) == 1
    assert winners <= {job.id for job in candidates}


async def test_claim_shares_a_completed_job_until_it_expires_or_refresh(
    store: RedisStore,
) -> None:
    job = _job()
    await store.claim(job, refresh=False, now=START)
    await store.complete_job(_finished(job, JobStatus.COMPLETED), "{}", _snapshot(job))
    assert (await store.claim(_job(), refresh=False, now=START)).id == job.id  # type: ignore[union-attr]
    fresh = _job()
    assert (await store.claim(fresh, refresh=True, now=START)) == fresh
    later = START + timedelta(seconds=TTL + 1)
    # The refreshed job is still running: it is shared, whatever the clock.
    assert (await store.claim(_job(), refresh=False, now=later)).id == fresh.id  # type: ignore[union-attr]
    # A full queue makes no new job, but still shares.
    other = _job("other.creator")
    assert await store.claim(other, refresh=False, now=START, create=False) is None


async def test_the_sweep_follows_the_app_clock_and_keeps_snapshots(
    store: RedisStore, client: redis.Redis
) -> None:
    job = _job()
    await store.claim(job, refresh=False, now=START)
    await store.complete_job(_finished(job, JobStatus.COMPLETED), "{}", _snapshot(job))
    assert await store.delete_expired(START + timedelta(seconds=TTL - 1)) == []
    assert await store.delete_expired(START + timedelta(seconds=TTL)) == [job.id]
    assert client.exists(f"jobs:{job.id}", f"jobs:{job.id}:report") == 0
    assert client.exists("jobs:handle:keys.creator:tiktok") == 0
    assert client.zcard("jobs:recent") == 0
    assert len(await store.snapshots(Platform.TIKTOK, "keys.creator")) == 1


async def test_an_unreachable_redis_is_a_store_error() -> None:
    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0", ttl_seconds=TTL)
    await store.open()
    try:
        with pytest.raises(StoreError, match="Redis cannot be reached"):
            await store.ping()
        with pytest.raises(StoreError):
            await store.claim(_job(), refresh=False, now=START)
    finally:
        await store.close()


async def test_the_app_says_503_when_redis_is_unreachable(run_app: RunApp) -> None:
    async with run_app(redis_url=f"redis://127.0.0.1:{free_port()}/0") as app:
        health = await app.client.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "unavailable"
        assert "Redis cannot be reached" in health.json()["store"]
        response = await app.client.post("/api/analyze", json={"handle": "no.redis"})
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "store_unavailable"
        assert "nothing was changed" in response.json()["error"]["message"]
        assert response.headers["retry-after"] == "5"
        status = await app.client.get(f"/api/status/{_job().id}")
        assert status.status_code == 503


async def test_two_overlapping_runs_cannot_both_move_a_job_on(store: RedisStore) -> None:
    job = _job()
    await store.claim(job, refresh=False, now=START)
    mine = dataclasses.replace(job, status=JobStatus.PROCESSING, seq=job.seq + 1, percent=10)
    theirs = dataclasses.replace(job, status=JobStatus.PROCESSING, seq=job.seq + 1, percent=40)
    assert await store.save_job(theirs)
    assert not await store.save_job(mine)  # read the same state, wrote second: refused
    assert (await store.get_job(job.id)) == theirs


async def test_a_failed_refresh_does_not_hide_the_report_before_it(
    store: RedisStore, client: redis.Redis
) -> None:
    first = _job()
    await store.claim(first, refresh=False, now=START)
    await store.complete_job(_finished(first, JobStatus.COMPLETED), "{}", _snapshot(first))
    refresh = _job()
    assert await store.claim(refresh, refresh=True, now=START) == refresh
    assert await store.save_job(_finished(refresh, JobStatus.FAILED))
    shared = await store.claim(_job(), refresh=False, now=START)
    assert shared is not None
    assert shared.id == first.id
    assert client.get("jobs:handle:keys.creator:tiktok:done") == first.id
    # Once that report expires, a submission makes a new job.
    later = START + timedelta(seconds=TTL + 1)
    assert await store.delete_expired(later) == [first.id, refresh.id]
    assert client.exists("jobs:handle:keys.creator:tiktok:done") == 0
    fresh = _job()
    assert await store.claim(fresh, refresh=False, now=later) == fresh
