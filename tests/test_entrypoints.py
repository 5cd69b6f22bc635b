"""The Procfile's lines and the command line start what they say."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from processes import descendants, kill_all, still_alive_after
from redis_server import RedisServer
from redis_server import free_port as free_redis_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_procfile_web_line_serves_the_app(tmp_path: Path, free_port: int) -> None:
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    command = shlex.split(line.removeprefix("web:").replace("${PORT:-8000}", str(free_port)))
    assert command[:3] == ["uvicorn", "--factory", "webapp.app:create_app"]
    command = [sys.executable, "-m", *command]
    env = {**os.environ, "WEBAPP_DATABASE": str(tmp_path / "procfile.db")}
    with (tmp_path / "log").open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{free_port}/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, (tmp_path / "log").read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.05)
        assert response.status_code == 200
        assert response.json()["store"] == "ok"
        assert (tmp_path / "procfile.db").exists()
        # The Procfile's protocol class answers unparseable requests in the error shape.
        with socket.create_connection(("127.0.0.1", free_port), timeout=10) as sock:
            sock.sendall(b"POST /api/analyze HTTP/1.1\r\nContent-Length: -1\r\n\r\n")
            answer = b"".join(iter(lambda: sock.recv(65536), b""))
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert b'"code": "malformed_request"' in answer
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)


def _wait_for_health(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, log.read_text()[-2000:]
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)


@pytest.mark.slow
def test_procfile_worker_line_runs_jobs_that_a_web_process_accepted(
    tmp_path: Path, free_port: int, redis_server: RedisServer
) -> None:
    redis_server.command("FLUSHALL")
    lines = dict(
        line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line
    )
    web = shlex.split(lines["web"].replace("${PORT:-8000}", str(free_port)))
    worker = shlex.split(lines["worker"])
    assert worker == ["python", "-m", "webapp", "worker"]
    env = {
        **os.environ,
        "WEBAPP_REDIS_URL": redis_server.url,
        "WEBAPP_DEMO_DELAY_SECONDS": "0",
        "WEBAPP_DATABASE": str(tmp_path / "unused.db"),
    }
    log = tmp_path / "log"
    with log.open("wb") as out:
        processes = [
            subprocess.Popen([sys.executable, "-m", *web], env=env, stdout=out, stderr=out),
            subprocess.Popen([sys.executable, *worker[1:]], env=env, stdout=out, stderr=out),
        ]
    try:
        url = f"http://127.0.0.1:{free_port}"
        _wait_for_health(url, processes[0], log)
        job_id = httpx.post(f"{url}/api/analyze", json={"handle": "procfile.worker"}).json()[
            "job_id"
        ]
        deadline = time.monotonic() + 30
        while (status := httpx.get(f"{url}/api/status/{job_id}").json())["status"] != "completed":
            assert status["status"] != "failed", status
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.05)
        # The web process ran nothing: with Redis it only enqueues.
        assert "Processing Job" in log.read_text()
        assert not (tmp_path / "unused.db").exists()
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=20)


def test_a_worker_without_redis_says_what_to_set(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "WEBAPP_REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "webapp", "worker"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "set WEBAPP_REDIS_URL" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_cluster_command_runs_redis_web_and_workers_and_stops_them_all(
    tmp_path: Path, free_port: int
) -> None:
    redis_port = free_redis_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("WEBAPP_")} | {
        "WEBAPP_DEMO_DELAY_SECONDS": "0",
        "WEBAPP_DATABASE": str(tmp_path / "unused.db"),
    }
    command = [sys.executable, "-m", "webapp", "cluster", "--port", str(free_port)]
    command += ["--web", "1", "--workers", "1", "--redis-port", str(redis_port)]
    log = tmp_path / "cluster.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=out, stderr=out)
    try:
        url = f"http://127.0.0.1:{free_port}"
        _wait_for_health(url, process, log)
        started = descendants(process.pid)
        assert any("redis-server" in p.command for p in started), started
        assert any("webapp worker" in p.command for p in started), started
        job_id = httpx.post(f"{url}/api/analyze", json={"handle": "cluster.command"}).json()[
            "job_id"
        ]
        deadline = time.monotonic() + 30
        while httpx.get(f"{url}/api/status/{job_id}").json()["status"] != "completed":
            assert time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.05)
        assert (tmp_path / "data/redis").is_dir()  # Redis keeps its append-only file there
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        left = still_alive_after(started, timeout=10)
        assert left == [], left
        assert "Traceback" not in log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
        kill_all(descendants(process.pid))
