"""The one interface every scraping adapter implements."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from webapp.models import Platform
from webapp.pipeline.scraping.result import ScrapeResult


@dataclass(frozen=True, slots=True)
class ScrapeRequest:
    platform: Platform
    handle: str  # already normalised by the caller
    attempt: int  # 1 for the first attempt


# Fraction of scraping done in [0, 1] and a one-line message. Each call may become a durable
# store write in the job runner, so adapters report a handful of steps, not every request.
ScrapeProgress = Callable[[float, str], Awaitable[None]]


class Adapter(Protocol):
    """Fetches one account. Raises TransientError or PermanentError (pipeline.errors)."""

    name: str

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult: ...
