"""Reach and price: who a post reaches, what it should cost, and what a genuine viewer costs.

Reach per post is estimated from views where the platform shows them on every post (TikTok,
YouTube: the median views of recent posts), and from the follower count times the published
reach share of the account's tier on Instagram, whose views cover reels only and so would
overstate a photo's reach. Impressions are reach times a frequency factor; the price band is
impressions times the platform's CPM range. Cost per genuine viewer divides the middle of that
band by the reached people who are real, so an account padded with bought followers (whose
"reach" is partly bots) shows as overpriced.
"""

from __future__ import annotations

from statistics import median
from typing import Literal

from pydantic import BaseModel, Field

from webapp.models import Evidence, Metric, Platform
from webapp.pipeline.analysis.benchmarks import (
    CPM,
    FREQUENCY,
    FREQUENCY_SOURCE,
    INSTAGRAM_REACH_SHARE,
    INSTAGRAM_REACH_SOURCE,
)
from webapp.pipeline.analysis.engagement import MIN_POSTS, RECENT_POSTS, recent_posts
from webapp.pipeline.analysis.tiers import Tier, tier_of
from webapp.pipeline.scraping.result import ScrapeResult

MAX_EVIDENCE = 10
VIEW_PLATFORMS = frozenset({Platform.TIKTOK, Platform.YOUTUBE})


class PricingReport(BaseModel):
    tier: Tier
    reach: Metric = Field(description="Estimated people reached per post")
    impressions: Metric = Field(description="Estimated impressions per post")
    price_low: Metric = Field(description="Low end of a fair price per post, USD")
    price_high: Metric = Field(description="High end of a fair price per post, USD")
    cost_per_genuine_viewer: Metric
    authentic_share: float = Field(description="Share of the audience taken as genuine, 0-1")
    authentic_share_known: bool = Field(description="False when 1.0 was assumed")


def _none(
    label: str, unit: Literal["count", "usd"], explanation: str, formula: str, n: int
) -> Metric:
    return Metric(
        label=label,
        value=None,
        unit=unit,
        explanation=explanation,
        formula=formula,
        sample_size=n,
    )


def estimated_reach(result: ScrapeResult) -> Metric:
    label = "Estimated reach per post"
    followers = result.profile.followers
    tier = tier_of(followers)
    if result.platform in VIEW_PLATFORMS:
        formula = f"median(views) over the {RECENT_POSTS} most recent posts with views"
        posts = [p for p in recent_posts(result) if p.views is not None]
        n = len(posts)
        if n < MIN_POSTS:
            return _none(
                label,
                "count",
                f"Not enough data (n={n}): reach on {result.platform.label} is read from views, "
                f"shown on {n} recent posts; at least {MIN_POSTS} are needed.",
                formula,
                n,
            )
        value = median(p.views or 0 for p in posts)
        return Metric(
            label=label,
            value=round(value),
            unit="count",
            explanation=(
                f"About {value:,.0f} people per post: the median views of the {n} most recent "
                f"posts ({value / max(followers, 1) * 100:.1f}% of {followers:,} followers)."
            ),
            formula=formula,
            sample_size=n,
            evidence=[
                Evidence(kind="post", ref=p.id, note=f"{p.views:,} views")
                for p in posts[:MAX_EVIDENCE]
            ],
        )
    share = INSTAGRAM_REACH_SHARE[tier]
    value = followers * share
    return Metric(
        label=label,
        value=round(value),
        unit="count",
        explanation=(
            f"About {value:,.0f} people per post: {followers:,} followers x {share:.1%}, the "
            f"median reach of a {tier.value} Instagram account ({INSTAGRAM_REACH_SOURCE})."
        ),
        formula=f"followers x reach share of the tier ({share:.3f} for {tier.value})",
        sample_size=1,
    )


def estimated_impressions(reach: Metric) -> Metric:
    label = "Estimated impressions per post"
    formula = f"reach x {FREQUENCY:g} ({FREQUENCY_SOURCE})"
    if reach.value is None:
        return _none(label, "count", reach.explanation, formula, reach.sample_size)
    value = reach.value * FREQUENCY
    return Metric(
        label=label,
        value=round(value),
        unit="count",
        explanation=(
            f"About {value:,.0f} impressions per post: {reach.value:,.0f} people reached x "
            f"{FREQUENCY:g} views each."
        ),
        formula=formula,
        sample_size=reach.sample_size,
    )


def _price(platform: Platform, impressions: Metric, end: str) -> Metric:
    cpm = CPM[platform]
    rate = cpm.low if end == "low" else cpm.high
    label = f"Fair price per post ({end})"
    formula = f"impressions / 1,000 x {end} CPM (${rate:g} on {platform.label}; {cpm.source})"
    if impressions.value is None:
        return _none(label, "usd", impressions.explanation, formula, impressions.sample_size)
    value = impressions.value / 1000 * rate
    return Metric(
        label=label,
        value=round(value, 2),
        unit="usd",
        explanation=(
            f"${value:,.2f}: {impressions.value:,.0f} impressions at ${rate:g} per 1,000 "
            f"({platform.label} CPM range ${cpm.low:g}-${cpm.high:g}, {cpm.source})."
        ),
        formula=formula,
        sample_size=impressions.sample_size,
    )


def _cost_per_genuine_viewer(
    low: Metric, high: Metric, reach: Metric, share: float, known: bool
) -> Metric:
    label = "Cost per genuine viewer"
    formula = "mid of the price band / (reach x authentic share)"
    assumed = "" if known else " (audience authenticity unknown: assumed 100% genuine)"
    if low.value is None or high.value is None or reach.value is None:
        return _none(label, "usd", reach.explanation, formula, reach.sample_size)
    genuine = reach.value * share
    if genuine <= 0:
        return _none(
            label,
            "usd",
            f"Not enough data (n={reach.sample_size}): no genuine viewers are left "
            f"(reach {reach.value:,.0f} x authentic share {share:.0%}).",
            formula,
            reach.sample_size,
        )
    mid = (low.value + high.value) / 2
    value = mid / genuine
    explanation = (
        f"${value:.4f} per genuine viewer: ${mid:,.2f} (mid of the band) / "
        f"({reach.value:,.0f} reached x {share:.0%} genuine){assumed}."
    )
    if share < 1:
        explanation += f" That is {1 / share:.1f}x the price per viewer of a fully real audience."
    return Metric(
        label=label,
        value=round(value, 4),
        unit="usd",
        explanation=explanation,
        formula=formula,
        sample_size=reach.sample_size,
    )


def pricing(result: ScrapeResult, *, authentic_share: float | None) -> PricingReport:
    """Reach, impressions and a fair price per post; `authentic_share` comes from the audience
    analysis (0-1) and is taken as 1.0 when unknown."""
    if authentic_share is not None and not 0.0 <= authentic_share <= 1.0:
        raise ValueError(f"authentic_share must be between 0 and 1, not {authentic_share}")
    known = authentic_share is not None
    share = 1.0 if authentic_share is None else authentic_share
    reach = estimated_reach(result)
    impressions = estimated_impressions(reach)
    low = _price(result.platform, impressions, "low")
    high = _price(result.platform, impressions, "high")
    return PricingReport(
        tier=tier_of(result.profile.followers),
        reach=reach,
        impressions=impressions,
        price_low=low,
        price_high=high,
        cost_per_genuine_viewer=_cost_per_genuine_viewer(low, high, reach, share, known),
        authentic_share=share,
        authentic_share_known=known,
    )
