"""The Instagram adapter: Graph API Business Discovery with an access token.

Business Discovery lets the configured Instagram professional account (`user_id`, with its
access token) read another professional account's profile and media by username, in one call
per page of media: `GET {graph_base}/{user_id}?fields=business_discovery.username(x){...}`.
Further pages nest the cursor in the field expansion, `media.after(<cursor>).limit(50)`.

API facts this relies on (developers.facebook.com/docs/instagram-platform): errors arrive as
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`, usually with HTTP 400
or 403, so the shared HTTP layer hands them back and this module classifies them by code;
`like_count` is left out when the owner hides likes; personal accounts cannot be read at all;
follower lists and comment text of other accounts are not available.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from webapp.models import Platform
from webapp.pipeline.errors import PermanentError, PipelineError, TransientError
from webapp.pipeline.scraping.adapter import ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, RequestBudget, raise_for_common_status
from webapp.pipeline.scraping.instagram_parse import (
    caption_tags,
    count,
    hidden_likes_note,
    post_kind,
    truncation_note,
)
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult
from webapp.pipeline.scraping.retry_after import parse_retry_after

logger = logging.getLogger(__name__)

DEFAULT_GRAPH_BASE = "https://graph.facebook.com/v21.0"
PROFILE_FIELDS = (
    "username,name,biography,website,followers_count,follows_count,media_count,profile_picture_url"
)
MEDIA_FIELDS = (
    "id,caption,comments_count,like_count,media_type,media_product_type,permalink,timestamp"
)
# Application (4), user (17), page (32) and per-hour (613) call limits; 80002 is the
# Instagram business-use-case limit on calls about one account.
THROTTLING_CODES = frozenset({4, 17, 32, 613, 80002})
_INVALID_TOKEN = 190
# Permission errors in the Graph API's error table: 10 (permission denied) and 200-299.
_PERMISSION_CODES = frozenset({10})
_NOT_READABLE_CODE = 110
_NOT_READABLE_SUBCODE = 2207013


@dataclass(frozen=True, slots=True)
class InstagramGraphConfig:
    access_token: str = field(repr=False)  # a secret: never in logs or messages
    user_id: str  # the app's own Instagram professional account that asks
    graph_base: str = DEFAULT_GRAPH_BASE
    max_posts: int = 200
    page_size: int = 50  # the largest media page Business Discovery serves
    request_budget: int = 20  # 4 pages of 50, with room for the HTTP layer's retries


class InstagramGraphAdapter:
    name = "instagram"

    def __init__(
        self, http: HttpClient, config: InstagramGraphConfig, *, now: Callable[[], datetime]
    ) -> None:
        self._http = http
        self._config = config
        self._now = now

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        handle = request.handle
        budget = RequestBudget(self._config.request_budget)
        await progress(0.0, f"Looking up @{handle} with Instagram's Business Discovery API")
        first = await self._call(handle, f"{PROFILE_FIELDS},{self._media_expansion(None)}", budget)
        post_count = count(first.get("media_count")) or 0

        await progress(0.25, f"Listing the account's posts ({post_count})")
        items, cursor = _media_page(first)
        limit = min(self._config.max_posts, post_count)
        while cursor and len(items) < limit:
            page = await self._call(handle, self._media_expansion(cursor), budget)
            more, cursor = _media_page(page)
            if not more:
                break
            items.extend(more)
        items = items[: self._config.max_posts]

        await progress(0.5, f"Reading {len(items)} posts")
        posts = [_post(item) for item in items]

        await progress(0.75, "Putting the profile together")
        profile = Profile(
            handle=str(first.get("username") or handle).lower(),
            display_name=str(first.get("name") or ""),
            bio=str(first.get("biography") or ""),
            external_url=first.get("website") or None,
            business=True,  # Business Discovery reads business and creator accounts only
            followers=count(first.get("followers_count")) or 0,
            following=count(first.get("follows_count")) or 0,
            post_count=post_count,
        )
        coverage = [
            *truncation_note(len(posts), post_count),
            *hidden_likes_note(posts),
            "Follower list not available from the Graph API.",
            "Comments not fetched: the Graph API gives other accounts' comment counts only.",
            "Verification badge not available from the Graph API.",
        ]
        return ScrapeResult(
            platform=Platform.INSTAGRAM,
            profile=profile,
            posts=posts,
            source=self.name,
            coverage=coverage,
        )

    def _media_expansion(self, cursor: str | None) -> str:
        after = f".after({cursor})" if cursor else ""
        return f"media{after}.limit({self._config.page_size}){{{MEDIA_FIELDS}}}"

    async def _call(self, handle: str, fields: str, budget: RequestBudget) -> dict[str, Any]:
        """The `business_discovery` object of one Graph call."""
        url = f"{self._config.graph_base.rstrip('/')}/{self._config.user_id}"
        params = {
            "fields": f"business_discovery.username({handle}){{{fields}}}",
            "access_token": self._config.access_token,
        }
        response = await self._http.get(url, budget=budget, params=params)
        try:
            body = response.json()
        except ValueError:
            raise_for_common_status(response, what="Instagram's Graph API")
            raise TransientError(
                f"Instagram's Graph API answered {response.status_code} with a body that is "
                "not JSON"
            ) from None
        if response.status_code == 200 and isinstance(body, dict):
            discovery = body.get("business_discovery")
            if isinstance(discovery, dict):
                return discovery
        raise _graph_error(handle, response, body, self._now())


def _media_page(discovery: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    media = discovery.get("media") or {}
    # An item without an id or a time cannot be placed on the timeline; skip it, not the job.
    items = [
        item
        for item in media.get("data") or []
        if isinstance(item, dict) and item.get("id") and item.get("timestamp")
    ]
    cursor = (media.get("paging") or {}).get("cursors", {}).get("after")
    return items, str(cursor) if cursor else None


def _graph_error(handle: str, response: httpx.Response, body: Any, now: datetime) -> PipelineError:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return PermanentError(
            f"Instagram's Graph API answered {response.status_code} without the account's data.",
            code="upstream_unavailable",
        )
    code = error.get("code")
    subcode = error.get("error_subcode")
    message = str(error.get("message") or "no message given")
    logger.info(
        "Graph API error for @%s: HTTP %s code %s/%s fbtrace_id %s",
        handle,
        response.status_code,
        code,
        subcode,
        error.get("fbtrace_id"),
    )
    if code in THROTTLING_CODES:
        return TransientError(
            f"Instagram's Graph API is rate limiting this app (code {code}: {message})",
            code="rate_limited",
            retry_after=parse_retry_after(response.headers.get("Retry-After"), now),
        )
    if code == _INVALID_TOKEN:
        return PermanentError(
            "Instagram refused the access token (it is invalid or has expired): set "
            "WEBAPP_INSTAGRAM_ACCESS_TOKEN to a valid long-lived token.",
            code="auth_required",
        )
    user_msg = str(error.get("error_user_msg") or "")
    if (
        code == _NOT_READABLE_CODE
        or subcode == _NOT_READABLE_SUBCODE
        or "cannot find user" in f"{message} {user_msg}".lower()
    ):
        return PermanentError(
            f"@{handle} is not a business or creator account (or does not exist), so "
            "Instagram's API cannot read it; check the handle, or upload an export of the "
            "account's posts instead.",
            code="not_found",
        )
    if code in _PERMISSION_CODES or (isinstance(code, int) and 200 <= code <= 299):
        return PermanentError(
            f"Instagram's Graph API refused this app a permission it needs (code {code}: "
            f"{message}); give the app's access token the permissions Business Discovery needs.",
            code="auth_required",
        )
    return PermanentError(
        f"Instagram's Graph API refused the request (HTTP {response.status_code}, code {code}): "
        f"{message}",
        code="upstream_unavailable",
    )


def _post(item: dict[str, Any]) -> Post:
    caption = str(item.get("caption") or "")
    hashtags, mentions = caption_tags(caption)
    return Post(
        id=str(item["id"]),
        url=str(item.get("permalink") or ""),
        # Graph timestamps look like 2026-11-27T09:00:00+0000, which fromisoformat reads.
        published_at=datetime.fromisoformat(str(item["timestamp"])),
        kind=post_kind(item.get("media_type"), item.get("media_product_type")),
        caption=caption,
        hashtags=hashtags,
        mentions=mentions,
        likes=count(item.get("like_count")),
        comments=count(item.get("comments_count")),
    )
