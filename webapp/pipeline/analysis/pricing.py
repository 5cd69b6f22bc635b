"""Reach and price: what a post delivers, what it should cost, and what a genuine viewer costs.

The price follows what the account's posts actually get, then keeps only the genuine audience:

* Instagram (views cover reels only): people reached per post = followers x the published
  median reach share of the tier x the account's engagement against its tier's typical rate
  (capped at 2x: a post that gets half the usual engagement is taken to reach half the usual
  share of followers). Impressions = reach x a frequency of 1.2.
* TikTok, YouTube: the median views of recent posts. Views are plays, that is impressions, not
  people, so no frequency factor is applied and nothing is called "people".
* Genuine impressions = impressions x the quality-audience share of the follower sample (taken as
  100 % when the sample could not be measured, and said so).
* Fair price per post = genuine impressions / 1,000 x the platform's CPM range.

The cost per genuine viewer compares that with the usual rate: what a brand pays per genuine
person reached (Instagram) or per genuine view (TikTok, YouTube) when it pays the usual price for
an account of this size (Instagram: followers x tier reach share x frequency x the middle CPM;
TikTok, YouTube: views x the middle CPM, not discounted for fakes). A typical, fully real account
costs the CPM itself; padding and weak engagement make each genuine viewer dearer.
"""

from __future__ import annotations

import math
from datetime import datetime
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
from webapp.pipeline.analysis.engagement import (
    MIN_POSTS,
    RECENT_POSTS,
    EngagementPosition,
    recent_posts,
)
from webapp.pipeline.analysis.tiers import Tier, tier_of
from webapp.pipeline.scraping.result import ScrapeResult

MAX_EVIDENCE = 10
VIEW_PLATFORMS = frozenset({Platform.TIKTOK, Platform.YOUTUBE})
# Assumption: reach follows engagement in proportion, up to twice the tier's usual share (a
# post does not reach more than about twice the usual share of followers organically; more
# engagement than that is more likely a giveaway than a wider reach).
MAX_ENGAGEMENT_FACTOR = 2.0


class PricingReport(BaseModel):
    tier: Tier
    reach: Metric = Field(description="People reached per post (Instagram) or views per post")
    impressions: Metric = Field(description="Impressions per post")
    genuine_impressions: Metric = Field(description="Impressions from the genuine audience")
    price_low: Metric = Field(description="Low end of a fair price per post, USD")
    price_high: Metric = Field(description="High end of a fair price per post, USD")
    usual_price: Metric = Field(description="What an account of this size usually costs, USD")
    cost_per_genuine_viewer: Metric
    authentic_share: float = Field(description="Share of the audience taken as genuine, 0-1")
    authentic_share_known: bool = Field(description="False when 1.0 was assumed")


def money(value: float) -> float:
    """Dollars rounded for people: cents from $1 up, two significant digits below, so a small
    positive amount never reads as $0."""
    if value <= 0:
        return 0.0
    if value >= 1:
        return round(value, 2)
    return round(value, 1 - math.floor(math.log10(value)))


def money_text(value: float) -> str:
    if value <= 0:
        return "$0"
    if value >= 1:
        return f"${value:,.2f}"
    return f"${money(value):g}"


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


def _views(result: ScrapeResult, now: datetime | None) -> Metric:
    label = "Views per post"
    formula = f"median(views) over the {RECENT_POSTS} most recent posts with views"
    # A count of 0 views is an export that does not carry them (a post cannot be seen by no
    # one and still be priced), as the rate by views reads it too.
    posts = [p for p in recent_posts(result, now) if p.views]
    n = len(posts)
    if n < MIN_POSTS:
        return _none(
            label,
            "count",
            f"Not enough data (n={n}): views are shown on {n} recent posts; at least "
            f"{MIN_POSTS} are needed.",
            formula,
            n,
        )
    value = round(median(p.views or 0 for p in posts))
    followers = result.profile.followers
    return Metric(
        label=label,
        value=value,
        unit="count",
        explanation=(
            f"{value:,} views per post: the median of the {n} most recent posts "
            f"({value / max(followers, 1) * 100:.1f}% of {followers:,} followers). Views are "
            "plays, not people: one person can watch a video several times."
        ),
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="post", ref=p.id, note=f"{p.views:,} views") for p in posts[:MAX_EVIDENCE]
        ],
    )


