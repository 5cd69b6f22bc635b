"""Scale-out benchmark: the embedded backend (one process, SQLite) against the Redis backend
(web processes + `python -m webapp worker` processes + one redis-server), side by side in one run.

1. End-to-end durable jobs/s, demo adapter at 0 delay, N distinct accounts POSTed over 32
   keep-alive connections and waited for until every one is completed with one report (read
   back from the SQLite file or from Redis). Embedded; Redis with 1 web + 1 worker; Redis with
   2 web + 2 workers (POSTs split over both web processes). CPU seconds per job per process type
   from /proc/<pid>/stat (utime + stime; a process's analysis pool counted apart), Redis's own
   command counts per job, and the throughput that CPU per job gives on paper on 16 cores:
   embedded, one event loop (one core) does every request and job step; on Redis, redis-server
   is one core and the web, worker and analysis processes share the other 15.
2. Fan-out: S SSE subscribers on /api/events while one demo job (3 s delay) runs. Embedded: all
   on one process. Redis: the job run by a worker, its events through Redis pub/sub, on one web
   process (the cost of the hop alone) and split over two. Delivery = receive time - the event's
   `updated_at`; memory = RSS growth of the web processes / S. Each set-up --repeat times with
   fresh processes, taking turns; the run with the median p99 is printed.
3. Status polling: GET /api/status/{id} of a completed and of an active job, embedded (from
   memory, and from SQLite after a restart) against Redis (one web process), same client.

Durability: SQLite runs in WAL with synchronous=NORMAL (the app's setting); redis-server with
appendonly yes, appendfsync everysec. Neither loses a committed job if its process dies; both
may lose the last second on a power cut.

Each stage starts its own processes (and its own redis-server on a free port in a temporary
directory) and stops them. The client (this process, on uvloop) shares the machine's cores.
About 3.5 minutes on 2 cores.

Usage: .venv/bin/python bench/cluster.py [--jobs 2000] [--subscribers 10000] [--seconds 4]
       [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

# Run as a script, so this folder is on sys.path and its helpers import by name.
from fanout import Subscriber, Tally, cpu_seconds, http_json, percentile, rss_kb
from loadgen import LoadResult, get, post_json, run_load
from server import free_port, serving_process, working

HERE = Path(__file__).parent
CONNECTIONS = 32
CORES_ON_PAPER = 16
EMBEDDED_POOL_MAX = 4  # settings.default_analysis_processes: at most four analysis processes


# --- processes --------------------------------------------------------------------------------


@contextmanager
def redis_server(directory: Path) -> Iterator[tuple[str, int]]:
    """A redis-server on a free port, AOF on: (url, pid). Adapted from tests/redis_server.py."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise SystemExit("redis-server is not installed: run `make test-deps`")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(directory),
         "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
         "--logfile", str(directory / "redis.log")],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while not _pong(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0", process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _pong(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class Setup:
    """The processes of one configuration."""

    name: str
    webs: list[tuple[int, int]] = field(default_factory=list)  # (port, pid)
    workers: list[int] = field(default_factory=list)
    redis_url: str = ""
    redis_pid: int | None = None
    database: Path = Path()

    @property
    def ports(self) -> list[int]:
        return [port for port, _ in self.webs]


@contextmanager
def running(
    name: str, workdir: Path, *, webs: int, workers: int, redis_backed: bool, **env: str
) -> Iterator[Setup]:
    """Start a configuration (redis-server first, then web processes, then workers, waiting
    until each worker has registered with SAQ) and stop it all at the end."""
    workdir.mkdir(parents=True, exist_ok=True)
    setup = Setup(name, database=workdir / "webapp.db")
    with ExitStack() as stack:
        if redis_backed:
            setup.redis_url, setup.redis_pid = stack.enter_context(redis_server(workdir / "redis"))
            env = {**env, "WEBAPP_REDIS_URL": setup.redis_url}
        for _ in range(webs):
            setup.webs.append(stack.enter_context(serving_process(setup.database, **env)))
        for _ in range(workers):
            setup.workers.append(stack.enter_context(working(setup.database, **env)))
        if workers:
            _wait_for_workers(setup.redis_url, workers)
        try:
            yield setup
        finally:
            # An idle SAQ worker can take up to its 10 s info timer to stop: stop them together.
            for pid in setup.workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)


