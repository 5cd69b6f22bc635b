"""The published tables the analysis compares an account against, each with its source.

Every figure here is a benchmark a marketer can look up, not something fitted to our data. Each
source string says what was published and what we derived from it, so the report can show it as
is. Tiers are those of `tiers.py`; the published cohorts rarely match them, and where a tier spans
several cohorts the derivation below is ours (stated as such). The figures looked at and
rejected are summarised in the README's "Method and assumptions".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from webapp.models import Platform
from webapp.pipeline.analysis.tiers import Tier


@dataclass(frozen=True, slots=True)
class EngagementBand:
    """Engagement per post as percent of followers: the usual range for a tier, and its middle."""

    low: float
    typical: float
    high: float
    source: str


class _Cohort(NamedTuple):
    """One follower cohort of a published five-grade table (Low / Below average / Average /
    Above average / High), in percent of followers."""

    low_cut: float  # under this is graded "Low"
    average_from: float  # the "Average" grade ...
    average_to: float
    high_cut: float  # over this is graded "High"


def _band(source: str, *cohorts: _Cohort) -> EngagementBand:
    """The usual range is everything graded neither Low nor High; typical is the middle of the
    Average grade. A tier spanning several cohorts takes the mean of their figures: our derivation,
    not the publisher's (engagement falls steeply inside a tier such as nano, so this is a
    compromise for an account in the middle of the tier)."""
    n = len(cohorts)
    low = sum(c.low_cut for c in cohorts) / n
    typical = sum((c.average_from + c.average_to) / 2 for c in cohorts) / n
    high = sum(c.high_cut for c in cohorts) / n
    return EngagementBand(round(low, 2), round(typical, 2), round(high, 2), source)


# All three platforms use one publisher's tables, Modash's engagement-rate benchmarks (grades from
# its database of creators, median engagement of each account's 30 newest posts), so the tiers
# and platforms are graded alike. Cohorts: 1K-5K, 5K-10K, 10K-50K, 50K-100K, 100K-500K, 500K-1M,
# over 1M. Our tiers take: nano = 1K-5K and 5K-10K; micro = 10K-50K; mid = 50K-100K and
# 100K-500K; macro = 500K-1M; mega = over 1M.

# Instagram, (likes + comments) / followers per post, percent. Modash, "Instagram Engagement Rate
# Calculator" page, benchmark table (72M+ profiles; divides by followers; the stored copy is
# undated). Other published figures agree on the level, not on the shape at the top: HypeAuditor,
# State of Influencer Marketing 2023, nano (1K-10K) 2.78 % (our derived nano typical is 2.67);
# HypeAuditor, State of Influencer Marketing 2026 (as reported by eMarketer): nano 1.78 %, micro
# (10K-50K) 0.54 %, mega 0.33 %. Modash's middle grade rises again above 500K, HypeAuditor's
# keeps falling; we keep one table rather than splice two.
_INSTAGRAM_SOURCE = (
    "Modash, Instagram engagement rate benchmarks (modash.io, undated page read 2026): the range "
    "between its Low and High grades, typical = middle of its Average grade; nano and mid average "
    "two of its cohorts (our derivation). Cross-check: HypeAuditor, State of Influencer Marketing "
    "2023, nano 2.78 %"
)
_INSTAGRAM = {
    "1K-5K": _Cohort(1.72, 3.38, 4.42, 7.97),
    "5K-10K": _Cohort(0.62, 1.25, 1.62, 3.54),
    "10K-50K": _Cohort(0.39, 0.84, 1.11, 2.61),
    "50K-100K": _Cohort(0.32, 0.75, 1.01, 2.47),
    "100K-500K": _Cohort(0.41, 0.87, 1.14, 2.63),
    "500K-1M": _Cohort(0.46, 0.88, 1.13, 2.46),
    "1M+": _Cohort(0.57, 1.02, 1.27, 2.6),
}

# TikTok, (likes + comments) / followers per video, percent. The figures usually quoted for TikTok
# (HypeAuditor, State of Influencer Marketing 2023: nano 12.6 %; Modash's 2025 table: 12-14 % for
# 1K-5K) are per *view*: HypeAuditor's help centre defines TikTok ER as (likes + comments +
# shares) / views. The earlier bands here (4-15 % nano) were those per-view figures applied to
# followers. Per follower we use Modash's TikTok table "collected March 2023", which Influencer
# Hero republishes with the same figures (January 2024) and defines per follower. Modash's page
# text says it divides by views, but its 2025 per-view table is five to ten times higher, so we
# read the 2023 table as per follower: our reading, stated in the source.
_TIKTOK_SOURCE = (
    "Modash, TikTok engagement rate benchmarks (data collected March 2023; same figures in "
    "Influencer Hero's TikTok calculator, January 2024, defined per follower): the range between "
    "its Low and High grades, typical = middle of its Average grade; reading it as per follower "
    "and averaging two cohorts for nano and mid are our derivations"
)
_TIKTOK = {
    "1K-5K": _Cohort(0.81, 1.82, 2.19, 4.19),
    "5K-10K": _Cohort(0.42, 1.05, 1.33, 3.45),
    "10K-50K": _Cohort(0.24, 0.76, 1.04, 3.44),
    "50K-100K": _Cohort(0.14, 0.6, 0.88, 3.3),
    "100K-500K": _Cohort(0.14, 0.69, 1.0, 3.24),
    "500K-1M": _Cohort(0.25, 0.99, 1.32, 3.16),
    "1M+": _Cohort(0.35, 1.06, 1.34, 2.78),
}

# YouTube, (likes + comments) / subscribers per video, percent. Most published YouTube rates are
# per view (e.g. SociaVault 2026: median 3.06 % of views, 5.23 % for 1K-10K), which does not
# compare with a per-subscriber rate. Modash's YouTube table (Influencer Hero publishes nearly the
# same figures, January 2024, "by views or subscribers") falls to 0.13-0.18 % for channels over
# 1M: far below any per-view rate, so we read it as per subscriber (our reading).
_YOUTUBE_SOURCE = (
    "Modash, YouTube engagement rate benchmarks (modash.io, undated page read 2026; near-identical "
    "figures in Influencer Hero's YouTube calculator, January 2024): the range between its Low and "
    "High grades, typical = middle of its Average grade; reading it as per subscriber and "
    "averaging two cohorts for nano and mid are our derivations"
)
_YOUTUBE = {
    "1K-5K": _Cohort(0.41, 1.47, 2.02, 6.42),
    "5K-10K": _Cohort(0.16, 0.59, 0.82, 2.62),
    "10K-50K": _Cohort(0.09, 0.36, 0.51, 1.66),
    "50K-100K": _Cohort(0.05, 0.23, 0.33, 1.08),
    "100K-500K": _Cohort(0.04, 0.19, 0.27, 0.86),
    "500K-1M": _Cohort(0.03, 0.16, 0.24, 0.71),
    "1M+": _Cohort(0.02, 0.13, 0.18, 0.59),
}


def _tier_bands(source: str, table: dict[str, _Cohort]) -> dict[Tier, EngagementBand]:
    return {
        Tier.NANO: _band(source, table["1K-5K"], table["5K-10K"]),
        Tier.MICRO: _band(source, table["10K-50K"]),
        Tier.MID: _band(source, table["50K-100K"], table["100K-500K"]),
        Tier.MACRO: _band(source, table["500K-1M"]),
        Tier.MEGA: _band(source, table["1M+"]),
    }


ENGAGEMENT_BANDS: dict[Platform, dict[Tier, EngagementBand]] = {
    Platform.INSTAGRAM: _tier_bands(_INSTAGRAM_SOURCE, _INSTAGRAM),
    Platform.TIKTOK: _tier_bands(_TIKTOK_SOURCE, _TIKTOK),
    Platform.YOUTUBE: _tier_bands(_YOUTUBE_SOURCE, _YOUTUBE),
}


@dataclass(frozen=True, slots=True)
class ViewRateTop:
    """The top of a platform's published per-view engagement range, percent of views."""

    top: float
    source: str


