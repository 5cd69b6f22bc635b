"""The Redis store: job state, reports and the dedup index shared by every web and worker process.

Layout (a standalone Redis; the Lua scripts touch keys they compute, so not Redis Cluster):

* `jobs:{id}`: the job's state as JSON; `EXPIRE`d the TTL after it finishes;
* `jobs:{id}:report`, `jobs:{id}:upload`: its report and uploaded data, expiring with it;
* `jobs:handle:{handle}:{platform}` (`:upload:{digest}` for an upload): the account's newest job
  id, for dedup, and the same key + `:done`: its newest completed job id (so a refresh that
  fails does not hide the report before it); each expires with the job it points to;
* `jobs:recent` (sorted set, in order of creation) and `jobs:unfinished` (set): indexes, trimmed of
  ids whose job has expired;
* `jobs:account:{platform}:{handle}` (sorted set, in order of creation): the account's job ids,
  for its history page; ids of expired jobs are trimmed by the sweep and when read;
* `snapshots:{platform}:{handle}` (sorted set, by time taken): follower history, never expires;
* `jobs:{id}:summary`: a completed job's row summary for batch tables, expiring with the job;
* `batches:{id}`: a batch (JSON, written once), `EXPIRE`d at its `expires_at`, and
  `batches:expiry` (sorted set by expiry time), so the app's sweep deletes them on its clock;
* `webhooks:{id}` (hash): a webhook (webapp/webhooks/record.py; "" stands for None), listed in
  `jobs:{id}:webhooks` or `batches:{id}:webhooks` (sets) and expiring with its job or batch;
  `webhooks:waiting` (set: targets not ended yet) and `webhooks:due` (sorted set of pending
  ones by the time they are due, or their lease ends) are what dispatchers read.

Every change that must be atomic is one Lua script: a claim (find the account's job to share
or create one), and a state write that refuses to touch a finished job. So 30 identical POSTs
spread over many web processes make one job, and a job completes once, with one report.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any, get_args

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from webapp.batches.batch import Batch
from webapp.clock import isoformat, parse_iso
from webapp.jobs.job import Job
from webapp.jobs.job_filter import JobFilter
from webapp.jobs.store import StoreError
from webapp.models import ErrorCode, JobStatus, Phase, Platform, Snapshot, Verdict
from webapp.webhooks.record import Target, Webhook, WebhookState

logger = logging.getLogger(__name__)

RECENT = "jobs:recent"
UNFINISHED = "jobs:unfinished"
BATCH_EXPIRY = "batches:expiry"
# How many of the newest jobs a filtered jobs list looks at (read SEARCH_CHUNK at a time).
SEARCH_SCAN = 5_000
SEARCH_CHUNK = 500

# KEYS: handle key, job key, upload key, recent, unfinished, account.
# ARGV: job JSON, refresh (0/1), now (epoch s), create (0/1), job id, upload JSON or "".
# `jobs:recent` is ordered by a counter, so jobs created within one clock tick keep their
# order. Returns the JSON of the job the submission gets, or nil (full queue).
_CLAIM = """
local function live(id, want_completed)
  if not id then return nil end
  local raw = redis.call('GET', 'jobs:' .. id)
  if not raw then return nil end
  local job = cjson.decode(raw)
  if job.status == 'pending' or job.status == 'processing' then return raw end
  if want_completed and job.status == 'completed'
      and tonumber(job.expires_ts) > tonumber(ARGV[3]) then
    return raw
  end
  return nil
