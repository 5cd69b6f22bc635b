"""Which `callback_url`s a submission may name: an absolute http(s) URL to a host *name*.

`PATTERN` is the whole rule and is what the OpenAPI document publishes, so a client can check a
URL before sending it. IP addresses are refused outright (a private one is how a caller would
make the server call inside its own network); host names are checked again at delivery, when
they resolve (webapp/webhooks/address.py). With WEBAPP_WEBHOOK_ALLOW_PRIVATE (tests, set-ups on
one machine) IP addresses are accepted too.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from webapp.errors import InvalidInput

MAX_LENGTH = 2048
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# The last label starts with a letter: never an IP address, in any of the forms resolvers take.
_LAST_LABEL = r"[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PORT = (
    r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}"
    r"|[1-9][0-9]{0,3}))?"
)
# Path, query and fragment: printable ASCII without spaces (percent-encode anything else).
_REST = r"(?:[/?#][!-~]*)?"
PATTERN = rf"^https?://(?:{_LABEL}\.)*{_LAST_LABEL}{_PORT}{_REST}$"
_MATCH = re.compile(PATTERN)
DESCRIPTION = (
    "An http(s) URL with a host name (not an IP address; no user name or password) that gets "
    "a signed POST with the final event when this ends; see the README's Webhooks section"
)


def check_callback_url(url: str | None, *, allow_private: bool) -> str | None:
    """`url` when acceptable (None stays None); otherwise InvalidInput saying why."""
    if url is None:
        return None
    # JSON Schema validators in Python let `$` match before one final newline: so does this.
    if url.endswith("\n") and _MATCH.fullmatch(url[:-1]):
        url = url[:-1]
    if len(url) <= MAX_LENGTH and (
        _MATCH.fullmatch(url) or (allow_private and _ip_url(url) is not None)
    ):
        return url
    raise InvalidInput(_why(url), details={"field": "callback_url"})


def _why(url: str) -> str:
    if len(url) > MAX_LENGTH:
        return f"callback_url is too long: at most {MAX_LENGTH} characters."
    try:
        parts = urlsplit(url)
    except ValueError:
        return "callback_url is not a valid URL."
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "callback_url must be an absolute URL starting with http:// or https://."
    if "@" in parts.netloc:
        return "callback_url must not carry a user name or password (the part before '@')."
    if (address := _ip_url(url)) is not None:
        kind = "a public" if address.is_global else "a private or reserved"
        return f"callback_url names {kind} IP address ({address}); use the receiver's host name."
    return (
        "callback_url must be an http(s) URL with a host name, like "
        "https://example.com/hooks/analysis: letters, digits, '-' and '.' in the host, a "
        "port from 1 to 65535 if any, and no spaces (percent-encode other characters)."
    )


def _ip_url(url: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address an otherwise well-formed http(s) URL names as its host, if it does."""
    try:
        parts = urlsplit(url)
        address = ipaddress.ip_address(parts.hostname or "")
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or "@" in parts.netloc or port == 0:
        return None
    rest = url.split("://", 1)[1][len(parts.netloc) :]
    return address if re.fullmatch(_REST, rest) else None
