"""What one client can hold or start, against `python -m webapp serve` with its default settings.

* slow heads: N connections that send a request line and then one header byte every 2 s;
  how many are still open after 5, 12 and 20 s;
* jobs in a row: M POST /api/analyze from one client; how many were accepted, how many 429;
* streams: S SSE streams opened by one client; how many were answered 200, how many 429;
* security headers on `/`;
* the cost of the security-headers middleware per request, in process (no network).

Usage: .venv/bin/python bench/limits.py [--source DIR] [--slow 1000] [--jobs 300] [--streams 200]
`--source` runs the app from another checkout (e.g. one made with `git archive` of main) to
measure the before. Other agents share this machine's CPU: the counts do not depend on it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contextlib

from server import free_port


async def slow_heads(port: int, count: int) -> dict[float, int]:
    sockets: list[socket.socket] = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setblocking(False)
        sock.send(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sockets.append(sock)
    started = time.monotonic()
    open_at: dict[float, int] = {}
    for checkpoint in (5.0, 12.0, 20.0):
        while time.monotonic() - started < checkpoint:
            await asyncio.sleep(2.0)  # the slow client's pace
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"a")
        alive = 0
        for sock in sockets:
            try:
                data = sock.recv(4096)
                alive += 0 if data == b"" or data.startswith(b"HTTP/1.1 408") else 1
            except BlockingIOError:
                alive += 1
            except OSError:
                pass
        open_at[checkpoint] = alive
    for sock in sockets:
        sock.close()
    return open_at


async def jobs_in_a_row(base: str, count: int) -> dict[int, int]:
    statuses: dict[int, int] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        for i in range(count):
            response = await client.post("/api/analyze", json={"handle": f"burst.user{i}"})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    return statuses


async def streams(base: str, count: int) -> dict[int, int]:
    statuses: dict[int, int] = {}
    async with httpx.AsyncClient(
        base_url=base, timeout=30, limits=httpx.Limits(max_connections=count + 10)
    ) as client:
        job_id = (await client.post("/api/analyze", json={"handle": "streams.user"})).json()
        job = job_id.get("job_id")
        contexts = []
        for _ in range(count):
            context = client.stream("GET", f"/api/jobs/{job}/events")
            response = await context.__aenter__()
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            contexts.append(context)
        for context in contexts:
            await context.__aexit__(None, None, None)
    return statuses


def middleware_cost(iterations: int = 200_000) -> float:
    """Microseconds the security headers add to one request (direct ASGI calls)."""
    from webapp.security_headers import SecurityHeaders

    start_message = {"type": "http.response.start", "status": 200, "headers": []}
    body_message = {"type": "http.response.body", "body": b"{}"}

    async def app(scope: object, receive: object, send: object) -> None:
        await send(start_message)  # type: ignore[operator]
        await send(body_message)  # type: ignore[operator]

    async def send(message: object) -> None:
        return None

    async def receive() -> dict[str, str]:
        return {"type": "http.request"}

    wrapped = SecurityHeaders(app)  # type: ignore[arg-type]
    scope = {"type": "http", "path": "/api/status/x"}

    async def run(target: object) -> float:
        started = time.perf_counter()
        for _ in range(iterations):
            await target(scope, receive, send)  # type: ignore[operator]
        return time.perf_counter() - started

    bare = asyncio.run(run(app))
    with_headers = asyncio.run(run(wrapped))
    return (with_headers - bare) / iterations * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--slow", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--streams", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-limits-{os.getpid()}"
    workdir.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "WEBAPP_DATABASE": str(workdir / "limits.db"),
        "WEBAPP_LOG_LEVEL": "WARNING",
        "WEBAPP_DEMO_DELAY_SECONDS": "600",  # jobs stay running: nothing but the limits acts
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp", "serve", "--port", str(port)], cwd=args.source, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        headers = httpx.get(base + "/").headers
        print(
            "security headers on /:",
            {
                name: headers.get(name, "-")[:40]
                for name in ("content-security-policy", "x-content-type-options", "x-frame-options")
            },
        )
        print(
            f"slow heads ({args.slow}), still open after s:",
            asyncio.run(slow_heads(port, args.slow)),
        )
        # Streams first: their job is the first of the client's budget.
        print(f"streams ({args.streams}), by status:", asyncio.run(streams(base, args.streams)))
        print(
            f"jobs in a row ({args.jobs}), by status:", asyncio.run(jobs_in_a_row(base, args.jobs))
        )
    finally:
        process.terminate()
        process.wait(timeout=30)
    print(f"security headers middleware: {middleware_cost():.2f} µs per request")


if __name__ == "__main__":
    main()
