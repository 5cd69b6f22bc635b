"""The TikTok Research API adapter, with the app's client credentials.

Requests (developers.tiktok.com, Research API): a client access token
(`POST /v2/oauth/token/`, grant_type=client_credentials, cached until shortly before it
expires), `POST /v2/research/user/info/` for the profile, and `POST /v2/research/video/query/`
for the videos. A video query may span at most 30 days, so the last `days` days are walked in
30-day windows, newest first, each paginated with `has_more` / `cursor` / `search_id`.

Errors arrive as `{"error": {"code", "message", "log_id"}}` beside `data` (code "ok" on
success): `access_token_invalid` means the cached token expired early, so it is refreshed once;
`rate_limit_exceeded` (HTTP 429, also retried by the HTTP layer) is transient; `invalid_params`
on the user lookup means there is no such user.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from webapp.models import Platform
from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.scraping.adapter import ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, RequestBudget
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult
from webapp.pipeline.scraping.tiktok_video import count, created_at, video_post

logger = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://open.tiktokapis.com"
USER_FIELDS = (
    "display_name,bio_description,avatar_url,is_verified,follower_count,following_count,"
    "likes_count,video_count"
)
VIDEO_FIELDS = (
    "id,create_time,username,region_code,video_description,music_id,like_count,comment_count,"
    "share_count,view_count,hashtag_names"
)
WINDOW_DAYS = 30  # the API's longest span between start_date and end_date
MAX_COUNT = 100  # the API's largest page
# A token is renewed this long before TikTok says it expires, so no request carries one that
# lapses in flight.
_TOKEN_MARGIN = timedelta(minutes=5)
_DEFAULT_TOKEN_SECONDS = 7200  # what TikTok grants when a response forgets to say


@dataclass(frozen=True, slots=True)
class TikTokResearchConfig:
    client_key: str
    client_secret: str = field(repr=False)  # a secret: never in logs
    api_base: str = DEFAULT_API_BASE
    days: int = 180
    max_videos: int = 500
    request_budget: int = 40


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    expires_at: datetime


class TikTokResearchAdapter:
    name = "tiktok"

    def __init__(
        self, http: HttpClient, config: TikTokResearchConfig, *, now: Callable[[], datetime]
    ) -> None:
        self._http = http
        self._config = config
        self._now = now
        # One client token serves every job until it expires; the lock makes jobs that start
        # together share one token request.
        self._token: _Token | None = None
        self._token_lock = asyncio.Lock()

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        handle = request.handle
        budget = RequestBudget(self._config.request_budget)
        await progress(0.0, "Getting a TikTok Research API token")
        await self._access_token(budget)

        await progress(0.25, f"Looking up @{handle} in the TikTok Research API")
        user = await self._call(
            "/v2/research/user/info/", USER_FIELDS, {"username": handle}, budget, handle
        )
        profile = Profile(
            handle=handle,
            display_name=str(user.get("display_name") or ""),
            bio=str(user.get("bio_description") or ""),
            verified=bool(user.get("is_verified")),
            followers=count(user.get("follower_count")) or 0,
            following=count(user.get("following_count")) or 0,
            post_count=count(user.get("video_count")) or 0,
        )

        windows = _windows(self._now().astimezone(UTC).date(), self._config.days)
        await progress(
            0.5, f"Querying videos of the last {self._config.days} days ({len(windows)} windows)"
        )
        raw = await self._videos(handle, windows, budget)

        await progress(0.75, f"Reading {len(raw)} videos")
        posts = _posts(handle, raw)
        notes: list[str] = []
        if profile.post_count > len(posts):
            notes.append(
                f"Analysed the {len(posts)} videos of the last {self._config.days} days "
                f"(of {profile.post_count} on the account)."
            )
        notes.extend(
            [
                "Follower list not fetched from the TikTok Research API.",
                "Comments not fetched from the TikTok Research API.",
                f"TikTok Research API requests used by this analysis: {budget.spent}.",
            ]
        )
        return ScrapeResult(
            platform=Platform.TIKTOK,
            profile=profile,
            posts=posts,
            source=self.name,
            coverage=notes,
        )

    # -- requests -----------------------------------------------------------------------------

    async def _access_token(self, budget: RequestBudget, *, stale: str | None = None) -> str:
        """The cached client token, or a new one when it is missing, expiring, or `stale` (the
        one TikTok just refused; a token another job already renewed is reused)."""
        async with self._token_lock:
            token = self._token
            fresh = token is not None and token.expires_at - _TOKEN_MARGIN > self._now()
            if token is not None and fresh and token.value != stale:
                return token.value
            body = await self._http.post_json(
                f"{self._config.api_base.rstrip('/')}/v2/oauth/token/",
                budget=budget,
                form={
                    "client_key": self._config.client_key,
                    "client_secret": self._config.client_secret,
                    "grant_type": "client_credentials",
                },
            )
            body = body if isinstance(body, Mapping) else {}
            value = body.get("access_token")
            if not value:
                # The OAuth endpoint answers with a flat {"error", "error_description"}.
                reason = body.get("error_description") or body.get("error") or "no token"
                raise PermanentError(
                    f"TikTok refused the Research API client credentials ({reason}): set "
                    "WEBAPP_TIKTOK_CLIENT_KEY and WEBAPP_TIKTOK_CLIENT_SECRET to an approved "
                    "Research API client.",
                    code="auth_required",
                )
            seconds = count(body.get("expires_in")) or _DEFAULT_TOKEN_SECONDS
            self._token = _Token(str(value), self._now() + timedelta(seconds=seconds))
            return self._token.value

    async def _call(
        self,
        path: str,
        fields: str,
        payload: Mapping[str, Any],
        budget: RequestBudget,
        handle: str,
    ) -> Mapping[str, Any]:
        """The `data` of a Research API answer; its `error` mapped to the job's errors."""
        url = f"{self._config.api_base.rstrip('/')}{path}"
        token = await self._access_token(budget)
        refreshed = False
        while True:
            body = await self._http.post_json(
                url,
                budget=budget,
                params={"fields": fields},
                headers={"Authorization": f"Bearer {token}"},
                json=payload,
            )
            body = body if isinstance(body, Mapping) else {}
            raw_error = body.get("error")
            error: Mapping[str, Any] = raw_error if isinstance(raw_error, Mapping) else {}
            code = str(error.get("code") or "ok")
            data = body.get("data")
            if code == "ok" and isinstance(data, Mapping):
                return data
            if code == "access_token_invalid" and not refreshed:
                logger.info("TikTok refused the cached token; requesting a new one")
                token = await self._access_token(budget, stale=token)
                refreshed = True
                continue
            raise _api_error(path, code, error, handle)

    async def _videos(
        self, handle: str, windows: list[tuple[date, date]], budget: RequestBudget
    ) -> list[Mapping[str, Any]]:
        videos: dict[str, Mapping[str, Any]] = {}
        query = {"and": [{"operation": "EQ", "field_name": "username", "field_values": [handle]}]}
        for start, end in windows:
            cursor: Any = None
            search_id: Any = None
            while len(videos) < self._config.max_videos:
                payload: dict[str, Any] = {
                    "query": query,
                    "start_date": start.strftime("%Y%m%d"),
                    "end_date": end.strftime("%Y%m%d"),
                    "max_count": MAX_COUNT,
                }
                if cursor is not None:
                    payload["cursor"] = cursor
                if search_id:
                    payload["search_id"] = search_id
                data = await self._call(
                    "/v2/research/video/query/", VIDEO_FIELDS, payload, budget, handle
                )
                for video in data.get("videos") or []:
                    if isinstance(video, Mapping) and video.get("id") is not None:
                        videos.setdefault(str(video["id"]), video)
                cursor = data.get("cursor")
                search_id = data.get("search_id") or search_id
                # A page that says "more" without a cursor would repeat itself forever.
                if not data.get("has_more") or cursor is None:
                    break
            if len(videos) >= self._config.max_videos:
                break
        return list(videos.values())[: self._config.max_videos]


