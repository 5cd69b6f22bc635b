"""The YouTube adapter against a fake YouTube Data API v3 on loopback, in the documented shapes."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from webapp.models import Platform
from webapp.pipeline.errors import PermanentError
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, HttpSettings, make_client
from webapp.pipeline.scraping.youtube import YouTubeAdapter, YouTubeConfig

from fake_youtube import CHANNEL_ID, NOW, FakeYouTube, api_error
from loopback import serving


@pytest.fixture
async def youtube() -> AsyncIterator[FakeYouTube]:
    fake = FakeYouTube()
    async with serving(fake.app()) as url:
        fake.base_url = url + "/youtube/v3"
        yield fake


Fetch = Callable[..., Any]


@pytest.fixture
async def fetch(youtube: FakeYouTube) -> AsyncIterator[Fetch]:
    client = make_client(HttpSettings())

    async def run(handle: str, **config: Any) -> Any:
        slept: list[float] = []

        async def sleep(seconds: float) -> None:
            slept.append(seconds)

        http = HttpClient(
            client, HttpSettings(), sleep=sleep, rng=random.Random(1), now=lambda: NOW
        )
        adapter = YouTubeAdapter(
            http,
            YouTubeConfig(
                api_key=config.pop("api_key", "test-key"), api_base=youtube.base_url, **config
            ),
            now=lambda: NOW,
        )
        fractions: list[float] = []

        async def progress(fraction: float, message: str) -> None:
            fractions.append(fraction)

        request = ScrapeRequest(platform=Platform.YOUTUBE, handle=handle, attempt=1)
        return await adapter.fetch(request, progress)

    yield run
    await client.aclose()


async def test_a_channel_over_several_pages_becomes_a_scrape_result(
    youtube: FakeYouTube, fetch: Fetch
) -> None:
    youtube.disabled_comments = {1, 4, 7}
    result = await fetch("fixturechannel")

    assert result.source == "youtube"
    assert result.profile.followers == 250_000  # counts arrive as strings
    assert result.profile.post_count == 120
    assert result.profile.display_name == "Fixture Channel"
    assert len(result.posts) == 120
    assert [post.id for post in result.posts[:2]] == ["vid00000", "vid00001"]  # newest first
    newest = result.posts[0]
    assert (newest.likes, newest.comments, newest.views) == (500, 20, 10_000)
    assert newest.kind == "short"  # 45 s
    assert result.posts[1].kind == "video"
    assert newest.hashtags == ["travel"]
    assert newest.mentions == ["friend0"]
    assert result.posts[3].likes is None, "hidden likes stay unknown, not zero"

    # Three pages of 50 ids, three batches of videos, one channel call, ten comment pages.
    assert youtube.count("channels") == 1
    assert youtube.count("playlistItems") == 3
    assert youtube.count("videos") == 3
    assert youtube.count("commentThreads") == 10
    assert {len(p["id"].split(",")) for name, p in youtube.requests if name == "videos"} == {
        50,
        20,
    }

    assert len(result.comments) == 3 * 7  # ten recent videos, three of them without comments
    assert "Comments are disabled on 3 of the 10 most recent videos." in result.coverage
    assert "YouTube API quota used by this analysis: 17 units." in result.coverage
    assert any("Follower list not available" in note for note in result.coverage)


async def test_a_channel_id_is_looked_up_by_id(youtube: FakeYouTube, fetch: Fetch) -> None:
    result = await fetch(CHANNEL_ID)
    assert result.profile.handle == CHANNEL_ID
    assert youtube.requests[0] == (
        "channels",
        {"part": "snippet,statistics,contentDetails", "id": CHANNEL_ID, "key": "test-key"},
    )


async def test_a_missing_channel_is_a_clear_permanentapi_error(fetch: Fetch) -> None:
    with pytest.raises(PermanentError, match="No YouTube channel @nobody exists"):
        await fetch("nobody")


async def test_quota_exceeded_says_when_the_quota_resets(
    youtube: FakeYouTube, fetch: Fetch
) -> None:
    youtube.fail["videos"] = api_error(403, "quotaExceeded", "The request cannot be completed.")
    with pytest.raises(PermanentError) as caught:
        await fetch("fixturechannel")
    # 12:00 UTC on 28 November is 04:00 in Los Angeles: midnight is 20 hours away.
    assert "resets at midnight Pacific Time, in about 20 hours" in caught.value.message


async def test_an_invalid_key_points_at_the_setting(fetch: Fetch) -> None:
    with pytest.raises(PermanentError, match="WEBAPP_YOUTUBE_API_KEY"):
        await fetch("fixturechannel", api_key="wrong")


async def test_a_5xx_is_retried_by_the_http_layer(youtube: FakeYouTube, fetch: Fetch) -> None:
    youtube.fail["playlistItems"] = api_error(503, "backendError", "Backend Error")
    result = await fetch("fixturechannel")
    assert len(result.posts) == 120
    assert youtube.count("playlistItems") == 4  # one 503, then the three pages


async def test_a_500_video_channel_takes_at_most_25_requests_before_comments(
    youtube: FakeYouTube, fetch: Fetch
) -> None:
    youtube.videos = 500
    result = await fetch("fixturechannel", commented_videos=0)
    assert len(result.posts) == 500
    assert len(youtube.requests) == 21
