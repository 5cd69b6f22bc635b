"""Webhooks end to end, on SQLite and on Redis (a SAQ worker delivers): the real app calls a
real receiver on loopback when a job or batch ends: signed, retried, never blocking the job,
and every attempt shows in the status JSON."""

from __future__ import annotations

from typing import Any

from webhook_receiver import Receiver, receiving, verify

from webapp.cli import stored_webhook_secret

from conftest import RunApp, Running, wait_until

BOTH_BACKENDS = True
# Deliveries to the receiver on 127.0.0.1; the dispatcher looks every 50 ms (real time).
HOOKS: dict[str, Any] = {"webhook_allow_private": True, "webhook_poll_seconds": 0.05}


async def webhook_state(app: Running, job_id: str, state: str, attempts: int) -> dict[str, Any]:
    found: dict[str, Any] = {}

    async def reached() -> bool:
        nonlocal found
        [found] = (await app.status(job_id))["webhooks"]
        return bool(found["state"] == state and found["attempts"] == attempts)

    await wait_until(reached, what=f"the webhook to be {state} after {attempts} attempts")
    return found


async def test_a_completed_job_calls_back_once_with_a_signed_final_event(
    run_app: RunApp,
) -> None:
    async with receiving() as receiver, run_app(**HOOKS) as app:
        url = f"{receiver.url}/hooks/analysis?token=t0ps3cret"
        job_id = await app.submit("hooked.one", callback_url=url)
        plain_id = await app.submit("not.hooked")
        await app.wait_for_status(plain_id, "completed")
        assert (await app.status(plain_id))["webhooks"] == []

        final = await app.wait_for_status(job_id, "completed")
        hook = await webhook_state(app, job_id, "delivered", 1)
        assert len(receiver.requests) == 1
        request = receiver.requests[0]
        assert (request.path, request.query) == ("/hooks/analysis", "token=t0ps3cret")
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"].startswith("social-profile-analyzer")
        assert request.headers["x-webhook-id"] == hook["id"]
        assert int(request.headers["x-webhook-timestamp"]) == int(app.clock.now().timestamp())
        body = request.json
        assert body["webhook_id"] == hook["id"]
        assert (body["target"], body["target_id"]) == ("job", job_id)
        assert body["data"]["status"] == "completed"
        assert body["data"]["report_url"] == f"/api/report/{job_id}"
        assert body["data"]["percent"] == 100

        secret = await stored_webhook_secret(app.settings)
        now = app.clock.now().timestamp()
        assert verify(secret, request.headers, request.body, now=now)
        assert not verify(secret + "x", request.headers, request.body, now=now)
        assert not verify(secret, request.headers, request.body + b" ", now=now)
        assert not verify(secret, request.headers, request.body, now=now + 301)

        # The status shows the callback's origin only: its path and query may hold a token.
        assert hook["url"] == receiver.url
        assert "t0ps3cret" not in str(await app.status(job_id))
        assert hook["last_status_code"] == 200
        assert hook["last_error"] is None
        assert hook["delivered_at"] is not None
        assert hook["next_attempt_at"] is None
        assert final["status"] == "completed"


async def test_a_receiver_failing_twice_gets_three_attempts_with_backoff(
    run_app: RunApp,
) -> None:
    async with (
        receiving(Receiver(answers=[500, 502])) as receiver,
        run_app(**HOOKS, webhook_retry_base_seconds=10) as app,
    ):
        job_id = await app.submit("hooked.retry", callback_url=f"{receiver.url}/h")
        await app.wait_for_status(job_id, "completed")
        first = await webhook_state(app, job_id, "pending", 1)
        assert first["last_status_code"] == 500
        assert first["last_error"].startswith("HTTP 500")
        assert first["next_attempt_at"] > first["last_attempt_at"]

        app.clock.advance(10)
        second = await webhook_state(app, job_id, "pending", 2)
        assert second["last_status_code"] == 502
        app.clock.advance(30)  # 10 s, then 30 s
        third = await webhook_state(app, job_id, "delivered", 3)
        assert third["last_status_code"] == 200
        assert len(receiver.requests) == 3
        assert len({r.headers["x-webhook-id"] for r in receiver.requests}) == 1  # one id
        assert len({r.body for r in receiver.requests}) == 1


async def test_a_receiver_that_always_fails_ends_failed_and_the_job_stays_completed(
    run_app: RunApp,
) -> None:
    async with (
        receiving(Receiver(default=503)) as receiver,
        run_app(**HOOKS, webhook_max_attempts=3, webhook_retry_base_seconds=10) as app,
    ):
        job_id = await app.submit("hooked.failing", callback_url=f"{receiver.url}/h")
        await app.wait_for_status(job_id, "completed")
        await webhook_state(app, job_id, "pending", 1)
        app.clock.advance(10)
        await webhook_state(app, job_id, "pending", 2)
        app.clock.advance(30)
        hook = await webhook_state(app, job_id, "failed", 3)
        assert hook["last_status_code"] == 503
        assert hook["next_attempt_at"] is None
        # An hour on, another job's callback is sent: the dispatcher has ticked past every
        # retry time, and the failed webhook was not sent again.
        app.clock.advance(3600)
        other = await app.submit("hooked.failing.two", callback_url=f"{receiver.url}/other")
        await wait_until(
            lambda: any(r.path == "/other" for r in receiver.requests), what="the other job's POST"
        )
        assert [r.path for r in receiver.requests].count("/h") == 3
        assert other != job_id
        status = await app.status(job_id)
        assert status["status"] == "completed"
        assert (await app.client.get(f"/api/report/{job_id}")).status_code == 200


