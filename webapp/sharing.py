"""Read-only share links: `/share/{token}`, where the token stands for one job's report.

The token is the job id encrypted with AES-SIV (deterministic authenticated encryption): the
same report always gets the same link, a token cannot be forged or edited into another job's,
and it does not reveal the job id (which opens the app's own pages). A token that decrypts but
whose job is gone is an expired link; one that does not decrypt was never issued.

The key comes from WEBAPP_SHARE_SECRET when set; otherwise a random key is made on first use
and kept in the store (SQLite or Redis), so links survive restarts and work on every process.
Changing the secret (or deleting the stored one) invalidates every link given out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import uuid

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

from webapp.jobs.service import JobService
from webapp.settings import Settings

# Bound into every token, so a token made for another purpose with the same key never passes.
PURPOSE = b"webapp share link v1"
SECRET_NAME = "share_links"
KEY_BYTES = 64  # AES-256-SIV


class ShareLinks:
    def __init__(self, key: bytes) -> None:
        self._siv = AESSIV(key)

    def token(self, job_id: str) -> str:
        sealed = self._siv.encrypt(uuid.UUID(job_id).bytes, [PURPOSE])
        return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()

    def job_id(self, token: str) -> str | None:
        """The job the token was issued for; None for a token this server never issued."""
        if not token.isascii() or len(token) > 64:
            return None
        try:
            sealed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            return str(uuid.UUID(bytes=self._siv.decrypt(sealed, [PURPOSE])))
        except (binascii.Error, ValueError, InvalidTag):
            return None


def key_from_secret(secret: str) -> bytes:
    return hashlib.sha512(PURPOSE + b"\0" + secret.encode()).digest()


class ShareLinkSource:
    """The ShareLinks of this deployment, made on first use (the store may be down at start)."""

    def __init__(self, settings: Settings, service: JobService) -> None:
        self._secret = settings.share_secret
        self._service = service
        self._links: ShareLinks | None = None

    async def links(self) -> ShareLinks:
        if self._links is None:
            if self._secret:
                key = key_from_secret(self._secret)
            else:
                # Two processes racing here both end with the one value the store kept.
                stored = await self._service.secret(SECRET_NAME, secrets.token_hex(KEY_BYTES))
                key = bytes.fromhex(stored)
            self._links = ShareLinks(key)
        return self._links
