"""Job events across processes: published to one Redis pub/sub channel, and delivered by every
web process that listens to its own `LocalHub`, which fans them out to its streams.

Each process decodes an event once, however many of its streams watch the job. Pub/sub keeps no
history, so when the listening connection drops, the hub reconnects and then re-reads the
current state of every job its streams watch (`resync`): a terminal event published while it
was away still arrives, and streams keep their guarantees (seq rising, the end always seen).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from webapp.jobs.hub import JobEvent, LocalHub, Subscription
from webapp.models import JobStatus, Phase

logger = logging.getLogger(__name__)

CHANNEL = "jobs:events"
RECONNECT_SECONDS = (0.1, 0.2, 0.5, 1.0, 2.0)

# The current events of the given jobs (and of every unfinished job when the flag is set).
Resync = Callable[[list[str], bool], Awaitable[list[JobEvent]]]


def event_to_json(event: JobEvent) -> str:
    return json.dumps(
        {
            "job_id": event.job_id,
            "seq": event.seq,
            "status": event.status.value,
            "phase": event.phase.value,
            "percent": event.percent,
            "message": event.message,
            "updated_at": event.updated_at,
            "error_message": event.error_message,
            "error_code": event.error_code,
            "score": event.score,
            "verdict": event.verdict,
            "is_demo": event.is_demo,
        },
        separators=(",", ":"),
    )


def event_from_json(raw: bytes | str) -> JobEvent:
    data: dict[str, Any] = json.loads(raw)
    return JobEvent(
        job_id=data["job_id"],
        seq=data["seq"],
        status=JobStatus(data["status"]),
        phase=Phase(data["phase"]),
        percent=data["percent"],
        message=data["message"],
        updated_at=data["updated_at"],
        error_message=data.get("error_message"),
        error_code=data.get("error_code"),
        score=data.get("score"),
        verdict=data.get("verdict"),
        is_demo=data.get("is_demo"),
    )


class RedisHub:
    """A `Hub` whose events go through Redis. With `listen` off (worker processes) it only
    publishes."""

    def __init__(
        self,
        url: str,
        *,
        resync: Resync | None = None,
        listen: bool = True,
        local: LocalHub | None = None,
    ) -> None:
        self._url = url
        self._resync = resync
        self._listen = listen
        self.local = local if local is not None else LocalHub()
        self._redis: aioredis.Redis | None = None
        self._listener: asyncio.Task[None] | None = None
        # Set after the first attempt to subscribe, whether it worked or not.
        self._first_try = asyncio.Event()
        self.received = 0

    # -- the Hub protocol ---------------------------------------------------------------------

    @property
    def closing(self) -> str | None:
        return self.local.closing

    @property
    def subscribers(self) -> int:
        return self.local.subscribers

    async def publish(self, event: JobEvent) -> None:
        if self._redis is None:
            raise RuntimeError("RedisHub.publish before start()")
        try:
            await self._redis.publish(CHANNEL, event_to_json(event))
        except (RedisError, OSError) as exc:
            # The state is in the store already; listeners re-read it when they reconnect.
            logger.warning("Could not publish job %s seq %d: %s", event.job_id, event.seq, exc)

    def subscribe(self, job_ids: Iterable[str] | None = None) -> Subscription:
        return self.local.subscribe(job_ids)

    def tick(self) -> None:
        self.local.tick()

    def shutdown(self, reason: str) -> None:
        self.local.shutdown(reason)

    # -- life cycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._redis = aioredis.from_url(self._url, socket_connect_timeout=2.0, socket_timeout=5.0)
        if self._listen:
            self._listener = asyncio.create_task(self._listen_forever(), name="redis-hub")
            # Listen before serving: an event published from now on reaches this process. A
            # Redis that is down does not hold start-up: /health says so, and the listener
            # keeps trying.
            await self._first_try.wait()

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
            self._listener = None
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def _listen_forever(self) -> None:
        failures = 0
        while True:
            # Its own connection, with no read timeout: a quiet channel is not an error.
            connection = aioredis.from_url(self._url, socket_connect_timeout=2.0)
            pubsub = connection.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CHANNEL)
                if failures:
                    logger.info("Listening to job events again")
                    await self._catch_up()
                failures = 0
                self._first_try.set()
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    self.received += 1
                    try:
                        event = event_from_json(message["data"])
                    except (ValueError, KeyError) as exc:
                        logger.warning("Ignoring a malformed job event: %s", exc)
                        continue
                    self.local.deliver(event)
                raise ConnectionError("the event subscription ended")
            except (RedisError, OSError) as exc:
                self._first_try.set()
                delay = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                if failures == 0:
                    logger.warning("Lost the job event subscription (%s); reconnecting", exc)
                failures += 1
                await asyncio.sleep(delay)
            finally:
                await asyncio.shield(_quietly_close(pubsub, connection))

    async def _catch_up(self) -> None:
        """Deliver the current state of what this process's streams watch: whatever was
        published while the subscription was down."""
        if self._resync is None:
            return
        watched, everything = self.local.watched()
        try:
            events = await self._resync(sorted(watched), everything)
        except Exception:
            logger.exception("Could not re-read job states after reconnecting")
            return
        for event in events:
            self.local.deliver(event)


async def _quietly_close(pubsub: Any, connection: aioredis.Redis) -> None:
    try:
        await pubsub.aclose()
        await connection.aclose()
    except (RedisError, OSError):
        pass
