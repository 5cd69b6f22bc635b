"""How a delivery is signed: HMAC-SHA256 over "<timestamp>.<body>" with the webhook secret.

The timestamp (unix seconds of the attempt) is in the signed text, so a captured request
cannot be replayed later than the receiver's tolerance (the README's example allows 5 min).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from webapp.jobs.store import Store

SECRET_NAME = "webhooks"
USER_AGENT = "social-profile-analyzer-webhooks/1.0"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Webhook-Signature value: "sha256=" and the hex HMAC."""
    signed = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def delivery_headers(hook_id: str, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Id": hook_id,
        "X-Webhook-Timestamp": str(timestamp),
        "X-Webhook-Signature": signature(secret, timestamp, body),
    }


async def webhook_secret(configured: str, store: Store) -> str:
    """WEBAPP_WEBHOOK_SECRET, else one made on first use and kept in the store, so every
    process signs with the same key (`python -m webapp webhook-secret` prints it)."""
    return configured or await store.secret(SECRET_NAME, secrets.token_hex(32))
