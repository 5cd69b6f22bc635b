"""Jobs queued in Redis with SAQ: web processes enqueue, `python -m webapp worker` runs them.

SAQ is the distributed engine: its job key (our job id) makes enqueueing idempotent, workers
heart-beat while they run a job, and a worker's sweep re-queues the job of a worker that stopped
heart-beating (killed, frozen, lost its network). Our retries with backoff stay ours (inside
one SAQ run, as in the embedded runner); SAQ's retries only count re-runs after a dead worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.exceptions import RedisError
from saq.job import Job as SaqJob
from saq.queue.redis import RedisQueue

from webapp.jobs.job import Job
from webapp.jobs.store import StoreError

QUEUE_NAME = "webapp"
FUNCTION = "analyze"
# How long SAQ keeps its record of a finished run (ours is in jobs:{id}).
RECORD_SECONDS = 600
# The pause of a worker's dequeue loop after Redis refused it.
DEQUEUE_RETRY_SECONDS = 1.0

logger = logging.getLogger(__name__)


class _RedisQueue(RedisQueue):
    """SAQ's Redis queue, with a pause when a dequeue fails: SAQ starts the next dequeue at
    once, so without it a worker spins at full CPU on connection errors while Redis is away."""

    _unreachable = False

    async def dequeue(
        self,
        timeout: float = 0.0,  # noqa: ASYNC109 (SAQ's signature)
        poll_interval: float = 0.0,
    ) -> SaqJob | None:
        try:
            job = await super().dequeue(timeout, poll_interval)
        except (RedisError, OSError) as exc:
            if not self._unreachable:
                logger.warning(
                    "Cannot take jobs from Redis (%s); retrying every %.0f s",
                    exc,
                    DEQUEUE_RETRY_SECONDS,
                )
            self._unreachable = True
            await asyncio.sleep(DEQUEUE_RETRY_SECONDS)
            return None
        if self._unreachable:
            logger.info("Taking jobs from Redis again")
            self._unreachable = False
        return job


def redis_queue(url: str) -> RedisQueue:
    return _RedisQueue.from_url(url, name=QUEUE_NAME, swept_error_message="worker stopped")


class SaqJobQueue:
    """The `JobQueue` of web (and worker) processes in front of Redis."""

    def __init__(self, queue: RedisQueue, *, max_attempts: int, heartbeat_seconds: float) -> None:
        self.queue = queue
        self.max_attempts = max_attempts
        self._heartbeat = max(1, round(heartbeat_seconds))

    async def enqueue(self, job: Job) -> None:
        try:
            await self.queue.enqueue(
                FUNCTION,
                key=job.id,
                job_id=job.id,
                # No overall time limit (retries with backoff can take minutes); a run that
                # stops heart-beating is what counts as lost.
                timeout=0,
                heartbeat=self._heartbeat,
                # Re-runs after dead workers; the last one finds the job out of attempts and
                # fails it with a message.
                retries=self.max_attempts + 1,
                ttl=RECORD_SECONDS,
            )
        except (RedisError, OSError) as exc:
            raise StoreError(f"Redis cannot be reached: {exc}") from exc

    async def waiting(self) -> int:
        return await self._count("queued")

    async def running(self) -> int:
        return await self._count("active")

    async def _count(self, kind: str) -> int:
        try:
            return await self.queue.count(kind)  # type: ignore[arg-type]
        except (RedisError, OSError) as exc:
            raise StoreError(f"Redis cannot be reached: {exc}") from exc

    async def close(self) -> None:
        # Closing must not fail because Redis is gone: there is nothing left to tell it.
        with contextlib.suppress(RedisError, OSError):
            await self.queue.disconnect()
