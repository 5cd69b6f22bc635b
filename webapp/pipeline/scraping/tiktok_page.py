"""Reading TikTok's public profile page and embed page: the JSON they embed, as an account.

The profile page (`/@handle`) carries `<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__">` whose
`__DEFAULT_SCOPE__["webapp.user-detail"]` holds `statusCode` and `userInfo` (`user`, rounded
`stats`, exact `statsV2` strings). When TikTok serves the client-rendered shell instead, that
scope is empty and the embed page (`/embed/@handle`) is the fallback: a Frontity or Next.js
state blob with the same user fields (flat or under `user`) and a list of videos. TikTok changes
these pages often, so everything here is tolerant: a shape it does not know reads as "no data".
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webapp.pipeline.scraping.result import Post, Profile
from webapp.pipeline.scraping.tiktok_video import created_at, exact_count, video_post

PROFILE_SCRIPT = "__UNIVERSAL_DATA_FOR_REHYDRATION__"
EMBED_SCRIPTS = ("__FRONTITY_CONNECT_STATE__", "__NEXT_DATA__")
_USER_DETAIL = "webapp.user-detail"
_VIDEO_LISTS = ("itemList", "videoList", "videos", "items")
_SEARCH_DEPTH = 8  # the embed blobs nest the account a few levels down; never walk forever


@dataclass(frozen=True, slots=True)
class PageAccount:
    """One account as a page shows it; `status_code` 0 means found."""

    status_code: int
    user: Mapping[str, Any]
    stats: Mapping[str, Any]
    stats_v2: Mapping[str, Any] | None
    items: list[Mapping[str, Any]] = field(default_factory=list)

    def profile(self, handle: str) -> Profile:
        return Profile(
            handle=str(self.user.get("uniqueId") or handle),
            display_name=str(self.user.get("nickname") or ""),
            bio=str(self.user.get("signature") or ""),
            external_url=_bio_link(self.user.get("bioLink")),
            verified=bool(self.user.get("verified")),
            private=bool(self.user.get("privateAccount")),
            business=bool(_mapping(self.user.get("commerceUserInfo")).get("commerceUser")),
            followers=self._stat("followerCount"),
            following=self._stat("followingCount"),
            post_count=self._stat("videoCount"),
        )

    def likes(self) -> int:
        return self._stat("heartCount")

    def posts(self, handle: str) -> list[Post]:
        posts = (_page_post(handle, item) for item in self.items)
        return [post for post in posts if post is not None]

    def _stat(self, key: str) -> int:
        return exact_count(self.stats_v2, self.stats, key) or 0


def script_json(html: str, script_id: str) -> Any:
    """The JSON inside `<script id=script_id>`, or None when absent or not JSON."""
    pattern = rf"<script\b[^>]*\bid=[\"']{re.escape(script_id)}[\"'][^>]*>(.*?)</script>"
    match = re.search(pattern, html, re.DOTALL | re.IGNORECASE)
    if match is None:
        return None
    try:
        return json.loads(match.group(1))
    except ValueError:
        return None  # a truncated page: the same as no data


def profile_page(html: str) -> PageAccount | None:
    """The account on a profile page; None for the shell page (no script, or an empty scope)."""
    data = _mapping(script_json(html, PROFILE_SCRIPT))
    scope = _mapping(data.get("__DEFAULT_SCOPE__"))
    detail = _mapping(scope.get(_USER_DETAIL))
    if not detail:
        return None
    account = _account(detail)
    if account is None:
        return None
    if account.items:
        return account
    # Older pages kept the videos in a module keyed by video id, beside the user detail.
    module = scope.get("ItemModule") or data.get("ItemModule")
    items = _items(module)
    return PageAccount(account.status_code, account.user, account.stats, account.stats_v2, items)


def embed_page(html: str) -> PageAccount | None:
    """The account on an embed page, from whichever known state blob the page carries."""
    for script_id in EMBED_SCRIPTS:
        found = _find_account(script_json(html, script_id), _SEARCH_DEPTH)
        if found is not None:
            return found
    return None


def _find_account(node: Any, depth: int) -> PageAccount | None:
    """Depth-first: the first mapping with a `userInfo` that names a user."""
    if depth < 0:
        return None
    if isinstance(node, Mapping):
        if isinstance(node.get("userInfo"), Mapping):
            account = _account(node)
            if account is not None:
                return account
        children: Any = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_account(child, depth - 1)
        if found is not None:
            return found
    return None


def _account(node: Mapping[str, Any]) -> PageAccount | None:
    """`userInfo` nested (`user`, `stats`, `statsV2`) or flat (the user's fields and counts in
    one mapping); None when it names no user and reports no error either."""
    status = _status(node.get("statusCode"))
    info = _mapping(node.get("userInfo"))
    nested = isinstance(info.get("user"), Mapping)
    user = _mapping(info.get("user")) if nested else info
    stats = _mapping(info.get("stats")) if nested else info
    stats_v2 = info.get("statsV2")
    if status == 0 and not user.get("uniqueId"):
        return None
    items: list[Mapping[str, Any]] = []
    for key in _VIDEO_LISTS:
        items = _items(node.get(key)) or _items(info.get(key))
        if items:
            break
    return PageAccount(
        status_code=status,
        user=user,
        stats=stats,
        stats_v2=stats_v2 if isinstance(stats_v2, Mapping) else None,
        items=items,
    )


def _page_post(handle: str, item: Mapping[str, Any]) -> Post | None:
    """A video entry: counts under `stats` / `statsV2`, or flat on the entry (embed pages)."""
    video_id = item.get("id")
    published = created_at(item.get("createTime"))
    if not video_id or published is None:
        return None
    stats = _mapping(item.get("stats")) or item
    stats_v2 = item.get("statsV2") if isinstance(item.get("statsV2"), Mapping) else None
    caption = str(item.get("desc") or "")
    challenges = item.get("challenges")
    tags = (
        [str(c.get("title") or "") for c in challenges if isinstance(c, Mapping)]
        if isinstance(challenges, list)
        else []
    )
    return video_post(
        handle,
        video_id=str(video_id),
        published_at=published,
        caption=caption,
        likes=exact_count(stats_v2, stats, "diggCount"),
        comments=exact_count(stats_v2, stats, "commentCount"),
        shares=exact_count(stats_v2, stats, "shareCount"),
        views=exact_count(stats_v2, stats, "playCount"),
        tags=tags,
    )


def _items(value: Any) -> list[Mapping[str, Any]]:
    """Video entries from a list, or from a mapping keyed by video id."""
    if isinstance(value, Mapping):
        value = list(value.values())
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _status(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _bio_link(value: Any) -> str | None:
    link = value.get("link") if isinstance(value, Mapping) else None
    return str(link) if link else None
