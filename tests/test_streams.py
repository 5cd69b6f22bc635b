"""SSE and WebSocket streams against a real uvicorn server process."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import websockets

from conftest import ServerProcess, wait_until

# Job-core tests: each runs on SQLite and on Redis (with a SAQ worker).
BOTH_BACKENDS = True


PHASES = ["Scraping", "Analysis", "Finalizing"]
pytestmark = pytest.mark.slow


async def sse_events(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """Parse a text/event-stream into {id, event, data} dicts (comments skipped); a `retry`
    field sent on its own is attached to the next event."""
    fields: dict[str, Any] = {}
    async for line in response.aiter_lines():
        if line == "":
            if "data" in fields:
                fields["data"] = json.loads(fields["data"])
                yield fields
                fields = {}
            else:
                fields = {"retry": fields["retry"]} if "retry" in fields else {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


async def receive_until_closed(ws: websockets.ClientConnection) -> list[str]:
    """Every text message until the server closes the connection (10 s per message at most)."""
    messages: list[str] = []
    try:
        while True:
            messages.append(str(await asyncio.wait_for(ws.recv(), 10)))
    except websockets.ConnectionClosed:
        return messages


async def read_stream(
    client: httpx.AsyncClient, path: str, **headers: str | bytes
) -> list[dict[str, Any]]:
    async with client.stream("GET", path, headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return [event async for event in sse_events(response)]


def assert_progress_story(events: list[dict[str, Any]], final: str = "completed") -> None:
    datas = [event["data"] for event in events]
    seqs = [data["seq"] for data in datas]
    assert seqs == sorted(set(seqs)), "seq rises with every event"
    assert [event["id"] for event in events] == [str(seq) for seq in seqs]
    percents = [data["percent"] for data in datas]
    assert percents == sorted(percents), "percent never goes backwards"
    phases = [data["phase"] for data in datas]
    assert phases == sorted(phases, key=PHASES.index), "phases in order"
    assert events[-1]["event"] == final
    assert all(event["event"] == "progress" for event in events[:-1])


@pytest.fixture
def server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    server = server_factory(WEBAPP_DEMO_DELAY_SECONDS="1")
    server.start()
    return server


async def submit(client: httpx.AsyncClient, handle: str) -> str:
    response = await client.post("/api/analyze", json={"handle": handle})
    assert response.status_code == 202
    return str(response.json()["job_id"])


async def test_sse_sends_current_state_then_progress_then_the_end_and_closes(
    server: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        job_id = await submit(client, "sse.story")
        events = await read_stream(client, f"/api/jobs/{job_id}/events")
        status = (await client.get(f"/api/status/{job_id}")).json()
    assert events[0]["retry"] == "2000"
    assert_progress_story(events)
    assert len(events) >= 5, "the 1 s demo run shows several steps"
    assert events[-1]["data"]["percent"] == 100
    assert events[-1]["data"]["report_url"] == f"/api/report/{job_id}"
    assert events[-1]["data"]["seq"] == max(e["data"]["seq"] for e in events)
    # The stream and polling agree on the final state.
    assert status["status"] == "completed"
    assert status["updated_at"] == events[-1]["data"]["updated_at"]


async def test_websocket_sends_the_same_events_and_closes_with_1000(
    server: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        job_id = await submit(client, "ws.story")
    url = f"ws://127.0.0.1:{server.port}/api/jobs/{job_id}/ws"
    async with websockets.connect(url) as ws:
        messages = [json.loads(text) for text in await receive_until_closed(ws)]
        assert ws.close_code == 1000
    events = [
        {
            "id": str(m["seq"]),
            "event": "progress" if m["status"] in ("pending", "processing") else m["status"],
            "data": m,
        }
        for m in messages
    ]
    assert_progress_story(events)


async def test_reconnecting_with_last_event_id_gets_the_current_state_first(
    server: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        job_id = await submit(client, "sse.reconnect")
        async with client.stream("GET", f"/api/jobs/{job_id}/events") as response:
            first = await anext(sse_events(response))
        # Come back later claiming an old id: the current state comes first, whatever was missed.
        events = await read_stream(
            client, f"/api/jobs/{job_id}/events", **{"Last-Event-ID": first["id"]}
        )
        assert int(events[0]["id"]) >= int(first["id"])
        assert_progress_story(events)
        final_id = events[-1]["id"]
        # Reconnecting after the final event: 204, which tells EventSource to stop.
        again = await client.get(f"/api/jobs/{job_id}/events", headers={"Last-Event-ID": final_id})
        assert again.status_code == 204
        # An id that is no number (a superscript two, 5,000 digits) is ignored, not a 500.
        for odd in (b"\xb2", b"9" * 5000):
            events = await read_stream(
                client, f"/api/jobs/{job_id}/events", **{"Last-Event-ID": odd}
            )
            assert [e["event"] for e in events] == ["completed"]


async def test_late_subscriber_gets_the_final_state_at_once(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        job_id = await submit(client, "sse.late")
        await read_stream(client, f"/api/jobs/{job_id}/events")
        started = time.monotonic()
        events = await read_stream(client, f"/api/jobs/{job_id}/events")
        assert [e["event"] for e in events] == ["completed"]
        assert time.monotonic() - started < 2  # no waiting for pings or timeouts

        url = f"ws://127.0.0.1:{server.port}/api/jobs/{job_id}/ws"
        async with websockets.connect(url) as ws:
            assert json.loads(await ws.recv())["status"] == "completed"
            with pytest.raises(websockets.ConnectionClosedOK):
                await asyncio.wait_for(ws.recv(), 5)


async def test_unknown_jobs_get_404_and_4404(server: ServerProcess) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        response = await client.get(f"/api/jobs/{unknown}/events")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        response = await client.get("/api/events", params={"job_id": "nope"})
        assert response.status_code == 422
    async with websockets.connect(f"ws://127.0.0.1:{server.port}/api/jobs/{unknown}/ws") as ws:
        with pytest.raises(websockets.ConnectionClosedError):
            await asyncio.wait_for(ws.recv(), 5)
        assert ws.close_code == 4404


async def test_events_of_named_jobs_close_when_all_have_ended(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=15) as client:
        ids = [await submit(client, f"batch.job{i}") for i in range(3)]
        events = await read_stream(client, "/api/events?" + "&".join(f"job_id={i}" for i in ids))
    finals = {e["data"]["job_id"]: e["event"] for e in events if e["event"] != "progress"}
    assert finals == dict.fromkeys(ids, "completed")
    for job_id in ids:
        assert_progress_story([e for e in events if e["data"]["job_id"] == job_id])


async def test_a_stuck_subscriber_does_not_delay_jobs_or_other_subscribers(
    server_factory: Callable[..., ServerProcess],
) -> None:
    # 150 jobs from one client: more than the default rate limit allows.
    server = server_factory(WEBAPP_DEMO_DELAY_SECONDS="0", WEBAPP_RATE_LIMIT_JOBS="0")
    server.start()
    # A client that subscribes to everything and never reads, with a tiny receive buffer.
    stuck = socket.socket()
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    stuck.connect(("127.0.0.1", server.port))
    stuck.sendall(b"GET /api/events HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
            ids = [await submit(client, f"busy.job{i}") for i in range(150)]
            started = time.monotonic()
            query = "&".join(f"job_id={job_id}" for job_id in ids)
            events = await read_stream(client, f"/api/events?{query}")
            elapsed = time.monotonic() - started
            completed = {e["data"]["job_id"] for e in events if e["event"] == "completed"}
            assert completed == set(ids)
            assert elapsed < 20
    finally:
        stuck.close()


async def test_sigterm_sends_a_restarting_event_closes_streams_and_exits(
    server_factory: Callable[..., ServerProcess],
) -> None:
    server = server_factory(WEBAPP_DEMO_DELAY_SECONDS="120")
    server.start()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
        job_id = await submit(client, "long.job")
        async with client.stream("GET", f"/api/jobs/{job_id}/events") as response:
            events = sse_events(response)
            first = await anext(events)
            ws = await websockets.connect(f"ws://127.0.0.1:{server.port}/api/jobs/{job_id}/ws")
            await ws.recv()
            assert server.process is not None
            started = time.monotonic()
            server.process.terminate()
            rest = [event async for event in events]
        last = await receive_until_closed(ws)
        # uvicorn itself closes WebSockets with 1012 as its shutdown begins, which may come
        # before the app's goodbye message: the close code is the signal to reconnect.
        assert ws.close_code == 1012, "service restart: reconnect"
        assert all(json.loads(text)["status"] == "processing" for text in last)
    assert first["event"] == "progress"
    kinds = [e["event"] for e in rest]
    assert kinds[-1] == "restarting"
    assert set(kinds[:-1]) <= {"progress"}
    assert "restarting" in rest[-1]["data"]["message"]
    assert server.process.wait(timeout=10) is not None
    assert time.monotonic() - started < 5, "exits well within the graceful timeout"
    assert "Application shutdown complete" in server.log_path.read_text()


async def test_a_closed_websocket_is_unsubscribed_at_once(
    server_factory: Callable[..., ServerProcess],
) -> None:
    # A job whose next event is far away: only noticing the close frees the subscriptions.
    server = server_factory(WEBAPP_DEMO_DELAY_SECONDS="120")
    server.start()
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:

        async def subscribers() -> int:
            return int((await client.get("/health")).json()["subscribers"])

        job_id = await submit(client, "closing.sockets")
        url = f"ws://127.0.0.1:{server.port}/api/jobs/{job_id}/ws"
        sockets = [await websockets.connect(url) for _ in range(20)]
        for ws in sockets:
            assert json.loads(await ws.recv())["job_id"] == job_id
        assert await subscribers() == 20
        for ws in sockets:
            await ws.close()

        async def freed() -> bool:
            return await subscribers() == 0

        await wait_until(freed, timeout=3, what="the closed sockets to be unsubscribed")
        assert (await client.get(f"/api/status/{job_id}")).json()["status"] == "processing"