def _wait_for_workers(url: str, count: int) -> None:
    # A SAQ worker writes its info (saq:<queue>:stats) as soon as it starts polling.
    deadline = time.monotonic() + 60
    with redis.Redis.from_url(url) as client:
        while client.zcard("saq:webapp:stats") < count:
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not start")
            time.sleep(0.05)


# --- CPU accounting ---------------------------------------------------------------------------


def _children_by_parent() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        found.setdefault(ppid, []).append(int(entry))
    return found


def _descendants(pid: int, tree: dict[int, list[int]]) -> list[int]:
    found, parents = [], [pid]
    while parents:
        children = tree.get(parents.pop(), [])
        found.extend(children)
        parents.extend(children)
    return found


def _cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        # A process gone since the listing takes its time with it (nothing here exits mid-run).
        with contextlib.suppress(OSError):
            total += cpu_seconds(pid)
    return total


def cpu_by_type(setup: Setup) -> dict[str, float]:
    """CPU seconds so far of each process type; a process's analysis pool (its descendants:
    fork server, pool processes) counted as 'analysis'."""
    tree = _children_by_parent()
    webs = [pid for _, pid in setup.webs]
    owners = webs + setup.workers
    figures = {
        "client": cpu_seconds(os.getpid()),
        "analysis": _cpu([child for pid in owners for child in _descendants(pid, tree)]),
    }
    if setup.redis_pid is None:
        figures["server"] = _cpu(webs)
    else:
        figures["web"] = _cpu(webs)
        figures["worker"] = _cpu(setup.workers)
        figures["redis-server"] = _cpu([setup.redis_pid])
    return figures


def redis_commands(setup: Setup) -> dict[str, tuple[int, int]]:
    """Redis's own count so far of each command: (calls, microseconds)."""
    if not setup.redis_url:
        return {}
    with redis.Redis.from_url(setup.redis_url) as client:
        stats = client.info("commandstats")
    return {
        name.removeprefix("cmdstat_"): (int(value["calls"]), int(value["usec"]))
        for name, value in stats.items()
    }


# --- 1. end-to-end jobs -----------------------------------------------------------------------


def _verify(setup: Setup, job_ids: list[str]) -> tuple[int, int]:
    """(jobs completed, reports) among the submitted ids, read from the store itself."""
    if not setup.redis_url:
        with sqlite3.connect(setup.database) as db:
            done = db.execute("SELECT count(*) FROM jobs WHERE status = 'completed'").fetchone()
            reports = db.execute("SELECT count(DISTINCT job_id) FROM reports").fetchone()
            return int(done[0]), int(reports[0])
    with redis.Redis.from_url(setup.redis_url) as client:
        completed = with_report = 0
        for offset in range(0, len(job_ids), 500):
            chunk = job_ids[offset : offset + 500]
            for raw in client.mget([f"jobs:{job_id}" for job_id in chunk]):
                completed += raw is not None and json.loads(raw)["status"] == "completed"
            with_report += int(client.exists(*(f"jobs:{job_id}:report" for job_id in chunk)))
        return completed, with_report


async def _wait_idle(setup: Setup) -> None:
    deadline = time.monotonic() + 600
    # With Redis every web process reports the same (SAQ's) counts: asking one is enough.
    while http_json(setup.ports[0], "/health")["active_jobs"]:
        if time.monotonic() > deadline:
            raise RuntimeError("jobs did not finish")
        await asyncio.sleep(0.01)


