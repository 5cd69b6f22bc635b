"""A batch of 500 demo handles against a real `python -m webapp serve`, watched like a browser
watches it: how late the batch page's stream delivers each row, how fast the page and the JSON
status answer while 500 rows are live, and how much CPU the server spends.

* Page-update latency: one SSE client follows every job (`/api/events`: each event carries the
  job's `updated_at`, stamped when the state was stored) and another follows the batch page's
  stream (`/batches/{id}/stream`: row fragments). For each (job, status, percent) the page
  stream delivered, latency = its arrival - the job event's `updated_at` (same host, same
  clock), and also - the arrival of the same event on the API stream (the fan-out alone).
  The page stream keeps the newest state per job, so a slow reader may skip a percent: only the
  states it delivered are matched.
* Responsiveness: while the batch runs, every second: GET /batches/{id} (the whole page, 500
  rows rendered), GET /api/batches/{id} (JSON) and /health (event-loop lag).
* CPU: the web process and its analysis pool (descendant processes), from /proc.
* Summaries: a second batch of 500 other handles followed only by the API batch stream (which
  reads no report), then the first GET of its status (500 summaries computed from the reports
  and cached) and a second one (read from the cache).

Usage: .venv/bin/python bench/batch.py [--rows 500] [--delay 2] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from cluster import _children_by_parent, _cpu, _descendants
from fanout import cpu_seconds, percentile
from server import serving_process

STATUS = re.compile(r'data-col="status" data-value="([a-z]+)"')
PERCENT = re.compile(r'<progress class="meter meter--small" max="100" value="(\d+)"')

Key = tuple[str, str, int]  # job id, status, percent


def epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


async def frames(response: httpx.Response) -> AsyncIterator[tuple[str, str, float]]:
    """(event, data, arrival time) of each SSE frame."""
    fields: dict[str, str] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "data" in fields:
                yield fields.get("event", "message"), fields["data"], time.time()
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            fields[name] = fields[name] + "\n" + value if name in fields else value


class Watch:
    def __init__(self) -> None:
        self.api: dict[Key, tuple[float, float]] = {}  # key -> (updated_at, arrival)
        self.page: dict[Key, float] = {}
        self.page_frames = 0
        self.page_bytes = 0
        self.api_connected = asyncio.Event()
        self.page_done = asyncio.Event()
        self.probes: dict[str, list[float]] = {"page": [], "status": []}
        self.loop_lag: list[dict[str, float]] = []


async def follow_api(client: httpx.AsyncClient, watch: Watch) -> None:
    async with client.stream("GET", "/api/events") as response:
        watch.api_connected.set()
        async for name, data, arrived in frames(response):
            if name in ("progress", "completed", "failed"):
                event = json.loads(data)
                key = (event["job_id"], event["status"], event["percent"])
                watch.api.setdefault(key, (epoch(event["updated_at"]), arrived))


async def follow_page(
    client: httpx.AsyncClient, batch_id: str, job_of_line: dict[int, str], watch: Watch
) -> None:
    async with client.stream("GET", f"/batches/{batch_id}/stream") as response:
        async for name, data, arrived in frames(response):
            watch.page_frames += 1
            watch.page_bytes += len(data)
            if name == "end":
                break
            if not name.startswith("row-"):
                continue
            status = STATUS.search(data)
            if status is None:
                continue
            if status.group(1) == "completed":
                percent = 100
            elif (found := PERCENT.search(data)) is not None:
                percent = int(found.group(1))
            else:
                continue
            key = (job_of_line[int(name[4:])], status.group(1), percent)
            watch.page.setdefault(key, arrived)
    watch.page_done.set()


async def probe(client: httpx.AsyncClient, batch_id: str, watch: Watch) -> None:
    while not watch.page_done.is_set():
        for name, path in (
            ("page", f"/batches/{batch_id}"),
            ("status", f"/api/batches/{batch_id}"),
        ):
            started = time.perf_counter()
            response = await client.get(path)
            assert response.status_code == 200, response.text
            watch.probes[name].append(time.perf_counter() - started)
        health = (await client.get("/health")).json()
        watch.loop_lag.append(health["loop_lag_ms"])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(watch.page_done.wait(), 1.0)


def ms(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"p50 {percentile(values, 0.5) * 1000:.0f} ms, p95 {percentile(values, 0.95) * 1000:.0f}"
        f" ms, max {max(values) * 1000:.0f} ms (n={len(values)})"
    )


def cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of the web process and of its analysis pool."""
    return cpu_seconds(pid), _cpu(_descendants(pid, _children_by_parent()))


