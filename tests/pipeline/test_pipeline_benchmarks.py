"""Follower tiers and the published tables: edges, completeness and a source on every row."""

from __future__ import annotations

import re

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.benchmarks import (
    CPM,
    ENGAGEMENT_BANDS,
    FREQUENCY,
    INSTAGRAM_REACH_SHARE,
    INSTAGRAM_REACH_SOURCE,
    engagement_band,
)
from webapp.pipeline.analysis.tiers import TIER_BANDS, Tier, tier_of

YEAR = re.compile(r"\b(19|20)\d\d\b")
TIERS_SMALL_TO_LARGE = [Tier.NANO, Tier.MICRO, Tier.MID, Tier.MACRO, Tier.MEGA]


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (0, Tier.NANO),
        (9_999, Tier.NANO),
        (10_000, Tier.MICRO),
        (49_999, Tier.MICRO),
        (50_000, Tier.MID),
        (499_999, Tier.MID),
        (500_000, Tier.MACRO),
        (1_000_000, Tier.MACRO),  # "mega" is more than 1M
        (1_000_001, Tier.MEGA),
        (300_000_000, Tier.MEGA),
    ],
)
def test_tier_edges(followers: int, tier: Tier) -> None:
    assert tier_of(followers) is tier


def test_the_stated_bands_name_every_edge() -> None:
    for edge in ("10,000", "50,000", "500,000", "1,000,000"):
        assert edge in TIER_BANDS


@pytest.mark.parametrize("platform", list(Platform))
def test_every_platform_and_tier_has_an_ordered_band_with_a_dated_source(
    platform: Platform,
) -> None:
    assert set(ENGAGEMENT_BANDS[platform]) == set(Tier)
    for tier in Tier:
        band = engagement_band(platform, tier)
        assert 0 < band.low < band.typical < band.high
        assert YEAR.search(band.source), band.source


@pytest.mark.parametrize("platform", list(Platform))
def test_typical_engagement_falls_as_accounts_grow(platform: Platform) -> None:
    typical = [engagement_band(platform, tier).typical for tier in TIERS_SMALL_TO_LARGE]
    assert typical == sorted(typical, reverse=True)
    assert typical[0] > typical[-1]


def test_instagram_figures_match_the_published_ranges() -> None:
    nano = engagement_band(Platform.INSTAGRAM, Tier.NANO)
    mid = engagement_band(Platform.INSTAGRAM, Tier.MID)
    assert (nano.low, nano.typical, nano.high) == (3.0, 4.0, 6.0)
    assert (mid.low, mid.typical, mid.high) == (1.0, 1.5, 2.0)


def test_reach_shares_and_cpm_ranges() -> None:
    shares = [INSTAGRAM_REACH_SHARE[tier] for tier in TIERS_SMALL_TO_LARGE]
    assert shares == [0.377, 0.229, 0.229, 0.229, 0.191]
    assert YEAR.search(INSTAGRAM_REACH_SOURCE)
    assert FREQUENCY >= 1.0  # impressions can never be fewer than people reached
    assert set(CPM) == set(Platform)
    for cpm in CPM.values():
        assert 0 < cpm.low < cpm.high
        assert YEAR.search(cpm.source)
    assert CPM[Platform.YOUTUBE].low > CPM[Platform.TIKTOK].low
