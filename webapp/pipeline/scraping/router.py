"""Which adapter scrapes which platform: the live one where credentials are configured,
otherwise the demo adapter (and the demo adapter everywhere with WEBAPP_SOURCE=demo)."""

from __future__ import annotations

from collections.abc import Mapping

from webapp.clock import Clock
from webapp.models import Platform
from webapp.pipeline.scraping.adapter import Adapter, ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.http import HttpClient
from webapp.pipeline.scraping.instagram import InstagramGraphAdapter, InstagramGraphConfig
from webapp.pipeline.scraping.instagram_web import DEFAULT_WEB_BASE as INSTAGRAM_WEB
from webapp.pipeline.scraping.instagram_web import InstagramWebAdapter, InstagramWebConfig
from webapp.pipeline.scraping.result import ScrapeResult
from webapp.pipeline.scraping.tiktok_research import TikTokResearchAdapter, TikTokResearchConfig
from webapp.pipeline.scraping.tiktok_web import DEFAULT_WEB_BASE as TIKTOK_WEB
from webapp.pipeline.scraping.tiktok_web import TikTokWebAdapter, TikTokWebConfig
from webapp.pipeline.scraping.youtube import YouTubeAdapter, YouTubeConfig
from webapp.settings import Settings


class PlatformRouter:
    name = "router"

    def __init__(self, live: Mapping[Platform, Adapter], fallback: Adapter) -> None:
        self._live = dict(live)
        self._fallback = fallback

    def adapter_for(self, platform: Platform) -> Adapter:
        return self._live.get(platform, self._fallback)

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        return await self.adapter_for(request.platform).fetch(request, progress)


def make_router(settings: Settings, http: HttpClient, clock: Clock) -> Adapter:
    """Each platform's live adapter where its credentials are set, the demo adapter elsewhere
    (and everywhere with WEBAPP_SOURCE=demo)."""
    live: dict[Platform, Adapter] = {}
    if settings.source != "demo" and settings.youtube_api_key:
        config = YouTubeConfig(api_key=settings.youtube_api_key, api_base=settings.youtube_api_base)
        live[Platform.YOUTUBE] = YouTubeAdapter(http, config, now=clock.now)
    if settings.source != "demo" and settings.instagram_access_token and settings.instagram_user_id:
        graph = InstagramGraphConfig(
            access_token=settings.instagram_access_token,
            user_id=settings.instagram_user_id,
            graph_base=settings.instagram_graph_base,
        )
        live[Platform.INSTAGRAM] = InstagramGraphAdapter(http, graph, now=clock.now)
    elif settings.source != "demo" and (settings.instagram_web or settings.instagram_web_base):
        web = InstagramWebConfig(web_base=settings.instagram_web_base or INSTAGRAM_WEB)
        live[Platform.INSTAGRAM] = InstagramWebAdapter(http, web)
    if settings.source != "demo" and settings.tiktok_client_key and settings.tiktok_client_secret:
        research = TikTokResearchConfig(
            client_key=settings.tiktok_client_key,
            client_secret=settings.tiktok_client_secret,
            api_base=settings.tiktok_api_base,
        )
        live[Platform.TIKTOK] = TikTokResearchAdapter(http, research, now=clock.now)
    elif settings.source != "demo" and (settings.tiktok_web or settings.tiktok_web_base):
        tiktok_web = TikTokWebConfig(web_base=settings.tiktok_web_base or TIKTOK_WEB)
        live[Platform.TIKTOK] = TikTokWebAdapter(http, tiktok_web, now=clock.now)
    return PlatformRouter(live, DemoAdapter(clock, settings.demo_delay_seconds))
