"""Optional API keys (WEBAPP_API_KEYS): the JSON API, and optionally the pages, need one.

The API takes `Authorization: Bearer <key>` on every route under /api/, its SSE and WebSocket
streams included. The pages stay open unless WEBAPP_PAGES_NEED_KEY is on: a browser then asks
for the key once (HTTP Basic: any user name, the key as password) and sends it with every page,
form post and live stream. /health (for load balancers), /static, /openapi.json and /schemas/
are always open. A key is compared in constant time with every configured key (SHA-256 digests,
`hmac.compare_digest`, no early exit), and a valid key becomes the client's identity for the
rate limits (webapp.limits), as a digest: the key itself is kept nowhere else.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
from base64 import b64decode

from starlette.types import ASGIApp, Receive, Scope, Send

from webapp.errors import Unauthorized
from webapp.limits import CLIENT_KEY

_OPEN_PREFIXES = ("/health", "/static/", "/openapi.json", "/schemas/")
_API_MESSAGE = (
    "This API needs a key: send it as `Authorization: Bearer <key>`. "
    "Ask the operator of this server for one."
)
_WRONG_KEY_MESSAGE = "That API key is not valid. Check it, or ask the operator for a new one."


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


def presented_key(authorization: str) -> str | None:
    """The key in an Authorization header: Bearer, or Basic with the key as password."""
    scheme, _, credentials = authorization.strip().partition(" ")
    credentials = credentials.strip()
    if scheme.lower() == "bearer":
        return credentials or None
    if scheme.lower() == "basic":
        try:
            decoded = b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


class ApiKeys:
    def __init__(self, app: ASGIApp, *, keys: tuple[str, ...], pages: bool, page: bytes) -> None:
        """`page`: the HTML error page a browser gets when pages need a key."""
        self.app = app
        self._digests = [_digest(key) for key in keys]
        self._pages = pages
        self._page = page

    def check(self, key: str | None) -> str | None:
        """The client identity for a valid key, else None; the same work for every key."""
        if key is None:
            return None
        digest = _digest(key)
        valid = False
        for known in self._digests:
            valid |= hmac.compare_digest(digest, known)
        return f"key:{digest.hex()[:16]}" if valid else None

    def _protected(self, path: str) -> bool:
        if path.startswith("/api/"):
            return True
        return self._pages and not path.startswith(_OPEN_PREFIXES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or not self._protected(scope["path"]):
            await self.app(scope, receive, send)
            return
        authorization = ""
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
                break
        key = presented_key(authorization) if authorization else None
        client = self.check(key)
        if client is not None:
            scope[CLIENT_KEY] = client
            await self.app(scope, receive, send)
            return
        await self._refuse(scope, send, wrong=key is not None)

    async def _refuse(self, scope: Scope, send: Send, *, wrong: bool) -> None:
        api = scope["path"].startswith("/api/")
        if api:
            error = Unauthorized(_WRONG_KEY_MESSAGE if wrong else _API_MESSAGE)
            body = json.dumps(error.body()).encode()
            content_type = b"application/json"
            challenge = b'Bearer realm="api"' + (b', error="invalid_token"' if wrong else b"")
        else:
            body = self._page
            content_type = b"text/html; charset=utf-8"
            challenge = b'Basic realm="Profile Analyzer", charset="UTF-8"'
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", challenge),
            (b"cache-control", b"no-store"),
        ]
        if scope["type"] == "websocket":
            if "websocket.http.response" not in scope.get("extensions", {}):
                # No way to answer with a status: refuse the handshake (the server sends 403).
                await send({"type": "websocket.close", "code": 1008, "reason": ""})
                return
            prefix = "websocket."
        else:
            prefix = ""
        await send({"type": f"{prefix}http.response.start", "status": 401, "headers": headers})
        await send({"type": f"{prefix}http.response.body", "body": body})
