"""Dispatchers sharing one store (SQLite and Redis) against a real receiver: each attempt is
sent once however many dispatchers tick together, and a dispatcher that died mid-send leaves a
lease that runs out, after which another delivers the webhook."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from test_account_store import _add, _job, store
from webhook_receiver import Receiver, receiving

from webapp.jobs.store import Store
from webapp.webhooks.dispatcher import RetrySchedule, WebhookDispatcher
from webapp.webhooks.record import Webhook, WebhookState
from webapp.webhooks.sender import Sender

from conftest import START, FakeClock, wait_until

__all__ = ["store"]  # the fixture, on SQLite and on Redis
LEASE_SECONDS = 70.0


@asynccontextmanager
async def dispatchers(
    store: Store, clock: FakeClock, count: int
) -> AsyncIterator[list[WebhookDispatcher]]:
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
        yield [
            WebhookDispatcher(
                store=store,
                clock=clock,
                sender=Sender(client, timeout_seconds=5.0, allow_private=True),
                secret="test-secret",
                schedule=RetrySchedule(),
                poll_seconds=60.0,
                lease_seconds=LEASE_SECONDS,
            )
            for _ in range(count)
        ]


async def _pending_hooks(store: Store, receiver: Receiver, count: int) -> list[Webhook]:
    job = await _add(store, _job("dispatched"))
    hooks = []
    for n in range(count):
        hook = dataclasses.replace(
            Webhook.new("job", job.id, f"{receiver.url}/h{n}", START),
            state=WebhookState.PENDING,
            payload=f'{{"n":{n}}}',
            next_attempt_at=START,
        )
        assert await store.add_webhook(hook)
        hooks.append(hook)
    return hooks


async def test_two_dispatchers_send_each_attempt_once(store: Store, clock: FakeClock) -> None:
    async with (
        receiving(Receiver(hang=True)) as receiver,
        dispatchers(store, clock, 2) as (first, second),
    ):
        hooks = await _pending_hooks(store, receiver, 30)
        # The receiver holds every answer, so each dispatcher is mid-send with what it claimed
        # while the other claims: the claims race, and the leases must split the webhooks.
        ticks = asyncio.gather(first.tick(), second.tick())
        await wait_until(lambda: len(receiver.requests) == 30, what="all 30 claimed and sent")
        receiver.release.set()
        await ticks
        await asyncio.gather(first.tick(), second.tick())  # nothing is left to send
        paths = sorted(r.path for r in receiver.requests)
        assert paths == sorted(f"/h{n}" for n in range(30))
        assert sorted((first.sent, second.sent)) == [10, 20]  # a claim takes 20 at most
        for hook in hooks:
            [stored] = [
                h for h in await store.webhooks_of("job", hook.target_id) if h.id == hook.id
            ]
            assert (stored.state, stored.attempts) == (WebhookState.DELIVERED, 1)


async def test_a_dead_dispatchers_lease_runs_out_and_the_webhook_is_delivered(
    store: Store, clock: FakeClock
) -> None:
    async with receiving() as receiver, dispatchers(store, clock, 1) as (survivor,):
        [hook] = await _pending_hooks(store, receiver, 1)
        # A dispatcher claims it and dies before sending.
        now = clock.now()
        [claimed] = await store.claim_webhooks(now, now + timedelta(seconds=LEASE_SECONDS), 5)
        assert claimed.id == hook.id

        await survivor.tick()
        assert receiver.requests == []  # leased to the dead one
        clock.advance(LEASE_SECONDS - 1)
        await survivor.tick()
        assert receiver.requests == []
        clock.advance(1)
        await survivor.tick()
        assert [r.path for r in receiver.requests] == ["/h0"]
        assert receiver.requests[0].headers["x-webhook-id"] == hook.id
        [stored] = await store.webhooks_of("job", hook.target_id)
        assert (stored.state, stored.attempts) == (WebhookState.DELIVERED, 1)
