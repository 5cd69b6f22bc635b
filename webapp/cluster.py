"""`python -m webapp cluster`: a whole scale-out on one machine, for trying it and for benchmarks.

Starts a redis-server (append-only file in `data/redis/`, unless WEBAPP_REDIS_URL names one
already running), `--web` web processes on consecutive ports from `--port`, and `--workers`
worker processes, all sharing that Redis. Ctrl-C (or SIGTERM) stops them all, workers first so
their running jobs are handed back to the queue; if any process exits on its own, the rest are
stopped too and the exit status says so. In production a process manager does this job, from
the Procfile's `web` and `worker` lines.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REDIS_DIR = Path("data/redis")
STOP_SECONDS = 15.0


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


def run_cluster(
    *, host: str, port: int, web: int, workers: int, redis_port: int, environ: dict[str, str]
) -> int:
    children: list[Child] = []
    redis_url = environ.get("WEBAPP_REDIS_URL", "")
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        if not redis_url:
            server = shutil.which("redis-server")
            if server is None:
                print("webapp cluster: redis-server is not installed", file=sys.stderr)
                return 2
            REDIS_DIR.mkdir(parents=True, exist_ok=True)
            command = [
                server,
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(REDIS_DIR.resolve()),
                "--appendonly",
                "yes",
                "--save",
                "",
            ]
            # Its own session: a Ctrl-C in the terminal must not stop Redis before the
            # processes that use it; it is stopped last.
            redis = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
            children.append(Child("redis", redis))
            _wait_for_port("127.0.0.1", redis_port, children[-1])
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        env = {**environ, "WEBAPP_REDIS_URL": redis_url}
        python = [sys.executable, "-m", "webapp"]
        for index in range(workers):
            children.append(Child(f"worker {index + 1}", _spawn([*python, "worker"], env)))
        for index in range(web):
            web_port = port + index
            command = [*python, "serve", "--host", host, "--port", str(web_port)]
            children.append(Child(f"web {index + 1}", _spawn(command, env)))
            print(f"web {index + 1}: http://{host}:{web_port}", flush=True)
        print(f"{workers} workers, Redis at {redis_url}; Ctrl-C stops everything", flush=True)
        while not stopping:
            for child in children:
                if child.process.poll() is not None:
                    print(f"webapp cluster: {child.name} exited; stopping", file=sys.stderr)
                    return 1
            time.sleep(0.2)
        return 0
    finally:
        _stop_all(children)


def _spawn(command: Sequence[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(list(command), env=env)


def _wait_for_port(host: str, port: int, child: Child, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            if child.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{child.name} did not start on port {port}") from None
            time.sleep(0.05)


def _stop_all(children: list[Child]) -> None:
    """Web and worker processes first (SIGTERM, then SIGKILL after a grace period), Redis
    last, so nothing loses its store while shutting down."""
    order = [c for c in children if c.name != "redis"] + [c for c in children if c.name == "redis"]
    for group in (order[:-1], order[-1:]) if order and order[-1].name == "redis" else (order,):
        for child in group:
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for child in group:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait()
