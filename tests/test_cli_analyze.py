"""`python -m webapp analyze` as a user runs it: a real subprocess against a real server."""

from __future__ import annotations

import json
import re
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_process import Running, run_cli

from webapp.client.sse import SseEvent, parse_events

from conftest import ServerProcess

pytestmark = pytest.mark.slow

STAGES = ["Queued", "Scraping", "Analysis", "Finalizing", "Completed"]


def analyze(
    *args: str, server: str | None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return run_cli("analyze", *args, server=server, timeout=timeout)


@pytest.fixture
def server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    # A short demo delay: progress still passes through the phases, quickly.
    started = server_factory(WEBAPP_DEMO_DELAY_SECONDS="0.6")
    started.start()
    return started


def progress_lines(stderr: str) -> list[tuple[str, int]]:
    """(stage, percent) of each plain progress line, such as `Analysis    45%  Scoring`."""
    lines = []
    for line in stderr.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in STAGES and words[1].endswith("%"):
            lines.append((words[0], int(words[1].rstrip("%"))))
    return lines


def stages_of(stderr: str) -> list[str]:
    return [stage for stage, _ in progress_lines(stderr)]


def test_completes_with_verdict_score_and_reasons(server: ServerProcess) -> None:
    result = analyze("demo.pod", "--platform", "tiktok", server=server.base_url)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0] == "DEMO DATA: synthetic figures, not the real account's."
    assert "demo.pod on TikTok" in out
    assert "Verdict: Avoid" in out
    assert re.search(r"Score: \d+/100", out)
    assert "Vetoes (avoid whatever the score):\n  - Engagement pod: over 40 % of comments" in out
    assert "Top reasons:\n  1. " in out
    assert f"Report: {server.base_url}/reports/" in out
    assert "Traceback" not in result.stderr


def test_progress_lines_are_in_order(server: ServerProcess) -> None:
    result = analyze("demo.authentic", "--platform", "youtube", server=server.base_url)
    assert result.returncode == 0, result.stderr
    stages = stages_of(result.stderr)
    # Not a terminal: plain lines, no bar drawing.
    assert "\x1b[" not in result.stderr
    assert "\r" not in result.stderr
    assert stages[0] in ("Queued", "Scraping")
    assert stages[-1] == "Completed"
    assert "Scraping" in stages
    assert [STAGES.index(s) for s in stages] == sorted(STAGES.index(s) for s in stages)
    percents = [percent for _, percent in progress_lines(result.stderr)]
    assert percents == sorted(percents)
    assert percents[-1] == 100


def test_json_prints_the_report_alone_on_stdout(server: ServerProcess) -> None:
    result = analyze("demo.brand", "--json", server=server.base_url)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)  # nothing else on stdout
    assert report["handle"] == "demo.brand"
    assert report["is_demo"] is True
    assert report["score"]["verdict"] in ("recommended", "review", "avoid")
    # Progress and the demo label went to stderr.
    assert "Completed  100%" in result.stderr
    assert "DEMO DATA" in result.stderr


def test_a_failing_job_exits_1_with_its_code_and_message(server: ServerProcess) -> None:
    result = analyze("demo.notfound", server=server.base_url)
    assert result.returncode == 1
    assert "Analysis failed (not_found): No Instagram account @demo.notfound exists" in (
        result.stderr
    )
    assert result.stdout == ""


def test_a_bad_handle_exits_2_with_the_servers_message(server: ServerProcess) -> None:
    result = analyze("no spaces!", "--platform", "instagram", server=server.base_url)
    assert result.returncode == 2
    assert "'no spaces!' is not a valid Instagram handle" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_usage_exits_2() -> None:
    assert analyze("demo.pod", "--platform", "myspace", server=None).returncode == 2
    result = analyze("demo.pod", server="ftp://example.com")
    assert result.returncode == 2
    assert "--server must be an http:// or https:// URL" in result.stderr


def test_server_down_exits_3_without_a_traceback(free_port: int) -> None:
    result = analyze("demo.pod", server=f"http://127.0.0.1:{free_port}")
    assert result.returncode == 3
    assert f"Cannot reach the server at http://127.0.0.1:{free_port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_exits_130_without_a_traceback(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory(WEBAPP_DEMO_DELAY_SECONDS="30")
    server.start()
    cli = Running("analyze", "demo.rising", "--server", server.base_url)
    cli.wait_for_line("Scraping")
    cli.process.send_signal(signal.SIGINT)
    code, stdout, stderr = cli.finish()
    assert code == 130
    assert "Interrupted; the analysis goes on on the server (job " in stderr
    assert "Traceback" not in stderr
    assert stdout == ""


def test_reconnects_across_a_server_restart(
    server_factory: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    first = server_factory(WEBAPP_DEMO_DELAY_SECONDS="4")
    first.start()
    cli = Running("analyze", "demo.authentic", "--server", first.base_url)
    cli.wait_for_line("Scraping")
    assert first.stop()  # the job stays `processing` on disk and resumes at the next start
    second = server_factory(WEBAPP_DEMO_DELAY_SECONDS="0.5")  # same port, same database
    second.start()
    code, stdout, stderr = cli.finish()
    assert code == 0, stderr
    assert "Reconnecting" in stderr or "restarting" in stderr
    assert "Verdict: Recommended" in stdout
    assert stages_of(stderr)[-1] == "Completed"


def test_sse_parser_follows_the_format() -> None:
    retries: list[int] = []
    lines = [
        "retry: 2000",
        ": ping",
        "id: 3",
        "event: progress",
        'data: {"a":',
        "data: 1}",
        "",
        "data:no space",
        "",
        "id: 4",
        "",  # no data: not dispatched, but the id is kept
        "event: completed",
        "data: {}",
        "",
    ]
    events = list(parse_events(lines, retries.append))
    assert retries == [2000]
    assert events == [
        SseEvent("progress", '{"a":\n1}', "3"),
        SseEvent("message", "no space", "3"),
        SseEvent("completed", "{}", "4"),
    ]
