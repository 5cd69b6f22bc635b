"""Reach, price band and cost per genuine viewer against hand-computed figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.pricing import pricing
from webapp.pipeline.analysis.tiers import Tier
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def scrape(
    followers: int, platform: Platform = Platform.INSTAGRAM, views: Sequence[int | None] = ()
) -> ScrapeResult:
    posts = [
        Post(
            id=f"v{i}",
            published_at=NOW - timedelta(days=i + 1),
            kind="video",
            likes=10,
            comments=1,
            views=v,
        )
        for i, v in enumerate(views)
    ]
    return ScrapeResult(
        platform=platform,
        profile=Profile(handle="creator", followers=followers, post_count=len(posts)),
        posts=posts,
        source="upload",
    )


def test_instagram_reach_from_the_tier_share_and_the_price_band() -> None:
    report = pricing(scrape(20_000), authentic_share=None)
    # Micro: 20,000 x 22.9% = 4,580 reached; x 1.2 = 5,496 impressions;
    # x $5 and $15 per 1,000 = $27.48 and $82.44; mid $54.96 / 4,580 = $0.0120.
    assert report.tier is Tier.MICRO
    assert report.reach.value == 4_580
    assert "Minter.io" in report.reach.explanation
    assert report.impressions.value == 5_496
    assert report.price_low.value == pytest.approx(27.48)
    assert report.price_high.value == pytest.approx(82.44)
    assert report.cost_per_genuine_viewer.value == pytest.approx(0.012)
    assert report.authentic_share == 1.0
    assert report.authentic_share_known is False
    assert "assumed 100% genuine" in report.cost_per_genuine_viewer.explanation


def test_nano_instagram_reaches_a_larger_share() -> None:
    assert pricing(scrape(5_000), authentic_share=None).reach.value == 1_885  # 37.7%


def test_an_inflated_audience_makes_each_genuine_viewer_dearer() -> None:
    honest = pricing(scrape(20_000), authentic_share=1.0)
    inflated = pricing(scrape(20_000), authentic_share=0.2)
    # Same price band, a fifth of the viewers real: $54.96 / (4,580 x 0.2) = $0.06.
    assert inflated.price_low == honest.price_low
    assert inflated.cost_per_genuine_viewer.value == pytest.approx(0.06)
    assert inflated.authentic_share_known is True
    assert "5.0x the price per viewer of a fully real audience" in (
        inflated.cost_per_genuine_viewer.explanation
    )
    assert "assumed" not in inflated.cost_per_genuine_viewer.explanation


def test_tiktok_reach_from_median_views() -> None:
    result = scrape(50_000, Platform.TIKTOK, [1_000, 3_000, None, 2_000, 5_000])
    report = pricing(result, authentic_share=0.25)
    # Median of 1,000, 3,000, 2,000, 5,000 = 2,500 reached; 3,000 impressions;
    # $3 and $10 per 1,000 -> $9 and $30; mid $19.50 / (2,500 x 0.25) = $0.0312.
    assert report.reach.value == 2_500
    assert report.reach.sample_size == 4
    assert [e.ref for e in report.reach.evidence] == ["v0", "v1", "v3", "v4"]
    assert report.impressions.value == 3_000
    assert report.price_low.value == pytest.approx(9.0)
    assert report.price_high.value == pytest.approx(30.0)
    assert report.cost_per_genuine_viewer.value == pytest.approx(0.0312)


def test_youtube_without_views_is_not_enough_data() -> None:
    report = pricing(scrape(80_000, Platform.YOUTUBE, [900, None, None]), authentic_share=None)
    for metric in (
        report.reach,
        report.impressions,
        report.price_low,
        report.price_high,
        report.cost_per_genuine_viewer,
    ):
        assert metric.value is None
        assert metric.explanation.startswith("Not enough data (n=1): ")


def test_no_genuine_viewers_is_not_enough_data() -> None:
    metric = pricing(scrape(20_000), authentic_share=0.0).cost_per_genuine_viewer
    assert metric.value is None
    assert "no genuine viewers" in metric.explanation


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_an_impossible_share_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        pricing(scrape(20_000), authentic_share=share)
