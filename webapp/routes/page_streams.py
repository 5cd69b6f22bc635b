"""The pages' live streams: the same job streams as the API's, sent as HTML fragments.

A job page gets its progress block and message on every change, the report when it is ready,
then `END_EVENT`, on which the page closes its EventSource. The recent-jobs page gets one row
per change (event `job-<id>`) and `END_EVENT` once every job it follows has ended. On shutdown
they send no end event, so the browser reconnects by itself and gets the current state again.
"""

from __future__ import annotations

import asyncio

from markupsafe import escape
from sse_starlette import ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.errors import AppError, InvalidInput, NotFound
from webapp.jobs.hub import JobEvent
from webapp.jobs.job import Job, is_job_id
from webapp.models import JobStatus, ReportResponse
from webapp.report_view import report_view
from webapp.routes.event_stream import EventStreamResponse, StreamEndpoint
from webapp.routes.job_view import JobView
from webapp.routes.pages import RECENT_JOBS, fragment
from webapp.state import AppState, app_state
from webapp.templating import END_EVENT

_END = ServerSentEvent(data="done", event=END_EVENT).encode()
_RESTARTING = ServerSentEvent(
    data="The server is restarting; this page reconnects by itself.", event="message"
).encode()


def _frame(event: str, data: str) -> bytes:
    return ServerSentEvent(data=data, event=event).encode()


async def job_stream(request: Request) -> Response | EventStreamResponse:
    state = app_state(request)
    job = await state.service.job(request.path_params["job_id"])
    stream = await state.service.open_stream([job.id])

    async def render(event: JobEvent) -> bytes:
        if event.restarting:
            return _RESTARTING
        # Every stream of this job sends the same frames for the same state: render them once.
        return await state.frames.get(
            (job.id, event.seq), lambda: _job_page_frames(state, job, event)
        )

    return EventStreamResponse(stream, render)


async def _job_page_frames(state: AppState, job: Job, event: JobEvent) -> bytes:
    """The frames of one state; they depend only on the event and on what never changes in
    the job (its id and account)."""
    view = JobView(job, event)
    frames = [
        _frame("progress", fragment(state, "_progress.html", view=view)),
        _frame("message", fragment(state, "_message.html", view=view)),
    ]
    if event.status is JobStatus.COMPLETED:
        try:
            body = await state.service.report_json(job.id)
        except AppError as exc:  # expired between the event and the read
            frames.append(_frame("message", str(escape(exc.message))))
        else:
            # ~10 ms of parsing and rendering for a full report: off the event loop, which
            # keeps serving requests and streams meanwhile.
            frames.append(await asyncio.to_thread(_report_frame, state, body))
    if event.terminal:
        frames.append(_END)
    return b"".join(frames)


def _report_frame(state: AppState, report_json: str) -> bytes:
    view = report_view(ReportResponse.model_validate_json(report_json))
    return _frame("report", fragment(state, "_report.html", report_view=view))


async def jobs_stream(request: Request) -> Response | EventStreamResponse:
    state = app_state(request)
    job_ids = request.query_params.getlist("job_id")
    if len(job_ids) > RECENT_JOBS or not all(is_job_id(job_id) for job_id in job_ids):
        raise InvalidInput(f"Give up to {RECENT_JOBS} job ids.")
    jobs: dict[str, Job] = {}
    for job_id in dict.fromkeys(job_ids):
        try:
            jobs[job_id] = await state.service.job(job_id)
        except NotFound:
            continue  # expired since the page was rendered: its row simply stops updating
    if not jobs:
        return Response(_END, media_type="text/event-stream")
    stream = await state.service.open_stream(list(jobs))
    following = {event.job_id for event in stream.current if not event.terminal}

    async def render(event: JobEvent) -> bytes:
        if event.restarting:
            return b""  # no end event: the browser reconnects and gets the rows again
        # The event carries the verdict and the failure reason: no report is read per row.
        view = JobView(jobs[event.job_id], event)
        row = _frame(f"job-{event.job_id}", fragment(state, "_job_row.html", view=view))
        if event.terminal:
            following.discard(event.job_id)
        return row + (_END if not following else b"")

    return EventStreamResponse(stream, render)


routes = [
    Route("/jobs/stream", StreamEndpoint(jobs_stream), methods=["GET"]),
    Route("/jobs/{job_id}/stream", StreamEndpoint(job_stream), methods=["GET"]),
]
