"""Soak test: mixed load against a real server for a bounded time, watching for growth.

Virtual users, each looping over one kind of request with a short pause:

  submit   POST /api/analyze (a pool of accounts, so some join a running or recent job)
  upload   POST /api/analyze/upload (a CSV of posts with varying numbers)
  status   GET /api/status/{id} of a recent job (the hottest route)
  report   GET /api/report/{id}, its .csv, and the HTML report page /reports/{id}
  sse      GET /api/jobs/{id}/events until the stream ends (latency: time to the first event)
  ws       WS /api/jobs/{id}/ws until it closes (latency: time to the first message)
  health   GET /health

Every --interval seconds it prints the server's RSS (web process and its analysis pool; with
--redis also the worker and redis-server), the store's size on disk, and per kind the request
count, p50 and p99 latency and errors (a 5xx, a broken connection, a stream that ended without
its terminal event; 4xx answers are counted apart: 409 "not finished yet" is expected). A final
summary covers the whole run. Other agents may share the CPU: compare the intervals of one run
with each other (growth, drift), not with another machine.

Usage: .venv/bin/python bench/soak.py [--seconds 60] [--interval 10] [--redis] [--users 2]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import websockets

# Run as a script, so this folder is on sys.path and its helpers import by name.
from cluster import _children_by_parent, _descendants, running
from fanout import rss_kb

KINDS = ("submit", "upload", "status", "report", "sse", "ws", "health")
ACCOUNTS = 200  # distinct handles: submissions revisit them, so dedup is exercised too


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    client_errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: dict[str, str] = field(default_factory=dict)

    def ok(self, kind: str, seconds: float) -> None:
        self.latencies[kind].append(seconds)

    def answered(self, kind: str, seconds: float, status: int) -> None:
        self.ok(kind, seconds)
        if status >= 500:
            self.error(kind, f"HTTP {status}")
        elif status >= 400:
            self.client_errors[kind] += 1

    def error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, what[:200])


@dataclass
class Soak:
    base_url: str
    seconds: float
    jobs: list[str] = field(default_factory=list)
    interval: Tally = field(default_factory=Tally)
    total: Tally = field(default_factory=Tally)
    rng: random.Random = field(default_factory=lambda: random.Random(11))

    def record(self, apply: Callable[[Tally], None]) -> None:
        apply(self.interval)
        apply(self.total)

    def recent_job(self) -> str | None:
        # Mostly recent jobs (live ones for streams), sometimes an old one.
        if not self.jobs:
            return None
        if self.rng.random() < 0.8:
            return self.rng.choice(self.jobs[-50:])
        return self.rng.choice(self.jobs)

    def remember(self, job_id: str) -> None:
        self.jobs.append(job_id)
        if len(self.jobs) > 5_000:
            del self.jobs[:1_000]


async def _timed(
    soak: Soak, kind: str, call: Callable[[], Awaitable[httpx.Response]]
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await call()
    except (httpx.HTTPError, OSError) as exc:
        what = repr(exc)
        soak.record(lambda tally: tally.error(kind, what))
        return None
    elapsed = time.perf_counter() - started
    soak.record(lambda tally: tally.answered(kind, elapsed, response.status_code))
    return response


def _csv(rng: random.Random) -> bytes:
    rows = ["published_at,likes,comments,views,caption"]
    for day in range(1, rng.randint(5, 40)):
        likes = rng.randint(100, 50_000)
        rows.append(
            f"2026-10-{day % 28 + 1:02d}T12:00:00Z,{likes},{likes // rng.randint(20, 80)},"
            f"{likes * rng.randint(5, 30)},post {day}"
        )
    return ("\n".join(rows) + "\n").encode()


async def submit(soak: Soak, client: httpx.AsyncClient) -> None:
    account = soak.rng.randrange(ACCOUNTS)
    body = {"handle": f"soak.account{account}", "refresh": soak.rng.random() < 0.1}
    response = await _timed(soak, "submit", lambda: client.post("/api/analyze", json=body))
    if response is not None and response.status_code in (200, 202):
        soak.remember(response.json()["job_id"])


async def upload(soak: Soak, client: httpx.AsyncClient) -> None:
    fields = {
        "platform": "instagram",
        "handle": f"soak.upload{soak.rng.randrange(ACCOUNTS)}",
        "followers": str(soak.rng.randint(1_000, 2_000_000)),
    }
    files = {"file": ("posts.csv", _csv(soak.rng), "text/csv")}
    response = await _timed(
        soak, "upload", lambda: client.post("/api/analyze/upload", data=fields, files=files)
    )
    if response is not None and response.status_code in (200, 202):
        soak.remember(response.json()["job_id"])


async def status(soak: Soak, client: httpx.AsyncClient) -> None:
    job_id = soak.recent_job()
    if job_id is not None:
        await _timed(soak, "status", lambda: client.get(f"/api/status/{job_id}"))


async def report(soak: Soak, client: httpx.AsyncClient) -> None:
    job_id = soak.rng.choice(soak.jobs[:-20] or soak.jobs or [None])  # older: likely finished
    if job_id is not None:
        path = soak.rng.choice(
            [f"/api/report/{job_id}", f"/api/report/{job_id}.csv", f"/reports/{job_id}"]
        )
        await _timed(soak, "report", lambda: client.get(path))


async def health(soak: Soak, client: httpx.AsyncClient) -> None:
    await _timed(soak, "health", lambda: client.get("/health"))


async def sse(soak: Soak, client: httpx.AsyncClient) -> None:
    job_id = soak.recent_job()
    if job_id is None:
        return
    started = time.perf_counter()
    first: float | None = None
    last_event = ""
    try:
        async with client.stream("GET", f"/api/jobs/{job_id}/events") as response:
            if response.status_code != 200:
                soak.record(lambda t: t.answered("sse", time.perf_counter() - started, 400))
                return
            async for line in response.aiter_lines():
                if line.startswith("data:") and first is None:
                    first = time.perf_counter() - started
                if line.startswith("event:"):
                    last_event = line.removeprefix("event:").strip()
    except (httpx.HTTPError, OSError) as exc:
        what = repr(exc)
        soak.record(lambda tally: tally.error("sse", what))
        return
    if first is None or last_event not in ("completed", "failed"):
        soak.record(lambda tally: tally.error("sse", f"ended after {last_event!r}"))
    else:
        soak.record(lambda tally: tally.ok("sse", first))


async def ws(soak: Soak, client: httpx.AsyncClient) -> None:
    job_id = soak.recent_job()
    if job_id is None:
        return
    url = soak.base_url.replace("http://", "ws://") + f"/api/jobs/{job_id}/ws"
    started = time.perf_counter()
    first: float | None = None
    status_seen = ""
    try:
        async with websockets.connect(url, open_timeout=30) as socket:
            async for message in socket:
                if first is None:
                    first = time.perf_counter() - started
                status_seen = json.loads(message)["status"]
    except (OSError, websockets.WebSocketException) as exc:
        what = repr(exc)
        soak.record(lambda tally: tally.error("ws", what))
        return
    if first is None or status_seen not in ("completed", "failed"):
        soak.record(lambda tally: tally.error("ws", f"closed after status {status_seen!r}"))
    else:
        soak.record(lambda tally: tally.ok("ws", first))


# kind -> (request, virtual users per --users, pause between requests in seconds)
PLAN: dict[str, tuple[Callable[[Soak, httpx.AsyncClient], Awaitable[None]], int, float]] = {
    "submit": (submit, 1, 0.1),
    "upload": (upload, 1, 1.0),
    "status": (status, 4, 0.0),
    "report": (report, 2, 0.05),
    "sse": (sse, 2, 0.0),
    "ws": (ws, 2, 0.0),
    "health": (health, 1, 0.5),
}


async def _user(
    soak: Soak,
    client: httpx.AsyncClient,
    request: Callable[[Soak, httpx.AsyncClient], Awaitable[None]],
    pause: float,
    deadline: float,
) -> None:
    while time.monotonic() < deadline:
        await request(soak, client)
        # A bench, not a test: the pause paces this virtual user.
        await asyncio.sleep(pause if soak.jobs else 0.05)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def _table(tally: Tally, seconds: float) -> list[str]:
    lines = []
    for kind in KINDS:
        values = tally.latencies.get(kind, [])
        p50 = statistics.median(values) * 1000 if values else 0.0
        lines.append(
            f"    {kind:<7} {len(values):>6} ({len(values) / seconds:6.1f}/s)  "
            f"p50 {p50:8.1f} ms  p99 {_percentile(values, 0.99) * 1000:8.1f} ms  "
            f"errors {tally.errors.get(kind, 0):>4}  4xx {tally.client_errors.get(kind, 0):>5}"
        )
    for kind, example in tally.examples.items():
        lines.append(f"    first {kind} error: {example}")
    return lines


@dataclass
class Watched:
    pids: list[int]
    store: Callable[[], int]
    store_label: str


def _rss_mb(watched: Watched) -> float:
    tree = _children_by_parent()
    total = 0
    for pid in {p for root in watched.pids for p in [root, *_descendants(root, tree)]}:
        with contextlib.suppress(OSError, RuntimeError):
            total += rss_kb(pid)
    return total / 1024


def _sqlite_bytes(database: Path) -> Callable[[], int]:
    """The database file with its -wal and -shm files."""

    def size() -> int:
        return sum(path.stat().st_size for path in database.parent.glob(database.name + "*"))

    return size


def _directory_bytes(directory: Path) -> Callable[[], int]:
    """Every file under a directory (redis-server's append-only files)."""

    def size() -> int:
        return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())

    return size


