"""The TikTok web adapter: the public profile page, falling back to the embed page.

Best effort (enabled with WEBAPP_TIKTOK_WEB=1): TikTok serves a client-rendered shell without
data to many clients and changes its pages often, so "no data" is a transient failure the job
runner retries, while TikTok's own verdicts (`statusCode` 10221/10202: no such account, 10222:
private) fail the job at once. Two requests at most: the profile page, then the embed page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from webapp.models import Platform
from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.scraping.adapter import ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, RequestBudget
from webapp.pipeline.scraping.result import ScrapeResult
from webapp.pipeline.scraping.tiktok_page import PageAccount, embed_page, profile_page

logger = logging.getLogger(__name__)

DEFAULT_WEB_BASE = "https://www.tiktok.com"
NOT_FOUND_CODES = frozenset({10202, 10221})
PRIVATE_CODE = 10222
_VERDICTS = frozenset({0, PRIVATE_CODE, *NOT_FOUND_CODES})
_HTML = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "en-US,en;q=0.8"}


@dataclass(frozen=True, slots=True)
class TikTokWebConfig:
    web_base: str = DEFAULT_WEB_BASE
    request_budget: int = 6  # two pages, with room for the HTTP layer's retries


class TikTokWebAdapter:
    name = "tiktok"

    def __init__(
        self, http: HttpClient, config: TikTokWebConfig, *, now: Callable[[], datetime]
    ) -> None:
        self._http = http
        self._config = config
        self._now = now  # the same constructor as every adapter; pages carry their own times

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        handle = request.handle
        budget = RequestBudget(self._config.request_budget)
        notes: list[str] = []
        await progress(0.0, f"Loading the TikTok profile page of @{handle}")
        account = await self._page(f"/@{handle}", budget, profile_page)
        if account is not None and account.status_code not in _VERDICTS:
            account = None  # captcha and throttling codes: the embed page may still answer
        if account is None:
            await progress(0.25, "The profile page came without data; trying the embed page")
            account = await self._page(f"/embed/@{handle}", budget, embed_page)
            if account is None:
                raise TransientError(
                    f"TikTok did not return profile data for @{handle}: its profile and embed "
                    "pages came without the account's data (as TikTok does for clients it "
                    "distrusts)"
                )
            notes.append("Read from TikTok's embed page: the profile page came without data.")
        else:
            await progress(0.25, "Reading the profile")
        _raise_for_status(account, handle)

        posts = account.posts(handle)
        await progress(0.5, f"Reading {len(posts)} videos from the page")
        profile = account.profile(handle)
        if profile.private:
            raise _private(handle)
        if not posts:
            # The profile's total likes are the only engagement figure left to show.
            notes.append(
                f"TikTok's page listed none of the {profile.post_count} videos, so per-video "
                f"engagement could not be measured (the profile shows {account.likes():,} likes "
                "in total); the TikTok Research API gives video statistics."
            )
        elif profile.post_count > len(posts):
            notes.append(
                f"Analysed the {len(posts)} videos the page shows of {profile.post_count}."
            )

        await progress(0.75, "Summarising the page")
        notes.extend(
            [
                "Follower list not available from TikTok's public pages.",
                "Comments not available from TikTok's public pages.",
            ]
        )
        return ScrapeResult(
            platform=Platform.TIKTOK,
            profile=profile,
            posts=sorted(posts, key=lambda post: post.published_at, reverse=True),
            source=self.name,
            coverage=notes,
        )

    async def _page(
        self, path: str, budget: RequestBudget, read: Callable[[str], PageAccount | None]
    ) -> PageAccount | None:
        url = f"{self._config.web_base.rstrip('/')}{path}"
        response = await self._http.get(url, budget=budget, headers=_HTML)
        if response.status_code == 404:
            raise PermanentError(
                f"TikTok has no page at {path}. Check the spelling of the handle.",
                code="not_found",
            )
        if response.status_code != 200:
            # A redirect to a login or captcha page, or a block: as good as an empty page.
            logger.info("TikTok answered %d for %s", response.status_code, path)
            return None
        return read(response.text)


def _raise_for_status(account: PageAccount, handle: str) -> None:
    code = account.status_code
    if code in NOT_FOUND_CODES:
        raise PermanentError(
            f"No TikTok account @{handle} exists (TikTok status {code}). Check the spelling "
            "of the handle.",
            code="not_found",
        )
    if code == PRIVATE_CODE:
        raise _private(handle)
    if code != 0:
        # Unknown codes come with captcha and throttling pages: worth another try later.
        raise TransientError(
            f"TikTok did not return profile data for @{handle} (TikTok status {code})"
        )


def _private(handle: str) -> PermanentError:
    return PermanentError(
        f"The TikTok account @{handle} is private and cannot be analysed. Ask the creator to "
        "make it public, or to share an export of their data.",
        code="private",
    )
