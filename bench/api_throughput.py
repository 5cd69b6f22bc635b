"""Job-core benchmark, all figures from one run on this machine.

1. Requests per second of GET /api/status/{id} against GET /health on the same server
   (target: status >= 0.75 x health; active jobs are answered from memory).
2. End-to-end jobs per second with the demo adapter at 0 delay: POST distinct accounts, wait
   until the server reports no active job, then check the SQLite file holds every job completed
   with one report (target: >= 200 jobs/s, durable).

Usage: .venv/bin/python bench/api_throughput.py [--seconds 5] [--jobs 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sqlite3
import tempfile
import time
import urllib.request
from pathlib import Path

# Run as a script, so this folder is on sys.path and its helpers import by name.
from loadgen import LoadResult, get, post_json, run_load
from server import serving

CONNECTIONS = 32


def _json(port: int, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def _line(name: str, result: LoadResult) -> str:
    errors = sum(count for status, count in result.statuses.items() if status != 200)
    return (
        f"{name:<34} {result.rate:>9,.0f} req/s   p50 {result.median_ms:6.2f} ms   "
        f"p99 {result.percentile(0.99) * 1000:6.2f} ms   non-200: {errors}"
    )


async def status_against_health(seconds: float, workdir: Path) -> dict[str, float]:
    # A long demo delay keeps the job active (in memory) for the whole measurement.
    with serving(workdir / "status.db", WEBAPP_DEMO_DELAY_SECONDS="600") as port:
        active = str(_json(port, "/api/analyze", {"handle": "bench.active"})["job_id"])
        status_path = f"/api/status/{active}"
        await run_load(port, lambda _: get("/health"), connections=CONNECTIONS, seconds=1)
        health = await run_load(
            port, lambda _: get("/health"), connections=CONNECTIONS, seconds=seconds
        )
        status = await run_load(
            port, lambda _: get(status_path), connections=CONNECTIONS, seconds=seconds
        )
    ratio = status.rate / health.rate
    print(_line("GET /health (store check)", health))
    print(_line("GET /api/status/{id} (active)", status))
    print(f"{'status / health':<34} {ratio:>9.2f} x      (target >= 0.75)")
    return {"health_rps": health.rate, "status_rps": status.rate, "ratio": ratio}


async def end_to_end(jobs: int, workdir: Path) -> dict[str, float]:
    database = workdir / "e2e.db"
    with serving(database, WEBAPP_DEMO_DELAY_SECONDS="0", WEBAPP_MAX_QUEUED="100000") as port:
        started = time.perf_counter()
        submitted = await run_load(
            port,
            lambda i: post_json("/api/analyze", b'{"handle": "bench.e2e%d"}' % i),
            connections=CONNECTIONS,
            total=jobs,
        )
        submit_seconds = time.perf_counter() - started
        while True:
            health = _json(port, "/health")
            if health["active_jobs"] == 0:
                break
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
    with sqlite3.connect(database) as db:
        completed = db.execute("SELECT count(*) FROM jobs WHERE status = 'completed'").fetchone()
        reports = db.execute("SELECT count(DISTINCT job_id) FROM reports").fetchone()
    rate = jobs / elapsed
    accepted = submitted.statuses.get(202, 0)
    print(
        f"{'end-to-end jobs (demo, 0 delay)':<34} {rate:>9,.0f} jobs/s  "
        f"({jobs} jobs in {elapsed:.2f} s; submitting took {submit_seconds:.2f} s; "
        f"202s: {accepted}; on disk: {completed[0]} completed, {reports[0]} reports)"
    )
    if not (accepted == completed[0] == reports[0] == jobs):
        raise SystemExit("end-to-end run lost or duplicated jobs")
    return {"jobs_per_second": rate, "jobs": jobs, "seconds": elapsed}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--jobs", type=int, default=3000)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, "
        f"{CONNECTIONS} keep-alive connections, client and server on the same host"
    )
    with tempfile.TemporaryDirectory() as tmp:
        figures = await status_against_health(args.seconds, Path(tmp))
        figures |= await end_to_end(args.jobs, Path(tmp))
    out = Path(__file__).parent / "results"
    out.mkdir(exist_ok=True)
    (out / "api_throughput.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
