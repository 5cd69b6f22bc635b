"""A fake YouTube Data API v3 channel in the documented response shapes, for tests and bench/."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
CHANNEL_ID = "UCX6OQ3DkcsbYNE6H8uQQuVA"
UPLOADS = "UUX6OQ3DkcsbYNE6H8uQQuVA"


def api_error(status: int, reason: str, message: str) -> JSONResponse:
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": "youtube.api", "reason": reason}],
        }
    }
    return JSONResponse(body, status_code=status)


@dataclass
class FakeYouTube:
    """A channel with `videos` uploads (newest first, one a day) and scripted failures."""

    videos: int = 120
    handle: str = "fixturechannel"
    disabled_comments: set[int] = field(default_factory=set)  # indexes into the uploads
    fail: dict[str, Response] = field(default_factory=dict)  # resource -> one-off answer
    outage: int = 0  # when set, every request gets this status and a proxy's HTML page
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base_url: str = ""

    def video_id(self, index: int) -> str:
        return f"vid{index:05d}"

    def video(self, index: int) -> dict[str, Any]:
        statistics = {
            "viewCount": str(10_000 + 100 * index),
            "likeCount": str(500 + index),
            "commentCount": str(20 + index % 7),
        }
        if index == 3:
            del statistics["likeCount"]  # likes hidden by the owner
        return {
            "kind": "youtube#video",
            "id": self.video_id(index),
            "snippet": {
                "publishedAt": (NOW - timedelta(days=index + 1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "title": f"Video {index} #travel",
                "description": f"Filmed with @friend{index % 3}. Use code SAVE10",
                "tags": ["travel", "vlog"],
            },
            "statistics": statistics,
            "contentDetails": {"duration": "PT45S" if index % 10 == 0 else "PT12M3S"},
        }

    async def handle_request(self, request: Request) -> Response:
        resource = request.url.path.rsplit("/", 1)[-1]
        params = dict(request.query_params)
        self.requests.append((resource, params))
        if self.outage:
            return HTMLResponse("<h1>Service unavailable</h1>", status_code=self.outage)
        if params.get("key") != "test-key":
            return api_error(400, "keyInvalid", "API key not valid. Please pass a valid API key.")
        if resource in self.fail:
            return self.fail.pop(resource)
        if resource == "channels":
            found = params.get("id") == CHANNEL_ID or params.get("forHandle") == f"@{self.handle}"
            if not found:
                return JSONResponse({"kind": "youtube#channelListResponse", "pageInfo": {}})
            return JSONResponse({"items": [self.channel()]})
        if resource == "playlistItems":
            start = int(params.get("pageToken", "0"))
            end = min(self.videos, start + int(params["maxResults"]))
            body: dict[str, Any] = {
                "items": [
                    {"contentDetails": {"videoId": self.video_id(i)}} for i in range(start, end)
                ]
            }
            if end < self.videos:
                body["nextPageToken"] = str(end)
            return JSONResponse(body)
        if resource == "videos":
            ids = params["id"].split(",")
            assert len(ids) <= 50, "the API takes at most 50 ids"
            return JSONResponse({"items": [self.video(int(i[3:])) for i in ids]})
        if resource == "commentThreads":
            index = int(params["videoId"][3:])
            if index in self.disabled_comments:
                return api_error(403, "commentsDisabled", "The video has disabled comments.")
            return JSONResponse({"items": [self.comment(index, n) for n in range(3)]})
        return JSONResponse({}, status_code=404)

    def channel(self) -> dict[str, Any]:
        return {
            "id": CHANNEL_ID,
            "snippet": {
                "title": "Fixture Channel",
                "description": "Travel films",
                "customUrl": f"@{self.handle}",
            },
            "statistics": {
                "viewCount": "123456789",
                "subscriberCount": "250000",
                "hiddenSubscriberCount": False,
                "videoCount": str(self.videos),
            },
            "contentDetails": {"relatedPlaylists": {"likes": "", "uploads": UPLOADS}},
        }

    def comment(self, index: int, n: int) -> dict[str, Any]:
        return {
            "snippet": {
                "topLevelComment": {
                    "snippet": {
                        "authorDisplayName": f"@viewer{n}",
                        "textOriginal": f"Great video {index}!",
                        "likeCount": n,
                        "publishedAt": "2026-11-27T10:00:00Z",
                    }
                }
            }
        }

    def count(self, resource: str) -> int:
        return sum(1 for name, _ in self.requests if name == resource)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/youtube/v3/{name}", self.handle_request)])
