"""Serve an ASGI app on a real loopback port inside the test's event loop (fake platforms)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.types import ASGIApp


@asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) while uvicorn serves `app`."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not (server.started or task.done()):
        if time.monotonic() > deadline:
            raise AssertionError("the fake platform server did not start within 10 s")
        await asyncio.sleep(0.01)
    assert server.started, "the fake platform server did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=10)
