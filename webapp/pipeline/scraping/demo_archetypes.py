"""Demo archetypes: the kinds of account a marketer can try, and which handle gets which.

Each documented handle (`demo.authentic`, `demo.bought`, ...) always gives its archetype; any
other handle gets one from a hash of "platform:handle", mostly authentic, so a random handle looks
like the market a marketer meets. A `Shape` says how the archetype bends the authentic base that
demo_traits calibrates: the generator reads these numbers and nothing else about the archetype.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from webapp.models import Platform


class Archetype(StrEnum):
    AUTHENTIC = "authentic"
    BOUGHT = "bought"
    POD = "pod"
    RISING = "rising"
    DORMANT = "dormant"
    BRAND = "brand"

    @property
    def label(self) -> str:
        return SHAPES[self].label


@dataclass(frozen=True, slots=True)
class Shape:
    """Per-archetype ranges; every range is drawn once per account (log-uniform for scales)."""

    label: str
    followers: tuple[float, float]
    engagement: tuple[float, float]  # factor on the tier's typical engagement (or reach)
    likes_per_comment: tuple[float, float]
    mean_gap_days: tuple[float, float]
    gap_sigma: float  # lognormal spread of gaps: bursty creators ~1, scheduled brands less
    quiet_days: tuple[float, float]  # extra silence before now; (0, 0) for active accounts
    fake_share: tuple[float, float]  # share of the follower sample that is fake
    growth: tuple[float, float]  # newest / oldest post's expected likes over the fetched series
    pod_size: tuple[int, int]  # recurring commenters who comment on nearly every post; 0: none
    promo_share: float  # captions with a shop link or a discount code
    business: float  # probability of a business profile
    verified: float | None  # probability of the badge; None: grows with followers


SHAPES: dict[Archetype, Shape] = {
    Archetype.AUTHENTIC: Shape(
        label="authentic creator",
        followers=(2_000, 5_000_000),
        engagement=(1.0, 1.0),
        likes_per_comment=(30, 150),
        mean_gap_days=(1.5, 14.0),
        gap_sigma=1.0,
        quiet_days=(0, 0),
        fake_share=(0.03, 0.15),
        # Real series drift upwards a little (InstaFake: newest 12 / posts 24-36, median 1.33).
        growth=(0.9, 1.6),
        pod_size=(0, 0),
        promo_share=0.05,
        business=0.6,
        verified=None,
    ),
    # Bought followers inflate the count, not the audience: engagement is what the real
    # followers give, a fraction of the tier's norm, and the sample is mostly mass followers.
    Archetype.BOUGHT: Shape(
        label="bought followers",
        followers=(20_000, 400_000),
        engagement=(0.05, 0.1),
        likes_per_comment=(80, 200),
        mean_gap_days=(1.5, 6.0),
        gap_sigma=1.0,
        quiet_days=(0, 0),
        fake_share=(0.75, 0.9),
        growth=(0.9, 1.2),
        pod_size=(0, 0),
        promo_share=0.1,
        business=0.5,
        verified=0.0,
    ),
    # A pod trades comments: the same members answer every post within the hour with generic
    # praise, so comments run high against likes while likes stay near the norm.
    Archetype.POD: Shape(
        label="engagement pod",
        followers=(8_000, 120_000),
        engagement=(0.9, 1.3),
        likes_per_comment=(3, 7),
        mean_gap_days=(1.0, 3.0),
        gap_sigma=0.6,
        quiet_days=(0, 0),
        fake_share=(0.05, 0.15),
        growth=(0.9, 1.2),
        pod_size=(10, 15),
        promo_share=0.05,
        business=0.5,
        verified=0.0,
    ),
    Archetype.RISING: Shape(
        label="rising creator",
        followers=(5_000, 150_000),
        engagement=(1.0, 1.4),
        likes_per_comment=(30, 100),
        mean_gap_days=(0.6, 1.5),
        gap_sigma=0.6,
        quiet_days=(0, 0),
        fake_share=(0.03, 0.1),
        growth=(5.0, 10.0),
        pod_size=(0, 0),
        promo_share=0.05,
        business=0.5,
        verified=0.0,
    ),
    Archetype.DORMANT: Shape(
        label="dormant account",
        followers=(5_000, 800_000),
        engagement=(0.6, 1.0),
        likes_per_comment=(30, 150),
        mean_gap_days=(2.0, 10.0),
        gap_sigma=1.0,
        quiet_days=(120, 300),
        fake_share=(0.05, 0.2),
        growth=(0.5, 0.9),  # interest was fading before it stopped
        pod_size=(0, 0),
        promo_share=0.05,
        business=0.4,
        verified=None,
    ),
    Archetype.BRAND: Shape(
        label="brand account",
        followers=(50_000, 2_000_000),
        engagement=(0.35, 0.6),  # brand posts engage below creators of the same size
        likes_per_comment=(60, 200),
        mean_gap_days=(2.0, 4.0),
        gap_sigma=0.25,  # a content calendar, not bursts
        quiet_days=(0, 0),
        fake_share=(0.05, 0.15),
        growth=(0.9, 1.2),
        pod_size=(0, 0),
        promo_share=0.7,
        business=1.0,
        verified=1.0,
    ),
}

# Handles that always give one archetype, so each can be tried by name (see README).
HANDLES: dict[str, Archetype] = {f"demo.{archetype}": archetype for archetype in Archetype}

# Any other handle: mostly authentic, as in the market; cumulative shares in SHAPES order.
_MIX: tuple[tuple[Archetype, float], ...] = (
    (Archetype.AUTHENTIC, 0.70),
    (Archetype.BOUGHT, 0.77),
    (Archetype.POD, 0.81),
    (Archetype.RISING, 0.88),
    (Archetype.DORMANT, 0.94),
    (Archetype.BRAND, 1.0),
)


def archetype_of(platform: Platform, handle: str) -> Archetype:
    documented = HANDLES.get(handle.lower())
    if documented is not None:
        return documented
    # A digest of its own (not the account seed) so the mix does not correlate with any draw.
    digest = hashlib.sha256(f"archetype:{platform}:{handle}".encode()).digest()
    point = int.from_bytes(digest[:4], "big") / 2**32
    for archetype, upto in _MIX:
        if point < upto:
            return archetype
    return Archetype.AUTHENTIC
