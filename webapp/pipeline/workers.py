"""Where the pipeline's CPU work runs: worker processes, or a thread when there are none.

Analysis and report building are pure Python. In a thread they hold the GIL against the event
loop that serves requests and streams, so by default they run in a small pool of worker
processes (`WEBAPP_ANALYSIS_PROCESSES`; 0 keeps them in a thread of the web process).

The pool is started lazily, from a fork server that has already imported the analysis code, so
a new worker costs milliseconds. A worker that dies (killed, out of memory) breaks the pool: the
jobs it was serving get a transient error, which the runner retries, and the next call starts a
fresh pool.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol, TypeVar

from webapp.pipeline.errors import TransientError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Imported once by the fork server, so that every worker forked from it starts warm.
PRELOAD = ["webapp.pipeline.report"]

WORKER_DIED = "The analysis worker stopped unexpectedly"


def without_collector(function: Callable[..., T], *args: object) -> T:
    """One job's work in a worker, with the cycle collector paused: the work makes thousands of
    short-lived objects but no reference cycles, so collections found nothing while walking a
    large account's 26,000 models again and again (about a third of its analysis time).
    Reference counting still frees everything; collection resumes between jobs."""
    gc.disable()
    try:
        return function(*args)
    finally:
        gc.enable()


def _worker_started() -> None:
    """Everything imported so far lives as long as the worker: keep it out of the collector's
    scans (with it, full collections took about a third of a small account's analysis)."""
    gc.freeze()


class Workers(Protocol):
    async def run(self, function: Callable[..., T], *args: object) -> T:
        """function(*args) off the event loop; function and args must be picklable."""
        ...

    async def close(self) -> None: ...


class ThreadWorkers:
    """Runs the work in a thread of this process (tests, or WEBAPP_ANALYSIS_PROCESSES=0)."""

    async def run(self, function: Callable[..., T], *args: object) -> T:
        return await asyncio.to_thread(function, *args)

    async def close(self) -> None:
        return None


class ProcessWorkers:
    def __init__(self, processes: int) -> None:
        if processes < 1:
            raise ValueError("a process pool needs at least one process")
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=context, initializer=_worker_started
            )
        return self._pool

    async def run(self, function: Callable[..., T], *args: object) -> T:
        pool = self._executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(
                pool, without_collector, function, *args
            )
        except BrokenProcessPool:
            # Every job on the broken pool lands here; only the first replaces it.
            if self._pool is pool:
                logger.error("An analysis worker died; starting a new pool")
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise TransientError(WORKER_DIED) from None

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            # Waiting for running work is bounded by one analysis; done in a thread so the
            # loop can finish closing streams meanwhile.
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


def make_workers(processes: int) -> Workers:
    return ProcessWorkers(processes) if processes > 0 else ThreadWorkers()
