"""The scale-out as it runs: one redis-server (AOF), two web processes, two SAQ workers, real HTTP.

Events and dedup across processes, and the faults: a worker SIGKILLed mid-job, a web process
SIGKILLed under a stream, Redis killed and started again, Redis away. The processes are started
once for the module; each test first brings back whatever an earlier test killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from redis import Redis

from conftest import JOB_KEY, ServerProcess, wait_until
from processes import Proc, descendants, kill_all, still_alive_after
from redis_server import RedisServer, free_port

pytestmark = pytest.mark.slow

# The demo adapter spreads this over its four fetch steps: long enough to strike mid-job.
DEMO_DELAY_SECONDS = 2.0
HEARTBEAT_SECONDS = 2
SWEEP_SECONDS = 1
CONCURRENCY = 2
# Generous for a loaded 2-core machine; the conditions usually hold within a second or two.
START_SECONDS = 30.0
EXIT_SECONDS = 10.0
# A worker SIGKILLed mid-job: its heartbeat goes stale (2 s), a sweep finds it (1 s), SAQ waits
# up to 5 s for the dead worker to acknowledge the abort, then the job runs again (2 s).
RERUN_SECONDS = 40.0
# How long Redis stays away in the restart test, so a process spinning on the lost connection
# would show in its CPU time.
OUTAGE_SECONDS = 2.0
# CPU (share of one core) a process may use while Redis is away: retries and sweeps, no spin.
MAX_CPU_SHARE = 0.35


class WorkerProcess:
    """`python -m webapp worker --concurrency N` in a real subprocess."""

    def __init__(self, env: dict[str, str], log_path: Path, concurrency: int) -> None:
        self.env = env
        self.log_path = log_path
        self.concurrency = concurrency
        self.process: subprocess.Popen[bytes] | None = None

    def launch(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "webapp", "worker", "--concurrency", str(self.concurrency)],
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = START_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while "running up to" not in self.log():
            if not self.running:
                raise AssertionError(f"worker exited: {self.log()[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"worker did not start: {self.log()[-2000:]}")
            time.sleep(0.05)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@dataclass
class Event:
    seq: int
    kind: str
    data: dict[str, Any]


@dataclass
class Cluster:
    directory: Path
    redis: RedisServer
    env: dict[str, str]
    webs: list[ServerProcess] = field(default_factory=list)
    workers: list[WorkerProcess] = field(default_factory=list)
    launched: int = 0
    # Every process a worker or web process started, seen while it ran: checked at the end.
    helpers: list[Proc] = field(default_factory=list)

    def _log(self, name: str) -> Path:
        self.launched += 1
        return self.directory / f"{self.launched:02d}-{name}.log"

    def _web(self) -> ServerProcess:
        return ServerProcess(free_port(), self.env, self._log("web"))

    def _worker(self) -> WorkerProcess:
        return WorkerProcess(self.env, self._log("worker"), CONCURRENCY)

    def heal(self) -> None:
        """Redis, two web processes and two workers running, whatever an earlier test killed."""
        if not self.redis.ping():
            self.redis.start()
        starting: list[ServerProcess | WorkerProcess] = []
        for index in range(2):
            if index == len(self.webs):
                self.webs.append(self._web())
            if index == len(self.workers):
                self.workers.append(self._worker())
            web, worker = self.webs[index], self.workers[index]
            if web.process is not None and web.process.poll() is not None:
                self.webs[index] = web = self._web()
            if worker.process is not None and not worker.running:
                self.workers[index] = worker = self._worker()
            starting += [p for p in (web, worker) if p.process is None]
        for process in starting:
            process.launch()
        for process in starting:
            process.wait_ready(START_SECONDS)

    def members(self) -> list[ServerProcess | WorkerProcess]:
        return [*self.webs, *self.workers]

    def record_helpers(self) -> None:
        for process in self.members():
            if process.process is not None and process.process.poll() is None:
                self.helpers.extend(descendants(process.process.pid))

    def stop(self) -> list[Proc]:
        """Stop everything; the processes they had started that are still running (killed)."""
        self.record_helpers()
        processes = [p.process for p in self.members() if p.process is not None]
        # All at once: a worker still running a job gets SAQ's grace period to finish it.
        for process in processes:
            if process.poll() is None:
                process.terminate()
        errors: list[str] = []
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                errors.append(f"{process.args!r} did not stop within 20 s of SIGTERM")
        self.redis.stop()
        left = still_alive_after(self.helpers, EXIT_SECONDS)
        kill_all(left)
        assert not errors, errors
        return left

    # -- reading Redis the way an operator would ----------------------------------------------

    def client(self) -> Redis:
        return Redis.from_url(self.redis.url)

    def job_keys_of(self, handle: str) -> list[str]:
        found = []
        with self.client() as client:
            for key in client.scan_iter(match="jobs:*", count=1000):
                name = key.decode()
                if re.fullmatch(JOB_KEY, name):
                    raw = client.get(name)
                    if raw is not None and json.loads(raw).get("handle") == handle:
                        found.append(name)
        return found

    def report_keys(self, job_id: str) -> list[str]:
        with self.client() as client:
            return [k.decode() for k in client.scan_iter(match=f"jobs:{job_id}:report")]

    def snapshot_entries(self, job_id: str, platform: str, handle: str) -> int:
        with self.client() as client:
            rows = client.zrange(f"snapshots:{platform}:{handle}", 0, -1)
        return sum(1 for row in rows if json.loads(row)["job_id"] == job_id)

    def worker_running(self, job_id: str) -> WorkerProcess | None:
        """The live worker whose log says it took the job (SAQ logs 'Processing' with its key)."""
        for worker in self.workers:
            if worker.running and any(
                "Processing" in line and job_id in line for line in worker.log().splitlines()
            ):
                return worker
        return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    directory = tmp_path_factory.mktemp("cluster")
    server = RedisServer(directory / "redis", appendonly=True)
    env = {
        "WEBAPP_REDIS_URL": server.url,
        "WEBAPP_DATABASE": str(directory / "unused.db"),
        "WEBAPP_SOURCE": "demo",
        "WEBAPP_DEMO_DELAY_SECONDS": str(DEMO_DELAY_SECONDS),
        "WEBAPP_WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "WEBAPP_WORKER_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "WEBAPP_RETRY_BASE_SECONDS": "0.5",
        "WEBAPP_ANALYSIS_PROCESSES": "1",
        "WEBAPP_LOG_LEVEL": "INFO",
    }
    cluster = Cluster(directory, server, env)
    try:
        cluster.heal()
        yield cluster
    finally:
        left = cluster.stop()
    assert not left, f"outlived the cluster: {left}"


@pytest.fixture
def running(cluster: Cluster) -> Cluster:
    cluster.heal()
    cluster.record_helpers()
    return cluster


def unique(name: str) -> str:
    return f"{name}.{uuid.uuid4().hex[:8]}"


async def submit(client: httpx.AsyncClient, base: str, handle: str) -> str:
    response = await client.post(f"{base}/api/analyze", json={"handle": handle})
    assert response.status_code in (200, 202), response.text
    return str(response.json()["job_id"])


async def status(client: httpx.AsyncClient, base: str, job_id: str) -> dict[str, Any]:
    response = await client.get(f"{base}/api/status/{job_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def wait_for_status(
    client: httpx.AsyncClient, base: str, job_id: str, *statuses: str, timeout: float
) -> dict[str, Any]:
    latest: dict[str, Any] = {}

    async def reached() -> bool:
        nonlocal latest
        latest = await status(client, base, job_id)
        return latest["status"] in statuses

    try:
        await wait_until(reached, timeout=timeout, what=f"job {job_id} to be {statuses}")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last seen: {latest}") from None
    return latest


async def read_sse(
    client: httpx.AsyncClient,
    url: str,
    events: list[Event],
    *,
    last_event_id: int | None = None,
) -> None:
    """Append the stream's events to `events` until the server closes it; a connection that
    breaks first raises httpx's error."""
    headers = {} if last_event_id is None else {"Last-Event-ID": str(last_event_id)}
    async with client.stream("GET", url, headers=headers, timeout=30) as response:
        assert response.status_code == 200, await response.aread()
        seq, kind, data = 0, "", ""
        async for line in response.aiter_lines():
            if line.startswith("id: "):
                seq = int(line[4:])
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
            elif line == "" and data:
                events.append(Event(seq, kind, json.loads(data)))
                seq, kind, data = 0, "", ""