async def _submit(setup: Setup, prefix: str, jobs: int) -> tuple[list[str], int]:
    """POST `jobs` distinct accounts over 32 connections split evenly over the web processes;
    (job ids, 202 responses)."""
    job_ids: list[str] = []

    def collect(_index: int, status: int, body: bytes) -> None:
        if status == 202:
            job_ids.append(str(json.loads(body)["job_id"]))

    def accounts(web: int) -> Callable[[int], bytes]:
        return lambda i: post_json("/api/analyze", b'{"handle": "%s%d.%d"}' % (head, web, i))

    head, count = prefix.encode(), len(setup.ports)
    results = await asyncio.gather(
        *(
            run_load(
                port,
                accounts(n),
                connections=CONNECTIONS // count,
                total=jobs // count + (n < jobs % count),
                on_response=collect,
            )
            for n, port in enumerate(setup.ports)
        )
    )
    return job_ids, sum(result.statuses.get(202, 0) for result in results)


@dataclass
class JobsFigures:
    name: str
    jobs: int
    seconds: float
    cpu_ms: dict[str, float]  # per job, by process type
    # Redis commands per job: name -> (calls, microseconds inside redis-server)
    commands: dict[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.jobs / self.seconds

    @property
    def bottleneck(self) -> tuple[float, str]:
        """Jobs/s on paper with CORES_ON_PAPER cores, from CPU per job alone, and what limits it.

        Embedded: the one event loop (server) is one core, the analysis pool at most four
        processes. Redis: redis-server is one core (single-threaded); web, worker and analysis
        processes scale out over the other cores, shared in proportion to their CPU per job.
        The client and any load balancer run elsewhere."""
        ms = self.cpu_ms
        if "server" in ms:
            limits = {
                "server event loop (1 core)": 1000 / ms["server"],
                f"analysis pool ({EMBEDDED_POOL_MAX} processes)": EMBEDDED_POOL_MAX
                * 1000
                / ms["analysis"],
            }
        else:
            spread = ms["web"] + ms["worker"] + ms["analysis"]
            limits = {
                "redis-server (1 core)": 1000 / ms["redis-server"],
                f"web + worker + analysis on {CORES_ON_PAPER - 1} cores": (CORES_ON_PAPER - 1)
                * 1000
                / spread,
            }
        what = min(limits, key=lambda key: limits[key])
        return limits[what], what


async def end_to_end(setup: Setup, jobs: int) -> JobsFigures:
    # A few jobs first: every process has run the pipeline once before the clock starts.
    warm_ids, _ = await _submit(setup, f"warm.{len(setup.ports)}.", 8 * len(setup.ports))
    await _wait_idle(setup)
    commands_before = redis_commands(setup)
    before = cpu_by_type(setup)
    started = time.perf_counter()
    job_ids, accepted = await _submit(setup, f"e2e.{len(setup.ports)}.", jobs)
    await _wait_idle(setup)
    seconds = time.perf_counter() - started
    after = cpu_by_type(setup)
    commands_after = redis_commands(setup)
    completed, reports = _verify(setup, warm_ids + job_ids)
    expected = len(warm_ids) + jobs
    if not (accepted == len(set(job_ids)) == jobs and completed == reports == expected):
        raise SystemExit(
            f"{setup.name}: lost or duplicated jobs: {accepted} accepted, "
            f"{completed} completed, {reports} reports of {expected}"
        )
    cpu_ms = {kind: (after[kind] - before[kind]) / jobs * 1000 for kind in after}
    commands = {
        name: (
            (calls - commands_before.get(name, (0, 0))[0]) / jobs,
            (usec - commands_before.get(name, (0, 0))[1]) / jobs,
        )
        for name, (calls, usec) in commands_after.items()
    }
    return JobsFigures(setup.name, jobs, seconds, cpu_ms, commands)


def print_jobs(rows: list[JobsFigures]) -> None:
    base = rows[0]
    kinds = ["server", "web", "worker", "analysis", "redis-server", "client"]
    print(
        f"{'':<28} {'jobs/s':>7} {'ratio':>6}   CPU ms per job: "
        + " ".join(f"{kind:>8}" for kind in kinds)
        + f" {'sum':>6}"
    )
    for row in rows:
        cells = " ".join(
            f"{row.cpu_ms[kind]:8.2f}" if kind in row.cpu_ms else f"{'-':>8}" for kind in kinds
        )
        total = sum(value for kind, value in row.cpu_ms.items() if kind != "client")
        print(
            f"{row.name:<28} {row.rate:7.0f} {row.rate / base.rate:5.2f}x   {'':15} {cells} "
            f"{total:6.2f}"
        )
    print("  ('sum' leaves out the client; 'analysis' is each process's analysis pool)")
    cores = os.cpu_count() or 2
    for row in rows:
        everything = sum(row.cpu_ms.values())
        paper, limit = row.bottleneck
        print(
            f"  {row.name}: {row.jobs} jobs in {row.seconds:.1f} s, every one completed with one "
            f"report; CPU-bound ceiling here ({cores} cores, client included): "
            f"{cores * 1000 / everything:.0f} jobs/s; on paper with {CORES_ON_PAPER} cores: "
            f"{paper:,.0f} jobs/s, limited by the {limit}"
        )
        if row.commands:
            busiest = sorted(row.commands.items(), key=lambda item: -item[1][1])[:6]
            calls = sum(calls for calls, _ in row.commands.values())
            usec = sum(usec for _, usec in row.commands.values())
            print(
                f"    Redis commands per job: {calls:.1f} calls, {usec / 1000:.2f} ms inside "
                "them; most time: "
                + ", ".join(f"{name} {n:.1f}x {us / 1000:.2f} ms" for name, (n, us) in busiest)
            )


# --- 2. fan-out -------------------------------------------------------------------------------


async def _connect(ports: list[int], tally: Tally) -> list[asyncio.BaseTransport]:
    """Open tally.count SSE streams on /api/events, dealt round the web processes."""
    loop = asyncio.get_running_loop()
    request = b"GET /api/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n"
    transports: list[asyncio.BaseTransport] = []
    for offset in range(0, tally.count, 500):  # in batches, to stay inside the listen backlog
        made = await asyncio.gather(
            *(
                loop.create_connection(
                    lambda: Subscriber(request, tally), "127.0.0.1", ports[i % len(ports)]
                )
                for i in range(offset, min(tally.count, offset + 500))
            )
        )
        transports.extend(transport for transport, _ in made)
    await asyncio.wait_for(tally.all_connected.wait(), 120)
    return transports


async def fan_out(setup: Setup, count: int, handle: str) -> dict[str, float]:
    tally = Tally(count)
    pids = [pid for _, pid in setup.webs]
    base_rss = sum(rss_kb(pid) for pid in pids)
    transports = await _connect(setup.ports, tally)
    try:
        per_connection = (sum(rss_kb(pid) for pid in pids) - base_rss) / count
        server_cpu = _cpu(pids)
        started = time.monotonic()
        http_json(setup.ports[0], "/api/analyze", {"handle": handle})
        await asyncio.wait_for(tally.all_finished.wait(), 120)
        wall = time.monotonic() - started
        server_cpu = _cpu(pids) - server_cpu
    finally:
        for transport in transports:
            transport.close()
    delivered = len(tally.latencies)
    figures = {
        "subscribers": count,
        "kb_per_connection": per_connection,
        "p50_ms": percentile(tally.latencies, 0.5) * 1000,
        "p99_ms": percentile(tally.latencies, 0.99) * 1000,
        "max_ms": max(tally.latencies) * 1000,
        "delivered": delivered,
        "web_us_per_delivery": server_cpu / max(1, delivered) * 1e6,
        "seconds": wall,
    }
    return figures


def print_fan_out(runs: dict[str, list[dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per set-up, the run with the median p99 (and the p99 range over the runs)."""
    medians: dict[str, dict[str, float]] = {}
    for name, figures in runs.items():
        ordered = sorted(figures, key=lambda row: row["p99_ms"])
        medians[name] = {
            **ordered[len(ordered) // 2],
            "p99_ms_min": ordered[0]["p99_ms"],
            "p99_ms_max": ordered[-1]["p99_ms"],
        }
    base = next(iter(medians.values()))
    for name, row in medians.items():
        print(
            f"{name:<35} {row['kb_per_connection']:5.1f} KB/conn   delivery p50 "
            f"{row['p50_ms']:5.0f} ms  p99 {row['p99_ms']:5.0f} ms "
            f"({row['p99_ms'] / base['p99_ms']:.2f}x; {row['p99_ms_min']:.0f}-"
            f"{row['p99_ms_max']:.0f} over {len(runs[name])} runs)   {row['delivered']:.0f} "
            f"deliveries in {row['seconds']:.1f} s; web CPU {row['web_us_per_delivery']:.0f} "
            "us/delivery"
        )
    print("  (the run with the median p99 of each set-up; ratios against the embedded one)")
    return medians


# --- 3. status polling ------------------------------------------------------------------------


async def _poll(setup: Setup, job_id: str, args: argparse.Namespace) -> LoadResult:
    port, path = setup.ports[0], f"/api/status/{job_id}"
    await run_load(port, lambda _: get(path), connections=CONNECTIONS, seconds=0.5)  # warm-up
    return await run_load(port, lambda _: get(path), connections=CONNECTIONS, seconds=args.seconds)


async def _job_reaching(port: int, handle: str, *statuses: str) -> str:
    job_id = str(http_json(port, "/api/analyze", {"handle": handle})["job_id"])
    deadline = time.monotonic() + 60
    while http_json(port, f"/api/status/{job_id}")["status"] not in statuses:
        if time.monotonic() > deadline:
            raise RuntimeError(f"job {job_id} did not become {statuses}")
        await asyncio.sleep(0.02)
    return job_id


def print_status(results: dict[str, LoadResult]) -> None:
    """Each against the embedded figure for a job in the same state, from memory."""
    baselines = {
        "completed": results["embedded: completed job (recent: in memory)"],
        "active": results["embedded: active job (in memory)"],
    }
    for name, result in results.items():
        base = baselines["active" if "active" in name else "completed"]
        errors = sum(count for status, count in result.statuses.items() if status != 200)
        print(
            f"{name:<48} {result.rate:>7,.0f} req/s {result.rate / base.rate:5.2f}x   "
            f"p50 {result.median_ms:6.2f} ms   p99 {result.percentile(0.99) * 1000:6.2f} ms   "
            f"non-200: {errors}"
        )
    print("  (ratios against the embedded figure for a job in the same state, from memory)")


# --- the run ----------------------------------------------------------------------------------


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=4.0, help="per status measurement")
    parser.add_argument("--repeat", type=int, default=3, help="fan-out runs per set-up")
    args = parser.parse_args()
    # Every subscriber is a socket in this process and one in a web process; the servers
    # inherit the limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.subscribers + 1000:
        raise SystemExit(f"RLIMIT_NOFILE hard limit {hard} is too low for the subscribers")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; client: this process (uvloop) on the same cores; "
        f"open-file limit raised from {soft} to {hard}"
    )
    began = time.monotonic()
    demo0 = {"WEBAPP_DEMO_DELAY_SECONDS": "0", "WEBAPP_MAX_QUEUED": "100000"}
    results: dict[str, object] = {}
    status: dict[str, LoadResult] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)

        print(f"\n1. end-to-end durable jobs, demo adapter at 0 delay, {args.jobs} jobs each")
        rows: list[JobsFigures] = []
        name = "embedded (1 process, SQLite)"
        with running(name, work / "e1", webs=1, workers=0, redis_backed=False, **demo0) as s:
            rows.append(await end_to_end(s, args.jobs))
            done = await _job_reaching(s.ports[0], "status.done", "completed")
            status["embedded: completed job (recent: in memory)"] = await _poll(s, done, args)
        # Restarted on the same file, the process reads the completed job from SQLite.
        with running(name, work / "e1", webs=1, workers=0, redis_backed=False) as s:
            status["embedded: completed job (after restart: SQLite)"] = await _poll(s, done, args)
        name = "redis: 1 web + 1 worker"
        with running(name, work / "r1", webs=1, workers=1, redis_backed=True, **demo0) as s:
            rows.append(await end_to_end(s, args.jobs))
            done = await _job_reaching(s.ports[0], "status.done", "completed")
            status["redis: completed job"] = await _poll(s, done, args)
        name = "redis: 2 web + 2 workers"
        with running(name, work / "r2", webs=2, workers=2, redis_backed=True, **demo0) as s:
            rows.append(await end_to_end(s, args.jobs))
        print_jobs(rows)
        results["jobs"] = [
            {"name": row.name, "jobs_per_second": row.rate, "cpu_ms_per_job": row.cpu_ms,
             "paper_16_cores": row.bottleneck[0], "paper_limit": row.bottleneck[1]}
            for row in rows
        ]  # fmt: skip

        print(
            f"\n2. fan-out: {args.subscribers:,} SSE subscribers on /api/events, one demo job "
            "(3 s delay: a state change every 0.75 s, then a burst)"
        )
        # Fresh processes for every run (RSS is not given back between runs); the three set-ups
        # take turns, so a busy moment on this shared machine does not hit one of them only.
        demo3 = {"WEBAPP_DEMO_DELAY_SECONDS": "3"}
        count = args.subscribers
        setups = {  # name: (web processes, workers, on Redis)
            "embedded (1 process)": (1, 0, False),
            # One web process: the cost of the Redis hop alone; then the split.
            f"redis (1 web x {count:,}, 1 worker)": (1, 1, True),
            f"redis (2 web x {count // 2:,}, 1 worker)": (2, 1, True),
        }
        fan_runs: dict[str, list[dict[str, float]]] = {name: [] for name in setups}
        for run in range(args.repeat):
            for index, (name, (webs, workers, on_redis)) in enumerate(setups.items()):
                where = work / f"fan-{index}-{run}"
                with running(
                    name, where, webs=webs, workers=workers, redis_backed=on_redis, **demo3
                ) as s:
                    fan_runs[name].append(await fan_out(s, count, f"fanout.{index}.{run}"))
        results["fan_out"] = print_fan_out(fan_runs)

        print(f"\n3. status polling, GET /api/status/{{id}}, {CONNECTIONS} connections")
        # The active job's worker is stopped mid-job at the end (SAQ warns, and waits out its
        # grace period): only errors are logged.
        slow = {"WEBAPP_DEMO_DELAY_SECONDS": "600", "WEBAPP_LOG_LEVEL": "ERROR"}
        with running("embedded", work / "s1", webs=1, workers=0, redis_backed=False, **slow) as s:
            active = await _job_reaching(s.ports[0], "status.active", "processing")
            status["embedded: active job (in memory)"] = await _poll(s, active, args)
        with running("redis", work / "s2", webs=1, workers=1, redis_backed=True, **slow) as s:
            active = await _job_reaching(s.ports[0], "status.active", "processing")
            status["redis: active job"] = await _poll(s, active, args)
        print_status(status)
        results["status"] = {
            name: {"rps": r.rate, "p99_ms": r.percentile(0.99) * 1000} for name, r in status.items()
        }
    print(f"\nwhole run: {time.monotonic() - began:.0f} s")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "cluster.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    import uvloop  # the client must not be the bottleneck

    uvloop.run(main())
