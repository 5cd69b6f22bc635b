"""The SQLite store: WAL, one writer task that commits in groups, one reader connection.

Writes from many jobs queue up while the previous commit runs and then go in one transaction
(group commit), so throughput grows with load instead of paying one commit per state change.
Callers still wait for their own commit: when `save_job` returns, the row is on disk.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

import aiosqlite

from webapp.batches.batch import Batch
from webapp.clock import isoformat, parse_iso
from webapp.jobs.job import Job
from webapp.jobs.job_filter import JobFilter
from webapp.jobs.store import StoreError
from webapp.models import ErrorCode, JobStatus, Phase, Platform, Snapshot, Verdict
from webapp.webhooks.record import Target, Webhook, WebhookState

logger = logging.getLogger(__name__)

# Each entry moves the schema one version forward; PRAGMA user_version records how far we got.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        handle TEXT NOT NULL,
        dedup_key TEXT NOT NULL,
        status TEXT NOT NULL,
        phase TEXT NOT NULL,
        percent INTEGER NOT NULL,
        message TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        error_message TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        completed_at TEXT,
        expires_at TEXT
    );
    CREATE INDEX jobs_by_key ON jobs (dedup_key, status, completed_at);
    CREATE INDEX jobs_unfinished ON jobs (status) WHERE status IN ('pending', 'processing');
    CREATE INDEX jobs_by_expiry ON jobs (expires_at) WHERE expires_at IS NOT NULL;
    CREATE INDEX jobs_by_creation ON jobs (created_at);
    CREATE TABLE reports (
        job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE snapshots (
        job_id TEXT PRIMARY KEY,
        platform TEXT NOT NULL,
        handle TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        followers INTEGER NOT NULL,
        following INTEGER NOT NULL,
        posts INTEGER NOT NULL,
        engagement_rate REAL,
        source TEXT NOT NULL
    );
    CREATE INDEX snapshots_by_account ON snapshots (platform, handle, taken_at);
    """,
    # 2: uploaded files. The parsed ScrapeResult lives beside the job and goes with it when the
    # sweeper deletes the job; the flag on the job row tells the runner to replay it.
    """
    ALTER TABLE jobs ADD COLUMN has_upload INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE uploads (
        job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    """,
    # 3: why a failed job failed (error_code), and the report's headline on the job row so the
    # jobs list shows score and verdict without reading reports. Jobs completed before this
    # version get theirs from their stored report, once, here.
    """
    ALTER TABLE jobs ADD COLUMN error_code TEXT;
    ALTER TABLE jobs ADD COLUMN score REAL;
    ALTER TABLE jobs ADD COLUMN verdict TEXT;
    ALTER TABLE jobs ADD COLUMN is_demo INTEGER;
    UPDATE jobs SET
        score = json_extract(reports.body, '$.score.value'),
        verdict = json_extract(reports.body, '$.score.verdict'),
        is_demo = json_extract(reports.body, '$.is_demo')
    FROM reports WHERE reports.job_id = jobs.id AND jobs.status = 'completed'
    """,
    # 4: where the data came from (the report's `source`), on the job row like the headline.
    """
    ALTER TABLE jobs ADD COLUMN source TEXT;
    UPDATE jobs SET source = json_extract(reports.body, '$.source')
    FROM reports WHERE reports.job_id = jobs.id AND jobs.status = 'completed'
    """,
    # 5: app secrets made on first use (the share links' key), so they survive restarts.
    """
    CREATE TABLE secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)
    """,
    # 6: batches (written once: their lines and job ids as JSON) and each completed job's row
    # summary for batch tables, computed from its report once and deleted with the job.
    """
    CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        callback_url TEXT,
        body TEXT NOT NULL
    );
    CREATE INDEX batches_by_expiry ON batches (expires_at);
    CREATE TABLE job_summaries (
        job_id TEXT PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
        body TEXT NOT NULL
    )
    """,
    # 7 (issue 12, history): an account's jobs, newest first, for its history page; and the
    # score and verdict on each snapshot, so the account's score trend outlives its reports
    # (filled in here from the reports still stored).
    """
    CREATE INDEX jobs_by_account ON jobs (platform, handle, created_at);
    ALTER TABLE snapshots ADD COLUMN score REAL;
    ALTER TABLE snapshots ADD COLUMN verdict TEXT;
    UPDATE snapshots SET
        score = json_extract(reports.body, '$.score.value'),
        verdict = json_extract(reports.body, '$.score.verdict')
    FROM reports WHERE reports.job_id = snapshots.job_id
    """,
    # 8 (issue 12, webhooks): the outbox of callbacks. Each row belongs to a job or a batch and
    # is deleted with it; the job row's flag tells its status to read them.
    """
    ALTER TABLE jobs ADD COLUMN has_webhooks INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        job_id TEXT REFERENCES jobs (id) ON DELETE CASCADE,
        batch_id TEXT REFERENCES batches (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        state TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        payload TEXT,
        next_attempt_at TEXT,
        lease_until TEXT,
        last_attempt_at TEXT,
        last_status_code INTEGER,
        last_error TEXT,
        delivered_at TEXT,
        CHECK ((job_id IS NULL) != (batch_id IS NULL))
    );
    CREATE INDEX webhooks_by_job ON webhooks (job_id) WHERE job_id IS NOT NULL;
    CREATE INDEX webhooks_by_batch ON webhooks (batch_id) WHERE batch_id IS NOT NULL;
    CREATE INDEX webhooks_open ON webhooks (state, next_attempt_at)
        WHERE state IN ('waiting', 'pending')
    """,
)