async def read_websocket(url: str) -> tuple[list[Event], int | None]:
    """Every event until the server closes the socket, and its close code."""
    events: list[Event] = []
    async with websockets.connect(url) as ws:
        with contextlib.suppress(websockets.ConnectionClosedOK):
            async for message in ws:
                data = json.loads(message)
                kind = data["status"] if data["status"] in ("completed", "failed") else "progress"
                events.append(Event(data["seq"], kind, data))
        code = ws.close_code
    return events, code


def assert_one_ending(events: list[Event], job_id: str, kind: str = "completed") -> None:
    """Seq strictly rising, one terminal event and it is the last."""
    assert events, "no event"
    assert all(event.data["job_id"] == job_id for event in events)
    seqs = [event.seq for event in events]
    assert seqs == sorted(set(seqs)), f"seq not strictly rising: {seqs}"
    ends = [event for event in events if event.kind in ("completed", "failed")]
    assert [event.kind for event in ends] == [kind], [(e.seq, e.kind) for e in events]
    assert events[-1] is ends[0]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- events and dedup across processes --------------------------------------------------------


async def test_a_job_submitted_to_one_web_process_is_followed_on_the_other(
    running: Cluster,
) -> None:
    web_a, web_b = (web.base_url for web in running.webs)
    async with httpx.AsyncClient() as client:
        job_id = await submit(client, web_a, unique("cross"))
        sse: list[Event] = []
        ws_url = web_a.replace("http://", "ws://") + f"/api/jobs/{job_id}/ws"
        _, (ws_events, ws_code) = await asyncio.wait_for(
            asyncio.gather(
                read_sse(client, f"{web_b}/api/jobs/{job_id}/events", sse),
                read_websocket(ws_url),
            ),
            timeout=30,
        )
    for events in (sse, ws_events):
        # Connected while the job ran: the first event is a state that had not ended, so the
        # rest came from a worker through Redis.
        assert events[0].kind == "progress", events
        assert_one_ending(events, job_id)
        assert len(events) >= 2
    assert ws_code == 1000
    assert sse[-1].data == ws_events[-1].data
    assert sse[-1].seq == ws_events[-1].seq


