"""Where the pipeline's CPU work runs: worker processes, or a thread when there are none.

Analysis and report building are pure Python. In a thread they hold the GIL against the event
loop that serves requests and streams, so by default they run in a small pool of worker
processes (`WEBAPP_ANALYSIS_PROCESSES`; 0 keeps them in a thread of the web process).

The pool is started lazily, from a fork server that has already imported the analysis code, so
a new worker costs milliseconds. A worker that dies (killed, out of memory) breaks the pool: the
jobs it was serving get a transient error, which the runner retries, and the next call starts a
fresh pool.

The helpers go when the process that owns the pool goes, even when it is SIGKILLed. Each worker
watches a lifeline, a pipe whose only write end the owner holds, and exits when it reads EOF
(mid-call too; a call inside one long C function, holding the GIL, delays it until it returns).
Nothing else would end a worker: it holds both ends of its task queue, so it never sees its owner
go. It also holds the pipes of the fork server and of multiprocessing's resource tracker, and
those two exit on EOF once their last holder has gone, the tracker after removing the queues'
semaphores that the killed owner left in /dev/shm. PR_SET_PDEATHSIG cannot stand in: a worker's
parent is the fork server, not the owner, and the signal follows the thread that forked.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import Any, Protocol, TypeVar

from webapp.pipeline.errors import TransientError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Imported once by the fork server, so that every worker forked from it starts warm.
PRELOAD = ["webapp.pipeline.report"]

WORKER_DIED = "The analysis worker stopped unexpectedly"
MAX_BATCH = 8  # calls per round trip to a busy pool's next free worker


def without_collector(function: Callable[..., T], *args: object) -> T:
    """Work with the cycle collector paused: analysis makes thousands of short-lived objects but
    no reference cycles, so collections found nothing while walking a large account's 26,000
    models again and again (about a third of its analysis time). Reference counting still frees
    everything; collection resumes after."""
    gc.disable()
    try:
        return function(*args)
    finally:
        gc.enable()


Call = tuple[Callable[..., Any], tuple[object, ...]]
Outcome = tuple[bool, Any]  # (True, result) or (False, the exception it raised)


def run_batch(calls: list[Call]) -> list[Outcome]:
    """Several calls in one round trip to a worker, each with its own outcome."""

    def each() -> list[Outcome]:
        outcomes: list[Outcome] = []
        for function, args in calls:
            try:
                outcomes.append((True, function(*args)))
            except Exception as exc:  # handed back to its caller, like any other outcome
                outcomes.append((False, exc))
        return outcomes

    return without_collector(each)


def _worker_started(lifeline: Connection) -> None:
    """Everything imported so far lives as long as the worker: keep it out of the collector's
    scans (with it, full collections took about a third of a small account's analysis). And
    leave with the pool's owner, whatever the worker is doing then. A Ctrl-C in the terminal
    reaches every process of the group: the owner handles it and closes the pool, so the
    worker ignores it (instead of printing a KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_exit_with_owner, args=(lifeline,), name="lifeline", daemon=True
    ).start()
    gc.freeze()


def _exit_with_owner(lifeline: Connection) -> None:
    # Blocked in a read, the thread costs nothing until the owner's end closes: EOF. Anything
    # the owner sends is a mistake, and treated alike.
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv_bytes()
    os._exit(0)  # no clean-up to do for an owner that is gone


def _ready() -> bool:
    return True


class Workers(Protocol):
    async def start(self) -> None:
        """Get ready before the first job, without blocking the event loop."""
        ...

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """function(*args) off the event loop; function and args must be picklable."""
        ...

    async def close(self) -> None: ...


class ThreadWorkers:
    """Runs the work in a thread of this process (tests, or WEBAPP_ANALYSIS_PROCESSES=0)."""

    async def start(self) -> None:
        return None

    async def run(self, function: Callable[..., T], *args: object) -> T:
        return await asyncio.to_thread(function, *args)

    async def close(self) -> None:
        return None


class ProcessWorkers:
    """A pool of worker processes fed in batches.

    While every worker is busy, calls wait here; a worker that comes back takes up to MAX_BATCH
    of them in one round trip (the pool's pickling, pipes and wake-ups cost about a millisecond a
    call on each side, a third of a small account's analysis). An idle pool takes a call at
    once, so a lone job never waits for company.
    """

    def __init__(self, processes: int) -> None:
        if processes < 1:
            raise ValueError("a process pool needs at least one process")
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        # Made with the first pool, shared by its replacements, closed after the last.
        self._lifeline: tuple[Connection, Connection] | None = None
        self._waiting: deque[tuple[Call, asyncio.Future[Any]]] = deque()
        self._in_flight = 0

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            if self._lifeline is None:
                # os.pipe() is not inherited across exec, and the fork server is sent only the
                # read end (with each worker's start), so this process alone holds the write end.
                self._lifeline = context.Pipe(duplex=False)
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=context,
                initializer=_worker_started,
                initargs=(self._lifeline[0],),
            )
        return self._pool

    async def start(self) -> None:
        # Starting the fork server and a worker blocks for a few hundred milliseconds: in a
        # thread, before any job, so no stream waits for it.
        await asyncio.to_thread(self._warm_up)

    def _warm_up(self) -> None:
        self._executor().submit(_ready).result()

    async def run(self, function: Callable[..., T], *args: object) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append(((function, args), future))
        self._dispatch()
        return await future

    def _dispatch(self) -> None:
        # One batch more than there are workers, so a worker finds the next one queued when it
        # comes back instead of idling through the round trip.
        while self._waiting and self._in_flight < self.processes + 1:
            count = min(MAX_BATCH, len(self._waiting))
            batch = [self._waiting.popleft() for _ in range(count)]
            batch = [(call, future) for call, future in batch if not future.cancelled()]
            if not batch:
                continue
            pool = self._executor()
            try:
                submitted = pool.submit(run_batch, [call for call, _ in batch])
            except BrokenProcessPool:
                self._replace(pool)
                _fail(batch, TransientError(WORKER_DIED, code="internal"))
                continue
            self._in_flight += 1
            asyncio.wrap_future(submitted).add_done_callback(
                functools.partial(self._settle, pool, batch)
            )

    def _settle(
        self,
        pool: ProcessPoolExecutor,
        batch: list[tuple[Call, asyncio.Future[Any]]],
        done: asyncio.Future[list[Outcome]],
    ) -> None:
        self._in_flight -= 1
        error = None if done.cancelled() else done.exception()
        if done.cancelled() or isinstance(error, BrokenProcessPool):
            self._replace(pool)
            _fail(batch, TransientError(WORKER_DIED, code="internal"))
        elif error is not None:
            _fail(batch, error)
        else:
            for (ok, value), (_, future) in zip(done.result(), batch, strict=True):
                if future.done():  # its caller was cancelled meanwhile
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        self._dispatch()

    def _replace(self, pool: ProcessPoolExecutor) -> None:
        # Every batch on the broken pool lands here; only the first replaces it.
        if self._pool is pool:
            logger.error("An analysis worker died; starting a new pool")
            self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        _fail(list(self._waiting), TransientError("The server is stopping", code="internal"))
        self._waiting.clear()
        if pool is not None:
            # Waiting for running work is bounded by one batch; done in a thread so the loop
            # can finish closing streams meanwhile.
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
        lifeline, self._lifeline = self._lifeline, None
        if lifeline is not None:
            for end in lifeline:
                end.close()


def _fail(batch: list[tuple[Call, asyncio.Future[Any]]], error: BaseException) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(error)


def make_workers(processes: int) -> Workers:
    return ProcessWorkers(processes) if processes > 0 else ThreadWorkers()
