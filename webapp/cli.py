"""Command line: `python -m webapp serve --host H --port P`, `python -m webapp worker
[--concurrency N]` (with WEBAPP_REDIS_URL), `python -m webapp cluster` (Redis, web processes
and workers on one machine), `python -m webapp audience FILE` and `python -m webapp analyze
HANDLE` and `python -m webapp batch FILE` (clients of a running server: webapp/client/)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from webapp.client import analyze, batch
from webapp.pipeline.analysis.audience import audience_type
from webapp.pipeline.analysis.fake_account import THRESHOLD, fake_probability
from webapp.pipeline.scraping.result import AccountStub
from webapp.settings import Settings, SettingsError

# JSON Lines field -> AccountStub field, for `audience`; other fields (a label, say) are ignored.
AUDIENCE_FIELDS = {
    "username": "username",
    "full_name": "full_name",
    "biography": "bio",
    "followers": "followers",
    "following": "following",
    "posts": "posts",
    "has_profile_pic": "has_profile_pic",
    "is_private": "private",
    "external_url": "external_url",
}


class BadLine(ValueError):
    pass


def account_from_line(line: str) -> AccountStub:
    """One JSON Lines account as a stub; null text or flags read as empty or false."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except (ValueError, RecursionError):  # over 4,300 digits, or nested past the stack
        raise BadLine("not usable JSON (a number too long, or nesting too deep)") from None
    if not isinstance(data, dict):
        raise BadLine("expected a JSON object with a username")
    fields = {ours: data[theirs] for theirs, ours in AUDIENCE_FIELDS.items() if theirs in data}
    for text in ("full_name", "bio"):
        if fields.get(text) is None:
            fields.pop(text, None)
    if fields.get("private") is None:
        fields.pop("private", None)
    try:
        return AccountStub.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = next((k for k, v in AUDIENCE_FIELDS.items() if (v,) == error["loc"]), "account")
        raise BadLine(f"{where}: {error['msg']}") from None


def score_accounts(path: str) -> int:
    """`audience`: print one JSON object per account, or name the first bad line (exit 2).

    Every line is read before anything is printed, so a bad file prints no partial output.
    """
    try:
        if path == "-":
            lines = sys.stdin.read().splitlines()
        else:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"webapp audience: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    accounts: list[AccountStub] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue  # blank lines carry no account
        try:
            accounts.append(account_from_line(line))
        except BadLine as exc:
            name = "stdin" if path == "-" else path
            print(f"webapp audience: {name}, line {number}: {exc}", file=sys.stderr)
            return 2
    for stub in accounts:
        probability = fake_probability(stub)
        record = {
            "username": stub.username,
            # Four decimals: finer than any difference the model can justify.
            "fake_probability": round(probability, 4),
            "is_fake": probability >= THRESHOLD,
            "audience_type": audience_type(stub, probability).value,
        }
        print(json.dumps(record))
    return 0


async def stored_webhook_secret(settings: Settings) -> str:
    """WEBAPP_WEBHOOK_SECRET, else the one the store keeps (made now if none is yet)."""
    from webapp.jobs.redis_store import RedisStore
    from webapp.jobs.sqlite import SQLiteStore
    from webapp.jobs.store import Store
    from webapp.webhooks.signing import webhook_secret

    if settings.webhook_secret:
        return settings.webhook_secret
    store: Store = (
        RedisStore(settings.redis_url, ttl_seconds=settings.job_ttl_seconds)
        if settings.redis_url
        else SQLiteStore(settings.database)
    )
    await store.open()
    try:
        return await webhook_secret("", store)
    finally:
        await store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="webapp", description="Social profile analyzer")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the web app and the JSON API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    worker = commands.add_parser(
        "worker", help="run analyses from the Redis queue (needs WEBAPP_REDIS_URL)"
    )
    worker.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="jobs run at once by this process (default: WEBAPP_WORKER_CONCURRENCY, 16)",
    )
    cluster = commands.add_parser(
        "cluster",
        help="run redis-server, web processes and workers together on this machine",
    )
    cluster.add_argument("--host", default="127.0.0.1")
    cluster.add_argument("--port", type=int, default=8000, help="first web process's port")
    cluster.add_argument("--web", type=int, default=2, help="web processes (default 2)")
    cluster.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    cluster.add_argument(
        "--redis-port",
        type=int,
        default=6379,
        help="port of the redis-server it starts (none is started when WEBAPP_REDIS_URL is set)",
    )
    audience = commands.add_parser(
        "audience",
        help="score follower accounts from JSON Lines: fake probability, verdict, audience type",
    )
    audience.add_argument("file", help="JSON Lines file, one account per line; - for stdin")
    commands.add_parser(
        "webhook-secret",
        help="print the key that signs webhook deliveries, for receivers to verify them",
    )
    analyze.add_parser(commands)
    batch.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "analyze":
        # A client of a running server: none of the server's settings apply.
        return analyze.run(args)
    if args.command == "batch":
        return batch.run(args)
    if args.command == "audience":
        # Reads a file and prints: no settings and no logging set-up needed.
        return score_accounts(args.file)

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"webapp: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "webhook-secret":
        import asyncio

        print(asyncio.run(stored_webhook_secret(settings)))
        return 0
    if args.command == "cluster":
        if args.web < 1 or args.workers < 1:
            print("webapp cluster: --web and --workers must be at least 1", file=sys.stderr)
            return 2
        from webapp.cluster import run_cluster

        return run_cluster(
            host=args.host,
            port=args.port,
            web=args.web,
            workers=args.workers,
            redis_port=args.redis_port,
            environ=dict(os.environ),
        )
    if args.command == "worker":
        if not settings.redis_url:
            print(
                "webapp worker: set WEBAPP_REDIS_URL (e.g. redis://localhost:6379/0); without "
                "Redis, `webapp serve` runs the jobs itself",
                file=sys.stderr,
            )
            return 2
        if args.concurrency is not None and args.concurrency < 1:
            print("webapp worker: --concurrency must be at least 1", file=sys.stderr)
            return 2
        import asyncio

        from webapp.worker import run_worker

        asyncio.run(run_worker(settings, concurrency=args.concurrency))
        return 0
    if args.command == "serve":
        import uvicorn

        from webapp.http_protocol import WebappHttpProtocol

        uvicorn.run(
            "webapp.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            # Request-head deadline, keep-alive and connection cap from WEBAPP_* settings;
            # requests uvicorn cannot parse answered in the JSON error shape.
            http=WebappHttpProtocol,
            timeout_graceful_shutdown=10,
            log_level=settings.log_level.lower(),
            # The app writes its own, cheaper one when WEBAPP_ACCESS_LOG is on.
            access_log=False,
        )
    return 0
