"""No process a server started outlives it, even when it is SIGKILLed with its pool at work."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from conftest import ServerProcess
from processes import descendants, kill_all, still_alive_after

# Generous for a loaded machine; the helpers leave within milliseconds of the kill.
EXIT_SECONDS = 10


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.slow
def test_no_helper_process_outlives_a_sigkilled_server(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory(WEBAPP_ANALYSIS_PROCESSES="2", WEBAPP_DEMO_DELAY_SECONDS="0")
    server.start()
    assert server.process is not None
    with httpx.Client(base_url=server.base_url, timeout=5) as client:
        job_id = client.post("/api/analyze", json={"handle": "lifetime.test"}).json()["job_id"]

        def completed() -> bool:
            return client.get(f"/api/status/{job_id}").json()["status"] == "completed"

        _wait(completed, 20, "the job to complete in the pool")

    helpers = descendants(server.process.pid)
    # What the pool started, so the test watches the processes that used to be left behind.
    forkserver = next(p for p in helpers if "from multiprocessing.forkserver" in p.command)
    assert [p for p in helpers if "from multiprocessing.resource_tracker" in p.command], helpers
    assert forkserver.ppid == server.process.pid, helpers
    assert [p for p in helpers if p.ppid == forkserver.pid], "no analysis worker running"

    server.kill()
    left = still_alive_after(helpers, EXIT_SECONDS)
    kill_all(left)  # a failed run must not leave them behind either
    assert not left, f"outlived the server: {left}"
