"""The batch pages: the form for a list of accounts, and a batch's live table with its stream.

The table's rows come from the same `BatchState` as the JSON status; the stream sends the
same `_batch_row.html` cells (event `row-<line>`) and `_batch_progress.html` (event
`batch-progress`) the page includes, then `END_EVENT`. One stream follows every job of the
batch; rows the page already shows as they are (unchanged since it was rendered: `since`)
are not sent again when it connects.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sse_starlette import ServerSentEvent
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from webapp.batches.state import BatchState, ProgressWatch
from webapp.clock import isoformat, parse_iso
from webapp.errors import AppError, NoValidRows
from webapp.jobs.hub import JobEvent
from webapp.limits import count_job
from webapp.models import JobStatus, Platform
from webapp.routes.batch_body import MAX_BATCH_BYTES, batch_from_form, read_batch_form
from webapp.routes.batch_view import BatchRowView, ProgressView
from webapp.routes.event_stream import EventStreamResponse, StreamEndpoint
from webapp.routes.forms import read_form
from webapp.routes.origin import require_same_origin
from webapp.routes.upload_body import is_multipart
from webapp.state import AppState, app_state
from webapp.templating import END_EVENT

_END = ServerSentEvent(data="done", event=END_EVENT).encode()
PROGRESS_EVENT = "batch-progress"


def _frame(event: str, data: str) -> bytes:
    return ServerSentEvent(data=data, event=event).encode()


def _fragment(state: AppState, name: str, **context: Any) -> str:
    return state.templates.get_template(name).render(context)


@dataclass(frozen=True, slots=True)
class BatchForm:
    text: str = ""
    platform: str = Platform.INSTAGRAM.value
    refresh: bool = False
    error: str | None = None
    error_field: str | None = None
    line_errors: list[Mapping[str, Any]] = field(default_factory=list)

    @classmethod
    def from_form(cls, data: FormData) -> BatchForm:
        text, platform = data.get("text"), data.get("platform")
        return cls(
            text=text if isinstance(text, str) else "",
            platform=platform if isinstance(platform, str) else Platform.INSTAGRAM.value,
            refresh=data.get("refresh") is not None,
        )

    def with_error(self, exc: AppError) -> BatchForm:
        details = exc.details
        lines = list(details) if isinstance(exc, NoValidRows) and isinstance(details, list) else []
        name = details.get("field") if isinstance(details, dict) else None
        return replace(
            self,
            error=exc.message,
            error_field=name if isinstance(name, str) else None,
            line_errors=lines,
        )


def _page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    return app_state(request).templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=headers
    )


async def new_batch_page(request: Request) -> Response:
    return _page(request, "batch_new.html", {"form": BatchForm(), "nav": "batch"})


async def submit_batch(request: Request) -> Response:
    require_same_origin(request)
    state = app_state(request)
    form = BatchForm()
    data: FormData | None = None
    try:
        if is_multipart(request):
            data = await read_batch_form(request)
        else:
            data = await read_form(request, MAX_BATCH_BYTES)
        form = BatchForm.from_form(data)
        await count_job(request)  # once the form is read, so a refusal shows what was typed
        body = await batch_from_form(data, allow_private=state.settings.webhook_allow_private)
        batch = await state.batches.create(
            body.rows, refresh=body.refresh, callback_url=body.callback_url
        )
    except AppError as exc:
        return _page(
            request,
            "batch_new.html",
            {"form": form.with_error(exc), "nav": "batch"},
            status_code=exc.status_code,
            headers=exc.headers,
        )
    finally:
        if data is not None:
            await data.close()
    return RedirectResponse(f"/batches/{batch.id}", status_code=303)


async def batch_page(request: Request) -> Response:
    state = app_state(request)
    batch = await state.batches.get(request.path_params["batch_id"])
    # Taken before the jobs are read: the stream skips what had not changed by then.
    stamp = isoformat(state.batches.now())
    view = await state.batches.state(batch)
    progress = view.progress()
    rows = [BatchRowView(row) for row in await asyncio.to_thread(view.rows)]
    stream_url = None
    if progress.status != "completed":
        stream_url = f"/batches/{batch.id}/stream?since={stamp}"
    context = {
        "batch": batch,
        "rows": [row for row in rows if row.job_id is not None],
        "bad_rows": [row for row in rows if row.job_id is None],
        "progress": ProgressView(progress),
        "stream_url": stream_url,
        "nav": "batch",
    }
    # 500 rows take ~100 ms to render: in a thread, the loop keeps the live streams moving.
    html = await asyncio.to_thread(state.templates.get_template("batch.html").render, context)
    return HTMLResponse(html)


def _since(request: Request) -> str | None:
    text = request.query_params.get("since", "")
    try:
        return isoformat(parse_iso(text)) if text else None
    except ValueError:
        return None  # not a time: send every row


async def batch_stream(request: Request) -> Response | EventStreamResponse:
    state = app_state(request)
    batches = state.batches
    batch = await batches.get(request.path_params["batch_id"])
    since = _since(request)
    stream = await batches.open_stream(batch)
    view = BatchState(batch, {event.job_id: event for event in stream.current}, {})
    watch = ProgressWatch(view)

    def progress_frames() -> bytes:
        frames = b""
        if (progress := watch.changed()) is not None:
            html = _fragment(state, "_batch_progress.html", progress=ProgressView(progress))
            frames += _frame(PROGRESS_EVENT, html)
        if watch.just_ended():
            frames += _END
        return frames

    if view.ended:
        stream.close()
        return Response(progress_frames(), media_type="text/event-stream")

    async def render(event: JobEvent) -> bytes:
        if event.restarting:
            return b""  # no end event: the browser reconnects and gets the rows again
        if since is not None and event.updated_at < since:
            view.update(event)  # the page shows this state already
            return progress_frames()
        summary = None
        if event.status is JobStatus.COMPLETED:
            summary = await batches.summary(event.job_id)
        view.update(event, summary)
        frames = [
            _frame(
                f"row-{row.line}",
                _fragment(state, "_batch_row.html", row=BatchRowView(view.row(row))),
            )
            for row in view.lines.get(event.job_id, ())
        ]
        return b"".join(frames) + progress_frames()

    return EventStreamResponse(stream, render)


routes = [
    Route("/batches/new", new_batch_page, methods=["GET"]),
    Route("/batches", submit_batch, methods=["POST"]),
    Route("/batches/{batch_id}/stream", StreamEndpoint(batch_stream), methods=["GET"]),
    Route("/batches/{batch_id}", batch_page, methods=["GET"]),
]
