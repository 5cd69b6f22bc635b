"""Worker processes: results come back, a dead worker is a transient error, the pool recovers,
and none outlives the process that owns the pool."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.workers import (
    WORKER_DIED,
    ProcessWorkers,
    ThreadWorkers,
    make_workers,
    without_collector,
)

from processes import descendants, kill_all, still_alive_after


def square(value: int) -> int:
    return value * value


def worker_pid() -> int:
    return os.getpid()


def refuse() -> int:
    raise PermanentError("The data could not be read", code="invalid_data")


def die() -> int:
    os._exit(3)  # what SIGKILL or the OOM killer leaves: no exception, no cleanup


async def test_work_runs_in_another_process_and_comes_back() -> None:
    workers = ProcessWorkers(1)
    try:
        assert await workers.run(square, 12) == 144
        assert await workers.run(worker_pid) != os.getpid()
    finally:
        await workers.close()


async def test_a_dead_worker_is_a_transient_error_and_the_next_call_gets_a_new_one() -> None:
    workers = ProcessWorkers(1)
    try:
        before = await workers.run(worker_pid)
        with pytest.raises(TransientError) as caught:
            await workers.run(die)
        assert caught.value.message == WORKER_DIED
        assert caught.value.code == "internal"  # our worker, not the platform
        after = await workers.run(worker_pid)
        assert after not in (before, os.getpid())
        assert await workers.run(square, 3) == 9
    finally:
        await workers.close()


async def test_errors_of_the_work_itself_come_back_unchanged() -> None:
    workers = ProcessWorkers(1)
    try:
        with pytest.raises(TypeError):
            await workers.run(square, "x")
        # A pipeline error crosses the process boundary with its code.
        with pytest.raises(PermanentError) as caught:
            await workers.run(refuse)
        assert (caught.value.message, caught.value.code) == (
            "The data could not be read",
            "invalid_data",
        )
        assert str(caught.value) == "The data could not be read"
        assert await workers.run(square, 2) == 4
    finally:
        await workers.close()


async def test_zero_processes_means_a_thread_of_this_process() -> None:
    workers = make_workers(0)
    assert isinstance(workers, ThreadWorkers)
    assert await workers.run(worker_pid) == os.getpid()
    assert isinstance(make_workers(2), ProcessWorkers)


def test_a_pool_needs_a_process() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ProcessWorkers(0)


def collector_running() -> bool:
    return gc.isenabled()


def fail_with_collector_paused() -> None:
    assert not gc.isenabled()
    raise RuntimeError("boom")


async def test_the_collector_pauses_during_work_and_resumes_after() -> None:
    workers = ProcessWorkers(1)
    try:
        assert await workers.run(collector_running) is False
        with pytest.raises(RuntimeError, match="boom"):
            await workers.run(fail_with_collector_paused)
    finally:
        await workers.close()
    # The same wrapper in this process: paused inside, running again after, even on error.
    assert without_collector(collector_running) is False
    with pytest.raises(RuntimeError):
        without_collector(fail_with_collector_paused)
    assert gc.isenabled()


def slow_square(value: int) -> int:
    sum(range(100_000))  # work that takes a moment, so calls pile up behind a busy worker
    return value * value


async def test_calls_that_pile_up_share_round_trips_and_each_gets_its_own_answer() -> None:
    workers = ProcessWorkers(1)
    try:
        results = await asyncio.gather(*(workers.run(slow_square, i) for i in range(40)))
        assert results == [i * i for i in range(40)]
        # Mixed outcomes in one batch: the failure reaches its caller only.
        mixed = await asyncio.gather(
            workers.run(square, 3),
            workers.run(square, "x"),
            workers.run(square, 4),
            return_exceptions=True,
        )
        assert mixed[0] == 9
        assert isinstance(mixed[1], TypeError)
        assert mixed[2] == 16
    finally:
        await workers.close()


async def test_a_cancelled_caller_does_not_disturb_the_others() -> None:
    workers = ProcessWorkers(1)
    try:
        busy = asyncio.ensure_future(workers.run(slow_square, 1))
        waiting = [asyncio.ensure_future(workers.run(slow_square, i)) for i in range(2, 6)]
        await asyncio.sleep(0)  # let every call reach the queue
        waiting[1].cancel()
        assert await busy == 1
        assert await waiting[0] == 4
        with pytest.raises(asyncio.CancelledError):
            await waiting[1]
        assert [await w for w in waiting[2:]] == [16, 25]
    finally:
        await workers.close()


async def test_start_readies_the_pool_that_the_calls_then_use() -> None:
    workers = ProcessWorkers(1)
    try:
        await workers.start()
        first = await workers.run(worker_pid)
        await workers.start()  # again: the same pool, not a new one
        assert await workers.run(worker_pid) == first
    finally:
        await workers.close()
    await ThreadWorkers().start()  # nothing to prepare


# Any process owning a pool (the web server, a job worker): it starts the pool, has a worker
# announce that it is busy in Python code, and never gets the answer.
BUSY = "import os\nos.write(1, b'busy')\nwhile True: pass"
OWNER = f"""
import asyncio
from webapp.pipeline.workers import ProcessWorkers

async def main() -> None:
    workers = ProcessWorkers(2)
    await workers.start()
    await workers.run(exec, {BUSY!r})

asyncio.run(main())
"""


@pytest.mark.slow
def test_no_worker_outlives_its_owner_killed_mid_call(tmp_path: Path) -> None:
    output = tmp_path / "owner.out"
    with output.open("wb") as out:
        owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 20
        while b"busy" not in output.read_bytes():
            assert owner.poll() is None, output.read_text()
            assert time.monotonic() < deadline, "the worker never started its call"
            time.sleep(0.02)
        helpers = descendants(owner.pid)
        # The fork server, the resource tracker and the busy worker (at least).
        assert len(helpers) >= 3, helpers
    finally:
        owner.kill()
        owner.wait()
    left = still_alive_after(helpers, 10)
    kill_all(left)  # a failed run must not leave them behind either
    assert not left, f"outlived their owner: {left}"
