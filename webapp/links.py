"""Which stored URLs may become links: only absolute http(s) ones.

Post and profile URLs come from platforms and from uploaded files, so a `javascript:` or `data:`
URL (or one disguised with case, spaces or control characters, which browsers strip) must never
reach an `href`: it would run in our origin when clicked. Everything else stays plain text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

_SCHEMES = frozenset({"http", "https"})


def web_link(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) URL with a host and nothing a browser would strip
    or reinterpret; otherwise None."""
    if not url or url != url.strip() or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        return None
    return url
