"""Webhooks as the status JSON shows them: anyone with a job's id can read its status, and a
callback URL may carry a token in its path or query, so only its origin is shown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from webapp.clock import isoformat
from webapp.models import WebhookStatus
from webapp.webhooks.record import Webhook, WebhookState


def origin(url: str) -> str:
    """scheme://host[:port] of an accepted callback URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def statuses(hooks: Sequence[Webhook]) -> list[WebhookStatus]:
    return [
        WebhookStatus(
            id=hook.id,
            url=origin(hook.url),
            state=hook.state.value,
            attempts=hook.attempts,
            last_attempt_at=_iso(hook.last_attempt_at),
            last_status_code=hook.last_status_code,
            last_error=hook.last_error,
            next_attempt_at=_iso(hook.next_attempt_at)
            if hook.state is WebhookState.PENDING
            else None,
            delivered_at=_iso(hook.delivered_at),
        )
        for hook in hooks
    ]


def _iso(moment: datetime | None) -> str | None:
    return isoformat(moment) if moment is not None else None
