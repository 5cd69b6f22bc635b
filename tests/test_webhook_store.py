"""The webhook outbox on both stores: stored with its job or batch (and only then), leased to
one claimer at a time, attempts recorded only by the claimer, deleted with its target."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from test_account_store import TTL, _add, _completed, _job, store

from webapp.batches.batch import Batch
from webapp.jobs.job import Job
from webapp.jobs.store import Store
from webapp.webhooks.record import Webhook, WebhookState

from conftest import START

__all__ = ["store"]  # the fixture, on SQLite and on Redis

URL = "https://receiver.example/hooks?token=abc"
LEASE = timedelta(seconds=70)


def _pending(hook: Webhook, payload: str = '{"x":1}') -> Webhook:
    return dataclasses.replace(
        hook, state=WebhookState.PENDING, payload=payload, next_attempt_at=START
    )


async def test_a_subscription_is_stored_with_its_job_and_flags_it(store: Store) -> None:
    job = await _add(store, _job("hooked"))
    plain = await _add(store, _job("plain"))
    hook = Webhook.new("job", job.id, URL, START)
    assert await store.add_webhook(hook)
    assert not await store.add_webhook(Webhook.new("job", "0" * 36, URL, START))

    [stored] = await store.webhooks_of("job", job.id)
    assert stored == hook
    assert await store.webhooks_of("job", plain.id) == []
    assert (await store.get_job(job.id)).has_webhooks  # type: ignore[union-attr]
    assert not (await store.get_job(plain.id)).has_webhooks  # type: ignore[union-attr]
    # A later state write (which knows nothing of webhooks) keeps the flag.
    assert await store.save_job(dataclasses.replace(job, seq=job.seq + 1, percent=40))
    assert (await store.get_job(job.id)).has_webhooks  # type: ignore[union-attr]
    assert [h.id for h in await store.waiting_webhooks(10)] == [hook.id]


async def test_waiting_becomes_pending_once_with_its_payload(store: Store) -> None:
    job = await _add(store, _job("ends"))
    hook = Webhook.new("job", job.id, URL, START)
    await store.add_webhook(hook)
    assert await store.claim_webhooks(START, START + LEASE, 10) == []  # not due: waiting

    later = START + timedelta(seconds=5)
    assert await store.promote_webhook(hook.id, '{"done":true}', later)
    assert await store.waiting_webhooks(10) == []
    [claimed] = await store.claim_webhooks(later, later + LEASE, 10)
    assert claimed.state is WebhookState.PENDING
    assert claimed.payload == '{"done":true}'
    assert claimed.next_attempt_at == later


async def test_a_claim_leases_each_webhook_to_one_claimer_until_the_lease_ends(
    store: Store,
) -> None:
    job = await _add(store, _job("leased"))
    hooks = [_pending(Webhook.new("job", job.id, f"{URL}&n={n}", START)) for n in range(6)]
    for hook in hooks:
        assert await store.add_webhook(hook)

    first, second = await asyncio.gather(
        store.claim_webhooks(START, START + LEASE, 4), store.claim_webhooks(START, START + LEASE, 4)
    )
    ids = [hook.id for hook in first + second]
    assert sorted(ids) == sorted(hook.id for hook in hooks)  # each once, none left out
    assert await store.claim_webhooks(START + LEASE - timedelta(seconds=1), START, 10) == []

    # The claimer of one died: its lease runs out and the webhook can be claimed again.
    expired = START + LEASE
    again = await store.claim_webhooks(expired, expired + LEASE, 10)
    assert sorted(hook.id for hook in again) == sorted(ids)


async def test_only_the_current_claimer_records_an_attempt(store: Store) -> None:
    job = await _add(store, _job("recorded"))
    hook = _pending(Webhook.new("job", job.id, URL, START))
    await store.add_webhook(hook)
    [claimed] = await store.claim_webhooks(START, START + LEASE, 1)
    retry_at = START + timedelta(seconds=10)
    failed_once = dataclasses.replace(
        claimed,
        attempts=1,
        last_attempt_at=START,
        last_status_code=500,
        last_error="HTTP 500: Internal Server Error",
        next_attempt_at=retry_at,
        lease_until=None,
    )
    await store.record_webhook_attempt(failed_once, 0)
    # A claimer whose lease ran out (attempts moved on since) records nothing.
    stale = dataclasses.replace(claimed, state=WebhookState.DELIVERED, attempts=1)
    await store.record_webhook_attempt(stale, 0)

    [stored] = await store.webhooks_of("job", job.id)
    assert stored.state is WebhookState.PENDING
    assert (stored.attempts, stored.last_status_code) == (1, 500)
    assert stored.last_error == "HTTP 500: Internal Server Error"
    assert stored.lease_until is None
    assert await store.claim_webhooks(retry_at - timedelta(seconds=1), retry_at, 1) == []
    [retried] = await store.claim_webhooks(retry_at, retry_at + LEASE, 1)
    delivered = dataclasses.replace(
        retried, state=WebhookState.DELIVERED, attempts=2, delivered_at=retry_at
    )
    await store.record_webhook_attempt(delivered, 1)
    [done] = await store.webhooks_of("job", job.id)
    assert (done.state, done.attempts, done.delivered_at) == (WebhookState.DELIVERED, 2, retry_at)
    assert await store.claim_webhooks(START + timedelta(days=1), START, 10) == []


async def test_webhooks_are_deleted_with_their_job(store: Store) -> None:
    job = await _add(store, _job("expiring"), score=70)
    kept = await _add(store, _job("kept"))
    await store.add_webhook(_pending(Webhook.new("job", job.id, URL, START)))
    await store.add_webhook(Webhook.new("job", kept.id, URL, START))

    assert job.id in await store.delete_expired(START + timedelta(seconds=TTL + 1))
    assert await store.webhooks_of("job", job.id) == []
    assert await store.claim_webhooks(START + timedelta(days=1), START, 10) == []
    assert len(await store.webhooks_of("job", kept.id)) == 1


async def test_a_batch_webhook_is_stored_with_its_batch_and_deleted_with_it(
    store: Store,
) -> None:
    job: Job = _completed(await _add(store, _job("member")), 50)
    batch = Batch(
        id=Batch.new_id(),
        created_at=START,
        expires_at=START + timedelta(seconds=TTL),
        rows=(),
        callback_url=URL,
    )
    hook = Webhook.new("batch", batch.id, URL, START)
    assert not await store.add_webhook(hook)  # no such batch yet
    await store.save_batch(batch)
    assert await store.add_webhook(hook)
    assert [h.id for h in await store.webhooks_of("batch", batch.id)] == [hook.id]
    assert await store.webhooks_of("job", job.id) == []

    await store.delete_expired_batches(START + timedelta(seconds=TTL + 1))
    assert await store.webhooks_of("batch", batch.id) == []
    assert await store.waiting_webhooks(10) == []
