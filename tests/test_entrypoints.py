"""The Procfile's web line starts the app factory as written."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

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
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
