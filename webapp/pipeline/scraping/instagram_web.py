"""The Instagram adapter without a token: the public web profile JSON, best effort.

One request: `GET {web_base}/api/v1/users/web_profile_info/?username=x` with the web app's
`x-ig-app-id` header, answering `{"data": {"user": {...}}, "status": "ok"}` with the profile and
its newest posts (usually 12). The endpoint is undocumented and has served two vocabularies: the
GraphQL-style `edge_*` names (`edge_followed_by.count`, timeline `edges[].node`) and the newer
flat ones (`follower_count`, items with `like_count`, `caption.text`); both are read.

Instagram answers a logged-out client it distrusts with 401 `{"require_login": true}` or a
redirect to the login page. That will not change on retry, so it is a permanent failure, and
the HTTP layer (which retries only 408, 429, 5xx) hands it back here untouched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from webapp.models import Platform
from webapp.pipeline.errors import PermanentError
from webapp.pipeline.scraping.adapter import ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, RequestBudget
from webapp.pipeline.scraping.instagram_parse import (
    POST_URL,
    caption_tags,
    count,
    hidden_likes_note,
    post_kind,
    truncation_note,
)
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult

logger = logging.getLogger(__name__)

DEFAULT_WEB_BASE = "https://www.instagram.com"
WEB_APP_ID = "936619743392459"  # the id instagram.com's own web client sends
PROFILE_PATH = "/api/v1/users/web_profile_info/"


@dataclass(frozen=True, slots=True)
class InstagramWebConfig:
    web_base: str = DEFAULT_WEB_BASE
    app_id: str = WEB_APP_ID
    request_budget: int = 5  # one request, plus the HTTP layer's retries


class InstagramWebAdapter:
    name = "instagram"

    def __init__(self, http: HttpClient, config: InstagramWebConfig) -> None:
        self._http = http
        self._config = config

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        handle = request.handle
        await progress(0.0, f"Looking up @{handle}'s public Instagram profile")
        user = await self._user(handle)
        if user.get("is_private"):
            raise PermanentError(
                f"@{handle}: the account is private, so Instagram shows its posts to approved "
                "followers only; ask the creator for an export of their posts and upload it.",
                code="private",
            )

        await progress(0.25, "Reading the public profile")
        timeline = user.get("edge_owner_to_timeline_media") or {}
        post_count = count(timeline.get("count")) or count(user.get("media_count")) or 0
        nodes = _timeline_nodes(user)

        await progress(0.5, f"Reading {len(nodes)} posts")
        posts = [post for post in map(_post, nodes) if post is not None]

        await progress(0.75, "Putting the profile together")
        profile = Profile(
            handle=str(user.get("username") or handle).lower(),
            display_name=str(user.get("full_name") or ""),
            bio=str(user.get("biography") or ""),
            external_url=user.get("external_url") or None,
            verified=bool(user.get("is_verified")),
            business=bool(
                user.get("is_business_account")
                or user.get("is_professional_account")
                or user.get("is_business")
            ),
            followers=_nested_count(user, "edge_followed_by", "follower_count"),
            following=_nested_count(user, "edge_follow", "following_count"),
            post_count=post_count,
        )
        coverage = [
            *truncation_note(len(posts), post_count),
            *hidden_likes_note(posts),
            "Comments not fetched from the public profile.",
            "Follower list not available from the public profile.",
        ]
        return ScrapeResult(
            platform=Platform.INSTAGRAM,
            profile=profile,
            posts=posts,
            source=self.name,
            coverage=coverage,
        )

    async def _user(self, handle: str) -> dict[str, Any]:
        url = f"{self._config.web_base.rstrip('/')}{PROFILE_PATH}"
        response = await self._http.get(
            url,
            budget=RequestBudget(self._config.request_budget),
            params={"username": handle},
            headers={"x-ig-app-id": self._config.app_id},
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        status = response.status_code
        if status == 200 and isinstance(body, dict):
            data = body.get("data")
            if not isinstance(data, dict):
                data = body  # the flat answer may carry the user at the top level
            user = data.get("user")
            if isinstance(user, dict):
                return user
            if "user" in data:  # `user: null`: no such account
                raise _not_found(handle)
        raise _web_error(handle, response, body)


def _not_found(handle: str) -> PermanentError:
    return PermanentError(
        f"No Instagram account @{handle} exists; check the handle.", code="not_found"
    )


def _requires_login(handle: str) -> PermanentError:
    return PermanentError(
        f"Instagram requires login for this account (@{handle}), so its public profile cannot be "
        "read; set WEBAPP_INSTAGRAM_ACCESS_TOKEN and WEBAPP_INSTAGRAM_USER_ID to use the Graph "
        "API instead, or upload an export of the account's posts.",
        code="auth_required",
    )


def _web_error(handle: str, response: httpx.Response, body: Any) -> PermanentError:
    status = response.status_code
    logger.info("Instagram web profile of @%s: HTTP %s", handle, status)
    if status == 404:
        return _not_found(handle)
    message = str(body.get("message") or "") if isinstance(body, dict) else ""
    if isinstance(body, dict) and body.get("require_login"):
        return _requires_login(handle)
    if 300 <= status < 400 and "login" in response.headers.get("Location", ""):
        return _requires_login(handle)
    if status == 200:
        return PermanentError(
            "Instagram did not return profile data (the public profile endpoint answered "
            "without a user); it may have changed.",
            code="invalid_data",
        )
    return PermanentError(
        f"Instagram's public profile endpoint refused the request (HTTP {status}"
        + (f": {message})" if message else ")"),
        code="upstream_unavailable",
    )


def _timeline_nodes(user: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest posts: timeline edges in the edge_* vocabulary, `items` in the flat one."""
    timeline = user.get("edge_owner_to_timeline_media") or {}
    nodes = [edge.get("node") for edge in timeline.get("edges") or [] if isinstance(edge, dict)]
    if not nodes:
        nodes = list(user.get("items") or [])
    return [node for node in nodes if isinstance(node, dict)]


