"""The dispatcher: one task in every process that runs jobs, delivering the webhook outbox.

Each tick: webhooks whose job or batch has ended become pending with the final event as their
body; then the due ones are claimed under a lease (so two processes never send the same
attempt), sent, and their outcome recorded: delivered on a 2xx, else retried after a growing
delay until the attempts are used up. A process killed mid-send leaves its lease to run out,
and the webhook is sent again: at least once, so receivers dedupe on X-Webhook-Id.

It ticks when told a job ended here (`wake`) and every `poll_seconds` (real time, for jobs
other processes ended and for retries coming due); every time it records is the injected
clock's. Nothing here is awaited by a job.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from webapp.batches.state import BatchState
from webapp.clock import Clock
from webapp.jobs.hub import event_of
from webapp.jobs.store import Store, StoreError
from webapp.settings import Settings
from webapp.webhooks.payload import batch_payload, job_payload
from webapp.webhooks.record import Webhook, WebhookState
from webapp.webhooks.sender import Sender
from webapp.webhooks.signing import delivery_headers, webhook_secret
from webapp.webhooks.status import origin

logger = logging.getLogger(__name__)

# Webhooks claimed (and sent at once) per round; a tick runs rounds until fewer come.
CLAIM_BATCH = 20
WAITING_SCAN = 1_000


@dataclass(frozen=True, slots=True)
class RetrySchedule:
    """The delay after the n-th failed attempt: base * 3^(n-1), capped; no more attempts
    after `max_attempts`. The defaults: 10 s, 30 s, 90 s, 4.5 min, 13.5 min, 40.5 min, 1 h."""

    base_seconds: float = 10.0
    max_seconds: float = 3600.0
    max_attempts: int = 8

    def delay(self, failed_attempts: int) -> float:
        return min(self.max_seconds, self.base_seconds * 3.0 ** (failed_attempts - 1))


class WebhookDispatcher:
    def __init__(
        self,
        *,
        store: Store,
        clock: Clock,
        sender: Sender,
        secret: str,
        schedule: RetrySchedule,
        poll_seconds: float,
        lease_seconds: float,
    ) -> None:
        self._store = store
        self._clock = clock
        self._sender = sender
        self._configured_secret = secret
        self._secret: str | None = None
        self._schedule = schedule
        self._poll = poll_seconds
        self._lease = timedelta(seconds=lease_seconds)
        self._wake = asyncio.Event()
        self.sent = 0  # attempts made by this dispatcher

    def wake(self) -> None:
        """Tick now (a job ended here, or a subscription was added)."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                await self.tick()
            except StoreError as exc:
                logger.warning("Webhooks paused: %s", exc)
            except Exception:
                logger.exception("Webhook dispatch failed; will try again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._poll)

    async def tick(self) -> None:
        await self._promote()
        while await self._send_due() == CLAIM_BATCH:
            pass

    async def _promote(self) -> None:
        hooks = await self._store.waiting_webhooks(WAITING_SCAN)
        if not hooks:
            return
        job_ids = [hook.target_id for hook in hooks if hook.target == "job"]
        jobs = {job.id: job for job in await self._store.get_jobs(job_ids)}
        now = self._clock.now()
        for hook in hooks:
            if hook.target == "job":
                job = jobs.get(hook.target_id)
                payload = job_payload(hook.id, job) if job and job.status.terminal else None
            else:
                payload = await self._batch_payload(hook, now)
            if payload is not None:
                await self._store.promote_webhook(hook.id, payload, now)

    async def _batch_payload(self, hook: Webhook, now: datetime) -> str | None:
        batch = await self._store.get_batch(hook.target_id)
        if batch is None:
            return None
        jobs = await self._store.get_jobs(batch.job_ids)
        live = [job for job in jobs if job.expires_at is None or job.expires_at > now]
        view = BatchState(batch, {job.id: event_of(job) for job in live}, {})
        return batch_payload(hook.id, view.progress()) if view.ended else None

    async def _send_due(self) -> int:
        now = self._clock.now()
        hooks = await self._store.claim_webhooks(now, now + self._lease, CLAIM_BATCH)
        if hooks:
            await asyncio.gather(*(self._deliver(hook) for hook in hooks))
        return len(hooks)

    async def _deliver(self, hook: Webhook) -> None:
        if self._secret is None:
            self._secret = await webhook_secret(self._configured_secret, self._store)
        body = (hook.payload or "").encode()
        started = self._clock.now()
        timestamp = int(started.timestamp())
        outcome = await self._sender.send(
            hook.url, delivery_headers(hook.id, self._secret, timestamp, body), body
        )
        self.sent += 1
        attempts = hook.attempts + 1
        ended = self._clock.now()
        if outcome.delivered:
            state, next_at = WebhookState.DELIVERED, None
        elif attempts >= self._schedule.max_attempts:
            state, next_at = WebhookState.FAILED, None
        else:
            delay = self._schedule.delay(attempts)
            state, next_at = WebhookState.PENDING, ended + timedelta(seconds=delay)
        changed = dataclasses.replace(
            hook,
            state=state,
            attempts=attempts,
            next_attempt_at=next_at,
            lease_until=None,
            last_attempt_at=started,
            last_status_code=outcome.status_code,
            last_error=outcome.error,
            delivered_at=ended if outcome.delivered else None,
        )
        await self._store.record_webhook_attempt(changed, hook.attempts)
        logger.info(
            "Webhook %s of %s %s to %s: attempt %d %s",
            hook.id,
            hook.target,
            hook.target_id,
            origin(hook.url),
            attempts,
            state.value if outcome.delivered else f"failed ({outcome.error}), now {state.value}",
        )


def schedule_of(settings: Settings) -> RetrySchedule:
    return RetrySchedule(
        base_seconds=settings.webhook_retry_base_seconds,
        max_seconds=settings.webhook_retry_max_seconds,
        max_attempts=settings.webhook_max_attempts,
    )


@asynccontextmanager
async def running_dispatcher(
    settings: Settings, *, store: Store, clock: Clock
) -> AsyncIterator[WebhookDispatcher]:
    """A dispatcher task and its HTTP client, for the life of the block."""
    timeout = settings.webhook_timeout_seconds
    # No proxies from the environment: the sender connects to the address it checked.
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(timeout), follow_redirects=False, trust_env=False
    ) as client:
        dispatcher = WebhookDispatcher(
            store=store,
            clock=clock,
            sender=Sender(
                client,
                timeout_seconds=timeout,
                allow_private=settings.webhook_allow_private,
            ),
            secret=settings.webhook_secret,
            schedule=schedule_of(settings),
            poll_seconds=settings.webhook_poll_seconds,
            # Longer than any attempt can take, so a live sender never loses its lease.
            lease_seconds=timeout + 60.0,
        )
        task = asyncio.create_task(dispatcher.run(), name="webhook-dispatcher")
        try:
            yield dispatcher
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
