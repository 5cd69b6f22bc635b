"""A fake Instagram in the documented response shapes: the Graph API's Business Discovery and
the public web profile JSON (both its `edge_*` and its flat vocabulary), with scripted failures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
IG_USER_ID = "17841400000000001"  # the app's own professional account
ACCESS_TOKEN = "test-token"
WEB_APP_ID = "936619743392459"
GRAPH_VERSION = "v21.0"

_DISCOVERY = re.compile(r"business_discovery\.username\(([^)]*)\)\{(.*)\}")
_MEDIA = re.compile(r"media(?:\.after\(([^)]*)\))?\.limit\((\d+)\)\{([^}]*)\}")
_KINDS = [("VIDEO", "REELS"), ("IMAGE", "FEED"), ("CAROUSEL_ALBUM", "FEED")]
_WEB_TYPES = ["GraphVideo", "GraphImage", "GraphSidecar"]
_FLAT_TYPES = [(2, "clips"), (1, "feed"), (8, "carousel_container")]


def graph_error(
    status: int,
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    error: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AbCdEfGhIjK",
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def not_a_business_account(username: str) -> JSONResponse:
    return graph_error(
        400,
        110,
        f"Invalid user id. The user with username: {username} cannot be found.",
        subcode=2207013,
    )


@dataclass
class FakeInstagram:
    """One creator with `posts` posts (newest first, one a day) and scripted failures.

    Post i: a reel, a photo or a carousel in turn; likes 1200 + 15 i (hidden on `hidden_likes`),
    comments 40 + i % 6, reels viewed 20000 + 100 i on the web profile.
    """

    posts: int = 120
    username: str = "fixturecreator"
    followers: int = 48_000
    hidden_likes: set[int] = field(default_factory=lambda: {4, 9})
    # Web profile accounts by username: "edge", "flat", "private", "login" or "null".
    web_accounts: dict[str, str] = field(
        default_factory=lambda: {
            "fixturecreator": "edge",
            "flatcreator": "flat",
            "privatecreator": "private",
            "loginwall": "login",
            "vanished": "null",
        }
    )
    graph_fail: list[Response] = field(default_factory=list)  # next Graph answers, in order
    requests: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    base_url: str = ""

    @property
    def graph_base(self) -> str:
        return f"{self.base_url}/{GRAPH_VERSION}"

    # -- fixtures ---------------------------------------------------------------------------

    def taken_at(self, index: int) -> datetime:
        return NOW - timedelta(days=index, hours=2)

    def likes(self, index: int) -> int | None:
        return None if index in self.hidden_likes else 1200 + 15 * index

    def comments(self, index: int) -> int:
        return 40 + index % 6

    def views(self, index: int) -> int | None:
        return 20_000 + 100 * index if index % 3 == 0 else None

    def caption(self, index: int) -> str:
        return f"Day {index} in Lisbon #Travel #lisbon{index % 2} with @Studio.Lx. hi@example.com"

    def media(self, index: int) -> dict[str, Any]:
        media_type, product_type = _KINDS[index % 3]
        item: dict[str, Any] = {
            "id": f"1790000000{index:05d}",
            "caption": self.caption(index),
            "comments_count": self.comments(index),
            "like_count": self.likes(index),
            "media_type": media_type,
            "media_product_type": product_type,
            "permalink": f"https://www.instagram.com/p/SC{index:05d}/",
            "timestamp": self.taken_at(index).strftime("%Y-%m-%dT%H:%M:%S+0000"),
        }
        if item["like_count"] is None:
            del item["like_count"]  # the owner hides likes: the field is left out
        return item

    # -- Graph API --------------------------------------------------------------------------

    async def graph(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.requests.append(("graph", params, dict(request.headers)))
        if params.get("access_token") != ACCESS_TOKEN:
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if request.path_params["user_id"] != IG_USER_ID:
            return graph_error(
                400, 100, "Unsupported get request. Object does not exist.", subcode=33
            )
        if self.graph_fail:
            return self.graph_fail.pop(0)
        match = _DISCOVERY.fullmatch(params.get("fields", ""))
        if not match:
            return graph_error(400, 100, "(#100) Tried accessing nonexisting field")
        username, inner = match.groups()
        if username != self.username:
            return not_a_business_account(username)
        discovery: dict[str, Any] = {"id": "17841400000000777"}
        media = _MEDIA.search(inner)
        profile_fields = _MEDIA.sub("", inner).strip(",")
        for name in filter(None, profile_fields.split(",")):
            discovery[name] = self.profile_field(name)
        if media:
            after, limit, _ = media.groups()
            start = int(after.removeprefix("QVFI")) if after else 0
            end = min(self.posts, start + min(int(limit), 50))
            page: dict[str, Any] = {"data": [self.media(i) for i in range(start, end)]}
            cursors = {"before": f"QVFI{start}"}
            if end < self.posts:
                cursors["after"] = f"QVFI{end}"
            page["paging"] = {"cursors": cursors}
            discovery["media"] = page
        return JSONResponse({"business_discovery": discovery, "id": IG_USER_ID})

    def profile_field(self, name: str) -> Any:
        return {
            "username": self.username,
            "name": "Fixture Creator",
            "biography": "Travel films from Lisbon",
            "website": "https://fixture.example",
            "followers_count": self.followers,
            "follows_count": 310,
            "media_count": self.posts,
            "profile_picture_url": "https://scontent.example/pic.jpg",
        }[name]

    # -- public web profile -----------------------------------------------------------------

    async def web(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.requests.append(("web", params, dict(request.headers)))
        if request.headers.get("x-ig-app-id") != WEB_APP_ID:
            return JSONResponse({"message": "useragent mismatch", "status": "fail"}, 400)
        username = params.get("username", "")
        mode = self.web_accounts.get(username)
        if mode is None:
            return Response("<html>Page not found</html>", 404, media_type="text/html")
        if mode == "login":
            body = {
                "message": "Please wait a few minutes before you try again.",
                "require_login": True,
                "status": "fail",
            }
            return JSONResponse(body, status_code=401)
        if mode == "null":
            return JSONResponse({"data": {"user": None}, "status": "ok"})
        user = self.flat_user(username) if mode == "flat" else self.edge_user(username)
        if mode == "private":
            user["is_private"] = True
            user["edge_owner_to_timeline_media"]["edges"] = []
        return JSONResponse({"data": {"user": user}, "status": "ok"})

    def edge_user(self, username: str) -> dict[str, Any]:
        return {
            "id": "4200001",
            "username": username,
            "full_name": "Fixture Creator",
            "biography": "Travel films from Lisbon",
            "external_url": "https://fixture.example",
            "is_private": False,
            "is_verified": True,
            "is_business_account": False,
            "is_professional_account": True,
            "edge_followed_by": {"count": self.followers},
            "edge_follow": {"count": 310},
            "edge_owner_to_timeline_media": {
                "count": self.posts,
                "page_info": {"has_next_page": True, "end_cursor": "QVFIe12"},
                "edges": [{"node": self.edge_node(i)} for i in range(min(12, self.posts))],
            },
        }

    def edge_node(self, index: int) -> dict[str, Any]:
        likes = self.likes(index)
        # Older answers name the like edge edge_liked_by, newer ones edge_media_preview_like.
        like_edge = "edge_liked_by" if index % 2 else "edge_media_preview_like"
        node: dict[str, Any] = {
            "__typename": _WEB_TYPES[index % 3],
            "id": f"30000000{index:05d}",
            "shortcode": f"SC{index:05d}",
            "taken_at_timestamp": int(self.taken_at(index).timestamp()),
            "is_video": index % 3 == 0,
            like_edge: {"count": -1 if likes is None else likes},
            "edge_media_to_comment": {"count": self.comments(index)},
            "edge_media_to_caption": {"edges": [{"node": {"text": self.caption(index)}}]},
            "like_and_view_counts_disabled": likes is None,
        }
        if index % 3 == 0:
            node["video_view_count"] = self.views(index)
            node["product_type"] = "clips"
        return node

    def flat_user(self, username: str) -> dict[str, Any]:
        return {
            "pk": "4200002",
            "username": username,
            "full_name": "Flat Creator",
            "biography": "Same posts, newer field names",
            "external_url": None,
            "is_private": False,
            "is_verified": False,
            "is_business": True,
            "follower_count": self.followers,
            "following_count": 310,
            "media_count": self.posts,
            "items": [self.flat_item(i) for i in range(min(12, self.posts))],
        }

    def flat_item(self, index: int) -> dict[str, Any]:
        media_type, product_type = _FLAT_TYPES[index % 3]
        likes = self.likes(index)
        item: dict[str, Any] = {
            "id": f"30000000{index:05d}_4200002",
            "pk": f"30000000{index:05d}",
            "code": f"SC{index:05d}",
            "taken_at": int(self.taken_at(index).timestamp()),
            "media_type": media_type,
            "product_type": product_type,
            "comment_count": self.comments(index),
            "caption": {"text": self.caption(index)} if index != 1 else None,
            "like_and_view_counts_disabled": likes is None,
        }
        if likes is not None:
            item["like_count"] = likes
        if index % 3 == 0:
            # Reels report plays; older answers called the same figure view_count.
            item["play_count" if index % 2 else "view_count"] = self.views(index)
        return item

    # -- inspection -------------------------------------------------------------------------

    def count(self, route: str) -> int:
        return sum(1 for name, _, _ in self.requests if name == route)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(f"/{GRAPH_VERSION}/{{user_id}}", self.graph),
                Route("/api/v1/users/web_profile_info/", self.web),
            ]
        )
