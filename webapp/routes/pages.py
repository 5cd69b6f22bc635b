"""The browser pages: the analysis form, a job's live page, recent jobs and the report permalink.

Pages include the same fragments (`_form.html`, `_progress.html`, `_message.html`,
`_report.html`, `_job_row.html`) that the HTML event streams send, so a live swap and a reload
render identical markup. The live streams are in page_streams.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from webapp.clock import isoformat
from webapp.errors import (
    AppError,
    JobFailed,
    JobNotFinished,
)
from webapp.limits import count_job
from webapp.models import JobStatus, Platform, ReportResponse
from webapp.report_view import VERDICT_LABELS, report_view
from webapp.routes.forms import AnalyzeForm, read_form
from webapp.routes.job_filters import filter_form
from webapp.routes.job_view import STATUS_LABELS, view_of
from webapp.routes.origin import require_same_origin
from webapp.routes.share import share_url
from webapp.routes.upload_body import file_bytes, is_multipart, read_upload_form, upload_request
from webapp.state import AppState, app_state

logger = logging.getLogger(__name__)

RECENT_JOBS = 50
VARY = {"Vary": "HX-Request"}


# --- rendering helpers ---------------------------------------------------------------------------


def _is_htmx(request: Request) -> bool:
    # Only htmx's own requests carry it: base.html turns it off for history restores.
    return request.headers.get("hx-request") == "true"


def _page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    templates = app_state(request).templates
    return templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=headers
    )


# The other page modules (compare, accounts) render through the same helper.
page = _page


def fragment(state: AppState, name: str, **context: Any) -> str:
    return state.templates.get_template(name).render(context)


# A report (up to ~0.7 MB of JSON, limits.py) takes milliseconds to parse and tens of them to
# render as a page: both run in a thread, so the event loop keeps serving polls and streams.


async def load_report(state: AppState, job_id: str) -> ReportResponse:
    text = await state.service.report_json(job_id)
    return await asyncio.to_thread(ReportResponse.model_validate_json, text)


async def report_fragment(state: AppState, job_id: str) -> str:
    """The `_report.html` fragment of a completed job, parsed and rendered off the event loop."""
    text = await state.service.report_json(job_id)

    def render() -> str:
        report = ReportResponse.model_validate_json(text)
        return fragment(state, "_report.html", report_view=report_view(report))

    return await asyncio.to_thread(render)


async def _report_page(
    request: Request, name: str, report: ReportResponse | None, context: dict[str, Any]
) -> Response:
    """A page that shows `report` (when given): its view is built and the page rendered in a
    thread."""

    if report is None:
        return _page(request, name, {**context, "report_view": None})

    def render() -> Response:
        return _page(request, name, {**context, "report_view": report_view(report)})

    return await asyncio.to_thread(render)


# --- the form ------------------------------------------------------------------------------------


async def form_page(request: Request) -> Response:
    # The failure page links back here with the account filled in.
    handle = request.query_params.get("handle", "")[:2048]
    platform = request.query_params.get("platform", "")
    if platform not in {p.value for p in Platform}:
        platform = Platform.INSTAGRAM.value
    form = AnalyzeForm(handle=handle, platform=platform)
    return _page(request, "index.html", {"form": form, "nav": "new"})


async def submit(request: Request) -> Response:
    require_same_origin(request)
    state = app_state(request)
    form = AnalyzeForm()
    data: FormData | None = None
    try:
        # With a file chosen the browser sends multipart; the upload then replaces scraping.
        if is_multipart(request):
            data = await read_upload_form(request, state.settings)
        else:
            data = await read_form(request, state.settings.max_body_bytes)
        form = AnalyzeForm.from_form(data)
        # Counted once the form is read, so a refusal shows what was typed.
        await count_job(request)
        upload = await file_bytes(data, state.settings.max_upload_bytes)
        if upload is None:
            submission = await state.service.submit(form.to_request())
        else:
            submission = await state.service.submit_upload(upload_request(data, upload))
    except AppError as exc:
        # Every error here has a message a marketer can act on: show it next to what they typed.
        form = form.with_error(exc)
        headers = {**exc.headers, **VARY}
        if _is_htmx(request):
            return _page(
                request, "_form.html", {"form": form}, status_code=exc.status_code, headers=headers
            )
        return _page(
            request,
            "index.html",
            {"form": form, "nav": "new"},
            status_code=exc.status_code,
            headers=headers,
        )
    finally:
        if data is not None:
            await data.close()
    url = f"/jobs/{submission.job.id}"
    if submission.deduplicated:
        url += "?existing=1"
    if _is_htmx(request):
        # A redirect would be followed inside the XHR; ask htmx to navigate instead.
        return Response(status_code=200, headers={"HX-Redirect": url, **VARY})
    return RedirectResponse(url, status_code=303, headers=VARY)


# --- a job -------------------------------------------------------------------------------------


async def job_page(request: Request) -> Response:
    state = app_state(request)
    job = await state.service.job(request.path_params["job_id"])
    report = await load_report(state, job.id) if job.status is JobStatus.COMPLETED else None
    view = view_of(job)
    return await _report_page(
        request,
        "job.html",
        report,
        {
            "view": view,
            "existing": request.query_params.get("existing") == "1",
            "stream_url": f"/jobs/{job.id}/stream",
        },
    )


# --- recent jobs -------------------------------------------------------------------------------


async def jobs_page(request: Request) -> Response:
    state = app_state(request)
    form = filter_form(request.query_params)
    # One query: score, verdict and demo flag are on the job rows; no report is read.
    jobs = await state.service.search_jobs(form.where, RECENT_JOBS)
    views = [view_of(job) for job in jobs]
    unfinished = [view.id for view in views if not view.finished]
    stream_url = "/jobs/stream?" + urlencode([("job_id", i) for i in unfinished])
    return _page(
        request,
        "jobs.html",
        {
            "views": views,
            "stream_url": stream_url if unfinished else None,
            "nav": "jobs",
            "filters": form,
            "verdicts": VERDICT_LABELS,
            "statuses": STATUS_LABELS,
            "limit": RECENT_JOBS,
        },
    )


# --- the report permalink ------------------------------------------------------------------------


async def report_page(request: Request) -> Response:
    state = app_state(request)
    job = await state.service.job(request.path_params["job_id"])
    try:
        report = await load_report(state, job.id)
    except (JobNotFinished, JobFailed) as exc:
        return _page(
            request,
            "report_unavailable.html",
            {"view": view_of(job), "reason": exc.message},
            status_code=exc.status_code,
        )
    view = view_of(job)
    context = {
        "view": view,
        "share_url": await share_url(request, job.id),
        "expires_at": isoformat(job.expires_at) if job.expires_at else None,
    }
    return await _report_page(request, "report.html", report, context)


routes = [
    Route("/", form_page, methods=["GET"]),
    Route("/", submit, methods=["POST"]),
    Route("/jobs", jobs_page, methods=["GET"]),
    Route("/jobs/{job_id}", job_page, methods=["GET"]),
    Route("/reports/{job_id}", report_page, methods=["GET"]),
]
