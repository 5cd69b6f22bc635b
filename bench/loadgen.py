"""A small HTTP/1.1 keep-alive load generator on asyncio streams (httpx would be the bottleneck).

Each connection sends one request, reads the whole response (Content-Length bodies only, which
is all this app sends outside streams), and sends the next.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int = 0
    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()


def post_json(path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    return status, body


async def run_load(
    port: int,
    make_request: Callable[[int], bytes],
    *,
    connections: int,
    seconds: float | None = None,
    total: int | None = None,
    on_response: Callable[[int, int, bytes], None] | None = None,
) -> LoadResult:
    """Drive `connections` keep-alive connections for `seconds`, or until `total` requests."""
    result = LoadResult()
    counter = 0
    start = time.perf_counter()
    deadline = start + seconds if seconds is not None else float("inf")

    async def worker() -> None:
        nonlocal counter
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                if total is not None and counter >= total:
                    return
                index = counter
                counter += 1
                sent = time.perf_counter()
                status, body = await _exchange(reader, writer, make_request(index))
                result.latencies.append(time.perf_counter() - sent)
                result.statuses[status] = result.statuses.get(status, 0) + 1
                result.requests += 1
                if on_response is not None:
                    on_response(index, status, body)
        finally:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    result.seconds = time.perf_counter() - start
    return result
