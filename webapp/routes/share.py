"""Read-only share links: `/share/{token}` (the report without the app around it) and
`/share/{token}.pdf` (its one-page summary). See webapp/sharing.py for the token.

A token this server never issued answers 404; one whose report has expired answers 410 with a
page that says so. Neither page links into the app, and neither is for search engines.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.clock import isoformat
from webapp.errors import AppError, NotFound
from webapp.jobs.job import Job
from webapp.models import ReportResponse
from webapp.report_pdf import find_font_dir, pdf_filename, summary_pdf
from webapp.report_view import report_view
from webapp.routes.job_view import view_of
from webapp.state import AppState, app_state

logger = logging.getLogger(__name__)

# No search engine indexing, no Referer carrying the token to the sites the report links to,
# and no shared cache keeping a copy.
SHARE_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}


class ShareGone(Exception):
    def __init__(self, status_code: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.title = title
        self.message = message


async def share_url(request: Request, job_id: str) -> str:
    """The absolute read-only link of a job's report."""
    links = await app_state(request).share.links()
    return str(request.base_url).rstrip("/") + f"/share/{links.token(job_id)}"


async def _shared(state: AppState, token: str) -> tuple[Job, ReportResponse]:
    job_id = (await state.share.links()).job_id(token)
    if job_id is None:
        raise ShareGone(
            404,
            "No such shared report",
            "This link is not one this service gave out. Check that it was copied whole.",
        )
    try:
        job = await state.service.job(job_id)
        report = ReportResponse.model_validate_json(await state.service.report_json(job_id))
    except NotFound:
        hours = state.settings.job_ttl_seconds / 3600
        raise ShareGone(
            410,
            "This shared report has expired",
            f"Reports are kept for {hours:g} hours after they are made, and this one is gone. "
            "Ask the person who sent the link for a new one.",
        ) from None
    except AppError:
        # Only completed reports are shared; anything else is not there to show.
        raise ShareGone(
            404, "No such shared report", "There is no finished report behind this link."
        ) from None
    return job, report


def _gone(request: Request, exc: ShareGone) -> Response:
    return app_state(request).templates.TemplateResponse(
        request,
        "share_gone.html",
        {"title": exc.title, "message": exc.message},
        status_code=exc.status_code,
        headers=SHARE_HEADERS,
    )


async def share_page(request: Request) -> Response:
    state = app_state(request)
    token = request.path_params["token"]
    try:
        job, report = await _shared(state, token)
    except ShareGone as exc:
        return _gone(request, exc)
    # The job id opens the app's own pages: keep it out of the shared page (chart ids use it).
    anonymous = report.model_copy(update={"job_id": "shared"})
    return state.templates.TemplateResponse(
        request,
        "share.html",
        {
            "view": view_of(job),
            "report_view": report_view(anonymous),
            "share_page_url": str(request.url),
            "expires_at": isoformat(job.expires_at) if job.expires_at else None,
            "share_pdf_url": f"/share/{token}.pdf",
        },
        headers=SHARE_HEADERS,
    )


async def share_pdf(request: Request) -> Response:
    state = app_state(request)
    token = request.path_params["token"]
    try:
        _, report = await _shared(state, token)
    except ShareGone as exc:
        return _gone(request, exc)
    link = str(request.base_url).rstrip("/") + f"/share/{token}"
    return await pdf_response(report, link, SHARE_HEADERS)


async def pdf_response(report: ReportResponse, link: str, headers: dict[str, str]) -> Response:
    # Laying out and embedding the font takes a few hundred ms: off the event loop.
    body = await asyncio.to_thread(summary_pdf, report, link=link, font_dir=find_font_dir())
    return Response(
        body,
        media_type="application/pdf",
        headers={
            **headers,
            "Content-Disposition": f'attachment; filename="{pdf_filename(report)}"',
        },
    )


routes = [
    # Before the page: its {token} would also match "<token>.pdf".
    Route("/share/{token}.pdf", share_pdf, methods=["GET"]),
    Route("/share/{token}", share_page, methods=["GET"]),
]
