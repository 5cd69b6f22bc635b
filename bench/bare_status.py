"""The baseline for bench/status_vs_bare.py: a bare Starlette app whose one route answers every
GET /api/status/{job_id} with the same JSON bytes, served by uvicorn as `webapp serve` serves
the app (same loop and HTTP parser: uvicorn's "auto", i.e. uvloop and httptools when installed),
with no access log.

Usage: python bench/bare_status.py --port P --body FILE
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def make_app(body: bytes) -> Starlette:
    async def status(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/api/status/{job_id}", status, methods=["GET"])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, required=True)
    args = parser.parse_args()
    app = make_app(args.body.read_bytes())
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
