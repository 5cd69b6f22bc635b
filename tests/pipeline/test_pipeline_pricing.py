"""Reach, price band and cost per genuine viewer against hand-computed figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.benchmarks import engagement_band
from webapp.pipeline.analysis.engagement import engagement_position
from webapp.pipeline.analysis.pricing import PricingReport, money, money_text, pricing
from webapp.pipeline.analysis.tiers import Tier
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def scrape(
    followers: int,
    platform: Platform = Platform.INSTAGRAM,
    views: Sequence[int | None] = (),
    likes: int = 10,
) -> ScrapeResult:
    posts = [
        Post(
            id=f"v{i}",
            published_at=NOW - timedelta(days=i + 1),
            kind="video",
            likes=likes,
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


def instagram(followers: int, rate: float) -> ScrapeResult:
    """Four posts, each with `rate` % of followers in likes + comments."""
    likes = round(followers * rate / 100) - 1
    return scrape(followers, views=[None] * 4, likes=likes)


def price(result: ScrapeResult, share: float | None) -> PricingReport:
    return pricing(result, engagement_position(result, NOW), authentic_share=share, now=NOW)


# The typical engagement rate of an Instagram micro account (benchmarks.py): a factor of 1.
TYPICAL = engagement_band(Platform.INSTAGRAM, Tier.MICRO).typical


def test_instagram_reach_follows_the_tier_share_and_the_engagement() -> None:
    report = price(instagram(20_000, TYPICAL), None)
    # 20,000 x 22.9% = 4,580 reached; x 1.2 = 5,496 impressions, all counted as genuine;
    # x $5 and $15 per 1,000 = $27.48 and $82.44.
    assert report.tier is Tier.MICRO
    assert report.reach.value == 4_580
    assert "Minter.io" in report.reach.formula
    assert report.impressions.value == 5_496
    assert report.genuine_impressions.value == 5_496
    assert report.price_low.value == pytest.approx(27.48)
    assert report.price_high.value == pytest.approx(82.44)
    # The usual price of the size: the same $54.96 mid; per person reached $0.012.
    assert report.usual_price.value == pytest.approx(54.96)
    assert report.cost_per_genuine_viewer.value == pytest.approx(0.012)
    assert report.authentic_share_known is False
    assert "assumed 100% genuine" in report.cost_per_genuine_viewer.explanation


def test_half_the_usual_engagement_halves_the_price() -> None:
    typical = price(instagram(20_000, TYPICAL), 1.0)
    weak = price(instagram(20_000, TYPICAL / 2), 1.0)
    assert weak.reach.value == 2_290
    assert weak.price_low.value == pytest.approx(typical.price_low.value / 2, rel=0.01)
    # Paying the usual price for this size, each genuine viewer costs twice as much.
    assert weak.cost_per_genuine_viewer.value == pytest.approx(0.024)
    assert "2.0x as dear" in weak.cost_per_genuine_viewer.explanation


def test_engagement_above_twice_the_typical_rate_is_capped() -> None:
    report = price(instagram(20_000, 10.0), 1.0)
    assert report.reach.value == 4_580 * 2
    assert "capped at 2x" in report.reach.explanation


def test_no_engagement_means_no_price_and_little_is_never_shown_as_zero() -> None:
    assert price(scrape(30_000, views=[None] * 4, likes=0), 1.0).price_low.value == 0
    # Three interactions a post on 30,000 followers (0.01 %): reach 70, 84 impressions, cents.
    report = price(scrape(30_000, views=[None] * 4, likes=2), 1.0)
    assert report.price_low.value == pytest.approx(0.42)
    assert report.price_low.explanation.startswith("$0.42: 84 genuine impressions")


def test_an_inflated_audience_lowers_the_fair_price_and_raises_the_cost_per_viewer() -> None:
    honest = price(instagram(20_000, TYPICAL), 1.0)
    inflated = price(instagram(20_000, TYPICAL), 0.12)
    assert inflated.genuine_impressions.value == round(5_496 * 0.12)
    assert inflated.price_low.value == pytest.approx(honest.price_low.value * 0.12, rel=0.01)
    # $54.96 / (4,580 x 0.12) = $0.1.
    assert inflated.cost_per_genuine_viewer.value == pytest.approx(0.1)
    assert "8.3x as dear" in inflated.cost_per_genuine_viewer.explanation
    assert inflated.authentic_share_known is True


def test_tiktok_views_are_impressions_not_people() -> None:
    result = scrape(50_000, Platform.TIKTOK, [1_000, 3_000, None, 2_000, 5_000], likes=2_000)
    report = price(result, 0.25)
    # Median of 1,000, 3,000, 2,000, 5,000 = 2,500 views = 2,500 impressions (no 1.2);
    # 625 genuine; $3 and $10 per 1,000 -> $1.88 and $6.25.
    assert report.reach.label == "Views per post"
    assert report.reach.value == 2_500
    assert "not people" in report.reach.explanation
    assert report.reach.sample_size == 4
    assert [e.ref for e in report.reach.evidence] == ["v0", "v1", "v3", "v4"]
    assert report.impressions.value == 2_500
    assert report.genuine_impressions.value == 625
    assert report.price_low.value == pytest.approx(1.88)
    assert report.price_high.value == pytest.approx(6.25)
    # Usual price: 2,500 views x $6.50 / 1,000 = $16.25; per genuine view $16.25 / 625.
    assert report.cost_per_genuine_viewer.label == "Cost per genuine view"
    assert report.cost_per_genuine_viewer.value == pytest.approx(0.026)


def test_youtube_without_views_is_not_enough_data() -> None:
    report = price(scrape(80_000, Platform.YOUTUBE, [900, None, None]), None)
    for metric in (
        report.reach,
        report.impressions,
        report.price_low,
        report.price_high,
        report.cost_per_genuine_viewer,
    ):
        assert metric.value is None
        assert metric.explanation.startswith("Not enough data (n=1): ")


def test_views_of_zero_are_views_not_shown_never_a_price_of_zero() -> None:
    report = price(scrape(5_000, Platform.TIKTOK, [0, 0, 0, 0], likes=150), 1.0)
    for metric in (report.reach, report.price_low, report.price_high):
        assert metric.value is None
        assert metric.explanation.startswith("Not enough data (n=0): views are shown on 0 ")


def test_no_genuine_viewers_is_not_enough_data() -> None:
    metric = price(instagram(20_000, TYPICAL), 0.0).cost_per_genuine_viewer
    assert metric.value is None
    assert "no genuine viewers" in metric.explanation


@pytest.mark.parametrize(
    ("value", "rounded", "text"),
    [
        (0.0, 0.0, "$0"),
        (0.0041234, 0.0041, "$0.0041"),
        (0.5, 0.5, "$0.5"),
        (12.345, 12.35, "$12.35"),
    ],
)
def test_money_never_rounds_a_small_amount_to_zero(value: float, rounded: float, text: str) -> None:
    assert money(value) == pytest.approx(rounded)
    assert money_text(value) == text


@pytest.mark.parametrize("share", [-0.1, 1.5])
def test_an_impossible_share_is_refused(share: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        price(instagram(20_000, TYPICAL), share)
