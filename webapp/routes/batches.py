"""The batch API: create a batch, read its status (JSON or CSV), follow it live (SSE)."""

from __future__ import annotations

import asyncio

from sse_starlette import ServerSentEvent
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.batches.batch import Batch
from webapp.batches.export import batch_csv, batch_filename
from webapp.batches.models import (
    BatchAccepted,
    BatchRowAccepted,
    BatchStatusResponse,
    LineErrorData,
)
from webapp.batches.state import BatchState, ProgressWatch
from webapp.clock import isoformat
from webapp.jobs.hub import JobEvent
from webapp.limits import count_job
from webapp.models import Platform, WebhookStatus
from webapp.routes.api import json_response
from webapp.routes.batch_body import read_batch
from webapp.routes.event_stream import EventStreamResponse, StreamEndpoint
from webapp.state import app_state
from webapp.webhooks.status import origin


async def create_batch(request: Request) -> Response:
    state = app_state(request)
    # A batch request counts as one job creation: its size is bounded by batch.MAX_ROWS and
    # by the queue's free room instead.
    await count_job(request)
    body = await read_batch(request)
    batch = await state.batches.create(
        body.rows, refresh=body.refresh, callback_url=body.callback_url
    )
    return json_response(accepted_of(batch), 202, Location=f"/api/batches/{batch.id}")


def accepted_of(batch: Batch) -> BatchAccepted:
    return BatchAccepted(
        batch_id=batch.id,
        rows=[
            BatchRowAccepted(
                line=row.line,
                input=row.input,
                platform=Platform(row.platform) if row.platform else None,
                handle=row.handle,
                job_id=row.job_id,
                deduplicated=row.deduplicated,
                error=LineErrorData(code=row.error.code, message=row.error.message)
                if row.error
                else None,
            )
            for row in batch.rows
        ],
        accepted=batch.accepted,
        rejected=batch.rejected,
    )


async def _state(request: Request) -> BatchState:
    batches = app_state(request).batches
    return await batches.state(await batches.get(request.path_params["batch_id"]))


def status_of(view: BatchState, webhooks: list[WebhookStatus]) -> BatchStatusResponse:
    batch = view.batch
    return BatchStatusResponse(
        **dict(view.progress()),
        created_at=isoformat(batch.created_at),
        expires_at=isoformat(batch.expires_at),
        callback_url=origin(batch.callback_url) if batch.callback_url else None,
        rows=view.rows(),
        webhooks=webhooks,
    )


async def batch_status(request: Request) -> Response:
    view = await _state(request)
    webhooks = await app_state(request).batches.webhooks(view.batch)
    # Building and encoding 500 rows takes tens of ms: in a thread, live streams keep moving.
    body = await asyncio.to_thread(lambda: status_of(view, webhooks).model_dump_json())
    return Response(body, media_type="application/json")


async def batch_export(request: Request) -> Response:
    view = await _state(request)
    filename = batch_filename(view.batch.id, view.is_demo)
    return Response(
        await asyncio.to_thread(lambda: batch_csv(view.rows())),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def frame(event: str, data: str) -> bytes:
    return ServerSentEvent(data=data, event=event).encode()


async def batch_events(request: Request) -> Response | EventStreamResponse:
    batches = app_state(request).batches
    batch = await batches.get(request.path_params["batch_id"])
    stream = await batches.open_stream(batch)
    view = BatchState(batch, {event.job_id: event for event in stream.current}, {})
    watch = ProgressWatch(view)

    def progress_frames() -> bytes:
        frames = b""
        if (progress := watch.changed()) is not None:
            frames += frame("progress", progress.model_dump_json())
        if watch.just_ended():
            frames += frame("end", view.progress().model_dump_json())
        return frames

    if view.ended:  # every job had ended (or expired) already
        stream.close()
        return Response(progress_frames(), media_type="text/event-stream")

    async def render(event: JobEvent) -> bytes:
        if event.restarting:
            return frame("restarting", event.message)  # no end: the client reconnects
        view.update(event)
        rows = [frame("row", data.model_dump_json()) for data in view.row_events(event)]
        return b"".join(rows) + progress_frames()

    return EventStreamResponse(stream, render)


routes = [
    Route("/api/batches", create_batch, methods=["POST"]),
    # Before the JSON route, whose {batch_id} would also match "<id>.csv".
    Route("/api/batches/{batch_id}.csv", batch_export, methods=["GET"]),
    Route("/api/batches/{batch_id}/events", StreamEndpoint(batch_events), methods=["GET"]),
    Route("/api/batches/{batch_id}", batch_status, methods=["GET"]),
]
