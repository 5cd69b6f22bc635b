"""The JSON API: submit an analysis, poll its status, fetch its report, check health."""

from __future__ import annotations

import logging
from typing import Literal

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.jobs.store import StoreError
from webapp.models import AnalyzeAccepted, AnalyzeRequest, HealthResponse
from webapp.routes.body import read_model
from webapp.state import AppState, app_state

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
    body = await read_model(request, AnalyzeRequest, limit=state.settings.max_body_bytes)
    submission = await state.service.submit(body)
    accepted = AnalyzeAccepted(job_id=submission.job.id, deduplicated=submission.deduplicated)
    return json_response(
        accepted,
        200 if submission.deduplicated else 202,
        Location=f"/api/status/{submission.job.id}",
    )


async def status(request: Request) -> Response:
    state = app_state(request)
    job = await state.service.job(request.path_params["job_id"])
    return json_response(job.to_status(state.runner.max_attempts))


async def report(request: Request) -> Response:
    state = app_state(request)
    body = await state.service.report_json(request.path_params["job_id"])
    return Response(body, media_type="application/json")


async def health(request: Request) -> Response:
    state = app_state(request)
    try:
        await state.store.ping()
    except StoreError as exc:
        logger.warning("Health check failed: %s", exc)
        return json_response(_health(state, "unavailable", str(exc)), 503)
    return json_response(_health(state, "ok", "ok"))


def _health(state: AppState, status: Literal["ok", "unavailable"], store: str) -> HealthResponse:
    return HealthResponse(
        status=status,
        store=store,
        active_jobs=state.tracker.active_count,
        queued_jobs=state.tracker.pending_count,
        subscribers=state.hub.subscribers,
        loop_lag_ms=state.loop_lag.summary_ms(),
    )


routes = [
    Route("/api/analyze", analyze, methods=["POST"]),
    Route("/api/status/{job_id}", status, methods=["GET"]),
    Route("/api/report/{job_id}", report, methods=["GET"]),
    Route("/health", health, methods=["GET"]),
]
