"""Request efficiency of the YouTube adapter against the fake YouTube Data API over real HTTP.

Scrapes a 500-video channel with comments off, then with comments on the 10 most recent videos,
and prints requests, quota units and wall time. Target: <= 25 requests before comments and
under 2 s. Baseline in the same run: the naive plan of one `videos` request per video.

Usage: .venv/bin/python bench/youtube_requests.py
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from pathlib import Path

# The fake API lives with the tests, which import it the same way.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from webapp.models import Platform
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, HttpSettings, make_client
from webapp.pipeline.scraping.youtube import YouTubeAdapter, YouTubeConfig

from fake_youtube import NOW, FakeYouTube
from loopback import serving

VIDEOS = 500


async def scrape(fake: FakeYouTube, commented_videos: int) -> tuple[int, int, float]:
    fake.requests.clear()
    async with make_client(HttpSettings()) as client:
        http = HttpClient(
            client, HttpSettings(), sleep=asyncio.sleep, rng=random.Random(), now=lambda: NOW
        )
        config = YouTubeConfig(
            api_key="test-key", api_base=fake.base_url, commented_videos=commented_videos
        )
        adapter = YouTubeAdapter(http, config, now=lambda: NOW)

        async def progress(fraction: float, message: str) -> None:
            pass

        started = time.perf_counter()
        result = await adapter.fetch(
            ScrapeRequest(platform=Platform.YOUTUBE, handle=fake.handle, attempt=1), progress
        )
        elapsed = time.perf_counter() - started
    assert len(result.posts) == VIDEOS
    units = next(n for n in result.coverage if n.startswith("YouTube API quota"))
    return len(fake.requests), int(units.split(": ")[1].split()[0]), elapsed


async def main() -> None:
    fake = FakeYouTube(videos=VIDEOS)
    async with serving(fake.app()) as url:
        fake.base_url = url + "/youtube/v3"
        requests, units, elapsed = await scrape(fake, commented_videos=0)
        print(
            f"{VIDEOS}-video channel, no comments: {requests} requests ({units} quota units) "
            f"in {elapsed:.2f} s   (target <= 25 requests, < 2 s; one request per video "
            f"would be {VIDEOS + 1 + VIDEOS // 50})"
        )
        requests, units, elapsed = await scrape(fake, commented_videos=10)
        print(
            f"{VIDEOS}-video channel, comments on the 10 newest: {requests} requests "
            f"({units} quota units) in {elapsed:.2f} s"
        )


if __name__ == "__main__":
    asyncio.run(main())
