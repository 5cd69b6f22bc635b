"""`python -m webapp batch FILE`: send a list of accounts as one batch, follow it live, print
the results table (or the batch's JSON or CSV).

A file named `*.csv` is uploaded as the CSV form (`file`: a `handle,platform` header, or
handle and platform columns); anything else, stdin included, is sent as pasted text: a handle,
@handle, profile URL or `handle,platform` a line. Bad lines are the server's to judge: it
answers each with its error and starts the rest.

Exit status: 0 every line completed; 1 some lines failed (or expired) or were refused; 2 bad
usage, an unreadable or empty file, or a request the server refused (4xx, a batch with no good
line among them); 3 server unreachable or unavailable (5xx); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from webapp.client.analyze import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    PLATFORMS,
    add_connection_arguments,
)
from webapp.client.api import (
    ApiClient,
    ClientError,
    ServerRefused,
    ServerUnavailable,
    UsageError,
    server_url,
)
from webapp.client.batch_progress import BatchView, QuietView, batch_view
from webapp.client.batch_table import print_results
from webapp.client.sse import follow

# Where stdout is not a terminal, the table is laid out this wide rather than rich's 80
# columns, so a row stays one line in a file or a pipe.
PIPE_WIDTH = 200
NAME = "webapp batch"


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "batch",
        help="analyse a list of accounts on a running server, with live progress",
        description=(
            "Send a list of accounts (a CSV file with handle,platform, or a text file with a "
            "handle or profile URL a line; - for stdin) as one batch, show its progress, then "
            "print a table of the results, best first. Exit status: 0 every line completed, "
            "1 some lines failed or were refused, 2 bad usage or refused by the server, "
            "3 server unreachable, 130 interrupted."
        ),
    )
    parser.add_argument("file", help="a .csv file (handle,platform), a text file, or - (stdin)")
    parser.add_argument(
        "--platform",
        "-p",
        choices=PLATFORMS,
        default="instagram",
        help="the platform of lines that name none and are not profile URLs (default instagram)",
    )
    parser.add_argument(
        "--refresh", action="store_true", help="run again even where recent reports exist"
    )
    output = parser.add_mutually_exclusive_group()
    output.add_argument(
        "--json",
        action="store_true",
        help="print the batch's final JSON (GET /api/batches/{id}) on stdout, nothing else",
    )
    output.add_argument(
        "--csv", action="store_true", help="print the batch's CSV export on stdout, nothing else"
    )
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="send the batch, print its id and page URL (with --json: the server's answer), exit",
    )
    add_connection_arguments(parser)


def read_list(path: str) -> tuple[str, bytes]:
    """The file's name and bytes; a missing, unreadable or blank file is a usage error."""
    if path == "-":
        name, data = "stdin", sys.stdin.buffer.read()
    else:
        name = path
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise UsageError(f"No such file: {path}") from None
        except OSError as exc:
            raise UsageError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise UsageError(f"{name} is empty: write one handle or profile URL a line.")
    return name, data


def send(client: ApiClient, name: str, data: bytes, args: argparse.Namespace) -> dict[str, Any]:
    """POST /api/batches: a .csv file as the CSV upload, other text as pasted lines."""
    if name.lower().endswith(".csv"):
        form = {"platform": args.platform}
        if args.refresh:
            form["refresh"] = "on"
        files = {"file": (Path(name).name, data, "text/csv")}
        return dict(client.post_multipart("/api/batches", files, form))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{name} is not UTF-8 text (byte {exc.start + 1}); save it as UTF-8."
        ) from None
    body = {"text": text, "platform": args.platform, "refresh": args.refresh}
    return dict(client.post_json("/api/batches", body))


def bad_line(row: dict[str, Any]) -> str:
    """A refused line, from the batch's answer or a no_valid_rows error's details."""
    error = row.get("error") or row  # details carry code and message at the top
    return (
        f"Line {row.get('line')} not analysed ({error.get('code')}): {row.get('input', '')!r}: "
        f"{error.get('message')}"
    )


def report_bad_lines(err: Console, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row.get("error") is not None or row.get("code") is not None:
            err.print(bad_line(row), style="yellow", markup=False, highlight=False)


def follow_batch(client: ApiClient, batch_id: str, view: BatchView) -> None:
    """Show the batch's events until its `end` (reconnecting as `analyze` does)."""
    for event in follow(
        client,
        f"/api/batches/{batch_id}/events",
        is_final=lambda event: event.event == "end",
        on_reconnect=lambda reason: view.notice(f"Reconnecting: {reason}"),
    ):
        if event.event == "restarting":
            view.notice("The server is restarting; waiting to reconnect.")
        elif event.event == "row":
            view.row(event.json())
        elif event.event in ("progress", "end"):
            view.progress(event.json())


def outcome(batch: dict[str, Any]) -> int:
    counts = batch.get("counts") or {}
    if batch.get("rejected") or counts.get("failed") or counts.get("expired"):
        return EXIT_FAILED
    return 0


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True, soft_wrap=True)
    view: BatchView = QuietView()
    batch_id: str | None = None
    try:
        if args.no_wait and args.csv:
            raise UsageError("--csv prints the finished batch: leave out --no-wait.")
        base = server_url(args.server)
        name, data = read_list(args.file)
        api_key = args.api_key or os.environ.get("WEBAPP_API_KEY") or None
        with ApiClient(base, api_key=api_key) as client:
            try:
                accepted = send(client, name, data, args)
            except ServerRefused as exc:
                if exc.code == "no_valid_rows" and isinstance(exc.details, list):
                    report_bad_lines(err, exc.details)
                raise
            batch_id = str(accepted["batch_id"])
            batch_url = f"{base}/batches/{batch_id}"
            rows: list[dict[str, Any]] = accepted.get("rows", [])
            report_bad_lines(err, rows)
            if args.no_wait:
                if args.json:
                    sys.stdout.write(json.dumps(accepted) + "\n")
                else:
                    sys.stdout.write(f"{batch_id}\n{batch_url}\n")
                return EXIT_FAILED if accepted.get("rejected") else 0
            if not args.quiet:
                err.print(
                    f"Following batch {batch_id}: {accepted.get('accepted')} lines to analyse, "
                    f"{accepted.get('rejected')} refused",
                    markup=False,
                    highlight=False,
                )
                view = batch_view(err, rows)
            follow_batch(client, batch_id, view)
            body = client.get_text(f"/api/batches/{batch_id}")
            try:
                final = json.loads(body)
            except ValueError:
                raise ServerUnavailable(f"The server at {base} did not answer JSON.") from None
            view.close(final)
            if final.get("status") != "completed":
                raise ServerUnavailable(
                    f"The stream ended before the batch did (batch {batch_id} is "
                    f"{final.get('status')}); follow it at {batch_url}"
                )
            if args.json:
                sys.stdout.write(body.rstrip("\n") + "\n")
            elif args.csv:
                sys.stdout.write(client.get_text(f"/api/batches/{batch_id}.csv"))
            else:
                out = Console() if sys.stdout.isatty() else Console(width=PIPE_WIDTH)
                print_results(out, final, batch_url)
            return outcome(final)
    except ClientError as exc:
        view.close(None)
        err.print(f"{NAME}: {exc.message}", style="red", markup=False, highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        view.close(None)
        where = f" (batch {batch_id})" if batch_id else ""
        err.print(f"Interrupted; the batch goes on on the server{where}.", markup=False)
        return EXIT_INTERRUPTED
