"""Shared fixtures: a fake clock, settings on a real SQLite file, and the real app in-process."""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from asgi_lifespan import LifespanManager

from webapp.app import create_app
from webapp.jobs.hub import LocalHub
from webapp.routes.shared_frames import SharedFrames
from webapp.settings import Settings
from webapp.worker import running_worker

from redis_server import RedisServer

START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
JOB_KEY = r"jobs:[0-9a-f-]{36}"


class FakeClock:
    """A clock that moves only when a test says so; sleepers wake when their time comes."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._now + timedelta(seconds=seconds), future)
        self._sleepers.append(entry)
        try:
            await future
        finally:
            self._sleepers.remove(entry)

    def sleeping(self, shorter_than: float = 10.0) -> int:
        """How many tasks sleep for less than `shorter_than` s (sweeper and pings sleep longer)."""
        limit = self._now + timedelta(seconds=shorter_than)
        return sum(
            1 for deadline, future in self._sleepers if not future.done() and deadline < limit
        )

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)
        for deadline, future in self._sleepers:
            if deadline <= self._now and not future.done():
                future.set_result(None)


async def wait_until(
    condition: Callable[[], Awaitable[bool]] | Callable[[], bool],
    *,
    timeout: float = 10.0,
    what: str = "condition",
) -> None:
    """Poll a condition until it holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if isinstance(result, Awaitable):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.005)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Modules that set BOTH_BACKENDS run each test that uses the app on SQLite and on Redis
    (with an in-process SAQ worker), except tests marked `sqlite_only` (they read the file)."""
    if "backend" not in metafunc.fixturenames:
        return
    both = getattr(metafunc.module, "BOTH_BACKENDS", False)
    if both and metafunc.definition.get_closest_marker("sqlite_only") is None:
        metafunc.parametrize("backend", ["sqlite", "redis"])


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One real redis-server for the session; each test that uses it starts from FLUSHALL."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> Settings:
    redis_url = ""
    if backend == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.command("FLUSHALL")
        redis_url = server.url
    return Settings(
        database=tmp_path / "webapp.db",
        demo_delay_seconds=0.0,
        retry_base_seconds=1.0,
        retry_max_seconds=60.0,
        redis_url=redis_url,
        worker_heartbeat_seconds=2.0,
        worker_sweep_seconds=1.0,
    )


@dataclass
class Running:
    client: httpx.AsyncClient
    clock: FakeClock
    hub: LocalHub
    settings: Settings

    async def submit(self, handle: str, platform: str = "instagram", **extra: Any) -> str:
        response = await self.client.post(
            "/api/analyze", json={"handle": handle, "platform": platform, **extra}
        )
        assert response.status_code in (200, 202), response.text
        return str(response.json()["job_id"])

    async def status(self, job_id: str) -> dict[str, Any]:
        response = await self.client.get(f"/api/status/{job_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def wait_for_status(
        self, job_id: str, *statuses: str, timeout: float = 10.0
    ) -> dict[str, Any]:
        latest: dict[str, Any] = {}

        async def reached() -> bool:
            nonlocal latest
            latest = await self.status(job_id)
            return latest["status"] in statuses

        await wait_until(reached, timeout=timeout, what=f"job {job_id} to be {statuses}")
        return latest

    def count_jobs(self, *, has_upload: bool | None = None) -> int:
        """Stored jobs (only those with or without an uploaded file, if given), read from
        the store itself: the SQLite file, or Redis's keys."""
        if not self.settings.redis_url:
            where = "" if has_upload is None else f"WHERE has_upload = {int(has_upload)}"
            return int(self.rows(f"SELECT count(*) FROM jobs {where}")[0][0])
        with redis.Redis.from_url(self.settings.redis_url) as client:
            jobs = [json.loads(client.get(key) or "null") for key in self._redis_keys(JOB_KEY)]
        return sum(
            1
            for job in jobs
            if job is not None and (has_upload is None or job["has_upload"] is has_upload)
        )

    def count_reports(self) -> int:
        if not self.settings.redis_url:
            return int(self.rows("SELECT count(*) FROM reports")[0][0])
        return len(self._redis_keys(JOB_KEY + ":report"))

    def snapshots(self) -> list[tuple[str, str, str]]:
        """(job id, handle, source) of every stored snapshot."""
        if not self.settings.redis_url:
            return [
                (str(a), str(b), str(c))
                for a, b, c in self.rows("SELECT job_id, handle, source FROM snapshots")
            ]
        rows: list[tuple[str, str, str]] = []
        with redis.Redis.from_url(self.settings.redis_url) as client:
            for key in self._redis_keys(r"snapshots:.*"):
                for raw in client.zrange(key, 0, -1):
                    data = json.loads(raw)
                    rows.append((data["job_id"], data["handle"], data["source"]))
        return rows

    def stored_account(self, job_id: str) -> tuple[str, str] | None:
        """(handle, platform) of the stored job, read from the store itself."""
        if not self.settings.redis_url:
            found = self.rows("SELECT handle, platform FROM jobs WHERE id = ?", (job_id,))
            return (str(found[0][0]), str(found[0][1])) if found else None
        with redis.Redis.from_url(self.settings.redis_url) as client:
            raw = client.get(f"jobs:{job_id}")
        if raw is None:
            return None
        data = json.loads(raw)
        return (data["handle"], data["platform"])

    def _redis_keys(self, pattern: str) -> list[str]:
        with redis.Redis.from_url(self.settings.redis_url) as client:
            keys = [key.decode() for key in client.scan_iter(count=1000)]
        return [key for key in keys if re.fullmatch(pattern, key)]

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the real database file the way an operator would."""
        assert not self.settings.redis_url, "reads the SQLite file: mark the test sqlite_only"
        with sqlite3.connect(self.settings.database) as connection:
            return list(connection.execute(sql, params).fetchall())


RunApp = Callable[..., AbstractAsyncContextManager[Running]]


@pytest.fixture
def run_app(settings: Settings, clock: FakeClock) -> RunApp:
    """Start the real app (lifespan included) and talk to it over ASGI."""

    @asynccontextmanager
    async def start(frames: SharedFrames | None = None, **overrides: Any) -> AsyncIterator[Running]:
        hub = LocalHub()
        changed = replace(settings, **overrides)
        app = create_app(changed, clock=clock, rng=random.Random(7), hub=hub, frames=frames)
        async with LifespanManager(app) as manager, _worker_for(changed, clock):
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield Running(client, clock, hub, changed)

    return start


@asynccontextmanager
async def _worker_for(settings: Settings, clock: FakeClock) -> AsyncIterator[None]:
    """On the Redis backend the web app only enqueues: run a SAQ worker beside it."""
    if not settings.redis_url:
        yield
        return
    concurrency = min(8, settings.max_concurrency)
    async with running_worker(
        settings, concurrency=concurrency, clock=clock, rng=random.Random(7), grace_seconds=0
    ):
        yield


@pytest.fixture
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`python -m webapp serve` in a real subprocess on a free loopback port."""

    def __init__(self, port: int, env: dict[str, str], log_path: Path) -> None:
        self.port = port
        self.env = env
        self.log_path = log_path
        self.base_url = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        """Start the process without waiting for it to serve (start several, then wait)."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "webapp",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 20.0) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.base_url + "/health", timeout=1.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {self.log_path.read_text()[-2000:]}")
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> bool:
        """SIGTERM; True when the server shut down gracefully (uvicorn re-raises the signal
        after a clean shutdown, so the exit status alone cannot tell)."""
        if self.process is None or self.process.poll() is not None:
            return False
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("server did not stop within 15 s of SIGTERM") from None
        return "Application shutdown complete" in self.log_path.read_text()


@pytest.fixture
def server_factory(tmp_path: Path, free_port: int) -> Iterator[Callable[..., ServerProcess]]:
    servers: list[ServerProcess] = []

    def make(**env: str) -> ServerProcess:
        defaults = {"WEBAPP_DATABASE": str(tmp_path / "server.db"), "WEBAPP_LOG_LEVEL": "INFO"}
        server = ServerProcess(free_port, {**defaults, **env}, tmp_path / "server.log")
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