def _windows(today: date, days: int) -> list[tuple[date, date]]:
    """(start, end) dates, both included, newest first, covering the last `days` days."""
    oldest = today - timedelta(days=max(1, days) - 1)
    windows = []
    end = today
    while end >= oldest:
        start = max(oldest, end - timedelta(days=WINDOW_DAYS - 1))
        windows.append((start, end))
        end = start - timedelta(days=1)
    return windows


def _posts(handle: str, videos: list[Mapping[str, Any]]) -> list[Post]:
    posts = []
    for video in videos:
        published = created_at(video.get("create_time"))
        if published is None:
            continue
        tags = video.get("hashtag_names")
        posts.append(
            video_post(
                str(video.get("username") or handle),
                video_id=str(video["id"]),
                published_at=published,
                caption=str(video.get("video_description") or ""),
                likes=count(video.get("like_count")),
                comments=count(video.get("comment_count")),
                shares=count(video.get("share_count")),
                views=count(video.get("view_count")),
                tags=[str(tag) for tag in tags] if isinstance(tags, list) else [],
            )
        )
    posts.sort(key=lambda post: post.published_at, reverse=True)
    return posts


def _api_error(
    path: str, code: str, error: Mapping[str, Any], handle: str
) -> PermanentError | TransientError:
    message = str(error.get("message") or "no message")
    log_id = str(error.get("log_id") or "none")
    if code == "rate_limit_exceeded":
        # Also what the Research API answers once the client's daily request quota is spent.
        return TransientError(
            f"TikTok's Research API rate limit was exceeded (log id {log_id})", code="rate_limited"
        )
    if code == "internal_error":
        return TransientError(f"TikTok's Research API failed internally (log id {log_id})")
    if code == "invalid_params" and path.startswith("/v2/research/user/"):
        return PermanentError(
            f"The TikTok Research API found no public account @{handle} "
            f"({message.rstrip('.')}). Check the spelling of the handle; a private account "
            "cannot be read.",
            code="not_found",
        )
    if code in ("access_token_invalid", "scope_not_authorized", "scope_permission_missed"):
        return PermanentError(
            f"TikTok refused the Research API token ({code}): check that the client in "
            "WEBAPP_TIKTOK_CLIENT_KEY is approved for the Research API.",
            code="auth_required",
        )
    return PermanentError(
        f"The TikTok Research API refused the request ({code}: {message}; log id {log_id}).",
        code="upstream_unavailable",
    )
