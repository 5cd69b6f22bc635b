"""Shared fixtures: a fake clock, settings on a real SQLite file, and the real app in-process."""

from __future__ import annotations

import asyncio
import os
import random
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
from asgi_lifespan import LifespanManager

from webapp.app import create_app
from webapp.jobs.hub import LocalHub
from webapp.settings import Settings

START = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


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


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database=tmp_path / "webapp.db",
        demo_delay_seconds=0.0,
        retry_base_seconds=1.0,
        retry_max_seconds=60.0,
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

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the real database file the way an operator would."""
        with sqlite3.connect(self.settings.database) as connection:
            return list(connection.execute(sql, params).fetchall())


RunApp = Callable[..., AbstractAsyncContextManager[Running]]


@pytest.fixture
def run_app(settings: Settings, clock: FakeClock) -> RunApp:
    """Start the real app (lifespan included) and talk to it over ASGI."""

    @asynccontextmanager
    async def start(**overrides: Any) -> AsyncIterator[Running]:
        hub = LocalHub()
        app = create_app(replace(settings, **overrides), clock=clock, rng=random.Random(7), hub=hub)
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield Running(client, clock, hub, replace(settings, **overrides))

    return start


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