async def create(client: httpx.AsyncClient, handles: list[str]) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    response = await client.post("/api/batches", json={"text": "\n".join(handles), "refresh": True})
    elapsed = time.perf_counter() - started
    assert response.status_code == 202, response.text
    return response.json(), elapsed


async def run(rows: int, delay: float, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {
            "WEBAPP_DEMO_DELAY_SECONDS": str(delay),
            "WEBAPP_MAX_CONCURRENCY": str(concurrency),
        }
        with serving_process(Path(folder) / "bench.db", **env) as (port, pid):
            limits = httpx.Limits(max_connections=20)
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", timeout=120, limits=limits
            ) as client:
                await measure(client, pid, rows)


async def measure(client: httpx.AsyncClient, pid: int, rows: int) -> None:
    watch = Watch()
    api = asyncio.create_task(follow_api(client, watch))
    await watch.api_connected.wait()
    web0, pool0 = cpu(pid)
    wall0 = time.perf_counter()
    created, create_seconds = await create(client, [f"bench.batch.{i}" for i in range(rows)])
    batch_id = created["batch_id"]
    job_of_line = {row["line"]: row["job_id"] for row in created["rows"]}
    page = asyncio.create_task(follow_page(client, batch_id, job_of_line, watch))
    prober = asyncio.create_task(probe(client, batch_id, watch))
    await page
    await prober
    wall = time.perf_counter() - wall0
    web1, pool1 = cpu(pid)
    api.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await api

    matched = [key for key in watch.page if key in watch.api]
    from_event = [watch.page[k] - watch.api[k][0] for k in matched]
    from_api = [watch.page[k] - watch.api[k][1] for k in matched]
    print(f"Batch of {rows} demo handles")
    print(f"  create (POST /api/batches, {rows} jobs): {create_seconds * 1000:.0f} ms")
    print(f"  until every row ended on the page stream: {wall:.1f} s")
    print(
        f"  page stream: {watch.page_frames} frames, {watch.page_bytes / 1024:.0f} KiB; "
        f"{len(watch.page)} row states delivered, {len(watch.api)} job states on /api/events"
    )
    print(f"  page-update latency (job event stored -> row fragment received): {ms(from_event)}")
    print(f"  of which after the API stream had it (fan-out + render):         {ms(from_api)}")
    print(f"  GET /batches/{{id}} ({rows} rows) while live: {ms(watch.probes['page'])}")
    print(f"  GET /api/batches/{{id}} while live:          {ms(watch.probes['status'])}")
    lags = [lag.get("max", 0.0) for lag in watch.loop_lag]
    print(
        f"  event-loop lag (max of each /health minute window): max {max(lags, default=0):.0f} ms"
    )
    print(
        f"  CPU: web process {web1 - web0:.1f} s ({(web1 - web0) / wall * 100:.0f} % of one "
        f"core), analysis pool {pool1 - pool0:.1f} s, over {wall:.1f} s"
    )

    # Summaries: a batch nobody watched with the page, so no summary is cached yet.
    second, _ = await create(client, [f"bench.cold.{i}" for i in range(rows)])
    async with client.stream("GET", f"/api/batches/{second['batch_id']}/events") as response:
        async for name, _, _ in frames(response):
            if name == "end":
                break
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = await client.get(f"/api/batches/{second['batch_id']}")
        timings.append(time.perf_counter() - started)
        assert response.json()["counts"]["completed"] == rows
    print(
        f"  GET /api/batches/{{id}}, {rows} completed rows: first (computes and caches "
        f"{rows} summaries from the reports) {timings[0] * 1000:.0f} ms; then "
        f"{timings[1] * 1000:.0f} ms, {timings[2] * 1000:.0f} ms"
    )
    started = time.perf_counter()
    export = await client.get(f"/api/batches/{second['batch_id']}.csv")
    print(
        f"  GET /api/batches/{{id}}.csv: {(time.perf_counter() - started) * 1000:.0f} ms, "
        f"{len(export.content) / 1024:.0f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--delay", type=float, default=2.0, help="demo seconds per job")
    parser.add_argument("--concurrency", type=int, default=32, help="WEBAPP_MAX_CONCURRENCY")
    args = parser.parse_args()
    asyncio.run(run(args.rows, args.delay, args.concurrency))


if __name__ == "__main__":
    main()
