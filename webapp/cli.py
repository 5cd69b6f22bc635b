"""Command line: `python -m webapp serve --host H --port P`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from webapp.settings import Settings, SettingsError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="webapp", description="Social profile analyzer")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the web app and the JSON API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"webapp: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "serve":
        import uvicorn

        uvicorn.run(
            "webapp.app:create_app",
            factory=True,
            host=args.host,
            port=args.port,
            timeout_graceful_shutdown=10,
            log_level=settings.log_level.lower(),
        )
    return 0
