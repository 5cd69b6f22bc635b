"""A webhook: one subscription to one job's or batch's end, and its delivery as it stands.

The store keeps it (an outbox): `waiting` until its target ends, then `pending` with the final
event as its payload, claimed by one dispatcher at a time under a lease, and finally
`delivered` or `failed`. Its id is stable across attempts: receivers deduplicate on it.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Target = Literal["job", "batch"]


class WebhookState(enum.StrEnum):
    WAITING = "waiting"  # its job or batch has not ended yet
    PENDING = "pending"  # ended: to be sent (again) at next_attempt_at
    DELIVERED = "delivered"
    FAILED = "failed"  # attempts used up


@dataclass(frozen=True, slots=True)
class Webhook:
    id: str
    target: Target
    target_id: str
    url: str
    state: WebhookState
    created_at: datetime
    attempts: int = 0
    payload: str | None = None  # the JSON body, fixed when the target ends
    next_attempt_at: datetime | None = None
    lease_until: datetime | None = None  # a dispatcher is sending it until then
    last_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None

    @classmethod
    def new(cls, target: Target, target_id: str, url: str, now: datetime) -> Webhook:
        return cls(
            id=str(uuid.uuid4()),
            target=target,
            target_id=target_id,
            url=url,
            state=WebhookState.WAITING,
            created_at=now,
        )
