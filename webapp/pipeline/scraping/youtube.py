"""The YouTube adapter: YouTube Data API v3 with an API key.

Requests for a channel: `channels` (by handle or channel id) for the profile and the uploads
playlist, `playlistItems` for the video ids (50 a page), `videos` for their statistics (50 ids a
request), and `commentThreads` for the most recent videos (concurrently, one page each). A
500-video channel costs 21 requests (and as many quota units) before comments.

API facts this relies on (developers.google.com/youtube/v3/docs): counts arrive as strings; a
channel that does not exist is a 200 with no `items`; errors carry `error.errors[0].reason`;
the daily quota resets at midnight Pacific Time. The paid-promotion flag is visible to the
channel's owner only, so sponsorship is left to the content analysis of descriptions.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from webapp.models import Platform
from webapp.pipeline.errors import PermanentError, PipelineError, TransientError
from webapp.pipeline.scraping.adapter import ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, RequestBudget
from webapp.pipeline.scraping.result import Comment, Post, Profile, ScrapeResult

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://www.googleapis.com/youtube/v3"
_CHANNEL_ID = re.compile(r"UC[A-Za-z0-9_-]{22}")
_DURATION = re.compile(r"P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_HASHTAG = re.compile(r"#(\w+)")
_MENTION = re.compile(r"@([\w.-]*\w)")  # a trailing period ends the sentence, not the name
_PACIFIC = ZoneInfo("America/Los_Angeles")
# The API does not say whether a video is a Short. Shorts may run up to three minutes, but so may
# ordinary videos; a minute or less is the conservative cut.
SHORT_MAX_SECONDS = 60


@dataclass(frozen=True, slots=True)
class YouTubeConfig:
    api_key: str
    api_base: str = DEFAULT_API_BASE
    max_videos: int = 500
    commented_videos: int = 10
    comments_per_video: int = 50
    request_budget: int = 80


@dataclass
class _Quota:
    """Quota units this job spent (every list call used here costs one unit)."""

    units: int = 0
    notes: list[str] = field(default_factory=list)


class YouTubeAdapter:
    name = "youtube"

    def __init__(
        self, http: HttpClient, config: YouTubeConfig, *, now: Callable[[], datetime]
    ) -> None:
        self._http = http
        self._config = config
        self._now = now

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        budget = RequestBudget(self._config.request_budget)
        quota = _Quota()
        await progress(0.0, "Looking up the YouTube channel")
        channel = await self._channel(request.handle, budget, quota)
        statistics = channel.get("statistics", {})
        uploads = channel.get("contentDetails", {}).get("relatedPlaylists", {}).get("uploads")
        video_count = _count(statistics.get("videoCount"))

        await progress(0.25, f"Listing the channel's videos ({video_count})")
        video_ids = await self._upload_ids(uploads, budget, quota) if uploads else []
        if video_count > len(video_ids) and len(video_ids) >= self._config.max_videos:
            quota.notes.append(
                f"Analysed the {len(video_ids)} most recent of {video_count} videos."
            )

        await progress(0.5, f"Fetching statistics of {len(video_ids)} videos")
        posts = await self._videos(video_ids, budget, quota)
        posts.sort(key=lambda post: post.published_at, reverse=True)

        recent = posts[: self._config.commented_videos]
        await progress(0.75, f"Fetching comments on the {len(recent)} most recent videos")
        comments = await self._comments(recent, budget, quota)

        hidden = bool(statistics.get("hiddenSubscriberCount"))
        if hidden:
            quota.notes.append("The channel hides its subscriber count.")
        snippet = channel.get("snippet", {})
        handle = str(snippet.get("customUrl") or request.handle).removeprefix("@")
        profile = Profile(
            handle=handle if not _CHANNEL_ID.fullmatch(request.handle) else request.handle,
            display_name=str(snippet.get("title", "")),
            bio=str(snippet.get("description", "")),
            followers=0 if hidden else _count(statistics.get("subscriberCount")),
            post_count=video_count,
        )
        coverage = [
            *quota.notes,
            "Follower list not available from the YouTube Data API.",
            f"YouTube API quota used by this analysis: {quota.units} units.",
        ]
        return ScrapeResult(
            platform=Platform.YOUTUBE,
            profile=profile,
            posts=posts,
            comments=comments,
            source=self.name,
            coverage=coverage,
        )

    # -- requests -----------------------------------------------------------------------------

    async def _call(
        self, resource: str, params: dict[str, str | int], budget: RequestBudget, quota: _Quota
    ) -> dict[str, Any]:
        url = f"{self._config.api_base.rstrip('/')}/{resource}"
        response = await self._http.get(
            url, budget=budget, params={**params, "key": self._config.api_key}
        )
        quota.units += 1
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and isinstance(body, dict):
            return body
        raise _api_error(response.status_code, body, self._now())

    async def _channel(self, handle: str, budget: RequestBudget, quota: _Quota) -> dict[str, Any]:
        params: dict[str, str | int] = {"part": "snippet,statistics,contentDetails"}
        if _CHANNEL_ID.fullmatch(handle):
            params["id"] = handle
        else:
            params["forHandle"] = f"@{handle}"
        body = await self._call("channels", params, budget, quota)
        items = body.get("items") or []
        if not items:
            raise PermanentError(
                f"No YouTube channel @{handle} exists. Check the handle or paste the channel URL.",
                code="not_found",
            )
        return dict(items[0])

    async def _upload_ids(self, playlist: str, budget: RequestBudget, quota: _Quota) -> list[str]:
        ids: list[str] = []
        token: str | None = None
        while len(ids) < self._config.max_videos:
            params: dict[str, str | int] = {
                "part": "contentDetails",
                "playlistId": playlist,
                "maxResults": 50,
            }
            if token:
                params["pageToken"] = token
            body = await self._call("playlistItems", params, budget, quota)
            for item in body.get("items") or []:
                video_id = item.get("contentDetails", {}).get("videoId")
                if video_id:
                    ids.append(str(video_id))
            token = body.get("nextPageToken")
            if not token:
                break
        return ids[: self._config.max_videos]

    async def _videos(self, ids: Sequence[str], budget: RequestBudget, quota: _Quota) -> list[Post]:
        batches = [ids[start : start + 50] for start in range(0, len(ids), 50)]
        bodies = await asyncio.gather(
            *(
                self._call(
                    "videos",
                    {"part": "snippet,statistics,contentDetails", "id": ",".join(batch)},
                    budget,
                    quota,
                )
                for batch in batches
            )
        )
        return [_post(item) for body in bodies for item in body.get("items") or []]

    async def _comments(
        self, posts: Sequence[Post], budget: RequestBudget, quota: _Quota
    ) -> list[Comment]:
        results = await asyncio.gather(
            *(self._video_comments(post, budget, quota) for post in posts)
        )
        disabled = sum(1 for result in results if result is None)
        if disabled:
            quota.notes.append(
                f"Comments are disabled on {disabled} of the {len(posts)} most recent videos."
            )
        return [comment for result in results if result for comment in result]

    async def _video_comments(
        self, post: Post, budget: RequestBudget, quota: _Quota
    ) -> list[Comment] | None:
        """The video's newest comment threads; None when comments are disabled."""
        params: dict[str, str | int] = {
            "part": "snippet",
            "videoId": post.id,
            "maxResults": self._config.comments_per_video,
            "order": "time",
            "textFormat": "plainText",
        }
        try:
            body = await self._call("commentThreads", params, budget, quota)
        except _CommentsDisabled:
            return None
        comments = []
        for item in body.get("items") or []:
            top = item.get("snippet", {}).get("topLevelComment", {}).get("snippet", {})
            author = str(top.get("authorDisplayName") or "").removeprefix("@")
            if not author or "publishedAt" not in top:
                continue
            comments.append(
                Comment(
                    post_id=post.id,
                    author=author,
                    text=str(top.get("textOriginal") or top.get("textDisplay") or ""),
                    published_at=datetime.fromisoformat(top["publishedAt"]),
                    likes=_count(top.get("likeCount")),
                )
            )
        return comments


