"""Webhooks as deployed on Redis: a web process (uvicorn) takes the callback_url, a separate
`python -m webapp worker` process runs the job and delivers the webhook to a real receiver,
signed with the secret the operator configured; the web process's status shows the delivery.
And `python -m webapp webhook-secret` prints the key a store made on first use."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from test_cluster import WorkerProcess
from webhook_receiver import receiving, verify

from conftest import ServerProcess, wait_until
from redis_server import RedisServer

SECRET = "an operator's webhook secret"


async def test_a_worker_process_delivers_the_webhook_of_a_job_taken_by_a_web_process(
    server_factory: Callable[..., ServerProcess], redis_server: RedisServer, tmp_path: Path
) -> None:
    redis_server.command("FLUSHALL")
    env = {
        "WEBAPP_REDIS_URL": redis_server.url,
        "WEBAPP_DEMO_DELAY_SECONDS": "0.2",
        "WEBAPP_WEBHOOK_ALLOW_PRIVATE": "true",
        "WEBAPP_WEBHOOK_SECRET": SECRET,
        "WEBAPP_ANALYSIS_PROCESSES": "0",
    }
    web = server_factory(**env)
    worker = WorkerProcess({**env}, tmp_path / "worker.log", concurrency=2)
    web.start()
    worker.launch()
    try:
        worker.wait_ready()
        async with receiving() as receiver, httpx.AsyncClient(base_url=web.base_url) as client:
            response = await client.post(
                "/api/analyze",
                json={"handle": "process.hook", "callback_url": f"{receiver.url}/done"},
            )
            assert response.status_code == 202, response.text
            job_id = response.json()["job_id"]
            await wait_until(lambda: len(receiver.requests) == 1, timeout=30, what="the POST")
            [request] = receiver.requests
            assert verify(SECRET, request.headers, request.body)
            assert request.json["data"]["status"] == "completed"
            assert request.json["target_id"] == job_id

            async def shown() -> bool:
                status = (await client.get(f"/api/status/{job_id}")).json()
                return bool(status["webhooks"] and status["webhooks"][0]["state"] == "delivered")

            await wait_until(shown, timeout=10, what="the web process to show the delivery")
    finally:
        worker.kill()


def test_the_webhook_secret_command_prints_the_stored_secret(tmp_path: Path) -> None:
    env = {**os.environ, "WEBAPP_DATABASE": str(tmp_path / "cli.db")}
    env.pop("WEBAPP_WEBHOOK_SECRET", None)
    env.pop("WEBAPP_REDIS_URL", None)

    def run(**extra: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "webapp", "webhook-secret"],
            env={**env, **extra},
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return done.stdout.strip()

    made = run()
    assert len(made) == 64
    assert run() == made  # kept: the same key for every process and restart
    assert run(WEBAPP_WEBHOOK_SECRET="configured") == "configured"
