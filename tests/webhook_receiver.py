"""A webhook receiver over real HTTP on loopback that records what it gets and answers as told,
and the signature check the README shows receivers."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from loopback import serving


@dataclass
class Received:
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


@dataclass
class Receiver:
    answers: list[int] = field(default_factory=list)  # statuses to answer, in turn
    default: int = 200  # once `answers` is used up
    hang: bool = False  # never answer (until the test ends)
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append(
            Received(request.url.path, request.url.query, dict(request.headers), body)
        )
        if self.hang:
            await self.release.wait()
        status = self.answers.pop(0) if self.answers else self.default
        return Response("ok" if status < 300 else "not now", status_code=status)


@asynccontextmanager
async def receiving(receiver: Receiver | None = None) -> AsyncIterator[Receiver]:
    receiver = receiver if receiver is not None else Receiver()
    app = Starlette(routes=[Route("/{path:path}", receiver._hook, methods=["POST", "GET"])])
    async with serving(app) as url:
        receiver.url = url
        try:
            yield receiver
        finally:
            receiver.release.set()


# The README's example, as a receiver would write it (`now` only for the tests' fake clock).
def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance: int = 300,
    now: float | None = None,
) -> bool:
    timestamp = headers.get("x-webhook-timestamp", "")
    signature = headers.get("x-webhook-signature", "")
    now = time.time() if now is None else now
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(signature, "sha256=" + expected)