def _instagram_reach(result: ScrapeResult, position: EngagementPosition) -> Metric:
    label = "Estimated reach per post"
    followers = result.profile.followers
    tier = tier_of(followers)
    share = INSTAGRAM_REACH_SHARE[tier]
    formula = (
        f"followers x reach share of the tier ({share:.3f} for {tier.value}; "
        f"{INSTAGRAM_REACH_SOURCE}) x min({MAX_ENGAGEMENT_FACTOR:g}, median engagement / the "
        "tier's typical engagement)"
    )
    if position.rate is None:
        return _none(
            label,
            "count",
            "Not enough data (n=0): reach follows the measured engagement, which could not be "
            "computed.",
            formula,
            0,
        )
    relative = position.rate / position.band_typical
    factor = min(MAX_ENGAGEMENT_FACTOR, relative)
    value = round(followers * share * factor)
    return Metric(
        label=label,
        value=value,
        unit="count",
        explanation=(
            f"About {value:,} people per post: {followers:,} followers x {share:.1%} (the median "
            f"reach of a {tier.value} Instagram account) x {factor:.2f} (its engagement against "
            "the tier's typical rate"
            + (f", capped at {MAX_ENGAGEMENT_FACTOR:g}x" if relative > factor else "")
            + ")."
        ),
        formula=formula,
        sample_size=1,
    )


def _impressions(platform: Platform, reach: Metric) -> Metric:
    label = "Impressions per post"
    if platform in VIEW_PLATFORMS:
        formula = "views per post (views are already impressions: no frequency factor)"
        if reach.value is None:
            return _none(label, "count", reach.explanation, formula, reach.sample_size)
        return Metric(
            label=label,
            value=reach.value,
            unit="count",
            explanation=f"{reach.value:,.0f} impressions per post: each view is one impression.",
            formula=formula,
            sample_size=reach.sample_size,
        )
    formula = f"reach x {FREQUENCY:g} ({FREQUENCY_SOURCE})"
    if reach.value is None:
        return _none(label, "count", reach.explanation, formula, reach.sample_size)
    value = round(reach.value * FREQUENCY)
    return Metric(
        label=label,
        value=value,
        unit="count",
        explanation=(
            f"About {value:,} impressions per post: {reach.value:,.0f} people reached x "
            f"{FREQUENCY:g} views each."
        ),
        formula=formula,
        sample_size=reach.sample_size,
    )


def _genuine(impressions: Metric, share: float, known: bool) -> Metric:
    label = "Genuine impressions per post"
    formula = "impressions x quality-audience share of the follower sample"
    if impressions.value is None:
        return _none(label, "count", impressions.explanation, formula, impressions.sample_size)
    value = round(impressions.value * share)
    how = f"{share:.0%} of the audience genuine" if known else "audience not measured: all counted"
    return Metric(
        label=label,
        value=value,
        unit="count",
        explanation=f"About {value:,} of {impressions.value:,.0f} impressions ({how}).",
        formula=formula,
        sample_size=impressions.sample_size,
    )


def _price(platform: Platform, genuine: Metric, end: str) -> Metric:
    cpm = CPM[platform]
    rate = cpm.low if end == "low" else cpm.high
    label = f"Fair price per post ({end})"
    formula = (
        f"genuine impressions / 1,000 x {end} CPM (${rate:g} on {platform.label}; {cpm.source})"
    )
    if genuine.value is None:
        return _none(label, "usd", genuine.explanation, formula, genuine.sample_size)
    value = genuine.value / 1000 * rate
    return Metric(
        label=label,
        value=money(value),
        unit="usd",
        explanation=(
            f"{money_text(value)}: {genuine.value:,.0f} genuine impressions at ${rate:g} per "
            f"1,000 ({platform.label} CPM range ${cpm.low:g}-${cpm.high:g}, {cpm.source})."
        ),
        formula=formula,
        sample_size=genuine.sample_size,
    )


