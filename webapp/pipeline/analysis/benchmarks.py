"""The published tables the analysis compares an account against, each with its source.

Every figure here is a benchmark a marketer can look up, not something fitted to our data. Where a
report publishes a range per tier we keep its edges; where the exact figure varies between the
report's editions or charts, the comment says the figure is an approximation of that report's
published range. Tiers are those of `tiers.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.models import Platform
from webapp.pipeline.analysis.tiers import Tier


@dataclass(frozen=True, slots=True)
class EngagementBand:
    """Engagement per post as percent of followers: the usual range for a tier, and its middle."""

    low: float
    typical: float
    high: float
    source: str


# Instagram, (likes + comments) / followers per post, percent.
# Approximation of the per-tier ranges in Influencer Marketing Hub, "The State of Influencer
# Marketing 2024: Benchmark Report" (2024) and HypeAuditor, "State of Influencer Marketing 2024"
# (2024): about 3-6 % for nano accounts, 2-3.5 % micro, 1-2 % mid, ~1 % macro and mega.
_INSTAGRAM_SOURCE = (
    "approximation of Influencer Marketing Hub, Influencer Marketing Benchmark Report 2024, and "
    "HypeAuditor, State of Influencer Marketing 2024"
)
# TikTok, (likes + comments) / followers per video, percent. TikTok's For You feed shows videos
# far beyond the followers, so rates run several times Instagram's. Approximation of the tier
# ranges in HypeAuditor, "State of Influencer Marketing 2024" (TikTok section) and Influencer
# Marketing Hub, "TikTok Influencer Marketing Benchmark Report 2024". Published TikTok figures
# differ more between reports than Instagram's (nano from about 5 % to 15 %), so the bands are
# wide enough to span them: about 4-15 % nano, 3-10 % micro, 2-8 % mid, 1.5-6 % macro, 1-5 % mega.
_TIKTOK_SOURCE = (
    "approximation of HypeAuditor, State of Influencer Marketing 2024 (TikTok), and Influencer "
    "Marketing Hub, TikTok Influencer Marketing Benchmark Report 2024"
)
# YouTube, (likes + comments) / subscribers per video, percent. Reports publish YouTube
# engagement per *view*; this band is derived from their ratios: views of a video are about
# 2-15 % of subscribers (falling with size) and 2-5 % of viewers like or comment (HypeAuditor,
# "State of YouTube" 2023; Influencer Marketing Hub, Benchmark Report 2024). Approximation.
_YOUTUBE_SOURCE = (
    "derived from HypeAuditor, State of YouTube 2023, and Influencer Marketing Hub, Benchmark "
    "Report 2024 (views per subscriber x engagement per view; approximation)"
)

ENGAGEMENT_BANDS: dict[Platform, dict[Tier, EngagementBand]] = {
    Platform.INSTAGRAM: {
        Tier.NANO: EngagementBand(3.0, 4.0, 6.0, _INSTAGRAM_SOURCE),
        Tier.MICRO: EngagementBand(2.0, 2.5, 3.5, _INSTAGRAM_SOURCE),
        Tier.MID: EngagementBand(1.0, 1.5, 2.0, _INSTAGRAM_SOURCE),
        Tier.MACRO: EngagementBand(0.8, 1.1, 1.5, _INSTAGRAM_SOURCE),
        Tier.MEGA: EngagementBand(0.6, 1.0, 1.3, _INSTAGRAM_SOURCE),
    },
    Platform.TIKTOK: {
        Tier.NANO: EngagementBand(4.0, 8.0, 15.0, _TIKTOK_SOURCE),
        Tier.MICRO: EngagementBand(3.0, 6.0, 10.0, _TIKTOK_SOURCE),
        Tier.MID: EngagementBand(2.0, 4.5, 8.0, _TIKTOK_SOURCE),
        Tier.MACRO: EngagementBand(1.5, 3.5, 6.0, _TIKTOK_SOURCE),
        Tier.MEGA: EngagementBand(1.0, 2.5, 5.0, _TIKTOK_SOURCE),
    },
    Platform.YOUTUBE: {
        Tier.NANO: EngagementBand(0.2, 0.5, 1.2, _YOUTUBE_SOURCE),
        Tier.MICRO: EngagementBand(0.15, 0.4, 1.0, _YOUTUBE_SOURCE),
        Tier.MID: EngagementBand(0.1, 0.3, 0.8, _YOUTUBE_SOURCE),
        Tier.MACRO: EngagementBand(0.08, 0.2, 0.6, _YOUTUBE_SOURCE),
        Tier.MEGA: EngagementBand(0.05, 0.15, 0.5, _YOUTUBE_SOURCE),
    },
}

# Instagram post reach as a share of followers (reach counts unique accounts, including
# non-followers from Explore and hashtags). Minter.io, "How much reach should my brand be getting
# on Instagram?" (February 2019; median over about 3-4 million posts): 37.7 % for 0-20K
# followers, 22.9 % for 20K-100K and for 100K-1M, 19.1 % above 1M. Its cohorts do not match our
# tiers exactly: micro (10K-50K) takes the 20K-100K figure, the lower of the two it straddles.
INSTAGRAM_REACH_SHARE: dict[Tier, float] = {
    Tier.NANO: 0.377,
    Tier.MICRO: 0.229,
    Tier.MID: 0.229,
    Tier.MACRO: 0.229,
    Tier.MEGA: 0.191,
}
INSTAGRAM_REACH_SOURCE = (
    "Minter.io Instagram reach-rate study, 2019: median post reach by account size"
)

# Impressions per unique viewer. An assumption rather than one study's figure: platform insights
# report impressions (or plays) a little above reach because people see a post again; 1.2 sits
# inside the 1.1-1.5 that analytics vendors' guides describe for organic posts.
FREQUENCY = 1.2
FREQUENCY_SOURCE = "assumed 1.2 impressions per person reached (typical organic frequency)"


@dataclass(frozen=True, slots=True)
class CpmRange:
    """What brands pay a creator per 1,000 impressions, in US dollars."""

    low: float
    high: float
    source: str


# Influencer Hero, "Influencer CPM" benchmarks (blog, 2024): Instagram $5-15, YouTube $10-30,
# TikTok $3-10 per 1,000 impressions. Booking platforms report higher CPMs for Northern Europe
# (inzpire.me, 2024: Instagram $32-42, TikTok $25-35, YouTube $51-61), so these are the lower,
# US-market end of what a creator may ask.
_CPM_SOURCE = "Influencer Hero, influencer CPM benchmarks, 2024"
CPM: dict[Platform, CpmRange] = {
    Platform.INSTAGRAM: CpmRange(5.0, 15.0, _CPM_SOURCE),
    Platform.TIKTOK: CpmRange(3.0, 10.0, _CPM_SOURCE),
    Platform.YOUTUBE: CpmRange(10.0, 30.0, _CPM_SOURCE),
}


def engagement_band(platform: Platform, tier: Tier) -> EngagementBand:
    return ENGAGEMENT_BANDS[platform][tier]
