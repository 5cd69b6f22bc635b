"""Status polling against a bare Starlette endpoint, all figures from one run on this machine.

Servers, started side by side and loaded one at a time, in turns (`--rounds`):
  * bare: bench/bare_status.py, one Starlette route answering the same JSON bytes the app's
    status route answers, under uvicorn with the same loop and parser, no access log;
  * the app as `make run` starts it (`python -m webapp serve`, default settings);
  * the app with the access log on (WEBAPP_ACCESS_LOG=1) and with WEBAPP_LOG_LEVEL=WARNING.
Each server's output goes to a file, as it would to a log collector. The app's job is active
(a demo delay of 600 s keeps it scraping), the case a polling client hits.

Targets: status >= 0.9 x bare; /health >= 0.8 x status.

Load: wrk (one thread) when installed, else the in-repo asyncio load generator (bench/loadgen.py,
which needs far more CPU per request, so its figures are lower and its ratios closer to 1).
Other programs on this machine share its CPU: compare the ratios, measured in the same run.

Usage: .venv/bin/python bench/status_vs_bare.py [--seconds 2] [--rounds 5] [--app-dir DIR]
  (--app-dir: run another checkout's webapp package, e.g. the base commit's, for a before/after)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

# Run as a script, so this folder is on sys.path and its helpers import by name.
from loadgen import get, run_load
from server import free_port, serving

HERE = Path(__file__).parent
CONNECTIONS = 32
# (label, extra environment) of each app server; the first is `make run`'s.
APP_CONFIGS = [
    ("app as `make run` starts it", {"WEBAPP_LOG_LEVEL": "INFO"}),
    ("app, WEBAPP_ACCESS_LOG=1", {"WEBAPP_LOG_LEVEL": "INFO", "WEBAPP_ACCESS_LOG": "1"}),
    ("app, WEBAPP_LOG_LEVEL=WARNING", {"WEBAPP_LOG_LEVEL": "WARNING"}),
]


@dataclass
class Figure:
    rate: float  # requests per second
    p99_ms: float
    errors: int


def _json(port: int, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def _raw(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return bytes(response.read())


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _wrk(port: int, path: str, seconds: float) -> Figure:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{CONNECTIONS}",
            f"-d{max(1, round(seconds))}s",
            "--latency",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if rate is None or p99 is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors is not None:
        print(f"  wrk socket errors on {path}: {socket_errors.group(1)}", file=sys.stderr)
    return Figure(
        float(rate.group(1)),
        float(p99.group(1)) * _UNITS[p99.group(2)],
        int(errors.group(1)) if errors else 0,
    )


async def _loadgen(port: int, path: str, seconds: float) -> Figure:
    request = get(path)
    result = await run_load(port, lambda _: request, connections=CONNECTIONS, seconds=seconds)
    errors = sum(count for status, count in result.statuses.items() if status != 200)
    return Figure(result.rate, result.percentile(0.99) * 1000, errors)


async def measure(tool: str, port: int, path: str, seconds: float) -> Figure:
    if tool == "wrk":
        return await asyncio.to_thread(_wrk, port, path, seconds)
    return await _loadgen(port, path, seconds)


@contextmanager
def bare_server(body: bytes, workdir: Path) -> Iterator[int]:
    body_file = workdir / "status.json"
    body_file.write_bytes(body)
    port = free_port()
    with (workdir / "bare.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, str(HERE / "bare_status.py"), f"--port={port}", f"--body={body_file}"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _raw(port, "/api/status/x")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the bare server did not start") from None
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _median(figures: list[Figure]) -> Figure:
    return Figure(
        statistics.median(f.rate for f in figures),
        statistics.median(f.p99_ms for f in figures),
        sum(f.errors for f in figures),
    )


def _ratios(top: list[Figure], bottom: list[Figure]) -> list[float]:
    return [a.rate / b.rate for a, b in zip(top, bottom, strict=True)]


def _spread(ratios: list[float]) -> str:
    return f"{statistics.median(ratios):.2f} x ({min(ratios):.2f}-{max(ratios):.2f})"


def _line(name: str, figure: Figure) -> str:
    return (
        f"  {name:<44} {figure.rate:>9,.0f} req/s   p99 {figure.p99_ms:6.2f} ms"
        f"   non-2xx: {figure.errors}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=5, help="turns over every server")
    parser.add_argument("--app-dir", type=Path, default=HERE.parent, help="checkout to serve")
    parser.add_argument("--tool", choices=["auto", "wrk", "loadgen"], default="auto")
    args = parser.parse_args()
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "loadgen"
    print(
        f"machine: {platform.machine()}, Python {platform.python_version()}, load: {tool}, "
        f"{CONNECTIONS} keep-alive connections, client and servers on the same host; "
        f"app from {args.app_dir.resolve()}; median of {args.rounds} rounds of "
        f"{args.seconds:g} s"
    )
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        ports: dict[str, int] = {}
        job_paths: dict[str, str] = {}
        for index, (label, env) in enumerate(APP_CONFIGS):
            ports[label] = stack.enter_context(
                serving(
                    workdir / f"app{index}.db",
                    cwd=args.app_dir,
                    output=workdir / f"app{index}.log",
                    WEBAPP_DEMO_DELAY_SECONDS="600",
                    **env,
                )
            )
            job = _json(ports[label], "/api/analyze", {"handle": "bench.status"})
            job_paths[label] = f"/api/status/{job['job_id']}"
        first = APP_CONFIGS[0][0]
        body = _raw(ports[first], job_paths[first])
        bare = stack.enter_context(bare_server(body, workdir))
        print(f"status body: {len(body)} bytes")

        targets = [("bare Starlette endpoint, same JSON", bare, "/api/status/x")]
        for label, _env in APP_CONFIGS:
            targets.append((f"{label}: status", ports[label], job_paths[label]))
            targets.append((f"{label}: /health", ports[label], "/health"))
        for _name, port, path in targets:  # warm up every server and route
            await measure(tool, port, path, 1)
        runs: dict[str, list[Figure]] = {name: [] for name, _, _ in targets}
        for _ in range(args.rounds):
            for name, port, path in targets:
                runs[name].append(await measure(tool, port, path, args.seconds))

    # Ratios are taken within each round (its servers were loaded seconds apart, under the
    # same background load), then the median and range over the rounds are shown.
    figures = {name: _median(found) for name, found in runs.items()}
    bare_name = targets[0][0]
    print(_line(bare_name, figures[bare_name]))
    results: dict[str, object] = {"tool": tool, "bare_rps": figures[bare_name].rate}
    for label, _env in APP_CONFIGS:
        status_name, health_name = f"{label}: status", f"{label}: /health"
        print(_line(status_name, figures[status_name]))
        print(_line(health_name, figures[health_name]))
        over_bare = _ratios(runs[status_name], runs[bare_name])
        over_status = _ratios(runs[health_name], runs[status_name])
        print(
            f"  {'':<44} status / bare {_spread(over_bare)} (target >= 0.9), "
            f"health / status {_spread(over_status)} (target >= 0.8)"
        )
        results[label] = {
            "status_rps": figures[status_name].rate,
            "status_p99_ms": figures[status_name].p99_ms,
            "health_rps": figures[health_name].rate,
            "health_p99_ms": figures[health_name].p99_ms,
            "status_over_bare": statistics.median(over_bare),
            "health_over_status": statistics.median(over_status),
        }
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "status_vs_bare.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
