"""An account's history: `/accounts/{platform}/{handle}` (HTML) and
`/api/accounts/{platform}/{handle}` (JSON), one handler for both."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.account_history import AccountHistoryResponse, history_charts, history_of
from webapp.errors import NotFound
from webapp.handles import normalise_handle, shown_handle
from webapp.models import Platform
from webapp.report_view import VERDICT_LABELS
from webapp.routes.api import json_response
from webapp.routes.pages import page
from webapp.state import app_state

# An account refreshed every few minutes for a day would have hundreds of jobs; the page lists
# the newest this many (its snapshots, one per completed job, are all kept and drawn).
ACCOUNT_JOBS = 100


async def _history(request: Request) -> AccountHistoryResponse:
    raw_platform = request.path_params["platform"]
    raw_handle = request.path_params["handle"]
    if raw_platform not in {p.value for p in Platform}:
        raise NotFound(
            f"No platform {raw_platform[:40]!r}: use instagram, tiktok or youtube, as in "
            "/accounts/instagram/natgeo."
        )
    platform = Platform(raw_platform)
    handle = normalise_handle(platform, raw_handle)
    service = app_state(request).service
    jobs = await service.account_jobs(platform, handle, ACCOUNT_JOBS)
    snapshots = await service.snapshots(platform, handle)
    if not jobs and not snapshots:
        raise NotFound(
            f"No analysis of {shown_handle(handle, platform)} on {platform.label} is kept. "
            "Analyse the account to start its history."
        )
    return history_of(platform, handle, jobs, snapshots)


async def account_page(request: Request) -> Response:
    history = await _history(request)
    return page(
        request,
        "account.html",
        {
            "history": history,
            "charts": history_charts(history),
            "verdict_labels": VERDICT_LABELS,
            "nav": "jobs",
        },
    )


async def account_api(request: Request) -> Response:
    return json_response(await _history(request))


routes = [
    Route("/accounts/{platform}/{handle}", account_page, methods=["GET"]),
    Route("/api/accounts/{platform}/{handle}", account_api, methods=["GET"]),
]