class _CommentsDisabled(PermanentError):
    """commentsDisabled: a coverage note, not a failure."""


def _api_error(status: int, body: Any, now: datetime) -> PipelineError:
    error = body.get("error", {}) if isinstance(body, dict) else {}
    details = error.get("errors") or [{}]
    reason = str(details[0].get("reason", "")) if isinstance(details[0], dict) else ""
    if reason == "commentsDisabled":
        return _CommentsDisabled("Comments are disabled on this video.", code="not_found")
    if reason in ("quotaExceeded", "dailyLimitExceeded"):
        return PermanentError(
            "The YouTube API quota of this API key is used up for today. It resets at midnight "
            f"Pacific Time, in about {_hours_until_reset(now)} hours; try again then.",
            code="quota_exceeded",
        )
    if reason in ("rateLimitExceeded", "userRateLimitExceeded"):
        # Too many requests in a short time, not the daily quota: a later attempt may pass.
        return TransientError(
            f"YouTube is limiting how fast this app may send requests ({status} {reason})",
            code="rate_limited",
        )
    if reason in ("keyInvalid", "keyExpired") or (status == 400 and "API key" in str(error)):
        return PermanentError(
            "YouTube refused the API key: set WEBAPP_YOUTUBE_API_KEY to a valid YouTube Data "
            "API v3 key.",
            code="auth_required",
        )
    if reason == "forbidden" or status in (401, 403):
        return PermanentError(
            f"YouTube refused the request ({status} {reason or 'forbidden'}): the API key may "
            "lack access to the YouTube Data API v3.",
            code="auth_required",
        )
    if status == 404:
        return PermanentError("YouTube could not find the channel or its videos.", code="not_found")
    if status >= 500:
        return TransientError(
            f"YouTube answered {status} ({reason or 'no reason given'})",
            code="upstream_unavailable",
        )
    return PermanentError(
        f"YouTube refused the request ({status} {reason or 'no reason given'}).",
        code="upstream_unavailable",
    )