async def test_concurrent_identical_posts_over_both_web_processes_make_one_job(
    running: Cluster,
) -> None:
    handle = unique("dedup")
    bases = [web.base_url for web in running.webs]
    async with httpx.AsyncClient(timeout=20) as client:
        responses = await asyncio.gather(
            *(
                client.post(f"{bases[i % 2]}/api/analyze", json={"handle": handle})
                for i in range(30)
            )
        )
    assert Counter(r.status_code for r in responses) == {202: 1, 200: 29}, [
        r.text for r in responses
    ]
    assert len({r.json()["job_id"] for r in responses}) == 1
    assert sorted(r.json()["deduplicated"] for r in responses) == [False] + [True] * 29
    assert len(running.job_keys_of(handle)) == 1


# -- faults -----------------------------------------------------------------------------------


async def test_a_worker_killed_mid_job_leaves_it_to_the_other_which_completes_it_once(
    running: Cluster,
) -> None:
    web_a, web_b = (web.base_url for web in running.webs)
    handle = unique("rerun")
    async with httpx.AsyncClient(timeout=10) as client:
        job_id = await submit(client, web_a, handle)
        followed: list[Event] = []
        follower = asyncio.create_task(
            read_sse(client, f"{web_b}/api/jobs/{job_id}/events", followed)
        )
        await wait_until(
            lambda: running.worker_running(job_id) is not None, what="a worker to take the job"
        )
        await wait_for_status(client, web_a, job_id, "processing", timeout=10)
        victim = running.worker_running(job_id)
        assert victim is not None
        survivor = next(worker for worker in running.workers if worker is not victim)
        victim.kill()
        before = await status(client, web_a, job_id)
        assert before["status"] == "processing", "the job ended before the kill: too fast"

        final = await wait_for_status(
            client, web_b, job_id, "completed", "failed", timeout=RERUN_SECONDS
        )
        await asyncio.wait_for(follower, timeout=10)

    assert final["status"] == "completed", final
    assert final["attempt"] == 2, final  # the cut-short attempt counts
    assert any("Processing" in line and job_id in line for line in survivor.log().splitlines())
    assert running.report_keys(job_id) == [f"jobs:{job_id}:report"]
    assert running.snapshot_entries(job_id, "instagram", handle) == 1
    assert_one_ending(followed, job_id)


async def test_a_sigkilled_worker_leaves_no_process_behind(running: Cluster) -> None:
    worker = running.workers[0]
    helpers = descendants(worker.pid)
    # What its analysis pool started: the fork server, a worker, the resource tracker.
    forkserver = [p for p in helpers if "from multiprocessing.forkserver" in p.command]
    assert forkserver, helpers
    assert [p for p in helpers if "multiprocessing.resource_tracker" in p.command], helpers
    assert [p for p in helpers if p.ppid == forkserver[0].pid], "no analysis worker running"
    worker.kill()
    left = still_alive_after(helpers, EXIT_SECONDS)
    kill_all(left)
    assert not left, f"outlived the worker: {left}"


