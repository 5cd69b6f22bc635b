"""The JSON API: submit an analysis (or an upload), poll its status, fetch the report, health."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import cast

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from webapp.errors import InvalidInput
from webapp.jobs.service import Health, Submission
from webapp.limits import count_job
from webapp.models import AnalyzeAccepted, AnalyzeRequest, HealthResponse, ReportResponse
from webapp.openapi import scrape_result_schema_document
from webapp.report_csv import csv_filename, posts_csv
from webapp.routes.body import read_model
from webapp.routes.share import pdf_response
from webapp.routes.upload_body import file_bytes, read_upload_form, upload_request
from webapp.state import AppState, app_state
from webapp.webhooks.callback_url import check_callback_url

logger = logging.getLogger(__name__)


def json_response(model: BaseModel, status_code: int = 200, **headers: str) -> Response:
    return Response(
        model.model_dump_json(),
        status_code=status_code,
        media_type="application/json",
        headers=headers or None,
    )


async def analyze(request: Request) -> Response:
    state = app_state(request)
    await count_job(request)
    body = await read_model(request, AnalyzeRequest, limit=state.settings.max_body_bytes)
    check_callback_url(body.callback_url, allow_private=state.settings.webhook_allow_private)
    return _accepted(await state.service.submit(body))


def _accepted(submission: Submission) -> Response:
    accepted = AnalyzeAccepted(job_id=submission.job.id, deduplicated=submission.deduplicated)
    return json_response(
        accepted,
        200 if submission.deduplicated else 202,
        Location=f"/api/status/{submission.job.id}",
    )


async def analyze_upload(request: Request) -> Response:
    state = app_state(request)
    await count_job(request)
    form = await read_upload_form(request, state.settings)
    try:
        data = await file_bytes(form, state.settings.max_upload_bytes)
        if data is None:
            raise InvalidInput(
                "Attach the file (field 'file'): a ScrapeResult JSON file or a CSV of posts.",
                details={"field": "file"},
            )
        submission = await state.service.submit_upload(upload_request(form, data))
    finally:
        await form.close()
    return _accepted(submission)


async def scrape_result_schema(request: Request) -> Response:
    return JSONResponse(scrape_result_schema_document())


Answer = Callable[[AppState, Scope], Awaitable[tuple[int, bytes]]]


class _BareJson:
    """A polled route as a bare ASGI app (Starlette serves an object as one; a function it
    would wrap as a request handler): no Request object and no per-route exception wrapper (the
    app's exception middleware still answers a NotFound in the error shape), so a poll costs
    little more than a bare endpoint returning the same bytes."""

    def __init__(self, answer: Answer) -> None:
        self._answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status_code, body = await self._answer(cast(AppState, scope["state"]["app"]), scope)
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _status(state: AppState, scope: Scope) -> tuple[int, bytes]:
    return 200, await state.service.status_json(scope["path_params"]["job_id"])


status = _BareJson(_status)


async def report(request: Request) -> Response:
    state = app_state(request)
    body = await state.service.report_json(request.path_params["job_id"])
    return Response(body, media_type="application/json")


async def report_csv(request: Request) -> Response:
    state = app_state(request)
    body = await state.service.report_json(request.path_params["job_id"])
    # Up to 500 posts to parse and write: milliseconds that belong off the event loop.
    text, filename = await asyncio.to_thread(_csv_of, body)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def report_pdf(request: Request) -> Response:
    state = app_state(request)
    body = await state.service.report_json(request.path_params["job_id"])
    report = ReportResponse.model_validate_json(body)
    link = str(request.base_url).rstrip("/") + f"/reports/{report.job_id}"
    return await pdf_response(report, link, {})


def _csv_of(report_json: str) -> tuple[str, str]:
    report = ReportResponse.model_validate_json(report_json)
    return posts_csv(report), csv_filename(report)


async def _health(state: AppState, scope: Scope) -> tuple[int, bytes]:
    health = await state.service.health()
    if health.problem is not None:
        logger.warning("Health check failed: %s", health.problem)
    lag = tuple(state.loop_lag.summary_ms().items())
    return 200 if health.problem is None else 503, _health_body(health, lag)


health = _BareJson(_health)


# Polled hard, /health mostly says the same thing: the body is encoded once per distinct answer
# (the lag summary changes once a second, the counts when jobs move).
@functools.lru_cache(maxsize=16)
def _health_body(health: Health, lag: tuple[tuple[str, float], ...]) -> bytes:
    body = HealthResponse(
        status="ok" if health.problem is None else "unavailable",
        store=health.problem or "ok",
        active_jobs=health.running + health.waiting,
        queued_jobs=health.waiting,
        subscribers=health.subscribers,
        loop_lag_ms=dict(lag),
    )
    return body.model_dump_json().encode()


routes = [
    # The most polled first: routing tries each route's pattern in turn.
    Route("/api/status/{job_id}", status, methods=["GET"]),
    Route("/health", health, methods=["GET"]),
    Route("/api/analyze", analyze, methods=["POST"]),
    Route("/api/analyze/upload", analyze_upload, methods=["POST"]),
    Route("/schemas/scrape-result.json", scrape_result_schema, methods=["GET"]),
    # Before the JSON route, whose {job_id} would also match "<id>.csv".
    Route("/api/report/{job_id}.csv", report_csv, methods=["GET"]),
    Route("/api/report/{job_id}.pdf", report_pdf, methods=["GET"]),
    Route("/api/report/{job_id}", report, methods=["GET"]),
]
