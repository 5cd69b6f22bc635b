"""The batch command's parts without a server: the progress views on a (forced) terminal and
in a pipe, and the stream reader's resume with Last-Event-ID over real HTTP."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from rich.console import Console

from webapp.client.api import ApiClient
from webapp.client.batch_progress import (
    ROW_BARS_MAX,
    OverallBar,
    PlainLines,
    RowBars,
    batch_view,
)
from webapp.client.sse import follow

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def rows(count: int) -> list[dict[str, Any]]:
    """A batch's answer: `count` lines with a job and one bad line."""
    good = [
        {"line": n, "handle": f"creator{n}", "platform": "tiktok", "job_id": f"job{n}"}
        for n in range(1, count + 1)
    ]
    return [*good, {"line": count + 1, "input": "bad!", "handle": None, "job_id": None}]


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=120), out


def progress(done: int, total: int, percent: int) -> dict[str, Any]:
    counts = {"pending": 0, "processing": total - done, "completed": done, "failed": 0}
    return {"total": total, "percent": percent, "counts": counts}


def row(line: int, status: str, verdict: str | None = None) -> dict[str, Any]:
    return {"line": line, "status": status, "phase": "Analysis", "percent": 50, "score": 71.4,
            "verdict": verdict, "message": "Scoring"}  # fmt: skip


def test_a_small_batch_gets_a_bar_per_line() -> None:
    console, out = terminal()
    view = batch_view(console, rows(ROW_BARS_MAX))
    assert isinstance(view, RowBars)
    view.row(row(2, "completed", "review"))
    view.close(None)
    text = ANSI.sub("", out.getvalue())
    assert "@creator1 (TikTok)" in text
    assert f"@creator{ROW_BARS_MAX} (TikTok)" in text
    assert "bad!" not in text, "a bad line gets no bar"
    assert re.search(r"@creator2 \(TikTok\)\s+Completed .* 50%", text)


def test_a_large_batch_gets_one_bar_with_counts_and_verdicts() -> None:
    console, out = terminal()
    view = batch_view(console, rows(ROW_BARS_MAX + 1))
    assert isinstance(view, OverallBar)
    view.progress(progress(0, 21, 10))
    view.row(row(1, "completed", "recommended"))
    view.row(row(2, "completed", "avoid"))
    view.row(row(2, "completed", "avoid"))  # a repeat (after a reconnection) counts once
    view.progress(progress(2, 21, 40))
    view.close(None)
    last = ANSI.sub("", out.getvalue()).splitlines()[-1]
    assert "Batch" in last
    assert "40%" in last
    assert "2 of 21 done, 19 running, 0 queued · 1 Recommended, 1 Avoid" in last


def test_a_pipe_gets_a_line_per_10_percent_and_per_finished_line() -> None:
    out = io.StringIO()
    view = batch_view(Console(file=out, width=200), rows(3))
    assert isinstance(view, PlainLines)
    for percent in (0, 5, 12, 19):
        view.progress(progress(0, 3, percent))
    view.row(row(1, "processing"))
    view.row(row(1, "completed", "recommended"))
    view.row(row(1, "completed", "recommended"))
    view.progress(progress(1, 3, 35))
    final = {"rows": [*rows(3)[:2], {**rows(3)[2], "status": "failed", "error_code": "private",
             "error_message": "It is private."}]}  # fmt: skip
    final["rows"][1] |= {"status": "completed", "score": 40, "verdict": "avoid"}
    view.close(final)
    assert out.getvalue().splitlines() == [
        "Batch   0%  0 of 3 done, 3 running, 0 queued",
        "Batch  12%  0 of 3 done, 3 running, 0 queued",
        "line 1  @creator1 (TikTok)  completed  score 71  Recommended",
        "Batch  35%  1 of 3 done, 2 running, 0 queued · 1 Recommended",
        # Lines that had ended before the stream was joined, from the final status:
        "line 2  @creator2 (TikTok)  completed  score 40  Avoid",
        "line 3  @creator3 (TikTok)  failed (private): It is private.",
    ]


class _Stream(BaseHTTPRequestHandler):
    """First connection: one event with an id, then the connection drops. Later ones: the
    final event. Records the Last-Event-ID of every request."""

    seen: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        self.seen.append(self.headers.get("Last-Event-ID"))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        if len(self.seen) == 1:
            body = "retry: 10\n\nid: 7\nevent: row\ndata: {}\n\n"
        else:
            body = "id: 8\nevent: end\ndata: {}\n\n"
        self.wfile.write(body.encode())
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def stream_server() -> Iterator[str]:
    _Stream.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stream)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_follow_resumes_with_the_last_event_id(stream_server: str) -> None:
    reasons: list[str] = []
    with ApiClient(stream_server) as client:
        events = list(
            follow(
                client,
                "/api/batches/b/events",
                is_final=lambda event: event.event == "end",
                on_reconnect=reasons.append,
            )
        )
    assert [(e.event, e.id) for e in events] == [("row", "7"), ("end", "8")]
    assert _Stream.seen == [None, "7"]
    assert reasons == ["the server closed the stream (restarting?)"]