_JOB_COLUMNS = (
    "id, platform, handle, dedup_key, status, phase, percent, message, attempt, seq, "
    "error_message, created_at, updated_at, completed_at, expires_at, has_upload, "
    "error_code, score, verdict, is_demo, source, has_webhooks"
)
# has_upload is fixed when the job is created, and has_webhooks set only by add_webhook, so an
# update leaves them alone; a finished job is never changed again.
_UPSERT_JOB = (
    f"INSERT INTO jobs ({_JOB_COLUMNS}) VALUES ({', '.join('?' * 22)}) "
    "ON CONFLICT (id) DO UPDATE SET status = excluded.status, phase = excluded.phase, "
    "percent = excluded.percent, message = excluded.message, attempt = excluded.attempt, "
    "seq = excluded.seq, error_message = excluded.error_message, "
    "updated_at = excluded.updated_at, completed_at = excluded.completed_at, "
    "expires_at = excluded.expires_at, error_code = excluded.error_code, "
    "score = excluded.score, verdict = excluded.verdict, is_demo = excluded.is_demo, "
    "source = excluded.source WHERE jobs.status NOT IN ('completed', 'failed')"
)
# The job a submission shares: the account's unfinished one first, else its newest completed
# one (ignored on refresh) that has not expired.
_SHAREABLE = (
    f"SELECT {_JOB_COLUMNS} FROM jobs WHERE dedup_key = ? AND (status IN ('pending', "
    "'processing') OR (? = 0 AND status = 'completed' AND expires_at > ?)) "
    "ORDER BY status = 'completed', completed_at DESC LIMIT 1"
)
_INSERT_UPLOAD = "INSERT INTO uploads (job_id, body, created_at) VALUES (?, ?, ?)"
_UPSERT_REPORT = (
    "INSERT INTO reports (job_id, body, created_at) VALUES (?, ?, ?) "
    "ON CONFLICT (job_id) DO UPDATE SET body = excluded.body, created_at = excluded.created_at"
)
# Re-running a job after a crash replaces its snapshot instead of adding a second one.
_UPSERT_SNAPSHOT = (
    "INSERT OR REPLACE INTO snapshots (job_id, platform, handle, taken_at, followers, "
    "following, posts, engagement_rate, source, score, verdict) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_LIVE = "(expires_at IS NULL OR expires_at > ?)"
# jobs_by_account (schema 5) serves both the WHERE and the ORDER BY.
ACCOUNT_JOBS_SQL = (
    f"SELECT {_JOB_COLUMNS} FROM jobs WHERE platform = ? AND handle = ? AND {_LIVE} "
    "ORDER BY created_at DESC LIMIT ?"
)

_WEBHOOK_COLUMNS = (
    "id, job_id, batch_id, url, state, created_at, attempts, payload, next_attempt_at, "
    "lease_until, last_attempt_at, last_status_code, last_error, delivered_at"
)
# INSERT ... SELECT: nothing is stored for a job or batch that is gone.
_INSERT_WEBHOOK = (
    "INSERT INTO webhooks (id, job_id, batch_id, url, state, created_at, payload, "
    "next_attempt_at) SELECT ?, {job}, {batch}, ?, ?, ?, ?, ? FROM {table} WHERE id = ?"
)
_WEBHOOK_TARGETS: dict[Target, tuple[str, str]] = {
    "job": (_INSERT_WEBHOOK.format(job="id", batch="NULL", table="jobs"), "job_id"),
    "batch": (_INSERT_WEBHOOK.format(job="NULL", batch="id", table="batches"), "batch_id"),
}
_RECORD_ATTEMPT = (
    "UPDATE webhooks SET state = ?, attempts = ?, next_attempt_at = ?, lease_until = NULL, "
    "last_attempt_at = ?, last_status_code = ?, last_error = ?, delivered_at = ? "
    "WHERE id = ? AND state = 'pending' AND attempts = ?"
)

Statement = tuple[str, tuple[Any, ...]]
# Ids per `IN (...)` query: well under SQLite's limit on bound parameters.
_CHUNK = 500
_ERROR_CODES: frozenset[str] = frozenset(get_args(ErrorCode))
_VERDICTS: frozenset[str] = frozenset(get_args(Verdict))


class SQLiteStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._queue: list[tuple[list[Statement], asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._writer_task: asyncio.Task[None] | None = None
        # Claiming webhooks reads, then writes leases: one claim at a time (this process owns
        # the file, so that makes it atomic).
        self._claiming = asyncio.Lock()

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await aiosqlite.connect(self.path, isolation_level=None)
        await self._configure(self._writer)
        await self._migrate(self._writer)
        self._reader = await aiosqlite.connect(self.path, isolation_level=None)
        await self._configure(self._reader)
        self._writer_task = asyncio.create_task(self._write_loop(), name="sqlite-writer")

    async def close(self) -> None:
        if self._writer_task is not None:
            await self._drain()
            self._writer_task.cancel()
            await asyncio.gather(self._writer_task, return_exceptions=True)
            self._writer_task = None
        for connection in (self._reader, self._writer):
            if connection is not None:
                await connection.close()
        self._reader = self._writer = None

    async def ping(self) -> None:
        if self._writer_task is None or self._writer_task.done():
            raise StoreError("the store's writer is not running")
        try:
            # One trip to the reader's thread (a cursor would take three): /health calls this.
            await self._read().execute_fetchall("SELECT count(*) FROM jobs WHERE 0")
        except sqlite3.Error as exc:
            raise StoreError(f"the database cannot be read: {exc}") from exc

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
        # Atomic because one process owns the file and its service lets one submission per
        # account through at a time (the read and the write cannot interleave with another's).
        rows = await self._fetch(_SHAREABLE, (job.dedup_key, int(refresh), isoformat(now)))
        if rows:
            return _job_from_row(rows[0])
        if not create:
            return None
        statements = [(_UPSERT_JOB, _job_row(job))]
        if upload_json is not None:
            statements.append((_INSERT_UPLOAD, (job.id, upload_json, isoformat(job.created_at))))
        await self._write(statements)
        return job

    async def save_job(self, job: Job) -> bool:
        # The tracker checks for a finished job before writing; the upsert's condition keeps
        # a finished row unchanged all the same.
        await self._write([(_UPSERT_JOB, _job_row(job))])
        return True

    async def complete_job(self, job: Job, report_json: str, snapshot: Snapshot) -> bool:
        await self._write(
            [
                (_UPSERT_JOB, _job_row(job)),
                (_UPSERT_REPORT, (job.id, report_json, isoformat(job.updated_at))),
                (_UPSERT_SNAPSHOT, _snapshot_row(snapshot)),
            ]
        )
        return True

    async def delete_expired(self, now: datetime) -> list[str]:
        cutoff = isoformat(now)
        async with self._read().execute(
            "SELECT id FROM jobs WHERE expires_at IS NOT NULL AND expires_at <= ?", (cutoff,)
        ) as cursor:
            ids = [row[0] for row in await cursor.fetchall()]
        if ids:
            # The condition is repeated so a job re-run since the SELECT is left alone.
            await self._write(
                [
                    (
                        "DELETE FROM jobs WHERE id = ? AND expires_at <= ?",
                        (job_id, cutoff),
                    )
                    for job_id in ids
                ]
            )
        return ids

    async def _write(self, statements: list[Statement]) -> None:
        if self._writer_task is None or self._writer_task.done():
            raise StoreError("the store is closed")
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((statements, future))
        self._wake.set()
        await future

    async def _drain(self) -> None:
        # Writes commit in order, so an empty write returning means all earlier ones are done.
        await self._write([])

    async def _write_loop(self) -> None:
        assert self._writer is not None
        connection = self._writer
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._queue = self._queue, []
            if not batch:
                continue
            try:
                await _transaction(connection, [s for statements, _ in batch for s in statements])
            except Exception as exc:
                if not isinstance(exc, sqlite3.Error):
                    logger.exception("SQLite writer failed")
                    for _, future in batch:
                        _settle(future, StoreError(f"the database cannot be written: {exc}"))
                    continue
                # One bad write must not fail its neighbours: retry each request on its own.
                for statements, future in batch:
                    try:
                        await _transaction(connection, statements)
                    except Exception as exc:
                        logger.exception("SQLite write failed")
                        _settle(future, StoreError(f"the database cannot be written: {exc}"))
                    else:
                        _settle(future, None)
            else:
                for _, future in batch:
                    _settle(future, None)

    # -- reads --------------------------------------------------------------------------------

    async def get_job(self, job_id: str) -> Job | None:
        rows = await self._fetch(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
        return _job_from_row(rows[0]) if rows else None

    async def get_jobs(self, job_ids: Sequence[str]) -> list[Job]:
        jobs: list[Job] = []
        for start in range(0, len(job_ids), _CHUNK):
            chunk = list(job_ids[start : start + _CHUNK])
            rows = await self._fetch(
                f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id IN ({', '.join('?' * len(chunk))})",
                tuple(chunk),
            )
            jobs += [_job_from_row(row) for row in rows]
        return jobs

    # -- batches ------------------------------------------------------------------------------

    async def save_batch(self, batch: Batch) -> None:
        await self._write(
            [
                (
                    "INSERT INTO batches (id, created_at, expires_at, callback_url, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        batch.id,
                        isoformat(batch.created_at),
                        isoformat(batch.expires_at),
                        batch.callback_url,
                        batch.to_json(),
                    ),
                )
            ]
        )

    async def get_batch(self, batch_id: str) -> Batch | None:
        rows = await self._fetch("SELECT body FROM batches WHERE id = ?", (batch_id,))
        return Batch.from_json(rows[0][0]) if rows else None

    async def delete_expired_batches(self, now: datetime) -> list[str]:
        cutoff = isoformat(now)
        rows = await self._fetch("SELECT id FROM batches WHERE expires_at <= ?", (cutoff,))
        ids = [str(row[0]) for row in rows]
        if ids:
            await self._write([("DELETE FROM batches WHERE id = ?", (i,)) for i in ids])
        return ids

    async def get_summaries(self, job_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for start in range(0, len(job_ids), _CHUNK):
            chunk = list(job_ids[start : start + _CHUNK])
            rows = await self._fetch(
                "SELECT job_id, body FROM job_summaries WHERE job_id IN "
                f"({', '.join('?' * len(chunk))})",
                tuple(chunk),
            )
            found.update((str(row[0]), str(row[1])) for row in rows)
        return found

    async def save_summaries(self, summaries: Sequence[tuple[Job, str]]) -> None:
        # INSERT ... SELECT: nothing is written for a job the sweeper deleted meanwhile.
        await self._write(
            [
                (
                    "INSERT OR REPLACE INTO job_summaries (job_id, body) "
                    "SELECT id, ? FROM jobs WHERE id = ?",
                    (body, job.id),
                )
                for job, body in summaries
            ]
        )

    async def get_report(self, job_id: str) -> str | None:
        rows = await self._fetch("SELECT body FROM reports WHERE job_id = ?", (job_id,))
        return str(rows[0][0]) if rows else None

    async def get_upload(self, job_id: str) -> str | None:
        rows = await self._fetch("SELECT body FROM uploads WHERE job_id = ?", (job_id,))
        return str(rows[0][0]) if rows else None

    async def recent_jobs(self, limit: int, now: datetime) -> list[Job]:
        rows = await self._fetch(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE expires_at IS NULL OR expires_at > ? "
            "ORDER BY created_at DESC LIMIT ?",
            (isoformat(now), limit),
        )
        return [_job_from_row(row) for row in rows]

    async def search_jobs(self, where: JobFilter, limit: int, now: datetime) -> list[Job]:
        conditions, params = [_LIVE], [isoformat(now)]
        if where.handle is not None:
            conditions.append("instr(lower(handle), ?) > 0")
            params.append(where.handle)
        if where.platform is not None:
            conditions.append("platform = ?")
            params.append(where.platform.value)
        if where.status is not None:
            conditions.append("status = ?")
            params.append(where.status.value)
        if where.verdict is not None:
            conditions.append("status = 'completed' AND verdict = ?")
            params.append(where.verdict)
        rows = await self._fetch(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE {' AND '.join(conditions)} "
            "ORDER BY created_at DESC LIMIT ?",
            (*params, limit),
        )
        return [_job_from_row(row) for row in rows]

    async def account_jobs(
        self, platform: Platform, handle: str, limit: int, now: datetime
    ) -> list[Job]:
        rows = await self._fetch(ACCOUNT_JOBS_SQL, (platform.value, handle, isoformat(now), limit))
        return [_job_from_row(row) for row in rows]

    async def unfinished_jobs(self) -> list[Job]:
        rows = await self._fetch(
            f"SELECT {_JOB_COLUMNS} FROM jobs WHERE status IN ('pending', 'processing') "
            "ORDER BY created_at"
        )
        return [_job_from_row(row) for row in rows]

    async def snapshots(self, platform: Platform, handle: str) -> list[Snapshot]:
        rows = await self._fetch(
            "SELECT job_id, platform, handle, taken_at, followers, following, posts, "
            "engagement_rate, source, score, verdict FROM snapshots "
            "WHERE platform = ? AND handle = ? "
            "ORDER BY taken_at",
            (platform.value, handle),
        )
        return [
            Snapshot(
                job_id=row[0],
                platform=Platform(row[1]),
                handle=row[2],
                taken_at=parse_iso(row[3]),
                followers=row[4],
                following=row[5],
                posts=row[6],
                engagement_rate=row[7],
                source=row[8],
                score=row[9],
                verdict=_verdict(row[10]),
            )
            for row in rows
        ]

    async def secret(self, name: str, candidate: str) -> str:
        await self._write(
            [
                (
                    "INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (name, candidate),
                )
            ]
        )
        rows = await self._fetch("SELECT value FROM secrets WHERE name = ?", (name,))
        return str(rows[0][0])

    # -- webhooks -----------------------------------------------------------------------------

    async def add_webhook(self, hook: Webhook) -> bool:
        insert = _WEBHOOK_TARGETS[hook.target][0]
        row = (
            hook.id,
            hook.url,
            hook.state.value,
            isoformat(hook.created_at),
            hook.payload,
            _iso(hook.next_attempt_at),
            hook.target_id,
        )
        statements: list[Statement] = [(insert, row)]
        if hook.target == "job":
            statements.append(("UPDATE jobs SET has_webhooks = 1 WHERE id = ?", (hook.target_id,)))
        await self._write(statements)
        return bool(await self._fetch("SELECT 1 FROM webhooks WHERE id = ?", (hook.id,)))

    async def webhooks_of(self, target: Target, target_id: str) -> list[Webhook]:
        column = _WEBHOOK_TARGETS[target][1]
        rows = await self._fetch(
            f"SELECT {_WEBHOOK_COLUMNS} FROM webhooks WHERE {column} = ? ORDER BY created_at, id",
            (target_id,),
        )
        return [_webhook_from_row(row) for row in rows]

    async def waiting_webhooks(self, limit: int) -> list[Webhook]:
        rows = await self._fetch(
            f"SELECT {_WEBHOOK_COLUMNS} FROM webhooks WHERE state = 'waiting' "
            "ORDER BY created_at LIMIT ?",
            (limit,),
        )
        return [_webhook_from_row(row) for row in rows]

    async def promote_webhook(self, hook_id: str, payload: str, now: datetime) -> bool:
        await self._write(
            [
                (
                    "UPDATE webhooks SET state = 'pending', payload = ?, next_attempt_at = ? "
                    "WHERE id = ? AND state = 'waiting'",
                    (payload, isoformat(now), hook_id),
                )
            ]
        )
        rows = await self._fetch("SELECT payload FROM webhooks WHERE id = ?", (hook_id,))
        return bool(rows) and rows[0][0] == payload

    async def claim_webhooks(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[Webhook]:
        at = isoformat(now)
        async with self._claiming:
            rows = await self._fetch(
                f"SELECT {_WEBHOOK_COLUMNS} FROM webhooks WHERE state = 'pending' "
                "AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until <= ?) "
                "ORDER BY next_attempt_at LIMIT ?",
                (at, at, limit),
            )
            hooks = [_webhook_from_row(row) for row in rows]
            if hooks:
                lease = isoformat(lease_until)
                await self._write(
                    [
                        (
                            "UPDATE webhooks SET lease_until = ? WHERE id = ? AND attempts = ?",
                            (lease, hook.id, hook.attempts),
                        )
                        for hook in hooks
                    ]
                )
        return [dataclasses.replace(hook, lease_until=lease_until) for hook in hooks]

    async def record_webhook_attempt(self, hook: Webhook, attempts_before: int) -> None:
        row = (
            hook.state.value,
            hook.attempts,
            _iso(hook.next_attempt_at),
            _iso(hook.last_attempt_at),
            hook.last_status_code,
            hook.last_error,
            _iso(hook.delivered_at),
            hook.id,
            attempts_before,
        )
        await self._write([(_RECORD_ATTEMPT, row)])

    async def _fetch(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            async with self._read().execute(sql, params) as cursor:
                return list(await cursor.fetchall())
        except sqlite3.Error as exc:
            raise StoreError(f"the database cannot be read: {exc}") from exc

    def _read(self) -> aiosqlite.Connection:
        if self._reader is None:
            raise StoreError("the store is closed")
        return self._reader

    # -- set-up -------------------------------------------------------------------------------

    @staticmethod
    async def _configure(connection: aiosqlite.Connection) -> None:
        # WAL lets the reader work while the writer commits; NORMAL sync keeps every committed
        # transaction across a process crash (only an OS crash or power loss can drop the last).
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = NORMAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
        ):
            await connection.execute(pragma)

    @staticmethod
    async def _migrate(connection: aiosqlite.Connection) -> None:
        async with connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        version = int(row[0]) if row else 0
        if version > len(MIGRATIONS):
            raise StoreError(
                f"the database has schema version {version}, newer than this app knows "
                f"({len(MIGRATIONS)}); upgrade the app or use another WEBAPP_DATABASE"
            )
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            statements = [part.strip() for part in script.split(";") if part.strip()]
            await connection.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements:
                    await connection.execute(statement)
                await connection.execute(f"PRAGMA user_version = {number}")
            except BaseException:
                await connection.execute("ROLLBACK")
                raise
            await connection.execute("COMMIT")
            logger.info("Database migrated to schema version %d", number)


async def _transaction(connection: aiosqlite.Connection, statements: Sequence[Statement]) -> None:
    await connection.execute("BEGIN")
    try:
        for sql, group in _grouped(statements):
            if len(group) == 1:
                await connection.execute(sql, group[0])
            else:
                await connection.executemany(sql, group)
        await connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            await connection.execute("ROLLBACK")
        raise


def _grouped(statements: Sequence[Statement]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """Merge runs of the same SQL so each run costs one executemany."""
    groups: list[tuple[str, list[tuple[Any, ...]]]] = []
    for sql, params in statements:
        if groups and groups[-1][0] == sql:
            groups[-1][1].append(params)
        else:
            groups.append((sql, [params]))
    return groups


def _settle(future: asyncio.Future[None], error: Exception | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


def _job_row(job: Job) -> tuple[Any, ...]:
    return (
        job.id,
        job.platform.value,
        job.handle,
        job.dedup_key,
        job.status.value,
        job.phase.value,
        job.percent,
        job.message,
        job.attempt,
        job.seq,
        job.error_message,
        isoformat(job.created_at),
        isoformat(job.updated_at),
        isoformat(job.completed_at) if job.completed_at else None,
        isoformat(job.expires_at) if job.expires_at else None,
        int(job.has_upload),
        job.error_code,
        job.score,
        job.verdict,
        None if job.is_demo is None else int(job.is_demo),
        job.source,
        int(job.has_webhooks),
    )


def _job_from_row(row: Sequence[Any]) -> Job:
    return Job(
        id=row[0],
        platform=Platform(row[1]),
        handle=row[2],
        dedup_key=row[3],
        status=JobStatus(row[4]),
        phase=Phase(row[5]),
        percent=row[6],
        message=row[7],
        attempt=row[8],
        seq=row[9],
        error_message=row[10],
        created_at=parse_iso(row[11]),
        updated_at=parse_iso(row[12]),
        completed_at=parse_iso(row[13]) if row[13] else None,
        expires_at=parse_iso(row[14]) if row[14] else None,
        has_upload=bool(row[15]),
        error_code=_error_code(row[16]),
        score=row[17],
        verdict=_verdict(row[18]),
        is_demo=None if row[19] is None else bool(row[19]),
        source=row[20],
        has_webhooks=bool(row[21]),
    )


def _error_code(value: str | None) -> ErrorCode | None:
    # A code this version does not know (written by a newer app) reads as None, not a crash.
    return value if value in _ERROR_CODES else None  # type: ignore[return-value]


def _verdict(value: str | None) -> Verdict | None:
    return value if value in _VERDICTS else None  # type: ignore[return-value]


def _iso(moment: datetime | None) -> str | None:
    return isoformat(moment) if moment is not None else None


def _when(text: str | None) -> datetime | None:
    return parse_iso(text) if text else None


def _webhook_from_row(row: Sequence[Any]) -> Webhook:
    return Webhook(
        id=row[0],
        target="job" if row[1] is not None else "batch",
        target_id=row[1] if row[1] is not None else row[2],
        url=row[3],
        state=WebhookState(row[4]),
        created_at=parse_iso(row[5]),
        attempts=row[6],
        payload=row[7],
        next_attempt_at=_when(row[8]),
        lease_until=_when(row[9]),
        last_attempt_at=_when(row[10]),
        last_status_code=row[11],
        last_error=row[12],
        delivered_at=_when(row[13]),
    )


def _snapshot_row(snapshot: Snapshot) -> tuple[Any, ...]:
    return (
        snapshot.job_id,
        snapshot.platform.value,
        snapshot.handle,
        isoformat(snapshot.taken_at),
        snapshot.followers,
        snapshot.following,
        snapshot.posts,
        snapshot.engagement_rate,
        snapshot.source,
        snapshot.score,
        snapshot.verdict,
    )