# Engagement per *view* where posts show their views. Per view, as per follower, the rate falls
# as creators grow, so the top of the smallest creators' range is the highest usual rate on the
# platform; the implausibility test (engagement.py) multiplies it. Instagram shows views on
# reels only, and we found no per-view table for them: reels are TikTok's short-video format
# with the same kind of recommended reach, so they take TikTok's figure (our assumption). A
# photo feed shows views on too few posts to be judged by them (engagement.MIN_VIEWS_SHARE).
_TIKTOK_PER_VIEW = (
    "KOLens, What is a good TikTok engagement rate? (kolens.ai, undated page read 2026): "
    "8-15 % of views for creators under 10K followers, (likes + comments + shares) / views"
)
VIEW_RATE_TOP: dict[Platform, ViewRateTop] = {
    Platform.TIKTOK: ViewRateTop(15.0, _TIKTOK_PER_VIEW),
    Platform.INSTAGRAM: ViewRateTop(
        15.0,
        f"{_TIKTOK_PER_VIEW}; applied to Instagram reels, the same short-video format, as no "
        "per-view table for reels was found (our assumption)",
    ),
    Platform.YOUTUBE: ViewRateTop(
        10.0,
        "TubeAI, YouTube engagement rate benchmarks (learn.tubeai.app, undated page read 2026): "
        "channels under 10K subscribers average 5.43 % of views, above 10 % is exceptional",
    ),
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
    "Minter.io, How Much Reach Should My Brand Be Getting On Instagram?, 25 February 2019: median "
    "post reach rate 37.72 % (0-20K followers), 22.945 % (20K-100K), 22.885 % (100K-1M), 19.09 % "
    "(over 1M); mapping its cohorts to our tiers is our derivation"
)

