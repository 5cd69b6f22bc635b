"""The demo adapter: deterministic synthetic accounts, so the app runs offline.

Every (platform, handle) pair always yields the same account relative to the clock's now (see
demo_traits for the calibration). No platform is contacted, and the result says so in its
`source` ("demo") and `coverage`.

Archetypes (demo_archetypes) can be tried by name: `demo.authentic`, `demo.bought`, `demo.pod`,
`demo.rising`, `demo.dormant` and `demo.brand`; any other handle gets one from a hash of the
handle, mostly authentic.

Special handles simulate failures, so retries and error pages can be tried by hand and tested:

- `demo.notfound`: PermanentError `not_found`, the account does not exist.
- `demo.private`: PermanentError `private`, the account is private.
- `demo.flaky`: TransientError `rate_limited` (retry_after=2.0) on attempt 1; later attempts
  succeed.
- `demo.down`: TransientError `upstream_unavailable` (HTTP 503) on every attempt.

They fail after the first progress step, as a real adapter would after its first request.
"""

from __future__ import annotations

import logging

from webapp.clock import Clock
from webapp.models import Platform
from webapp.pipeline.errors import PermanentError, PipelineError, TransientError
from webapp.pipeline.scraping.adapter import ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.demo_account import (
    COMMENTED_POSTS,
    FOLLOWER_SAMPLE_SIZE,
    DemoAccount,
)
from webapp.pipeline.scraping.result import ScrapeResult

logger = logging.getLogger(__name__)

NOT_FOUND = "demo.notfound"
PRIVATE = "demo.private"
FLAKY = "demo.flaky"
DOWN = "demo.down"
FLAKY_RETRY_AFTER = 2.0

_STEPS = 4  # profile, posts, comments, follower sample


def _simulated_failure(request: ScrapeRequest) -> PipelineError | None:
    label = request.platform.label
    handle = request.handle.lower()
    if handle == NOT_FOUND:
        return PermanentError(
            f"No {label} account @{request.handle} exists. Check the spelling of the handle.",
            code="not_found",
        )
    if handle == PRIVATE:
        return PermanentError(
            f"The {label} account @{request.handle} is private and cannot be analysed. "
            "Ask the creator to make it public, or to share an export of their data.",
            code="private",
        )
    if handle == FLAKY and request.attempt <= 1:
        return TransientError(
            f"{label} rate-limited the request", code="rate_limited", retry_after=FLAKY_RETRY_AFTER
        )
    if handle == DOWN:
        return TransientError(f"{label} answered HTTP 503 Service Unavailable")
    return None


def demo_coverage(platform: Platform, handle: str) -> str:
    return (
        f"Demo data: these figures are synthetic, generated for @{handle}; "
        f"{platform.label} was not contacted."
    )


class DemoAdapter:
    name = "demo"

    def __init__(self, clock: Clock, delay_seconds: float) -> None:
        self._clock = clock
        self._delay = delay_seconds

    async def _pause(self) -> None:
        # Spread the configured delay over the steps so the progress bar visibly moves; with no
        # delay, skip the sleep entirely: even sleep(0) yields to the loop on every step.
        if self._delay > 0:
            await self._clock.sleep(self._delay / _STEPS)

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        handle = request.handle
        await progress(0.0, f"Fetching the profile of @{handle}")
        await self._pause()
        failure = _simulated_failure(request)
        if failure is not None:
            logger.debug("demo adapter simulates %r for %s", failure, request)
            raise failure
        account = DemoAccount(request.platform, handle, self._clock.now())
        profile = account.profile()

        await progress(1 / _STEPS, f"Fetching posts ({account.traits.posts_fetched})")
        await self._pause()
        posts = account.posts()

        await progress(2 / _STEPS, f"Fetching comments on the {COMMENTED_POSTS} most recent posts")
        await self._pause()
        comments = account.comments(posts)

        await progress(3 / _STEPS, f"Fetching a follower sample ({FOLLOWER_SAMPLE_SIZE})")
        await self._pause()
        follower_sample = account.follower_sample()
        # No progress(1.0) here: the Analysis step that follows at once says what was fetched,
        # and one event fewer is ten thousand fewer writes when many people watch a job.
        return ScrapeResult(
            platform=request.platform,
            profile=profile,
            posts=posts,
            comments=comments,
            follower_sample=follower_sample,
            follower_history=account.follower_history(profile.followers),
            source=self.name,
            coverage=[demo_coverage(request.platform, handle)],
        )