def _nested_count(user: dict[str, Any], edge: str, flat: str) -> int:
    nested = user.get(edge)
    value = nested.get("count") if isinstance(nested, dict) else user.get(flat)
    return count(value) or 0


def _post(node: dict[str, Any]) -> Post | None:
    """One post from either vocabulary; None for an item without an id or a time."""
    flat = "taken_at" in node
    identifier = node.get("id") or node.get("pk")
    taken_at = count(node.get("taken_at") if flat else node.get("taken_at_timestamp"))
    if not identifier or taken_at is None:
        return None
    hidden = bool(node.get("like_and_view_counts_disabled"))
    if flat:
        caption_field = node.get("caption")
        caption = str(caption_field.get("text") or "") if isinstance(caption_field, dict) else ""
        likes = count(node.get("like_count"))
        comments = count(node.get("comment_count"))
        views = count(node.get("play_count"))
        if views is None:
            views = count(node.get("view_count"))
        kind = post_kind(node.get("media_type"), node.get("product_type"))
    else:
        edges = (node.get("edge_media_to_caption") or {}).get("edges") or [{}]
        caption = str((edges[0].get("node") or {}).get("text") or "")
        liked = node.get("edge_liked_by") or node.get("edge_media_preview_like") or {}
        likes = count(liked.get("count"))
        comments = count((node.get("edge_media_to_comment") or {}).get("count"))
        views = count(node.get("video_view_count")) if node.get("is_video") else None
        kind = post_kind(node.get("__typename"), node.get("product_type"))
    hashtags, mentions = caption_tags(caption)
    shortcode = node.get("shortcode") or node.get("code")
    return Post(
        id=str(identifier),
        url=POST_URL.format(shortcode=shortcode) if shortcode else "",
        published_at=datetime.fromtimestamp(taken_at, tz=UTC),
        kind=kind,
        caption=caption,
        hashtags=hashtags,
        mentions=mentions,
        likes=None if hidden else likes,
        comments=comments,
        views=None if hidden else views,
    )