# Assumption: 1.2 Instagram impressions per person reached. Instagram only: TikTok and YouTube
# publish views, which pricing uses as impressions as they are. No study we found publishes an
# organic Instagram frequency; insights report impressions a little above reach because people
# see a post again, and 1.2 is our round figure for that (a value from 1.1 to 1.5 would move the
# Instagram price band by the same ratio).
FREQUENCY = 1.2
FREQUENCY_SOURCE = (
    "assumption: 1.2 Instagram impressions per person reached (no published figure found)"
)


@dataclass(frozen=True, slots=True)
class CpmRange:
    """What brands pay a creator per 1,000 impressions, in US dollars."""

    low: float
    high: float
    source: str


# Influencer Hero, "Influencer CPM" (blog; the stored copy is undated): "Instagram's CPM typically
# ranges from $5 to $15, YouTube's averages around $10 to $30, and TikTok tends to have a CPM
# range of $3 to $10". A Nordic booking platform publishes far higher ranges from its own bookings
# over two years (inzpire.me help centre, undated: Instagram $32-42, TikTok $25-35, YouTube
# $51-61), so these are the low end of what a creator may ask. Per 1,000 impressions on
# Instagram, per 1,000 views on TikTok and YouTube.
_CPM_SOURCE = (
    "Influencer Hero, Influencer CPM benchmarks (blog, undated page read 2026): Instagram $5-15, "
    "TikTok $3-10, YouTube $10-30"
)
CPM: dict[Platform, CpmRange] = {
    Platform.INSTAGRAM: CpmRange(5.0, 15.0, _CPM_SOURCE),
    Platform.TIKTOK: CpmRange(3.0, 10.0, _CPM_SOURCE),
    Platform.YOUTUBE: CpmRange(10.0, 30.0, _CPM_SOURCE),
}


def engagement_band(platform: Platform, tier: Tier) -> EngagementBand:
    return ENGAGEMENT_BANDS[platform][tier]
