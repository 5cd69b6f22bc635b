"""A batch's event streams (the API's JSON events and the page's HTML fragments) against a
real uvicorn server: every line's changes over one stream, then the end, and the stream closes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from conftest import ServerProcess

pytestmark = pytest.mark.slow

ORDER = {"pending": 0, "processing": 1, "completed": 2, "failed": 2}


@pytest.fixture
def server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    server = server_factory(WEBAPP_DEMO_DELAY_SECONDS="1")
    server.start()
    return server


async def read_frames(client: httpx.AsyncClient, path: str) -> list[tuple[str, str]]:
    """(event, data) of every frame until the server closes the stream."""
    frames: list[tuple[str, str]] = []
    fields: dict[str, str] = {}
    async with client.stream("GET", path) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for line in response.aiter_lines():
            if line == "":
                if "data" in fields:
                    frames.append((fields.get("event", "message"), fields["data"]))
                fields = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(":")
                value = value.removeprefix(" ")
                fields[name] = fields[name] + "\n" + value if name in fields else value
    return frames


async def create(client: httpx.AsyncClient, text: str) -> dict[str, Any]:
    response = await client.post("/api/batches", json={"text": text})
    assert response.status_code == 202, response.text
    return dict(response.json())


async def test_api_stream_sends_every_lines_changes_then_the_end(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=20) as client:
        created = await create(client, "stream.one\nstream.two\n@stream.one\ndemo.notfound\nbad!")
        frames = await read_frames(client, f"/api/batches/{created['batch_id']}/events")
        status = (await client.get(f"/api/batches/{created['batch_id']}")).json()

    names = [name for name, _ in frames]
    assert names[-1] == "end"
    assert names.count("end") == 1
    assert set(names) == {"row", "progress", "end"}
    rows: dict[int, list[dict[str, Any]]] = {}
    for name, data in frames:
        if name == "row":
            event = json.loads(data)
            assert event["batch_id"] == created["batch_id"]
            rows.setdefault(event["line"], []).append(event)
    # Every line with a job, the duplicate too; never the bad line.
    assert sorted(rows) == [1, 2, 3, 4]
    for line, events in rows.items():
        percents = [e["percent"] for e in events]
        assert percents == sorted(percents), f"line {line}'s percent never goes back"
        statuses = [ORDER[e["status"]] for e in events]
        assert statuses == sorted(statuses)
    assert rows[1][-1]["status"] == "completed"
    assert rows[1][-1]["report_url"] == f"/api/report/{rows[1][-1]['job_id']}"
    assert rows[3][-1]["job_id"] == rows[1][-1]["job_id"]
    assert rows[4][-1]["status"] == "failed"
    assert rows[4][-1]["error_code"] == "not_found"
    assert len(rows[1]) >= 3, "the 1 s demo run shows several steps of the line"

    progress = [json.loads(data) for name, data in frames if name == "progress"]
    percents = [p["percent"] for p in progress]
    assert percents == sorted(percents)
    assert len(progress) >= 3
    end = json.loads(frames[-1][1])
    assert end["status"] == "completed"
    assert end["percent"] == 100
    assert end["counts"] == status["counts"]


async def test_page_stream_sends_row_cells_and_progress_then_the_end(
    server: ServerProcess,
) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=20) as client:
        created = await create(client, "page.one\npage.two\nbad!")
        frames = await read_frames(client, f"/batches/{created['batch_id']}/stream")
        # Once the batch has ended, a stream sends the final progress and the end at once.
        after = await read_frames(client, f"/batches/{created['batch_id']}/stream")

    names = [name for name, _ in frames]
    assert names[-1] == "end"
    assert {"row-1", "row-2", "batch-progress"} <= set(names)
    assert "row-3" not in names
    last_row = [data for name, data in frames if name == "row-1"][-1]
    assert last_row.lstrip().startswith("<td")
    assert 'data-col="score" data-value="' in last_row
    assert "Demo data" in last_row
    assert f"/reports/{created['rows'][0]['job_id']}" in last_row
    last_progress = [data for name, data in frames if name == "batch-progress"][-1]
    assert 'value="100"' in last_progress
    assert "2 of 2 done" in last_progress
    assert [name for name, _ in after] == ["batch-progress", "end"]


async def test_page_stream_skips_rows_the_page_already_shows(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=20) as client:
        created = await create(client, "since.one\nsince.two")
        batch_id = created["batch_id"]
        page = await client.get(f"/batches/{batch_id}")
        assert page.status_code == 200
        assert f"/batches/{batch_id}/stream?since=" in page.text
        # A page rendered later than every change: no row is sent again, only the progress.
        frames = await read_frames(
            client, f"/batches/{batch_id}/stream?since=2999-01-01T00:00:00.000Z"
        )
    assert not [name for name, _ in frames if name.startswith("row-")]
    assert frames[-1][0] == "end"
    assert "batch-progress" in [name for name, _ in frames]