async def soak_run(base_url: str, watched: Watched, args: argparse.Namespace) -> None:
    soak = Soak(base_url, args.seconds)
    deadline = time.monotonic() + args.seconds
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
    timeout = httpx.Timeout(60.0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:
        users = [
            asyncio.create_task(_user(soak, client, request, pause, deadline))
            for request, count, pause in PLAN.values()
            for _ in range(count * args.users)
        ]
        started = last = time.monotonic()
        rss_first = _rss_mb(watched)
        store_first = watched.store() / 1e6
        print(f"  start: RSS {rss_first:.0f} MB, {watched.store_label} {store_first:.2f} MB")
        while time.monotonic() < deadline:
            await asyncio.sleep(min(args.interval, max(0.0, deadline - time.monotonic())))
            now = time.monotonic()
            print(
                f"  t={now - started:5.0f}s  RSS {_rss_mb(watched):6.0f} MB  "
                f"{watched.store_label} {watched.store() / 1e6:7.2f} MB  jobs {len(soak.jobs)}"
            )
            for line in _table(soak.interval, now - last):
                print(line)
            soak.interval, last = Tally(), now
        # Streams of jobs still running finish on their own; everyone else stops at the deadline.
        await asyncio.gather(*users)
        elapsed = time.monotonic() - started
        rss_last = _rss_mb(watched)
        store_last = watched.store() / 1e6
    print(f"\nsummary over {elapsed:.0f} s ({args.users} user(s) per kind):")
    print(
        f"  RSS {rss_first:.0f} -> {rss_last:.0f} MB; {watched.store_label} "
        f"{store_first:.2f} -> {store_last:.2f} MB; jobs submitted or joined: {len(soak.jobs)}"
    )
    for line in _table(soak.total, elapsed):
        print(line)
    errors = sum(soak.total.errors.values())
    print(f"  errors: {errors}")


@contextmanager
def _server(args: argparse.Namespace, workdir: Path) -> Iterator[tuple[str, Watched]]:
    env = {"WEBAPP_DEMO_DELAY_SECONDS": str(args.demo_delay)}
    with running(
        "soak",
        workdir,
        webs=1,
        workers=1 if args.redis else 0,
        redis_backed=args.redis,
        **env,
    ) as setup:
        port, web_pid = setup.webs[0]
        pids = [web_pid, *setup.workers]
        if args.redis:
            assert setup.redis_pid is not None
            watched = Watched(
                [*pids, setup.redis_pid], _directory_bytes(workdir / "redis"), "redis files"
            )
        else:
            watched = Watched(pids, _sqlite_bytes(setup.database), "SQLite")
        yield f"http://127.0.0.1:{port}", watched


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=1, help="multiplies every kind's users")
    parser.add_argument("--demo-delay", type=float, default=0.5, help="demo adapter delay (s)")
    parser.add_argument(
        "--redis", action="store_true", help="redis-server, a web process and a worker"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory, _server(args, Path(directory)) as served:
        base_url, watched = served
        mode = "redis-server + web + worker" if args.redis else "python -m webapp serve"
        print(f"soak: {mode} at {base_url}, {args.seconds:g} s, demo delay {args.demo_delay} s")
        asyncio.run(soak_run(base_url, watched, args))


if __name__ == "__main__":
    main()
