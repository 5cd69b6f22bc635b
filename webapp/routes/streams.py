"""Live job events for API clients: SSE per job, SSE for many jobs, and WebSocket per job.

Every stream sends the current state first, then changes, then the terminal event, and closes.
On shutdown it sends a `restarting` event and closes; EventSource clients reconnect by
themselves (the `retry:` hint) and get the current state again.
"""

from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from webapp.digits import parse_digits
from webapp.errors import InvalidInput, NotFound, TooManyRequests
from webapp.jobs.job import is_job_id
from webapp.jobs.stream import JobStream
from webapp.limits import client_of
from webapp.routes.event_stream import EventStreamResponse, StreamEndpoint
from webapp.state import AppState, app_state

logger = logging.getLogger(__name__)


async def _open(state: AppState, job_ids: list[str] | None) -> JobStream:
    return await state.service.open_stream(job_ids)


async def job_events(request: Request) -> Response | EventStreamResponse:
    state = app_state(request)
    job_id = request.path_params["job_id"]
    stream = await _open(state, [job_id])
    last_seen = request.headers.get("last-event-id", "")
    current = stream.current[0]
    seen = parse_digits(last_seen)
    if current.terminal and seen is not None and seen >= current.seq:
        # The client already has the final event: 204 tells EventSource to stop reconnecting.
        stream.close()
        return Response(status_code=204)
    return EventStreamResponse(stream)


async def all_events(request: Request) -> Response | EventStreamResponse:
    state = app_state(request)
    job_ids = request.query_params.getlist("job_id") or None
    if job_ids is not None:
        malformed = [job_id for job_id in job_ids if not is_job_id(job_id)]
        if malformed:
            raise InvalidInput(
                f"{malformed[0][:64]!r} is not a job id.",
                details=[{"field": "job_id", "message": "not a job id"}],
            )
    return EventStreamResponse(await _open(state, job_ids))


async def job_websocket(websocket: WebSocket) -> None:
    state = app_state(websocket)
    client = client_of(websocket.scope)
    try:
        state.limits.streams.take(client)
    except TooManyRequests as exc:
        await _refuse(websocket, exc)
        return
    try:
        await _follow_job(websocket, state)
    finally:
        state.limits.streams.give_back(client)


async def _refuse(websocket: WebSocket, error: TooManyRequests) -> None:
    """Before the handshake: a 429 with Retry-After where the server can send one, else a
    policy-violation close (1008)."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        response = JSONResponse(error.body(), error.status_code, headers=error.headers)
        await websocket.send_denial_response(response)
    else:
        await websocket.close(code=1008, reason=error.message[:120])


async def _follow_job(websocket: WebSocket, state: AppState) -> None:
    try:
        stream = await _open(state, [websocket.path_params["job_id"]])
    except NotFound as exc:
        await websocket.accept()
        await websocket.close(code=4404, reason=exc.message[:120])
        return
    await websocket.accept()

    async def send_all() -> None:
        close_code = 1000
        async for event in stream.events():
            await websocket.send_text(event.json)
            if event.restarting:
                close_code = 1012  # service restart: reconnect
        await websocket.close(code=close_code)

    async def until_client_leaves() -> None:
        # Clients send nothing we use; reading is how a close is noticed at once, instead
        # of at the job's next event (the subscription would stay until then).
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    sender = asyncio.create_task(send_all())
    watcher = asyncio.create_task(until_client_leaves())
    try:
        await asyncio.wait((sender, watcher), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sender, watcher):
            task.cancel()
        results = await asyncio.gather(sender, watcher, return_exceptions=True)
        stream.close()
    for result in results:
        if isinstance(result, Exception) and not isinstance(
            result, WebSocketDisconnect | RuntimeError
        ):
            raise result


routes = [
    Route("/api/jobs/{job_id}/events", StreamEndpoint(job_events), methods=["GET"]),
    Route("/api/events", StreamEndpoint(all_events), methods=["GET"]),
    WebSocketRoute("/api/jobs/{job_id}/ws", job_websocket),
]
