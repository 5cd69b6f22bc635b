"""The biggest uploads against a real server: does one account stall it? (issue 11 item 1)

Starts `python -m webapp serve` from an app directory (this checkout by default; `--app-dir`
runs an older checkout with its own .venv, for a before/after on the same machine), then for
each file: uploads it, waits for the report, fetches the report JSON, loads the report page
three times in parallel, and prints the upload's answer, report JSON size, page size, the
slowest of the three page loads, peak RSS of the server and its analysis processes, and the
worst /health latency while the page loads ran (polled every 100 ms from another thread).

Files (tests/big_uploads.py): the issue's CSV of 349,522 rows (5 MiB); the longest CSV the
limits accept (10,000 rows); a JSON with every list over the analysis limit and every id and
link as long as allowed.

The machine's cores are shared with other work: compare the two checkouts' figures from runs
close together, not with figures from another day.

Usage: .venv/bin/python bench/big_upload.py [--app-dir /path/to/checkout] [--cases a,b,c]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
# The files live with the tests, which import them the same way.
sys.path.insert(0, str(ROOT / "tests"))

from big_uploads import dated_rows_csv, many_rows_csv, worst_json  # noqa: E402

PAGE_LOADS = 3
JOB_DEADLINE = 600.0
NOW = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
CSV_FIELDS = {"platform": "instagram", "handle": "big.account", "followers": "250000"}


@dataclass(frozen=True, slots=True)
class Case:
    key: str
    name: str
    content: Callable[[], bytes]
    fields: dict[str, str]


CASES = (
    Case("a", "issue CSV, 349,522 rows", many_rows_csv, CSV_FIELDS),
    Case("b", "CSV, 10,000 rows", lambda: dated_rows_csv(10_000, NOW), CSV_FIELDS),
    Case(
        "c",
        "JSON, every list over",
        lambda: worst_json(NOW, posts=1_200, comments=6_000, followers=2_000, days=2_000),
        {"platform": "instagram"},
    ),
)


@dataclass
class Figures:
    case: str
    file_bytes: int
    upload_status: int = 0
    upload_s: float = 0.0
    message: str = ""
    job_s: float | None = None
    report_bytes: int | None = None
    page_bytes: int | None = None
    page_s: float | None = None
    health_max_ms: float | None = None  # while the three page loads ran
    job_health_max_ms: float | None = None  # from the upload until the report was ready
    peak_rss_mb: float = 0.0
    notes: list[str] = field(default_factory=list)


# --- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app_dir: Path, database: Path) -> Iterator[tuple[str, int]]:
    """`python -m webapp serve` of the checkout in `app_dir`: (base URL, pid)."""
    port = _free_port()
    python = app_dir / ".venv" / "bin" / "python"
    env = {
        **os.environ,
        "WEBAPP_DATABASE": str(database),
        "WEBAPP_LOG_LEVEL": "WARNING",
        "WEBAPP_DEMO_DELAY_SECONDS": "0",
    }
    process = subprocess.Popen(
        [str(python), "-m", "webapp", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=app_dir,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        yield base, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (the analysis worker processes)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                text = Path(f"/proc/{current}/task/{task}/children").read_text()
                queue.extend(int(child) for child in text.split())
        except OSError:
            continue
    return found


def _rss_mb(pid: int) -> float:
    total = 0
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class Sampler:
    """Samples the server's RSS (with its children) and /health latency in a thread."""

    def __init__(self, base: str, pid: int) -> None:
        self._base = base
        self._pid = pid
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_rss_mb = 0.0
        self.health_ms: list[float] = []

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with httpx.Client(timeout=120) as client:
            while not self._stop.wait(0.1):
                self.peak_rss_mb = max(self.peak_rss_mb, _rss_mb(self._pid))
                start = time.perf_counter()
                client.get(f"{self._base}/health")
                self.health_ms.append((time.perf_counter() - start) * 1000)


# --- one case --------------------------------------------------------------------------------


