"""Refuse state-changing page requests made by other web sites (CSRF).

Browsers say where a request comes from: `Sec-Fetch-Site` (all current browsers) and `Origin`
(on every POST). A form on another site that posts to us carries `cross-site` and its own
origin, so it is refused before anything is read. Requests with neither header (curl, scripts)
are not from a browser page and pass; the JSON API needs no check, since it takes only
`application/json`, which another site cannot send without a CORS preflight we never grant.
"""

from __future__ import annotations

from starlette.requests import Request

from webapp.errors import CrossSiteRequest

_ALLOWED_SITES = frozenset({"same-origin", "none"})  # "none": typed or bookmarked by the user


def require_same_origin(request: Request) -> None:
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.lower() not in _ALLOWED_SITES:
        raise CrossSiteRequest(_MESSAGE, details={"sec_fetch_site": site[:32]})
    origin = request.headers.get("origin")
    if origin is not None and origin.rstrip("/").lower() != _own_origin(request):
        raise CrossSiteRequest(_MESSAGE, details={"origin": origin[:200]})


def _own_origin(request: Request) -> str:
    host = request.headers.get("host", request.url.netloc).lower()
    return f"{request.url.scheme}://{host}"


_MESSAGE = (
    "This form was sent from another web site, so it was refused and nothing was started. "
    "Open the analyzer's own page and submit it there."
)
