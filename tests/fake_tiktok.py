"""Fake TikTok servers in the documented shapes: the public web pages and the Research API.

`FakeTikTokWeb` serves `/@handle` (the `__UNIVERSAL_DATA_FOR_REHYDRATION__` JSON, or the
client-rendered shell) and `/embed/@handle` (a `__FRONTITY_CONNECT_STATE__` blob with flat user
fields and a `videoList`). `FakeTikTokResearch` serves the client-credentials token, user info
and the video query with its 30-day limit and cursor pagination.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
HANDLE = "fixturecreator"
CLIENT_KEY = "test-client-key"
CLIENT_SECRET = "test-client-secret"


def _html(scripts: dict[str, Any]) -> str:
    blobs = "".join(
        f'<script id="{script_id}" type="application/json">{json.dumps(data)}</script>'
        for script_id, data in scripts.items()
    )
    return f"<!DOCTYPE html><html><head><title>TikTok</title></head><body>{blobs}</body></html>"


@dataclass
class FakeTikTokWeb:
    """One creator. `profile` is "data", "shell" (empty default scope), "no-script" or a
    statusCode; `embed` is "data" or "empty"."""

    handle: str = HANDLE
    videos: int = 15
    profile: str | int = "data"
    embed: str = "data"
    with_stats_v2: bool = True
    list_videos: bool = True
    heart_count: int = 98_000_000  # the rounded figure in `stats`
    requests: list[str] = field(default_factory=list)
    base_url: str = ""

    def item(self, index: int) -> dict[str, Any]:
        """A video as the profile page lists it: rounded `stats`, exact `statsV2`."""
        created = NOW - timedelta(days=index + 1, hours=3)
        exact = {
            "diggCount": 41_234 + 1_000 * index,
            "commentCount": 312 + index,
            "shareCount": 95 + index,
            "playCount": 1_234_567 + 10_000 * index,
        }
        item: dict[str, Any] = {
            "id": f"73{index:017d}",
            "createTime": int(created.timestamp()),
            "desc": f"Day {index} in Lisbon #travel #food with @lisa.m. #fyp",
            "author": self.handle,
            "stats": {key: round(value, -3) for key, value in exact.items()},
        }
        if self.with_stats_v2:
            item["statsV2"] = {key: str(value) for key, value in exact.items()}
        return item

    def user(self) -> dict[str, Any]:
        return {
            "id": "6812345678901234567",
            "uniqueId": self.handle,
            "nickname": "Fixture Creator",
            "signature": "Lisbon food & travel. Collabs: hi@fixture.example",
            "verified": True,
            "privateAccount": False,
            "bioLink": {"link": "fixture.example/links", "risk": 0},
        }

    def stats(self) -> dict[str, Any]:
        return {
            "followerCount": 1_200_000,
            "followingCount": 310,
            "heartCount": self.heart_count,
            "videoCount": 40,
        }

    def stats_v2(self) -> dict[str, str]:
        return {
            "followerCount": "1234567",
            "followingCount": "310",
            "heartCount": "98123456",
            "videoCount": "40",
        }

    def user_detail(self) -> dict[str, Any]:
        if isinstance(self.profile, int):
            return {"statusCode": self.profile, "statusMsg": "", "userInfo": {}}
        info: dict[str, Any] = {"user": self.user(), "stats": self.stats()}
        if self.with_stats_v2:
            info["statsV2"] = self.stats_v2()
        detail: dict[str, Any] = {"statusCode": 0, "statusMsg": "", "userInfo": info}
        if self.list_videos:
            detail["itemList"] = [self.item(i) for i in range(self.videos)]
        return detail

    def profile_html(self) -> str:
        if self.profile == "no-script":
            return _html({})
        scope = {} if self.profile == "shell" else {"webapp.user-detail": self.user_detail()}
        data = {"__DEFAULT_SCOPE__": scope}
        return _html({"__UNIVERSAL_DATA_FOR_REHYDRATION__": data})

    def embed_html(self) -> str:
        if self.embed == "empty":
            return _html({"__FRONTITY_CONNECT_STATE__": {"source": {"data": {}}}})
        flat_user = {**self.user(), **self.stats_v2()}
        videos = []
        for index in range(self.videos):
            item = self.item(index)
            videos.append(
                {
                    "id": item["id"],
                    "createTime": str(item["createTime"]),
                    "desc": item["desc"],
                    **{key: int(value) for key, value in item["statsV2"].items()},
                }
            )
        page = {"isReady": True, "userInfo": flat_user, "videoList": videos}
        state = {"source": {"data": {f"/embed/@{self.handle}": page}}}
        return _html({"__FRONTITY_CONNECT_STATE__": state})

    async def handle_request(self, request: Request) -> Response:
        path = request.url.path
        self.requests.append(path)
        if path == f"/@{self.handle}":
            return HTMLResponse(self.profile_html())
        if path == f"/embed/@{self.handle}":
            return HTMLResponse(self.embed_html())
        if path.startswith(("/@", "/embed/@")):
            # TikTok answers an unknown account with a page, not a 404.
            detail = {"statusCode": 10221, "statusMsg": "", "userInfo": {}}
            scope = {"webapp.user-detail": detail}
            return HTMLResponse(
                _html({"__UNIVERSAL_DATA_FOR_REHYDRATION__": {"__DEFAULT_SCOPE__": scope}})
            )
        return HTMLResponse("<h1>Not found</h1>", status_code=404)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.handle_request)])


def api_error(status: int, code: str, message: str) -> JSONResponse:
    """The Research API's error shape, beside an empty `data`."""
    body = {"data": {}, "error": {"code": code, "message": message, "log_id": "20261128fake"}}
    return JSONResponse(body, status_code=status)