end
local reuse = ARGV[2] == '0'
local found = live(redis.call('GET', KEYS[1]), reuse)
if not found and reuse then found = live(redis.call('GET', KEYS[1] .. ':done'), true) end
if found then return found end
if ARGV[4] == '0' then return false end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[5])
if ARGV[6] ~= '' then redis.call('SET', KEYS[3], ARGV[6]) end
local serial = redis.call('INCR', 'jobs:serial')
redis.call('ZADD', KEYS[4], serial, ARGV[5])
redis.call('ZADD', KEYS[6], serial, ARGV[5])
redis.call('SADD', KEYS[5], ARGV[5])
return ARGV[1]
"""

# KEYS: job key, unfinished, handle key, upload key, report key, snapshots key.
# ARGV: job JSON, job id, TTL seconds for a finished job (0 while unfinished), report JSON or
# "", snapshot JSON or "", snapshot score, the new seq. Returns 1 when written, 0 when nothing
# was: the job had finished, is gone, or already has this seq (another run of it wrote first:
# two overlapping runs cannot both move it on).
_WRITE_BODY = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local stored = cjson.decode(raw)
if stored.status == 'completed' or stored.status == 'failed' then return 0 end
if tonumber(stored.seq) >= tonumber(ARGV[7]) then return 0 end
local job = ARGV[1]
if stored.has_webhooks then job = flagged(job) end
local ttl = tonumber(ARGV[3])
if ttl > 0 then
  redis.call('SET', KEYS[1], job, 'EX', ttl)
  redis.call('SREM', KEYS[2], ARGV[2])
  if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('EXPIRE', KEYS[3], ttl) end
  redis.call('EXPIRE', KEYS[4], ttl)
  if ARGV[4] ~= '' then
    redis.call('SET', KEYS[5], ARGV[4], 'EX', ttl)
    redis.call('SET', KEYS[3] .. ':done', ARGV[2], 'EX', ttl)
  end
  if ARGV[5] ~= '' then redis.call('ZADD', KEYS[6], ARGV[6], ARGV[5]) end
else
  redis.call('SET', KEYS[1], job)
end
return 1
"""

# KEYS: job key, handle key, account key. ARGV: job id, the expiry it was read with. Deletes the
# job, its report and upload, its place in the account's index, and the handle key if it still
# points to it, unless the job changed since.
_DELETE = """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
if cjson.decode(raw).expires_at ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1], KEYS[1] .. ':report', KEYS[1] .. ':upload', KEYS[1] .. ':summary')
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
if redis.call('GET', KEYS[2] .. ':done') == ARGV[1] then redis.call('DEL', KEYS[2] .. ':done') end
return 1
"""

# KEYS: job key, summary key. ARGV: summary JSON. The summary takes the job's remaining TTL,
# so it expires with the job (the delete script removes it too); nothing for a job gone.
_SAVE_SUMMARY = """
local ttl = redis.call('TTL', KEYS[1])
if ttl == -2 then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl) end
return 1
"""

# A job's JSON keeps the flag a subscription set on it (see _WRITE and _ADD_WEBHOOK): the
# writers do not know it, so the scripts carry it over as text.
_KEEP_WEBHOOK_FLAG = """
local function flagged(raw)
  if string.find(raw, '"has_webhooks":true', 1, true) then return raw end
  local out, n = string.gsub(raw, '"has_webhooks":false', '"has_webhooks":true', 1)
  if n == 0 then out = string.sub(raw, 1, -2) .. ',"has_webhooks":true}' end
  return out
end
"""

# KEYS: the job's or batch's key, webhook key, the target's webhooks set, waiting, due.
# ARGV: webhook id, 'job' or 'batch', due score or "" (waiting), then field/value pairs.
# Returns 0 (nothing stored) when the target is gone.
_ADD_WEBHOOK = (
    _KEEP_WEBHOOK_FLAG
    + """
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
if ARGV[2] == 'job' then
  local changed = flagged(raw)
  if changed ~= raw then redis.call('SET', KEYS[1], changed, 'KEEPTTL') end
end
redis.call('HSET', KEYS[2], unpack(ARGV, 4))
redis.call('SADD', KEYS[3], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[2], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
if ARGV[3] == '' then redis.call('SADD', KEYS[4], ARGV[1])
else redis.call('ZADD', KEYS[5], ARGV[3], ARGV[1]) end
return 1
"""
)

# KEYS: webhook key, waiting, due, the target's key, the target's webhooks set. ARGV: webhook
# id, payload, due score, due time. Waiting -> pending; it now expires with its ended target.
_PROMOTE_WEBHOOK = """
if redis.call('HGET', KEYS[1], 'state') ~= 'waiting' then
  redis.call('SREM', KEYS[2], ARGV[1])
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'pending', 'payload', ARGV[2], 'next_attempt_at', ARGV[4])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
local ttl = redis.call('PTTL', KEYS[4])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[5], ttl)
end
return 1
"""