def _usual_price(result: ScrapeResult, views: Metric | None) -> Metric:
    label = "Usual price for this size"
    cpm = CPM[result.platform]
    mid = (cpm.low + cpm.high) / 2
    if result.platform in VIEW_PLATFORMS:
        formula = f"views per post / 1,000 x mid CPM (${mid:g})"
        if views is None or views.value is None:
            why = "Not enough data (n=0): views are needed." if views is None else views.explanation
            return _none(label, "usd", why, formula, 0 if views is None else views.sample_size)
        value = views.value / 1000 * mid
        what = f"{views.value:,.0f} views"
        n = views.sample_size
    else:
        tier = tier_of(result.profile.followers)
        share = INSTAGRAM_REACH_SHARE[tier]
        formula = (
            f"followers x reach share of the tier x {FREQUENCY:g} / 1,000 x mid CPM (${mid:g})"
        )
        value = result.profile.followers * share * FREQUENCY / 1000 * mid
        what = f"{result.profile.followers:,} followers x {share:.1%} reach x {FREQUENCY:g}"
        n = 1
    return Metric(
        label=label,
        value=money(value),
        unit="usd",
        explanation=(
            f"{money_text(value)}: what a post of an account this size usually costs ({what} at "
            f"${mid:g} per 1,000), before engagement and fake followers are counted."
        ),
        formula=formula,
        sample_size=n,
    )


def _cost_per_genuine_viewer(
    platform: Platform, usual: Metric, genuine: Metric, share: float, known: bool
) -> Metric:
    views = platform in VIEW_PLATFORMS
    label = "Cost per genuine view" if views else "Cost per genuine viewer"
    unit_word = "view" if views else "person reached"
    formula = (
        f"usual price for this size / genuine {'views' if views else 'people reached'} per post"
    )
    if usual.value is None or genuine.value is None:
        why = usual.explanation if usual.value is None else genuine.explanation
        return _none(label, "usd", why, formula, genuine.sample_size)
    people = genuine.value if views else genuine.value / FREQUENCY
    if people <= 0:
        return _none(
            label,
            "usd",
            f"Not enough data (n={genuine.sample_size}): no genuine viewers are left "
            f"(engagement or authentic share of {share:.0%} leaves none).",
            formula,
            genuine.sample_size,
        )
    value = usual.value / people
    cpm = CPM[platform]
    typical = (cpm.low + cpm.high) / 2 / 1000 * (1 if views else FREQUENCY)
    explanation = (
        f"{money_text(value)} per genuine {unit_word} at the usual price "
        f"({money_text(usual.value)} / {people:,.0f})"
    )
    if not known:
        explanation += " (audience authenticity unknown: assumed 100% genuine)"
    ratio = value / typical
    explanation += f"; a typically engaged, fully real account costs {money_text(typical)}" + (
        f", so this one is {ratio:.1f}x as dear." if ratio >= 1.05 else "."
    )
    return Metric(
        label=label,
        value=money(value),
        unit="usd",
        explanation=explanation,
        formula=formula,
        sample_size=genuine.sample_size,
    )


def pricing(
    result: ScrapeResult,
    position: EngagementPosition,
    *,
    authentic_share: float | None,
    now: datetime | None = None,
) -> PricingReport:
    """Reach, impressions and a fair price per post. `position` is the engagement family's
    benchmark position; `authentic_share` comes from the audience analysis (0-1) and is taken as
    1.0 when unknown."""
    if authentic_share is not None and not 0.0 <= authentic_share <= 1.0:
        raise ValueError(f"authentic_share must be between 0 and 1, not {authentic_share}")
    known = authentic_share is not None
    share = 1.0 if authentic_share is None else authentic_share
    views = _views(result, now) if result.platform in VIEW_PLATFORMS else None
    reach = views if views is not None else _instagram_reach(result, position)
    impressions = _impressions(result.platform, reach)
    genuine = _genuine(impressions, share, known)
    usual = _usual_price(result, views)
    return PricingReport(
        tier=tier_of(result.profile.followers),
        reach=reach,
        impressions=impressions,
        genuine_impressions=genuine,
        price_low=_price(result.platform, genuine, "low"),
        price_high=_price(result.platform, genuine, "high"),
        usual_price=usual,
        cost_per_genuine_viewer=_cost_per_genuine_viewer(
            result.platform, usual, genuine, share, known
        ),
        authentic_share=share,
        authentic_share_known=known,
    )
