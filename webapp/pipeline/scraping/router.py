"""Which adapter scrapes which platform: the live one where credentials are configured,
otherwise the demo adapter (and the demo adapter everywhere with WEBAPP_SOURCE=demo)."""

from __future__ import annotations

from collections.abc import Mapping

from webapp.models import Platform
from webapp.pipeline.scraping.adapter import Adapter, ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.result import ScrapeResult


class PlatformRouter:
    name = "router"

    def __init__(self, live: Mapping[Platform, Adapter], fallback: Adapter) -> None:
        self._live = dict(live)
        self._fallback = fallback

    def adapter_for(self, platform: Platform) -> Adapter:
        return self._live.get(platform, self._fallback)

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        return await self.adapter_for(request.platform).fetch(request, progress)