async def test_a_stream_client_of_a_killed_web_process_reconnects_to_the_other(
    running: Cluster,
) -> None:
    web_a, web_b = running.webs
    async with httpx.AsyncClient(timeout=10) as client:
        job_id = await submit(client, web_b.base_url, unique("failover"))
        first: list[Event] = []
        reader = asyncio.create_task(
            read_sse(client, f"{web_a.base_url}/api/jobs/{job_id}/events", first)
        )
        await wait_until(
            lambda: any(event.data["status"] == "processing" for event in first),
            timeout=10,
            what="the job to run",
        )
        web_a.kill()
        with pytest.raises(httpx.TransportError):
            await asyncio.wait_for(reader, timeout=10)
        assert first[-1].kind == "progress", "the job ended before the kill: too fast"

        # As EventSource does (and a load balancer sends it to the process still up).
        last_seen = first[-1].seq
        second: list[Event] = []
        await asyncio.wait_for(
            read_sse(
                client,
                f"{web_b.base_url}/api/jobs/{job_id}/events",
                second,
                last_event_id=last_seen,
            ),
            timeout=30,
        )
    assert second[0].seq >= last_seen, (last_seen, second)
    assert_one_ending(second, job_id)


async def test_jobs_queued_and_running_survive_a_redis_restart(running: Cluster) -> None:
    webs = [web.base_url for web in running.webs]
    processes = [*(web.process for web in running.webs), *(w.process for w in running.workers)]
    pids = [process.pid for process in processes if process is not None]
    handles = [unique(f"outage{i}") for i in range(2 * CONCURRENCY + 2)]
    async with httpx.AsyncClient(timeout=10) as client:
        jobs = [await submit(client, webs[i % 2], h) for i, h in enumerate(handles)]

        async def some_running_some_queued() -> bool:
            states = [(await status(client, webs[0], job))["status"] for job in jobs]
            return states.count("processing") >= 2 and "pending" in states

        await wait_until(some_running_some_queued, timeout=10, what="jobs running and queued")

        before = {pid: cpu_seconds(pid) for pid in pids}
        started = time.monotonic()
        running.redis.kill()
        await wait_until(
            lambda: time.monotonic() - started >= OUTAGE_SECONDS, what="the outage to last"
        )
        used = {pid: (cpu_seconds(pid) - before[pid]) for pid in pids}
        elapsed = time.monotonic() - started
        running.redis.start()

        finals = [
            await wait_for_status(
                client, webs[i % 2], job, "completed", "failed", timeout=RERUN_SECONDS
            )
            for i, job in enumerate(jobs)
        ]
        assert all(process is not None and process.poll() is None for process in processes)
        spinning = {pid: cpu for pid, cpu in used.items() if cpu / elapsed > MAX_CPU_SHARE}
        assert not spinning, f"CPU s over {elapsed:.1f} s without Redis: {used}"

        for handle, job_id, final in zip(handles, jobs, finals, strict=True):
            if final["status"] == "failed":
                assert final["error_message"], final
                continue
            assert running.report_keys(job_id) == [f"jobs:{job_id}:report"]
            assert running.snapshot_entries(job_id, "instagram", handle) == 1, final
        # Both web processes serve again, and a new job runs.
        for base in webs:
            assert (await client.get(f"{base}/health")).status_code == 200
        again = await submit(client, webs[1], unique("after"))
        await wait_for_status(client, webs[0], again, "completed", timeout=RERUN_SECONDS)


async def test_without_redis_health_and_submissions_answer_503_then_recover(
    running: Cluster,
) -> None:
    webs = [web.base_url for web in running.webs]
    async with httpx.AsyncClient(timeout=10) as client:
        running.redis.kill()
        try:
            for base in webs:
                # A probe that passed stands for a second: poll until the next one.
                deadline = time.monotonic() + 10
                while (health := await client.get(f"{base}/health")).status_code != 503:
                    assert time.monotonic() < deadline, health.text
                    await asyncio.sleep(0.05)
                assert health.json()["status"] == "unavailable"
                assert "Redis cannot be reached" in health.json()["store"]

                posted = await client.post(f"{base}/api/analyze", json={"handle": "no.redis"})
                assert posted.status_code == 503, posted.text
                assert posted.headers["content-type"] == "application/json"
                error = posted.json()["error"]
                assert set(error) == {"code", "message", "details"}
                assert error["code"] == "store_unavailable"
                assert "store is unavailable" in error["message"]
        finally:
            running.redis.start()

        jobs = []
        for base in webs:
            health = await client.get(f"{base}/health")
            assert health.status_code == 200, health.text
            jobs.append(await submit(client, base, unique("back")))
        for base, job_id in zip(webs, jobs, strict=True):
            await wait_for_status(client, base, job_id, "completed", timeout=RERUN_SECONDS)
    for web in running.webs:
        assert "Unhandled error" not in web.log_path.read_text()
