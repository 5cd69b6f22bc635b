"""Start `python -m webapp serve` (and `python -m webapp worker`) in subprocesses for a
benchmark, on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(database: Path, env: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "WEBAPP_DATABASE": str(database),
        "WEBAPP_LOG_LEVEL": "WARNING",
        # One load generator plays thousands of clients: per-client limits off (a benchmark
        # of the limits sets them back).
        "WEBAPP_RATE_LIMIT_JOBS": "0",
        "WEBAPP_MAX_STREAMS_PER_CLIENT": "0",
        **env,
    }


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def serving_process(
    database: Path, *, cwd: Path | None = None, output: Path | None = None, **env: str
) -> Iterator[tuple[int, int]]:
    """A web process answering /health: (port, pid). `cwd` is where `python -m webapp` finds
    the package (another checkout, say); `output` takes its stdout and stderr (else inherited)."""
    port = free_port()
    log = output.open("ab") if output is not None else None
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_environment(database, env),
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT if log is not None else None,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the benchmark server did not start") from None
                time.sleep(0.05)
        yield port, process.pid
    finally:
        _stop(process)
        if log is not None:
            log.close()


@contextmanager
def serving(database: Path, **env: str) -> Iterator[int]:
    with serving_process(database, **env) as (port, _pid):
        yield port


@contextmanager
def working(database: Path, **env: str) -> Iterator[int]:
    """A `python -m webapp worker` process (needs WEBAPP_REDIS_URL in env): its pid. The
    caller waits until it is ready (it registers itself in Redis)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", "worker"], env=_environment(database, env)
    )
    try:
        yield process.pid
    finally:
        _stop(process)