def _wait_completed(client: httpx.Client, job_id: str) -> str:
    deadline = time.monotonic() + JOB_DEADLINE
    while time.monotonic() < deadline:
        status = client.get(f"/api/status/{job_id}").json()
        if status["status"] in ("completed", "failed"):
            return str(status["status"])
        time.sleep(0.2)
    return "timed out"


def _load_page(base: str, path: str) -> tuple[float, int]:
    start = time.perf_counter()
    response = httpx.get(f"{base}{path}", timeout=600)
    return time.perf_counter() - start, len(response.content)


def run_case(case: Case, app_dir: Path, workdir: Path) -> Figures:
    content = case.content()
    figures = Figures(case.name, len(content))
    with (
        serving(app_dir, workdir / f"{case.key}.db") as (base, pid),
        httpx.Client(base_url=base, timeout=600) as client,
        Sampler(base, pid) as sampler,
    ):
        start = time.perf_counter()
        response = client.post(
            "/api/analyze/upload",
            data=case.fields,
            files={"file": ("export", content, "application/octet-stream")},
        )
        figures.upload_s = time.perf_counter() - start
        figures.upload_status = response.status_code
        if response.status_code not in (200, 202):
            figures.message = str(response.json()["error"]["message"])
            figures.job_health_max_ms = max(sampler.health_ms, default=None)
            figures.peak_rss_mb = sampler.peak_rss_mb
            return figures
        job_id = response.json()["job_id"]
        outcome = _wait_completed(client, job_id)
        figures.job_s = time.perf_counter() - start
        figures.job_health_max_ms = max(sampler.health_ms, default=None)
        if outcome != "completed":
            figures.message = f"job {outcome}"
            figures.peak_rss_mb = sampler.peak_rss_mb
            return figures
        figures.report_bytes = len(client.get(f"/api/report/{job_id}").content)
        before = len(sampler.health_ms)
        with ThreadPoolExecutor(PAGE_LOADS) as pool:
            loads = list(pool.map(lambda _: _load_page(base, f"/reports/{job_id}"), range(3)))
        # Include the poll that was waiting when the loads ended: it may be the slowest.
        deadline = time.monotonic() + 600
        while len(sampler.health_ms) <= before + 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        figures.page_s = max(seconds for seconds, _ in loads)
        figures.page_bytes = loads[0][1]
        figures.health_max_ms = max(sampler.health_ms[before:], default=None)
        figures.peak_rss_mb = sampler.peak_rss_mb
    return figures


def _size(value: int | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1e6:.2f} MB" if value >= 100_000 else f"{value / 1e3:.1f} kB"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _millis(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="checkout to serve")
    parser.add_argument("--cases", default="a,b,c", help="which files: a, b, c")
    args = parser.parse_args()
    chosen = [case for case in CASES if case.key in args.cases.split(",")]
    print(f"server: {args.app_dir.resolve()}  (cores: {os.cpu_count()}, shared)")
    print(
        f"{'file':<25}{'size':>9}{'upload':>20}{'job':>9}{'health':>10}{'report':>10}"
        f"{'page':>10}{'3 loads':>9}{'health':>10}{'peak RSS':>10}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for case in chosen:
            f = run_case(case, args.app_dir, Path(tmp))
            upload = f"{f.upload_status} in {f.upload_s:.2f} s"
            print(
                f"{f.case:<25}{_size(f.file_bytes):>9}{upload:>20}{_seconds(f.job_s):>9}"
                f"{_millis(f.job_health_max_ms):>10}{_size(f.report_bytes):>10}"
                f"{_size(f.page_bytes):>10}{_seconds(f.page_s):>9}"
                f"{_millis(f.health_max_ms):>10}{f.peak_rss_mb:>7,.0f} MB",
                flush=True,
            )
            if f.message:
                print(f"  {f.message}")
    print(
        "job: upload to completed report; health: slowest /health (polled every 100 ms) during "
        "the job, then during the three parallel page loads; 3 loads: the slowest of them; "
        "peak RSS: server and analysis processes."
    )


if __name__ == "__main__":
    main()
