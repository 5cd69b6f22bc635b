"""The TikTok adapters against fake TikTok servers on loopback, in the documented shapes."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from webapp.models import Platform
from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.scraping.adapter import Adapter, ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, HttpSettings, make_client
from webapp.pipeline.scraping.result import ScrapeResult
from webapp.pipeline.scraping.tiktok_research import TikTokResearchAdapter, TikTokResearchConfig
from webapp.pipeline.scraping.tiktok_web import TikTokWebAdapter, TikTokWebConfig

from fake_tiktok import (
    CLIENT_KEY,
    CLIENT_SECRET,
    HANDLE,
    NOW,
    FakeTikTokResearch,
    FakeTikTokWeb,
    api_error,
)
from loopback import serving


@dataclass
class Run:
    fractions: list[float] = field(default_factory=list)
    slept: list[float] = field(default_factory=list)


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(HttpSettings()) as shared:
        yield shared


def make_http(client: httpx.AsyncClient, run: Run, **settings: Any) -> HttpClient:
    async def sleep(seconds: float) -> None:
        run.slept.append(seconds)

    return HttpClient(
        client, HttpSettings(**settings), sleep=sleep, rng=random.Random(1), now=lambda: NOW
    )


async def scrape(adapter: Adapter, run: Run, handle: str = HANDLE) -> ScrapeResult:
    async def progress(fraction: float, message: str) -> None:
        run.fractions.append(fraction)

    request = ScrapeRequest(platform=Platform.TIKTOK, handle=handle, attempt=1)
    return await adapter.fetch(request, progress)


# -- the public web pages ---------------------------------------------------------------------


@pytest.fixture
async def web() -> AsyncIterator[FakeTikTokWeb]:
    fake = FakeTikTokWeb()
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


WebFetch = Callable[..., Any]


@pytest.fixture
def fetch_web(web: FakeTikTokWeb, client: httpx.AsyncClient) -> WebFetch:
    async def run_web(handle: str = HANDLE) -> tuple[ScrapeResult, Run]:
        run = Run()
        config = TikTokWebConfig(web_base=web.base_url)
        adapter = TikTokWebAdapter(make_http(client, run), config, now=lambda: NOW)
        return await scrape(adapter, run, handle), run

    return run_web


async def test_the_profile_page_prefers_exact_statsv2_over_rounded_stats(
    web: FakeTikTokWeb, fetch_web: WebFetch
) -> None:
    result, run = await fetch_web()

    assert (result.platform, result.source) == (Platform.TIKTOK, "tiktok")
    profile = result.profile
    assert profile.handle == HANDLE
    assert profile.display_name == "Fixture Creator"
    assert profile.verified is True
    assert profile.external_url == "fixture.example/links"
    assert profile.followers == 1_234_567  # statsV2, not the rounded 1_200_000
    assert (profile.following, profile.post_count) == (310, 40)

    assert len(result.posts) == 15
    newest = result.posts[0]
    assert newest.id == "7300000000000000000"
    assert newest.kind == "video"
    assert newest.url == f"https://www.tiktok.com/@{HANDLE}/video/7300000000000000000"
    assert newest.published_at == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert (newest.likes, newest.comments, newest.shares, newest.views) == (
        41_234,
        312,
        95,
        1_234_567,
    )
    assert newest.hashtags == ["food", "fyp", "travel"]
    assert newest.mentions == ["lisa.m"]  # the sentence's period is not part of the name
    assert result.posts[14].likes == 41_234 + 14_000

    assert "Analysed the 15 videos the page shows of 40." in result.coverage
    assert "Follower list not available from TikTok's public pages." in result.coverage
    assert run.fractions == [0.0, 0.25, 0.5, 0.75]
    assert web.requests == [f"/@{HANDLE}"]


async def test_without_statsv2_the_rounded_stats_are_used(
    web: FakeTikTokWeb, fetch_web: WebFetch
) -> None:
    web.with_stats_v2 = False
    result, _ = await fetch_web()
    assert result.profile.followers == 1_200_000
    assert result.posts[0].likes == 41_000


async def test_a_negative_heart_count_is_repaired(web: FakeTikTokWeb, fetch_web: WebFetch) -> None:
    # 3_000_000_000 likes overflow a signed 32-bit counter to 3_000_000_000 - 2**32.
    web.with_stats_v2 = False
    web.list_videos = False
    web.heart_count = 3_000_000_000 - 2**32
    assert web.heart_count < 0

    result, _ = await fetch_web()

    assert result.posts == []
    (note,) = [n for n in result.coverage if "listed none of the 40 videos" in n]
    assert "3,000,000,000 likes in total" in note


async def test_a_shell_page_falls_back_to_the_embed_page(
    web: FakeTikTokWeb, fetch_web: WebFetch
) -> None:
    web.profile = "shell"
    result, run = await fetch_web()

    assert web.requests == [f"/@{HANDLE}", f"/embed/@{HANDLE}"]
    assert result.profile.followers == 1_234_567
    assert result.profile.display_name == "Fixture Creator"
    assert len(result.posts) == 15
    assert result.posts[0].views == 1_234_567
    assert result.posts[0].mentions == ["lisa.m"]
    assert any("embed page" in note for note in result.coverage)
    assert run.fractions == [0.0, 0.25, 0.5, 0.75]


async def test_a_page_without_the_script_falls_back_too(
    web: FakeTikTokWeb, fetch_web: WebFetch
) -> None:
    web.profile = "no-script"
    result, _ = await fetch_web()
    assert len(result.posts) == 15


async def test_a_shell_and_an_empty_embed_page_are_transient(
    web: FakeTikTokWeb, fetch_web: WebFetch
) -> None:
    web.profile = "shell"
    web.embed = "empty"
    with pytest.raises(TransientError, match="TikTok did not return profile data"):
        await fetch_web()
    assert len(web.requests) == 2


@pytest.mark.parametrize("code", [10221, 10202])
async def test_not_found_codes_are_permanent(
    web: FakeTikTokWeb, fetch_web: WebFetch, code: int
) -> None:
    web.profile = code
    with pytest.raises(PermanentError, match=f"No TikTok account @{HANDLE} exists"):
        await fetch_web()
    assert web.requests == [f"/@{HANDLE}"]  # TikTok's verdict: no embed page


async def test_an_unknown_handle_is_not_found(fetch_web: WebFetch) -> None:
    with pytest.raises(PermanentError, match="status 10221"):
        await fetch_web("nobody.here")


async def test_10222_is_a_private_account(web: FakeTikTokWeb, fetch_web: WebFetch) -> None:
    web.profile = 10222
    with pytest.raises(PermanentError, match="is private"):
        await fetch_web()


# -- the Research API -------------------------------------------------------------------------


@pytest.fixture
async def research() -> AsyncIterator[FakeTikTokResearch]:
    fake = FakeTikTokResearch()
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


@pytest.fixture
def research_adapter(
    research: FakeTikTokResearch, client: httpx.AsyncClient
) -> Callable[..., tuple[TikTokResearchAdapter, Run]]:
    def make(**config: Any) -> tuple[TikTokResearchAdapter, Run]:
        run = Run()
        settings = TikTokResearchConfig(
            client_key=config.pop("client_key", CLIENT_KEY),
            client_secret=CLIENT_SECRET,
            api_base=research.base_url,
            **{"days": 60, **config},
        )
        return TikTokResearchAdapter(make_http(client, run), settings, now=lambda: NOW), run

    return make


MakeResearch = Callable[..., tuple[TikTokResearchAdapter, Run]]


async def test_research_api_two_windows_with_cursor_pagination(
    research: FakeTikTokResearch, research_adapter: MakeResearch
) -> None:
    adapter, run = research_adapter()
    result = await scrape(adapter, run)

    # 45 videos, one a day: 30 in the newest window (pages of 20 and 10), 15 in the older one.
    assert [name for name, _ in research.requests] == ["token", "user", "query", "query", "query"]
    queries = [body for name, body in research.requests if name == "query"]
    assert [(q["start_date"], q["end_date"], q.get("cursor")) for q in queries] == [
        ("20261030", "20261128", None),
        ("20261030", "20261128", 20),
        ("20260930", "20261029", None),
    ]
    assert queries[1]["search_id"] == "20261030-20261128"
    assert all(q["max_count"] == 100 for q in queries)
    assert research.requests[0][1] == {
        "client_key": CLIENT_KEY,
        "client_secret": CLIENT_SECRET,
        "grant_type": "client_credentials",
    }
    assert research.requests[1][1] == {"username": HANDLE}

    assert (result.platform, result.source) == (Platform.TIKTOK, "tiktok")
    assert result.profile.followers == 250_000
    assert (result.profile.following, result.profile.post_count) == (180, 60)
    assert result.profile.verified is True
    assert len(result.posts) == 45
    assert [p.id for p in result.posts[:2]] == ["7300000000000000000", "7300000000000000001"]
    oldest = result.posts[-1]
    video = research.video(44)
    assert (oldest.likes, oldest.comments, oldest.shares, oldest.views) == (
        video["like_count"],
        video["comment_count"],
        video["share_count"],
        video["view_count"],
    )
    assert oldest.published_at == datetime(2026, 10, 15, 10, 0, tzinfo=UTC)  # 44 days before
    assert oldest.hashtags == ["food", "lisbon"]
    assert oldest.mentions == ["chef_ana"]
    assert sum(p.likes or 0 for p in result.posts) == sum(20_000 + 100 * i for i in range(45))
    assert "Analysed the 45 videos of the last 60 days (of 60 on the account)." in (result.coverage)
    assert "TikTok Research API requests used by this analysis: 5." in result.coverage
    assert run.fractions == [0.0, 0.25, 0.5, 0.75]


async def test_the_token_is_cached_and_refreshed_once_when_refused(
    research: FakeTikTokResearch, research_adapter: MakeResearch
) -> None:
    adapter, run = research_adapter(days=30)
    await scrape(adapter, run)
    assert research.count("token") == 1

    research.tokens.clear()  # TikTok revoked the cached token before it expired
    result = await scrape(adapter, run)

    assert research.count("token") == 2
    assert research.count("user") == 3  # refused once with the old token, then answered
    assert len(result.posts) == 30


async def test_a_token_refused_twice_is_permanent(
    research: FakeTikTokResearch, research_adapter: MakeResearch
) -> None:
    refused = api_error(401, "access_token_invalid", "The access token is invalid.")
    research.fail["user"] = [refused, refused]
    adapter, run = research_adapter()
    with pytest.raises(PermanentError, match="refused the Research API token"):
        await scrape(adapter, run)
    assert research.count("token") == 2


async def test_wrong_client_credentials_name_the_settings(
    research_adapter: MakeResearch,
) -> None:
    adapter, run = research_adapter(client_key="wrong")
    with pytest.raises(PermanentError, match="WEBAPP_TIKTOK_CLIENT_KEY"):
        await scrape(adapter, run)


async def test_rate_limit_exceeded_is_transient(
    research: FakeTikTokResearch, research_adapter: MakeResearch
) -> None:
    limited = api_error(429, "rate_limit_exceeded", "The API rate limit was exceeded.")
    research.fail["query"] = [limited] * 4  # the first try and three retries of the HTTP layer
    adapter, run = research_adapter()
    with pytest.raises(TransientError, match="429"):
        await scrape(adapter, run)
    assert research.count("query") == 4
    assert len(run.slept) == 3


async def test_rate_limit_in_a_200_body_is_transient_too(
    research: FakeTikTokResearch, research_adapter: MakeResearch
) -> None:
    research.fail["user"] = [api_error(200, "rate_limit_exceeded", "Try again later.")]
    adapter, run = research_adapter()
    with pytest.raises(TransientError, match="rate limit was exceeded"):
        await scrape(adapter, run)


async def test_an_unknown_user_is_permanent(
    research: FakeTikTokResearch, research_adapter: MakeResearch
) -> None:
    adapter, run = research_adapter()
    with pytest.raises(PermanentError, match=r"found no public account @nobody\.here"):
        await scrape(adapter, run, "nobody.here")
    assert research.count("query") == 0