def _hours_until_reset(now: datetime) -> int:
    pacific = now.astimezone(_PACIFIC)
    midnight = (pacific + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, round((midnight - pacific).total_seconds() / 3600))


def _count(value: Any) -> int:
    """API counts arrive as strings ("1234"); absent or malformed counts become 0."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _optional_count(value: Any) -> int | None:
    return None if value is None else _count(value)


def _seconds(duration: str) -> int | None:
    match = _DURATION.fullmatch(duration or "")
    if not match or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (int(part) if part else 0 for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _post(item: dict[str, Any]) -> Post:
    snippet = item.get("snippet", {})
    statistics = item.get("statistics", {})
    title = str(snippet.get("title", ""))
    description = str(snippet.get("description", ""))
    text = f"{title}\n{description}".strip()
    length = _seconds(str(item.get("contentDetails", {}).get("duration", "")))
    return Post(
        id=str(item["id"]),
        url=f"https://www.youtube.com/watch?v={item['id']}",
        published_at=datetime.fromisoformat(str(snippet["publishedAt"])),
        kind="short" if length is not None and length <= SHORT_MAX_SECONDS else "video",
        caption=text,
        hashtags=sorted(set(_HASHTAG.findall(text))),
        mentions=sorted(set(_MENTION.findall(description))),
        likes=_optional_count(statistics.get("likeCount")),
        comments=_optional_count(statistics.get("commentCount")),
        views=_optional_count(statistics.get("viewCount")),
    )
