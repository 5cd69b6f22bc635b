"""The hub and the job stream, in-process: state semantics, bounded buffers, shutdown."""

from __future__ import annotations

import asyncio

from webapp.jobs.hub import JobEvent, LocalHub
from webapp.models import JobStatus, Phase

from conftest import RunApp, wait_until


def _event(
    seq: int, *, job_id: str = "job-1", status: JobStatus = JobStatus.PROCESSING, percent: int = 0
) -> JobEvent:
    return JobEvent(
        job_id=job_id,
        seq=seq,
        status=status,
        phase=Phase.SCRAPING,
        percent=percent,
        message=f"step {seq}",
        updated_at="2026-11-28T12:00:00.000Z",
    )


async def test_a_subscriber_that_does_not_read_holds_only_the_newest_event_per_job() -> None:
    hub = LocalHub()
    with hub.subscribe(["job-1"]) as slow, hub.subscribe() as everything:
        for seq in range(1, 1001):
            hub.deliver(_event(seq, percent=seq % 30))
        hub.deliver(_event(1001, status=JobStatus.COMPLETED, percent=100))
        hub.deliver(_event(5, job_id="job-2"))
        assert [e.seq for e in await slow.next_events()] == [1001]
        assert [(e.job_id, e.seq) for e in await everything.next_events()] == [
            ("job-1", 1001),
            ("job-2", 5),
        ]


async def test_an_older_event_never_replaces_a_newer_one() -> None:
    hub = LocalHub()
    with hub.subscribe(["job-1"]) as subscription:
        hub.deliver(_event(7))
        hub.deliver(_event(6))
        assert [e.seq for e in await subscription.next_events()] == [7]


async def test_shutdown_wakes_waiting_readers_and_ends_later_subscriptions() -> None:
    hub = LocalHub()
    subscription = hub.subscribe(["job-1"])
    reader = asyncio.create_task(subscription.next_events())
    await asyncio.sleep(0)
    hub.shutdown("restarting")
    assert await asyncio.wait_for(reader, 5) == []
    assert subscription.closing == "restarting"
    assert hub.subscribe().closing == "restarting"


async def test_encoded_json_is_shared_and_has_the_one_event_shape() -> None:
    event = _event(3, status=JobStatus.COMPLETED, percent=100)
    assert event.json is event.json  # encoded once, whatever the number of subscribers
    assert set(event.as_dict()) == {
        "job_id",
        "seq",
        "status",
        "phase",
        "percent",
        "message",
        "updated_at",
        "report_url",
        "error_message",
        "error_code",
    }
    assert event.as_dict()["report_url"] == "/api/report/job-1"
    assert event.kind == "completed"


async def test_unsubscribed_readers_are_forgotten(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await app.submit("gone.reader")
        await app.wait_for_status(job_id, "completed")
        async with app.client.stream("GET", f"/api/jobs/{job_id}/events") as response:
            body = b"".join([chunk async for chunk in response.aiter_bytes()])
        assert b"event: completed" in body
        assert app.hub.subscribers == 0


async def test_every_open_stream_gets_a_ping_at_each_keep_alive_tick(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0, stream_ping_seconds=15.0) as app:
        job_id = await app.submit("quiet.job")
        reader = asyncio.create_task(app.client.get(f"/api/jobs/{job_id}/events"))
        await wait_until(lambda: app.hub.subscribers == 1, what="the stream to subscribe")
        app.clock.advance(15)  # the keep-alive timer's first tick
        while not reader.done():  # then let the demo job run to its end
            await wait_until(lambda: app.clock.sleeping() > 0 or reader.done(), what="a step")
            app.clock.advance(1)
        body = (await reader).text
    assert body.startswith("retry: 2000")
    assert body.count(": ping") == 1
    assert body.index(": ping") < body.index("event: completed")
    assert body.rstrip().endswith("}")  # the completed event is the last thing sent
