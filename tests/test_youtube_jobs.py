"""Jobs through the API with the YouTube adapter pointed at a fake YouTube Data API on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from statistics import median

import pytest

from conftest import RunApp
from fake_youtube import FakeYouTube
from loopback import serving


@pytest.fixture
async def youtube() -> AsyncIterator[FakeYouTube]:
    fake = FakeYouTube(videos=60)
    async with serving(fake.app()) as url:
        fake.base_url = url + "/youtube/v3"
        yield fake


async def test_a_youtube_job_reports_the_channel_the_api_returned(
    run_app: RunApp, youtube: FakeYouTube
) -> None:
    async with run_app(youtube_api_key="test-key", youtube_api_base=youtube.base_url) as app:
        job_id = await app.submit("@FixtureChannel", platform="youtube")
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()
        demo_job = await app.submit("someone.else", platform="instagram")
        await app.wait_for_status(demo_job, "completed")
        instagram = (await app.client.get(f"/api/report/{demo_job}")).json()

    assert report["source"] == "youtube"
    assert report["is_demo"] is False
    assert report["profile"]["followers"] == 250_000
    assert report["profile"]["posts"] == 60
    # The 12 newest videos, less the one that hides its likes (fixture index 3).
    videos = [youtube.video(i) for i in range(12) if i != 3]
    stats = [v["statistics"] for v in videos]
    interactions = [int(s["likeCount"]) + int(s["commentCount"]) for s in stats]
    metrics = report["metrics"]
    assert metrics["engagement_rate_median"]["value"] == round(
        median(i / 250_000 * 100 for i in interactions), 2
    )
    assert metrics["engagement_rate_median"]["sample_size"] == 11
    by_views = [i / int(s["viewCount"]) * 100 for i, s in zip(interactions, stats, strict=True)]
    assert metrics["engagement_rate_by_views"]["value"] == round(median(by_views), 2)
    assert any("quota used by this analysis: 15 units" in note for note in report["coverage"])
    # Platforms without credentials still use demo data.
    assert instagram["source"] == "demo"


async def test_source_demo_forces_demo_data_even_with_a_key(
    run_app: RunApp, youtube: FakeYouTube
) -> None:
    async with run_app(
        youtube_api_key="test-key", youtube_api_base=youtube.base_url, source="demo"
    ) as app:
        job_id = await app.submit("fixturechannel", platform="youtube")
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()
    assert report["source"] == "demo"
    assert youtube.requests == []


async def test_a_missing_channel_fails_the_job_at_once_with_the_reason(
    run_app: RunApp, youtube: FakeYouTube
) -> None:
    async with run_app(youtube_api_key="test-key", youtube_api_base=youtube.base_url) as app:
        job_id = await app.submit("nobody.here", platform="youtube")
        failed = await app.wait_for_status(job_id, "failed")
    assert failed["attempt"] == 1
    assert "No YouTube channel @nobody.here exists" in failed["error_message"]
