"""`python -m webapp batch` as a user runs it: a real subprocess against a real server."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_process import Running, run_cli

from conftest import ServerProcess

pytestmark = pytest.mark.slow

# Six accounts, a bad line and one that fails; the header is line 1.
CREATORS = """handle,platform
demo.brand,instagram
demo.pod,tiktok
bad handle!,instagram
demo.notfound,instagram
demo.authentic,youtube
demo.dormant,youtube
demo.rising,tiktok
"""
VERDICT_RANK = {"Recommended": 0, "Review first": 1, "Avoid": 2}


def batch(
    *args: str, server: str | None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return run_cli("batch", *args, server=server, stdin=stdin, timeout=90)


@pytest.fixture
def server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    started = server_factory(WEBAPP_DEMO_DELAY_SECONDS="0.6")
    started.start()
    return started


def batch_id_of(stdout: str) -> str:
    found = re.search(r"/batches/([0-9a-f-]{36})", stdout)
    assert found, stdout
    return found.group(1)


def api_batch(server: ServerProcess, batch_id: str) -> dict[str, Any]:
    response = httpx.get(f"{server.base_url}/api/batches/{batch_id}", timeout=10)
    assert response.status_code == 200
    return dict(response.json())


def table_rows(stdout: str) -> list[list[str]]:
    """The result table's rows: cells split on runs of 3+ spaces (the table's gutters)."""
    rows = []
    for line in stdout.splitlines():
        cells = re.split(r" {3,}", line.strip())
        if cells[0].isdigit() and len(cells) >= 6:
            rows.append(cells)
    return rows


def test_csv_with_a_bad_line_and_a_failure(server: ServerProcess, tmp_path: Path) -> None:
    path = tmp_path / "creators.csv"
    path.write_text(CREATORS)
    result = batch(str(path), "--refresh", server=server.base_url)

    assert result.returncode == 1, result.stderr  # a line refused and a line failed
    assert "Traceback" not in result.stderr
    assert (
        "Line 4 not analysed (invalid_handle): 'bad handle!,instagram': 'bad handle!' is not a "
        "valid Instagram handle." in result.stderr
    )
    out = result.stdout
    assert out.splitlines()[0] == "DEMO DATA: synthetic figures, not the real account's."
    assert "5 of 6 completed, 1 failed; 1 bad line not analysed." in out
    batch_id = batch_id_of(out)
    assert f"Batch: {server.base_url}/batches/{batch_id}" in out

    status = api_batch(server, batch_id)
    rows = table_rows(out)
    assert [int(cells[0]) for cells in rows if cells[3] == "Completed"] == [
        row["line"]
        for row in sorted(
            (r for r in status["rows"] if r["status"] == "completed"),
            key=lambda r: (["recommended", "review", "avoid"].index(r["verdict"]), -r["score"]),
        )
    ], "best first: by verdict, then score"
    by_line = {row["line"]: row for row in status["rows"]}
    assert len(rows) == 6
    assert 4 not in {int(cells[0]) for cells in rows}, "a bad line has no row in the table"
    for cells in rows:
        row = by_line[int(cells[0])]
        assert cells[1] == f"@{row['handle']}"
        if row["status"] == "completed":
            assert cells[4] == str(round(row["score"]))
            assert VERDICT_RANK[cells[5]] == ["recommended", "review", "avoid"].index(
                row["verdict"]
            )
            assert re.match(r"\d+\.\d\d % (below|within|above) ", cells[6]), cells
            assert re.match("[\\d.]+ % \\([\\d.]+\u2013[\\d.]+\\)", cells[7]), cells
            assert cells[8].startswith("$")
    failed = next(cells for cells in rows if int(cells[0]) == 5)
    assert failed[1:4] == ["@demo.notfound", "Instagram", "Failed (not_found)"]
    verdicts = [cells[5] for cells in rows if cells[3] == "Completed"]
    assert verdicts == sorted(verdicts, key=VERDICT_RANK.__getitem__)


def test_pipe_progress_is_plain_lines(server: ServerProcess, tmp_path: Path) -> None:
    path = tmp_path / "creators.csv"
    path.write_text(CREATORS)
    result = batch(str(path), "--refresh", server=server.base_url)
    err = result.stderr
    assert "\x1b[" not in err, "no bar drawing in a pipe"
    assert "\r" not in err
    finished = re.findall(r"^line (\d+)  (\S+) \((\w+)\)  (completed|failed)", err, re.M)
    # One line per finished row, never twice.
    assert sorted(int(line) for line, *_ in finished) == [2, 3, 5, 6, 7, 8]
    assert "line 5  @demo.notfound (Instagram)  failed (not_found): No Instagram account" in err
    assert re.search(r"^line 2  @demo\.brand \(Instagram\)  completed  score \d+  \w", err, re.M)
    percents = [int(p) for p in re.findall(r"^Batch +(\d+)%  ", err, re.M)]
    assert percents[-1] == 100
    steps = [p // 10 for p in percents]
    assert steps == sorted(set(steps)), "at most one line per 10 % step, in order"
    assert len(percents) >= 3
    assert "6 of 6 done (1 failed), 0 running, 0 queued · " in err


def test_json_prints_the_batch_as_the_api_has_it(server: ServerProcess) -> None:
    text = "demo.brand\n@demo.authentic\n"
    result = batch("-", "--json", "--platform", "youtube", server=server.base_url, stdin=text)
    assert result.returncode == 0, result.stderr  # every line completed
    printed = json.loads(result.stdout)  # nothing else on stdout
    assert printed == api_batch(server, printed["batch_id"])
    assert printed["status"] == "completed"
    assert [(r["handle"], r["platform"]) for r in printed["rows"]] == [
        ("demo.brand", "youtube"),
        ("demo.authentic", "youtube"),
    ], "--platform is the platform of lines that name none"
    assert "Batch 100%" in result.stderr  # progress went to stderr


def test_csv_prints_the_export(server: ServerProcess, tmp_path: Path) -> None:
    path = tmp_path / "list.txt"  # not .csv: sent as pasted lines
    path.write_text("demo.brand\ndemo.pod,tiktok\n")
    result = subprocess.run(  # bytes: the export's CRLF line ends must come through
        [sys.executable, "-m", "webapp", "batch", str(path), "--csv", "--server", server.base_url],
        capture_output=True,
        timeout=90,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = re.search(rb"Following batch ([0-9a-f-]{36})", result.stderr)
    assert found, result.stderr
    export = httpx.get(f"{server.base_url}/api/batches/{found.group(1).decode()}.csv", timeout=10)
    assert result.stdout == export.content
    assert result.stdout.startswith(b"line,input,platform,handle,job_id,")
    assert len(result.stdout.splitlines()) == 3


def test_quiet_prints_nothing_but_the_result(server: ServerProcess) -> None:
    result = batch("-", "--quiet", "--json", server=server.base_url, stdin="demo.brand\n")
    assert result.returncode == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)["counts"]["completed"] == 1


def test_no_wait_prints_the_id_and_url(server: ServerProcess) -> None:
    result = batch("-", "--no-wait", server=server.base_url, stdin="demo.rising,tiktok\n")
    assert result.returncode == 0, result.stderr
    batch_id, url = result.stdout.splitlines()
    assert url == f"{server.base_url}/batches/{batch_id}"
    assert api_batch(server, batch_id)["rows"][0]["handle"] == "demo.rising"


def test_no_good_line_exits_2_with_each_lines_error(server: ServerProcess) -> None:
    result = batch("-", server=server.base_url, stdin="bad one!\n\nmyspace.user,myspace\n")
    assert result.returncode == 2
    assert "Line 1 not analysed (invalid_handle): 'bad one!'" in result.stderr
    assert "Line 3 not analysed (invalid_platform): 'myspace.user,myspace'" in result.stderr
    assert "webapp batch: None of the lines is an account that can be analysed" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_and_empty_files_exit_2(tmp_path: Path) -> None:
    missing = batch(str(tmp_path / "nope.csv"), server=None)
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"webapp batch: No such file: {tmp_path / 'nope.csv'}"
    empty = tmp_path / "empty.csv"
    empty.write_text("\n  \n")
    result = batch(str(empty), server=None)
    assert result.returncode == 2
    assert "is empty: write one handle or profile URL a line." in result.stderr
    assert "Traceback" not in missing.stderr + result.stderr


def test_server_down_exits_3_without_a_traceback(free_port: int, tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    path.write_text("demo.brand\n")
    result = batch(str(path), server=f"http://127.0.0.1:{free_port}")
    assert result.returncode == 3
    assert f"Cannot reach the server at http://127.0.0.1:{free_port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_reconnects_across_a_server_restart(
    server_factory: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    path = tmp_path / "list.txt"
    path.write_text("demo.authentic\ndemo.brand\n")
    first = server_factory(WEBAPP_DEMO_DELAY_SECONDS="4")
    first.start()
    cli = Running("batch", str(path), "--server", first.base_url)
    cli.wait_for_line("Batch ")  # following the stream
    assert first.stop()  # the jobs stay `processing` on disk and resume at the next start
    second = server_factory(WEBAPP_DEMO_DELAY_SECONDS="0.5")  # same port, same database
    second.start()
    code, stdout, stderr = cli.finish()
    assert code == 0, stderr
    assert "Reconnecting" in stderr or "restarting" in stderr
    assert "2 of 2 completed, 0 failed." in stdout
    assert "Batch 100%  2 of 2 done, 0 running, 0 queued" in stderr


def test_ctrl_c_exits_130_and_names_the_batch(
    server_factory: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    server = server_factory(WEBAPP_DEMO_DELAY_SECONDS="30")
    server.start()
    path = tmp_path / "list.txt"
    path.write_text("demo.rising\n")
    cli = Running("batch", str(path), "--server", server.base_url)
    cli.wait_for_line("Following batch ")
    cli.process.send_signal(signal.SIGINT)
    code, stdout, stderr = cli.finish()
    assert code == 130
    assert re.search(
        r"Interrupted; the batch goes on on the server \(batch [0-9a-f-]{36}\)\.", stderr
    )
    assert "Traceback" not in stderr
    assert stdout == ""
