"""`python -m webapp analyze HANDLE --platform P`: submit, follow the live progress, print the
verdict (or the report JSON with --json).

Exit status: 0 completed, 1 the analysis failed, 2 bad usage or a request the server refused
(4xx), 3 server unreachable or unavailable (5xx), 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from rich.console import Console

from webapp.client.api import ApiClient, ClientError, ServerUnavailable, server_url
from webapp.client.progress import ProgressView, QuietView, progress_view
from webapp.client.sse import SseEvent, follow
from webapp.client.summary import DEMO_LABEL, print_summary

PLATFORMS = ("instagram", "tiktok", "youtube")
EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server",
        help="the server's URL (default: WEBAPP_SERVER, else http://127.0.0.1:8000)",
    )
    parser.add_argument(
        "--api-key",
        help="sent as 'Authorization: Bearer KEY' (default: WEBAPP_API_KEY)",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="no progress on stderr, only the result"
    )


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "analyze",
        help="analyse an account on a running server, with live progress",
        description=(
            "Submit an account to a running server, show its progress, then print the verdict, "
            "score and top reasons. Exit status: 0 completed, 1 the analysis failed, 2 bad "
            "usage or refused by the server, 3 server unreachable, 130 interrupted."
        ),
    )
    parser.add_argument("handle", help="handle, @handle or profile URL")
    parser.add_argument("--platform", "-p", choices=PLATFORMS, default="instagram")
    parser.add_argument(
        "--refresh", action="store_true", help="run again even if a recent report exists"
    )
    parser.add_argument(
        "--json", action="store_true", help="print the report JSON on stdout (and nothing else)"
    )
    add_connection_arguments(parser)


def is_final(event: SseEvent) -> bool:
    return event.event in ("completed", "failed")


def follow_job(
    client: ApiClient, job_id: str, label: str, view: ProgressView
) -> dict[str, Any] | None:
    """Show the job's events until it ends; its final event (None if the stream ended first)."""
    last: dict[str, Any] | None = None
    for event in follow(
        client,
        f"/api/jobs/{job_id}/events",
        is_final=is_final,
        on_reconnect=lambda reason: view.notice(f"Reconnecting: {reason}"),
    ):
        if event.event == "restarting":
            view.notice("The server is restarting; waiting to reconnect.")
            continue
        data = event.json()
        view.update(job_id, label, data)
        last = data
    return last


def run(args: argparse.Namespace) -> int:
    out = Console(soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    view: ProgressView = QuietView()
    job_id: str | None = None
    try:
        base = server_url(args.server)
        api_key = args.api_key or os.environ.get("WEBAPP_API_KEY") or None
        with ApiClient(base, api_key=api_key) as client:
            accepted = client.post_json(
                "/api/analyze",
                {"handle": args.handle, "platform": args.platform, "refresh": args.refresh},
            )
            job_id = str(accepted["job_id"])
            if not args.quiet:
                how = "an existing analysis" if accepted.get("deduplicated") else "analysis"
                err.print(
                    f"Following {how} {job_id} of {args.handle} on {args.platform}",
                    markup=False,
                    highlight=False,
                )
                view = progress_view(err)
            final = follow_job(client, job_id, "", view)
            view.close()
            if final is None:  # the stream ended at once: ask for the state
                final = client.get_json(f"/api/status/{job_id}")
            if final.get("status") == "failed":
                err.print(
                    f"Analysis failed ({final.get('error_code') or 'unknown'}): "
                    f"{final.get('error_message') or final.get('message', '')}",
                    style="bold red",
                    markup=False,
                    highlight=False,
                )
                return EXIT_FAILED
            if final.get("status") != "completed":
                raise ServerUnavailable(
                    f"The stream ended before the analysis did (job {job_id} is "
                    f"{final.get('status')}); follow it at {base}/jobs/{job_id}"
                )
            if args.json:
                body = client.get_text(f"/api/report/{job_id}")
                sys.stdout.write(body.rstrip("\n") + "\n")
                if is_demo(body):  # labelled on stderr: stdout stays the JSON alone
                    err.print(DEMO_LABEL, style="bold magenta", markup=False, highlight=False)
                return 0
            report = client.get_json(f"/api/report/{job_id}")
            print_summary(out, report, f"{base}/reports/{job_id}")
            return 0
    except ClientError as exc:
        view.close()
        err.print(f"webapp analyze: {exc.message}", style="red", markup=False, highlight=False)
        return exc.exit_code
    except KeyboardInterrupt:
        view.close()
        where = f" (job {job_id})" if job_id else ""
        err.print(f"Interrupted; the analysis goes on on the server{where}.", markup=False)
        return EXIT_INTERRUPTED


def is_demo(body: str) -> bool:
    try:
        return json.loads(body).get("is_demo") is True
    except (ValueError, AttributeError):
        return False