def _ok(data: dict[str, Any]) -> JSONResponse:
    return JSONResponse(
        {"data": data, "error": {"code": "ok", "message": "", "log_id": "20261128fake"}}
    )


@dataclass
class FakeTikTokResearch:
    """One creator with `videos` videos, one a day back from NOW; `page_size` is what the fake
    returns at most per page, whatever `max_count` asks (the API may return fewer)."""

    handle: str = HANDLE
    videos: int = 45
    page_size: int = 20
    tokens: set[str] = field(default_factory=set)
    issued: int = 0
    fail: dict[str, list[Response]] = field(default_factory=dict)  # endpoint -> answers
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    base_url: str = ""

    def video(self, index: int) -> dict[str, Any]:
        created = NOW - timedelta(days=index, hours=2)
        return {
            "id": 7_300_000_000_000_000_000 + index,
            "create_time": int(created.timestamp()),
            "username": self.handle,
            "region_code": "PT",
            "video_description": f"Recipe {index} #food with @chef_ana.",
            "music_id": 6_900_000_000_000_000_000 + index,
            "like_count": 20_000 + 100 * index,
            "comment_count": 150 + index,
            "share_count": 40 + index,
            "view_count": 500_000 + 1_000 * index,
            "hashtag_names": ["food", "lisbon"],
        }

    def count(self, endpoint: str) -> int:
        return sum(1 for name, _ in self.requests if name == endpoint)

    async def token(self, request: Request) -> Response:
        form = dict(await request.form())
        self.requests.append(("token", form))
        if answer := self._planned("token"):
            return answer
        credentials = (form.get("client_key"), form.get("client_secret"))
        if credentials != (CLIENT_KEY, CLIENT_SECRET) or (
            form.get("grant_type") != "client_credentials"
        ):
            body = {
                "error": "invalid_client",
                "error_description": "Client key or secret is incorrect.",
                "log_id": "20261128fake",
            }
            return JSONResponse(body, status_code=401)
        self.issued += 1
        value = f"clt.fake{self.issued}"
        self.tokens.add(value)
        return JSONResponse({"access_token": value, "expires_in": 7200, "token_type": "Bearer"})

    async def user_info(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(("user", body))
        if refused := self._refuse(request, "user"):
            return refused
        if body.get("username") != self.handle:
            return api_error(400, "invalid_params", "The user does not exist or is private.")
        return _ok(
            {
                "display_name": "Fixture Creator",
                "bio_description": "Lisbon food & travel",
                "avatar_url": "https://p16.example/avatar.jpeg",
                "is_verified": True,
                "follower_count": 250_000,
                "following_count": 180,
                "likes_count": 9_876_543,
                "video_count": 60,
            }
        )

    async def video_query(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(("query", body))
        if refused := self._refuse(request, "query"):
            return refused
        start = datetime.strptime(body["start_date"], "%Y%m%d").date()
        end = datetime.strptime(body["end_date"], "%Y%m%d").date()
        if not start <= end <= start + timedelta(days=30):
            return api_error(400, "invalid_params", "end_date must be within 30 days.")
        (condition,) = body["query"]["and"]
        assert condition == {
            "operation": "EQ",
            "field_name": "username",
            "field_values": [self.handle],
        }
        matching = [self.video(i) for i in range(self.videos) if start <= self._day(i) <= end]
        search_id = f"{body['start_date']}-{body['end_date']}"
        cursor = int(body.get("cursor", 0))
        if cursor:
            assert body.get("search_id") == search_id, "pages after the first carry search_id"
        size = min(self.page_size, int(body["max_count"]))
        page = matching[cursor : cursor + size]
        more = cursor + size < len(matching)
        return _ok(
            {"videos": page, "cursor": cursor + len(page), "has_more": more, "search_id": search_id}
        )

    def _day(self, index: int) -> date:
        return datetime.fromtimestamp(self.video(index)["create_time"], UTC).date()

    def _planned(self, endpoint: str) -> Response | None:
        planned = self.fail.get(endpoint)
        return planned.pop(0) if planned else None

    def _refuse(self, request: Request, endpoint: str) -> Response | None:
        """A scripted failure, or the API's answer to a missing or unknown token."""
        if answer := self._planned(endpoint):
            return answer
        assert request.query_params.get("fields"), "the Research API requires fields"
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return api_error(401, "access_token_invalid", "The access token is invalid.")
        return None

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v2/oauth/token/", self.token, methods=["POST"]),
                Route("/v2/research/user/info/", self.user_info, methods=["POST"]),
                Route("/v2/research/video/query/", self.video_query, methods=["POST"]),
            ]
        )
