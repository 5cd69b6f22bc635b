"""Notice that uvicorn has started a graceful shutdown, before it waits for open connections.

uvicorn runs the lifespan's shutdown only after every connection has closed, so live streams
must learn of the shutdown earlier to say goodbye and close. uvicorn records the request in
`Server.should_exit`; its signal handler is a bound method of that server, which is how we find it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


def _running_server() -> Any | None:
    handler = signal.getsignal(signal.SIGTERM)
    server = getattr(handler, "__self__", None)
    return server if hasattr(server, "should_exit") else None


async def watch_server_exit(on_exit: Callable[[], None], *, interval: float = 0.1) -> None:
    server = _running_server()
    if server is None:
        return  # not under uvicorn's signal handling: the lifespan's shutdown will do
    # uvicorn offers no event to wait on, only this flag, so poll it (cheaply).
    while not server.should_exit:  # noqa: ASYNC110
        await asyncio.sleep(interval)
    logger.info("Server is shutting down: closing live streams")
    on_exit()
