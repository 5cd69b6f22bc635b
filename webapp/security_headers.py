"""Security headers on every HTTP response: a strict Content-Security-Policy and friends.

The pages run only our own files: htmx, its SSE extension and report.js from /static, one
stylesheet, no inline script, no `style=""` (positions and widths are classes, see
static/css/scale.css) and no eval (htmx's `allowEval` is off in base.html). So the policy can
be `'self'` for everything and nothing else, and a stored value that slipped into a page as
markup still could not run. A pure ASGI middleware: the header list is built once, and each
response pays one list concatenation.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers that predate it
    # Not no-referrer: with it, Chromium sends `Origin: null` on form POSTs, which the CSRF
    # check (routes/origin.py) refuses. same-origin still tells other sites nothing (job URLs
    # stay private when a report's post links are followed).
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}

_RAW_HEADERS = [(name.lower().encode(), value.encode()) for name, value in HEADERS.items()]
_NAMES = frozenset(name for name, _ in _RAW_HEADERS)


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A new list: a response may reuse its own header list for every request. A
                # header the response set itself (a stricter Referrer-Policy, say) is kept.
                headers = message.get("headers", ())
                own = {name for name, _ in headers if name in _NAMES}
                extra = _RAW_HEADERS if not own else [h for h in _RAW_HEADERS if h[0] not in own]
                message = {**message, "headers": [*headers, *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