# KEYS: due. ARGV: now score, lease-end score, limit, lease-end time. Leases the due pending
# webhooks (their score becomes the lease's end: if the claimer dies they come due again) and
# returns their ids; drops ids whose webhook is gone or no longer pending.
_CLAIM_WEBHOOKS = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local claimed = {}
for _, id in ipairs(ids) do
  local key = 'webhooks:' .. id
  if redis.call('HGET', key, 'state') == 'pending' then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    redis.call('HSET', key, 'lease_until', ARGV[4])
    table.insert(claimed, id)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return claimed
"""

# KEYS: webhook key, due. ARGV: webhook id, attempts when claimed, next due score or "" (done),
# then field/value pairs. Nothing is written when another dispatcher moved it on meanwhile.
_RECORD_WEBHOOK = """
if redis.call('HGET', KEYS[1], 'state') ~= 'pending'
    or redis.call('HGET', KEYS[1], 'attempts') ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], unpack(ARGV, 4))
if ARGV[3] == '' then redis.call('ZREM', KEYS[2], ARGV[1])
else redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1]) end
return 1
"""

# KEYS: a job's or batch's webhooks set, waiting, due. Deletes its webhooks (it is gone).
_DROP_WEBHOOKS = """
local ids = redis.call('SMEMBERS', KEYS[1])
for _, id in ipairs(ids) do
  redis.call('DEL', 'webhooks:' .. id)
  redis.call('SREM', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
end
redis.call('DEL', KEYS[1])
return #ids
"""

WEBHOOKS_WAITING = "webhooks:waiting"
WEBHOOKS_DUE = "webhooks:due"

_WRITE = _KEEP_WEBHOOK_FLAG + _WRITE_BODY

_ERROR_CODES: frozenset[str] = frozenset(get_args(ErrorCode))
_VERDICTS: frozenset[str] = frozenset(get_args(Verdict))


def job_key(job_id: str) -> str:
    return f"jobs:{job_id}"


def handle_key(job: Job) -> str:
    """`jobs:handle:{handle}:{platform}`, plus the upload's part of the dedup key if any."""
    account = f"{job.platform.value}:{job.handle}"
    suffix = job.dedup_key[len(account) :] if job.dedup_key.startswith(account) else ""
    return f"jobs:handle:{job.handle}:{job.platform.value}{suffix}"


def batch_key(batch_id: str) -> str:
    return f"batches:{batch_id}"


def webhook_key(hook_id: str) -> str:
    return f"webhooks:{hook_id}"


def _target_key(target: Target, target_id: str) -> str:
    return job_key(target_id) if target == "job" else batch_key(target_id)


def account_key(platform: Platform, handle: str) -> str:
    return f"jobs:account:{platform.value}:{handle}"


def snapshots_key(platform: Platform, handle: str) -> str:
    return f"snapshots:{platform.value}:{handle}"


class RedisStore:
    def __init__(self, url: str, *, ttl_seconds: float) -> None:
        self.url = url
        self._ttl = max(1, round(ttl_seconds))
        self._redis: aioredis.Redis | None = None
        self._claim: Any = None
        self._write: Any = None
        self._delete: Any = None
        self._save_summary: Any = None
        self._scripts: dict[str, Any] = {}

    @property
    def redis(self) -> aioredis.Redis:
        if self._redis is None:
            raise StoreError("the store is closed")
        return self._redis

    async def open(self) -> None:
        # Short timeouts: a Redis that went away makes requests fail fast with a 503, not hang.
        self._redis = aioredis.from_url(
            self.url, socket_timeout=5.0, socket_connect_timeout=2.0, health_check_interval=10
        )
        self._claim = self._redis.register_script(_CLAIM)
        self._write = self._redis.register_script(_WRITE)
        self._delete = self._redis.register_script(_DELETE)
        self._save_summary = self._redis.register_script(_SAVE_SUMMARY)
        self._scripts = {
            name: self._redis.register_script(script)
            for name, script in (
                ("add", _ADD_WEBHOOK),
                ("promote", _PROMOTE_WEBHOOK),
                ("claim", _CLAIM_WEBHOOKS),
                ("record", _RECORD_WEBHOOK),
                ("drop", _DROP_WEBHOOKS),
            )
        }

    async def close(self) -> None:
        if self._redis is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._redis.aclose()
            self._redis = None

    async def ping(self) -> None:
        await self._call(self.redis.ping())

    # -- writes -------------------------------------------------------------------------------

    async def claim(
        self,
        job: Job,
        *,
        refresh: bool,
        now: datetime,
        upload_json: str | None = None,
        create: bool = True,
    ) -> Job | None:
        raw = await self._call(
            self._claim(
                keys=[
                    handle_key(job),
                    job_key(job.id),
                    f"{job_key(job.id)}:upload",
                    RECENT,
                    UNFINISHED,
                    account_key(job.platform, job.handle),
                ],
                args=[
                    _job_json(job),
                    int(refresh),
                    now.timestamp(),
                    int(create),
                    job.id,
                    upload_json or "",
                ],
            )
        )
        return None if raw is None else _job_from_json(raw)

    async def save_job(self, job: Job) -> bool:
        return await self._save(job, None, None)

    async def complete_job(self, job: Job, report_json: str, snapshot: Snapshot) -> bool:
        return await self._save(job, report_json, snapshot)

    async def _save(self, job: Job, report_json: str | None, snapshot: Snapshot | None) -> bool:
        ttl = self._ttl if job.status.terminal else 0
        written = await self._call(
            self._write(
                keys=[
                    job_key(job.id),
                    UNFINISHED,
                    handle_key(job),
                    f"{job_key(job.id)}:upload",
                    f"{job_key(job.id)}:report",
                    snapshots_key(job.platform, job.handle),
                ],
                args=[
                    _job_json(job),
                    job.id,
                    ttl,
                    report_json or "",
                    snapshot.model_dump_json() if snapshot is not None else "",
                    snapshot.taken_at.timestamp() if snapshot is not None else 0,
                    job.seq,
                ],
            )
        )
        return bool(written)

    async def delete_expired(self, now: datetime) -> list[str]:
        """Delete the jobs whose TTL ran out by `now` (Redis expires them as well, on its own
        clock: this keeps the app's clock the one that counts) and trim the indexes of ids
        whose job is gone. Returns the ids."""
        ids = [_text(i) for i in await self._call(self.redis.zrange(RECENT, 0, -1))]
        gone: list[str] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = await self._call(self.redis.mget([job_key(i) for i in chunk]))
            for job_id, raw in zip(chunk, rows, strict=True):
                job = None if raw is None else _job_from_json(raw)
                if job is None:
                    gone.append(job_id)
                elif job.expires_at is not None and job.expires_at <= now:
                    gone.append(job_id)
                    await self._call(
                        self._delete(
                            keys=[
                                job_key(job_id),
                                handle_key(job),
                                account_key(job.platform, job.handle),
                            ],
                            args=[job_id, isoformat(job.expires_at)],
                        )
                    )
                    if job.has_webhooks:
                        await self._drop_webhooks(job_key(job_id))
        if gone:
            await self._call(self.redis.zrem(RECENT, *gone))
            await self._call(self.redis.srem(UNFINISHED, *gone))
        return gone

    # -- reads --------------------------------------------------------------------------------

    async def get_job(self, job_id: str) -> Job | None:
        raw = await self._call(self.redis.get(job_key(job_id)))
        return None if raw is None else _job_from_json(raw)

    async def get_report(self, job_id: str) -> str | None:
        raw = await self._call(self.redis.get(f"{job_key(job_id)}:report"))
        return None if raw is None else _text(raw)

    async def get_upload(self, job_id: str) -> str | None:
        raw = await self._call(self.redis.get(f"{job_key(job_id)}:upload"))
        return None if raw is None else _text(raw)

    async def recent_jobs(self, limit: int, now: datetime) -> list[Job]:
        ids = [_text(i) for i in await self._call(self.redis.zrevrange(RECENT, 0, 2 * limit))]
        jobs = await self._jobs(ids)
        live = [job for job in jobs if job.expires_at is None or job.expires_at > now]
        return live[:limit]

    async def search_jobs(self, where: JobFilter, limit: int, now: datetime) -> list[Job]:
        """Filtered in memory: the newest `SEARCH_SCAN` jobs are read, 500 at a time, until
        `limit` match. Bounded, so an older match may be missed when thousands of jobs are
        live; the jobs list says so."""
        found: list[Job] = []
        for start in range(0, SEARCH_SCAN, SEARCH_CHUNK):
            end = min(start + SEARCH_CHUNK, SEARCH_SCAN) - 1
            ids = [_text(i) for i in await self._call(self.redis.zrevrange(RECENT, start, end))]
            for job in await self._jobs(ids):
                if (job.expires_at is None or job.expires_at > now) and where.matches(job):
                    found.append(job)
                    if len(found) == limit:
                        return found
            if len(ids) < end - start + 1:
                break
        return found

    async def account_jobs(
        self, platform: Platform, handle: str, limit: int, now: datetime
    ) -> list[Job]:
        key = account_key(platform, handle)
        ids = [_text(i) for i in await self._call(self.redis.zrevrange(key, 0, -1))]
        if not ids:
            return []
        rows = await self._call(self.redis.mget([job_key(i) for i in ids]))
        gone = [job_id for job_id, raw in zip(ids, rows, strict=True) if raw is None]
        if gone:
            # Redis expired them on its own: keep the index O(live jobs of the account).
            await self._call(self.redis.zrem(key, *gone))
        jobs = [_job_from_json(raw) for raw in rows if raw is not None]
        return [job for job in jobs if job.expires_at is None or job.expires_at > now][:limit]

    async def unfinished_jobs(self) -> list[Job]:
        ids = [_text(i) for i in await self._call(self.redis.smembers(UNFINISHED))]
        jobs = [job for job in await self._jobs(ids) if not job.status.terminal]
        return sorted(jobs, key=lambda job: job.created_at)

    async def snapshots(self, platform: Platform, handle: str) -> list[Snapshot]:
        rows = await self._call(self.redis.zrange(snapshots_key(platform, handle), 0, -1))
        return [Snapshot.model_validate_json(row) for row in rows]

    async def secret(self, name: str, candidate: str) -> str:
        key = f"secrets:{name}"
        # No expiry: links made with it must work as long as their reports exist.
        await self._call(self.redis.set(key, candidate, nx=True))
        return _text(await self._call(self.redis.get(key)))

    async def get_jobs(self, job_ids: Sequence[str]) -> list[Job]:
        jobs: list[Job] = []
        for start in range(0, len(job_ids), 500):
            jobs += await self._jobs(job_ids[start : start + 500])
        return jobs

    # -- batches ------------------------------------------------------------------------------

    async def save_batch(self, batch: Batch) -> None:
        # Relative, like the jobs' EXPIRE: Redis's clock need not be the app's.
        ttl = max(1, round((batch.expires_at - batch.created_at).total_seconds()))
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(batch_key(batch.id), batch.to_json(), ex=ttl)
            pipe.zadd(BATCH_EXPIRY, {batch.id: batch.expires_at.timestamp()})
            await self._call(pipe.execute())

    async def get_batch(self, batch_id: str) -> Batch | None:
        raw = await self._call(self.redis.get(batch_key(batch_id)))
        return None if raw is None else Batch.from_json(raw)

    async def delete_expired_batches(self, now: datetime) -> list[str]:
        ids = [
            _text(i)
            for i in await self._call(
                self.redis.zrangebyscore(BATCH_EXPIRY, "-inf", now.timestamp())
            )
        ]
        if ids:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.delete(*[batch_key(i) for i in ids])
                pipe.zrem(BATCH_EXPIRY, *ids)
                await self._call(pipe.execute())
            for batch_id in ids:
                await self._drop_webhooks(batch_key(batch_id))
        return ids

    async def get_summaries(self, job_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(job_ids), 500):
            chunk = job_ids[start : start + 500]
            rows = await self._call(self.redis.mget([f"{job_key(i)}:summary" for i in chunk]))
            found.update((i, _text(raw)) for i, raw in zip(chunk, rows, strict=True) if raw)
        return found

    async def save_summaries(self, summaries: Sequence[tuple[Job, str]]) -> None:
        for job, body in summaries:
            key = job_key(job.id)
            await self._call(self._save_summary(keys=[key, f"{key}:summary"], args=[body]))

    # -- webhooks -----------------------------------------------------------------------------

    async def add_webhook(self, hook: Webhook) -> bool:
        target = _target_key(hook.target, hook.target_id)
        due = "" if hook.next_attempt_at is None else hook.next_attempt_at.timestamp()
        added = await self._call(
            self._scripts["add"](
                keys=[
                    target,
                    webhook_key(hook.id),
                    f"{target}:webhooks",
                    WEBHOOKS_WAITING,
                    WEBHOOKS_DUE,
                ],
                args=[hook.id, hook.target, due, *_webhook_fields(hook)],
            )
        )
        return bool(added)

    async def webhooks_of(self, target: Target, target_id: str) -> list[Webhook]:
        key = f"{_target_key(target, target_id)}:webhooks"
        ids = sorted(_text(i) for i in await self._call(self.redis.smembers(key)))
        hooks = await self._webhooks(ids)
        return sorted(hooks, key=lambda hook: (hook.created_at, hook.id))

    async def waiting_webhooks(self, limit: int) -> list[Webhook]:
        ids = [_text(i) for i in await self._call(self.redis.smembers(WEBHOOKS_WAITING))]
        hooks = [h for h in await self._webhooks(ids) if h.state is WebhookState.WAITING]
        gone = set(ids) - {hook.id for hook in hooks}
        if gone:  # expired with their target, or moved on
            await self._call(self.redis.srem(WEBHOOKS_WAITING, *gone))
        return sorted(hooks, key=lambda hook: hook.created_at)[:limit]

    async def promote_webhook(self, hook_id: str, payload: str, now: datetime) -> bool:
        hooks = await self._webhooks([hook_id])
        if not hooks:
            await self._call(self.redis.srem(WEBHOOKS_WAITING, hook_id))
            return False
        target = _target_key(hooks[0].target, hooks[0].target_id)
        promoted = await self._call(
            self._scripts["promote"](
                keys=[
                    webhook_key(hook_id),
                    WEBHOOKS_WAITING,
                    WEBHOOKS_DUE,
                    target,
                    f"{target}:webhooks",
                ],
                args=[hook_id, payload, now.timestamp(), isoformat(now)],
            )
        )
        return bool(promoted)

    async def claim_webhooks(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Webhook]:
        ids = await self._call(
            self._scripts["claim"](
                keys=[WEBHOOKS_DUE],
                args=[now.timestamp(), lease_until.timestamp(), limit, isoformat(lease_until)],
            )
        )
        return await self._webhooks([_text(i) for i in ids])

    async def record_webhook_attempt(self, hook: Webhook, attempts_before: int) -> None:
        due = (
            hook.next_attempt_at.timestamp()
            if hook.state is WebhookState.PENDING and hook.next_attempt_at is not None
            else ""
        )
        fields = _webhook_fields(dataclasses.replace(hook, lease_until=None))
        await self._call(
            self._scripts["record"](
                keys=[webhook_key(hook.id), WEBHOOKS_DUE],
                args=[hook.id, attempts_before, due, *fields],
            )
        )

    async def _webhooks(self, ids: Sequence[str]) -> list[Webhook]:
        if not ids:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for hook_id in ids:
                pipe.hgetall(webhook_key(hook_id))
            rows = await self._call(pipe.execute())
        return [_webhook_from_fields(row) for row in rows if row]

    async def _drop_webhooks(self, target: str) -> None:
        await self._call(
            self._scripts["drop"](keys=[f"{target}:webhooks", WEBHOOKS_WAITING, WEBHOOKS_DUE])
        )

    async def _jobs(self, ids: Sequence[str]) -> list[Job]:
        if not ids:
            return []
        rows = await self._call(self.redis.mget([job_key(i) for i in ids]))
        return [_job_from_json(raw) for raw in rows if raw is not None]

    @staticmethod
    async def _call(awaitable: Any) -> Any:
        try:
            return await awaitable
        except (RedisError, OSError) as exc:
            raise StoreError(f"Redis cannot be reached: {exc}") from exc


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _job_json(job: Job) -> str:
    return json.dumps(
        {
            "id": job.id,
            "platform": job.platform.value,
            "handle": job.handle,
            "dedup_key": job.dedup_key,
            "status": job.status.value,
            "phase": job.phase.value,
            "percent": job.percent,
            "message": job.message,
            "attempt": job.attempt,
            "seq": job.seq,
            "created_at": isoformat(job.created_at),
            "updated_at": isoformat(job.updated_at),
            "completed_at": isoformat(job.completed_at) if job.completed_at else None,
            "expires_at": isoformat(job.expires_at) if job.expires_at else None,
            # For the claim script, which compares numbers.
            "expires_ts": job.expires_at.timestamp() if job.expires_at else 0,
            "error_message": job.error_message,
            "has_upload": job.has_upload,
            "error_code": job.error_code,
            "score": job.score,
            "verdict": job.verdict,
            "is_demo": job.is_demo,
            "source": job.source,
            # Last: the scripts set it by editing this text (see _KEEP_WEBHOOK_FLAG).
            "has_webhooks": job.has_webhooks,
        },
        separators=(",", ":"),
    )


def _job_from_json(raw: bytes | str) -> Job:
    data = json.loads(raw)
    code, verdict = data.get("error_code"), data.get("verdict")
    return Job(
        id=data["id"],
        platform=Platform(data["platform"]),
        handle=data["handle"],
        dedup_key=data["dedup_key"],
        status=JobStatus(data["status"]),
        phase=Phase(data["phase"]),
        percent=data["percent"],
        message=data["message"],
        attempt=data["attempt"],
        seq=data["seq"],
        created_at=parse_iso(data["created_at"]),
        updated_at=parse_iso(data["updated_at"]),
        completed_at=parse_iso(data["completed_at"]) if data.get("completed_at") else None,
        expires_at=parse_iso(data["expires_at"]) if data.get("expires_at") else None,
        error_message=data.get("error_message"),
        has_upload=bool(data.get("has_upload")),
        # A code or verdict this version does not know (a newer app wrote it) reads as None.
        error_code=code if code in _ERROR_CODES else None,
        score=data.get("score"),
        verdict=verdict if verdict in _VERDICTS else None,
        is_demo=data.get("is_demo"),
        source=data.get("source"),
        has_webhooks=bool(data.get("has_webhooks")),
    )


_WEBHOOK_TIMES = (
    "created_at",
    "next_attempt_at",
    "lease_until",
    "last_attempt_at",
    "delivered_at",
)


def _webhook_fields(hook: Webhook) -> list[str | int]:
    """Field/value pairs of the webhook's hash; "" stands for None."""
    fields: dict[str, str | int] = {
        "id": hook.id,
        "target": hook.target,
        "target_id": hook.target_id,
        "url": hook.url,
        "state": hook.state.value,
        "attempts": hook.attempts,
        "payload": hook.payload or "",
        "last_status_code": "" if hook.last_status_code is None else hook.last_status_code,
        "last_error": hook.last_error or "",
    }
    for name in _WEBHOOK_TIMES:
        moment = getattr(hook, name)
        fields[name] = isoformat(moment) if moment is not None else ""
    return [item for pair in fields.items() for item in pair]


def _webhook_from_fields(raw: dict[bytes, bytes]) -> Webhook:
    data = {_text(key): _text(value) for key, value in raw.items()}
    times = {name: parse_iso(data[name]) if data.get(name) else None for name in _WEBHOOK_TIMES}
    code = data.get("last_status_code")
    return Webhook(
        id=data["id"],
        target="job" if data["target"] == "job" else "batch",
        target_id=data["target_id"],
        url=data["url"],
        state=WebhookState(data["state"]),
        attempts=int(data.get("attempts") or 0),
        payload=data.get("payload") or None,
        last_status_code=int(code) if code else None,
        last_error=data.get("last_error") or None,
        created_at=times.pop("created_at") or parse_iso(data["created_at"]),
        **times,
    )
