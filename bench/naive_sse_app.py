"""The naive baseline for the fan-out benchmark: one asyncio.Queue per client and
sse-starlette's defaults, as a first implementation would do it. Not part of the product.

GET /events streams every broadcast; POST /publish broadcasts one event to every queue.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

from sse_starlette import EventSourceResponse
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


def _event(seq: int, *, final: bool = False) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return json.dumps(
        {
            "job_id": "naive",
            "seq": seq,
            "status": "completed" if final else "processing",
            "phase": "Scraping",
            "percent": seq,
            "message": "step",
            "updated_at": now,
        },
        separators=(",", ":"),
    )


def create_app() -> Starlette:
    queues: set[asyncio.Queue[str]] = set()
    seq = 0

    async def events(request: Request) -> Response:
        queue: asyncio.Queue[str] = asyncio.Queue()
        queues.add(queue)

        async def stream() -> AsyncIterator[dict[str, str]]:
            try:
                while True:
                    yield {"event": "progress", "data": await queue.get()}
            finally:
                queues.discard(queue)

        return EventSourceResponse(stream())

    async def publish(request: Request) -> Response:
        nonlocal seq
        seq += 1
        body = await request.json()
        data = _event(seq, final=bool(body.get("final")))
        for queue in queues:
            queue.put_nowait(data)
        return JSONResponse({"subscribers": len(queues)})

    async def health(request: Request) -> Response:
        return JSONResponse({"subscribers": len(queues)})

    return Starlette(
        routes=[
            Route("/events", events),
            Route("/publish", publish, methods=["POST"]),
            Route("/health", health),
        ]
    )