async def test_a_hanging_receiver_times_out_and_never_holds_up_the_job(
    run_app: RunApp,
) -> None:
    async with (
        receiving(Receiver(hang=True)) as receiver,
        run_app(**HOOKS, webhook_timeout_seconds=0.5) as app,
    ):
        job_id = await app.submit("hooked.hanging", callback_url=f"{receiver.url}/h")
        await app.wait_for_status(job_id, "completed")
        hook = await webhook_state(app, job_id, "pending", 1)
        assert hook["last_error"] == "no answer within 0.5 s"
        assert hook["last_status_code"] is None
        assert len(receiver.requests) == 1


async def test_a_batch_calls_back_once_when_its_last_line_ends(run_app: RunApp) -> None:
    async with receiving() as receiver, run_app(**HOOKS) as app:
        response = await app.client.post(
            "/api/batches",
            json={
                "text": "batch.hook.one\nbatch.hook.two\nbatch.hook.three\nnot a handle!",
                "callback_url": f"{receiver.url}/batch-done",
            },
        )
        assert response.status_code == 202, response.text
        batch_id = response.json()["batch_id"]

        async def delivered() -> bool:
            status = (await app.client.get(f"/api/batches/{batch_id}")).json()
            return bool(status["webhooks"] and status["webhooks"][0]["state"] == "delivered")

        await wait_until(delivered, what="the batch's webhook to be delivered")
        status = (await app.client.get(f"/api/batches/{batch_id}")).json()
        assert status["status"] == "completed"
        [hook] = status["webhooks"]
        assert (hook["attempts"], hook["url"]) == (1, receiver.url)
        assert status["callback_url"] == receiver.url, "the path (it may hold a token) is hidden"
        [request] = receiver.requests
        body = request.json
        assert (body["target"], body["target_id"]) == ("batch", batch_id)
        assert body["data"]["status"] == "completed"
        assert body["data"]["counts"]["completed"] == 3
        assert body["data"]["rejected"] == 1
        assert body["data"]["percent"] == 100
        for row in status["rows"]:
            if row["job_id"]:
                assert (await app.status(row["job_id"]))["webhooks"] == []


async def test_every_subscriber_of_a_shared_job_gets_its_own_callback(run_app: RunApp) -> None:
    async with receiving() as receiver, run_app(**HOOKS) as app:
        first = await app.submit("shared.hook", callback_url=f"{receiver.url}/first")
        joined = await app.client.post(
            "/api/analyze",
            json={"handle": "shared.hook", "callback_url": f"{receiver.url}/second"},
        )
        assert joined.json()["job_id"] == first
        await app.wait_for_status(first, "completed")
        await wait_until(lambda: len(receiver.requests) == 2, what="both callbacks")

        # Joining the job after it completed still calls back, at once.
        late = await app.client.post(
            "/api/analyze", json={"handle": "shared.hook", "callback_url": f"{receiver.url}/late"}
        )
        assert late.status_code == 200
        assert late.json() == {"job_id": first, "status": "accepted", "deduplicated": True}
        await wait_until(lambda: len(receiver.requests) == 3, what="the late callback")
        assert sorted(r.path for r in receiver.requests) == ["/first", "/late", "/second"]
        assert len({r.headers["x-webhook-id"] for r in receiver.requests}) == 3

        # The receiver answers before the attempt is recorded: wait for the record.
        async def all_delivered() -> bool:
            hooks = (await app.status(first))["webhooks"]
            return [h["state"] for h in hooks] == ["delivered"] * 3

        await wait_until(all_delivered, what="three delivered webhooks in the status")


async def test_a_host_resolving_to_a_private_address_is_refused_at_delivery(
    run_app: RunApp,
) -> None:
    async with (
        receiving() as receiver,
        run_app(webhook_poll_seconds=0.05, webhook_max_attempts=1) as app,
    ):
        port = receiver.url.rsplit(":", 1)[1]
        job_id = await app.submit("hooked.private", callback_url=f"http://localhost:{port}/h")
        await app.wait_for_status(job_id, "completed")
        hook = await webhook_state(app, job_id, "failed", 1)
        assert "localhost resolves to" in hook["last_error"]
        assert "not a public address" in hook["last_error"]
        assert receiver.requests == []


BAD_URLS = [
    "ftp://receiver.example/h",
    "javascript:alert(1)",
    "/relative/path",
    "https://user:password@receiver.example/h",
    "http://127.0.0.1:8080/h",
    "https://10.1.2.3/h",
    "https://[::1]/h",
    "http://169.254.169.254/latest/meta-data",
    "https://receiver.example/a b",
    "https://receiver.example:0/h",
    "https://" + "a" * 2050 + ".example/",
]


async def test_a_bad_callback_url_is_a_422_and_creates_nothing(run_app: RunApp) -> None:
    async with run_app() as app:
        for url in [*BAD_URLS, 42, ""]:
            for path, body in (
                ("/api/analyze", {"handle": "bad.callback"}),
                ("/api/batches", {"text": "bad.callback"}),
            ):
                response = await app.client.post(path, json={**body, "callback_url": url})
                assert response.status_code == 422, (path, url, response.text)
                error = response.json()["error"]
                assert "callback_url" in error["message"] or "callback_url" in str(
                    error["details"]
                ), (url, error)
        assert app.count_jobs() == 0
        listed = await app.client.get("/jobs")
        assert "bad.callback" not in listed.text
