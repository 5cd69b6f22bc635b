"""Account-level parameters of a demo account, calibrated once and bent by its archetype.

Calibration of the authentic base. Two sources, each used for what it can tell:

InstaFake `nonautomatedAccountData.json` (700 real, non-automated Instagram accounts with per-post
series, crawled in 2018; see ../shared/data/instafake/README.md). Figures computed from it, per
account and then the median across accounts (IQR in brackets):
- likes per comment, sum over the 12 newest posts: 46 (28-75) for all accounts, 58 for accounts
  with 500+ followers, 68 (33-107) for 1,000+  -> log-uniform 30-150 per account (median ~67);
- median gap between posts: 10.6 days (4.8-24) for all, 3.1 days (1.6-6.7) for 1,000+ followers,
  and within an account log(gap) spreads with sigma ~1.75 (bursty)  -> mean gap log-uniform
  1.5-14 days with lognormal sigma 1.0 (median gap ~2.8 days; a wider sigma made 60-post series
  span years);
- coefficient of variation of likes over the whole series: 0.51 (0.37-0.68), 0.69 for 1,000+;
  over the 12 newest posts only 0.25  -> per-post lognormal sigma 0.3-0.55 plus the post-kind
  boosts and a drift, which gives 0.4-0.8 over the 30-60 fetched posts;
- drift: median likes of the 12 newest posts over posts 24-36 is 1.33 (1.05-1.95)  -> the newest
  post's expected likes are 0.9-1.6x the oldest fetched one's;
- engagement per post ((likes + comments) / followers, median of the 12 newest): 22.7% overall,
  12.6% (9.4-17.8) at 1,000+ followers (n=29), and a log-log slope of about -0.11 against
  followers. These are 2018 personal accounts (median 350 followers), whose reach was far above
  today's creators', so the *level* comes from the published tier benchmarks below; the dataset
  is only a ceiling check (bench/demo_calibration.py prints both).

The level: an authentic account sits at the typical engagement of its tier and platform in the
published tables the analysis compares against (pipeline/analysis/benchmarks.py: Modash's
graded per-follower tables; a test checks the anchors below equal them), bent by the
archetype's factor. TikTok and YouTube views follow from it through the likes per view that
creator reports give (6-15 % of TikTok viewers like, 2-5 % on YouTube).
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass

from webapp.models import Platform
from webapp.pipeline.scraping.demo_archetypes import SHAPES, Archetype
from webapp.pipeline.scraping.demo_random import chance, integer, log_uniform, noise, pick
from webapp.pipeline.scraping.demo_text import NICHES, Niche

# (log10 followers, typical (likes + comments) / followers) anchors, one inside each tier (nano
# 2,000, micro 22,000, mid 158,000, macro 708,000, mega 5M), interpolated linearly in log10
# followers between them. The values are the tiers' typical rates in benchmarks.py.
TYPICAL_ENGAGEMENT: dict[Platform, tuple[tuple[float, float], ...]] = {
    Platform.INSTAGRAM: (
        (3.3, 0.0267),
        (4.35, 0.0098),
        (5.2, 0.0094),
        (5.85, 0.0100),
        (6.7, 0.0115),
    ),
    Platform.TIKTOK: ((3.3, 0.016), (4.35, 0.009), (5.2, 0.0079), (5.85, 0.0116), (6.7, 0.012)),
    Platform.YOUTUBE: (
        (3.3, 0.0123),
        (4.35, 0.0043),
        (5.2, 0.0026),
        (5.85, 0.0020),
        (6.7, 0.0015),
    ),
}


def _interpolate(anchors: tuple[tuple[float, float], ...], x: float) -> float:
    xs = [a[0] for a in anchors]
    i = bisect_right(xs, x)
    if i == 0:
        return anchors[0][1]
    if i == len(anchors):
        return anchors[-1][1]
    (x0, y0), (x1, y1) = anchors[i - 1], anchors[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def typical_engagement(platform: Platform, followers: int) -> float:
    """Interactions per follower per post of a typical authentic account of this size."""
    return _interpolate(TYPICAL_ENGAGEMENT[platform], math.log10(max(followers, 1)))


def _uniform(rng: random.Random, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return low if low == high else rng.uniform(low, high)


def _log_uniform(rng: random.Random, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return low if low == high else log_uniform(rng, low, high)


@dataclass(frozen=True, slots=True)
class Traits:
    """Account-level parameters that every generation step draws from."""

    archetype: Archetype
    followers: int
    following: int
    posts_fetched: int
    post_count: int
    niche: Niche
    verified: bool
    business: bool
    has_link: bool
    mean_gap_days: float
    gap_sigma: float
    quiet_days: float  # silence before now beyond the usual gap; 0 for active accounts
    engagement: float  # Instagram likes per follower per post, at the newest post
    view_rate: float  # TikTok and YouTube views per follower per post, at the newest post
    likes_per_view: float
    likes_per_comment: float
    likes_sigma: float
    growth: float  # newest / oldest expected likes over the fetched series
    share_rate: float
    fake_share: float
    pod_size: int
    promo_share: float


def draw_traits(rng: random.Random, platform: Platform, archetype: Archetype) -> Traits:
    shape = SHAPES[archetype]
    followers = round(_log_uniform(rng, shape.followers))
    posts_fetched = integer(rng, 30, 60)
    # Most creators have more posts than one fetch returns; a few are fetched whole.
    older = 0 if chance(rng, 0.05) else round(log_uniform(rng, 5, 3000))
    factor = _uniform(rng, shape.engagement)
    target = typical_engagement(platform, followers) * factor
    if platform is Platform.TIKTOK:
        likes_per_view = rng.uniform(0.06, 0.15)
        view_rate = target / likes_per_view * noise(rng, 0.3)
    elif platform is Platform.YOUTUBE:
        likes_per_view = rng.uniform(0.02, 0.05)
        view_rate = target / likes_per_view * noise(rng, 0.3)
    else:
        view_rate = 0.0  # Instagram reel views are derived from likes instead
        likes_per_view = rng.uniform(0.03, 0.08)
    verified_chance = min(0.9, followers / 1_000_000) if shape.verified is None else shape.verified
    return Traits(
        archetype=archetype,
        followers=followers,
        following=round(log_uniform(rng, 50, 2500)),
        posts_fetched=posts_fetched,
        post_count=posts_fetched + older,
        niche=pick(rng, NICHES),
        verified=chance(rng, verified_chance),
        business=chance(rng, shape.business),
        has_link=chance(rng, 0.6) or archetype is Archetype.BRAND,
        mean_gap_days=_log_uniform(rng, shape.mean_gap_days),
        gap_sigma=shape.gap_sigma,
        quiet_days=_uniform(rng, shape.quiet_days),
        engagement=target * noise(rng, 0.25),
        view_rate=view_rate,
        likes_per_view=likes_per_view,
        likes_per_comment=_log_uniform(rng, shape.likes_per_comment),
        likes_sigma=rng.uniform(0.3, 0.55),
        growth=_log_uniform(rng, shape.growth),
        share_rate=rng.uniform(0.02, 0.12),
        fake_share=_uniform(rng, shape.fake_share),
        pod_size=round(_uniform(rng, shape.pod_size)),
        promo_share=shape.promo_share,
    )
