"""Follower tiers: the size classes that published engagement, reach and price tables use.

Industry reports do not agree on the edges (Later x Fohr uses micro 10K-100K, Influencer
Marketing Hub micro 10K-50K); the report states the bands it uses so a marketer can compare.
"""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    NANO = "nano"
    MICRO = "micro"
    MID = "mid"
    MACRO = "macro"
    MEGA = "mega"


# Lower bound inclusive, upper bound exclusive, except that exactly 1,000,000 is still macro:
# "mega" is stated as "more than 1M".
MICRO_FROM = 10_000
MID_FROM = 50_000
MACRO_FROM = 500_000
MEGA_ABOVE = 1_000_000

TIER_BANDS = (
    "nano < 10,000 followers; micro 10,000-49,999; mid 50,000-499,999; "
    "macro 500,000-1,000,000; mega > 1,000,000"
)


def tier_of(followers: int) -> Tier:
    if followers > MEGA_ABOVE:
        return Tier.MEGA
    if followers >= MACRO_FROM:
        return Tier.MACRO
    if followers >= MID_FROM:
        return Tier.MID
    if followers >= MICRO_FROM:
        return Tier.MICRO
    return Tier.NANO
