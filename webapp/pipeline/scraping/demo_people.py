"""Synthetic audience members (followers and commenters) for the demo adapter.

Genuine and fake accounts are drawn from the shapes seen in the InstaFake data set
(../shared/data/instafake): genuine accounts follow and are followed by a few hundred, have
dozens of posts and nearly always a picture; fake ones follow hundreds to thousands, have few
followers, almost no posts, digit-laden usernames and often no bio or picture. The audience
analysis must be able to tell them apart, so the demo mixes both. Bought followers (mass followers)
and engagement-pod members are the two extremes the archetypes add.
"""

from __future__ import annotations

import random

from webapp.pipeline.scraping.demo_random import chance, integer, lognormal_int, pick
from webapp.pipeline.scraping.result import AccountStub

FIRST_NAMES = (
    "anna", "ben", "carla", "david", "elena", "felix", "giulia", "hugo", "ines", "jonas",
    "kira", "leo", "maya", "nico", "olga", "pablo", "rosa", "sam", "tara", "yusuf",
    "amara", "chen", "dario", "emma", "farah", "liam", "noor", "omar", "priya", "zoe",
)  # fmt: skip
LAST_NAMES = (
    "silva", "meyer", "rossi", "kim", "novak", "garcia", "dubois", "jensen", "costa", "smith",
    "kowalski", "haddad", "tanaka", "okafor", "nguyen", "berg", "moreau", "santos", "patel",
    "fischer",
)  # fmt: skip
_SEPARATORS = ("", ".", "_")
_BIOS = (
    "coffee first", "mum of two", "runner and reader", "designer", "student",
    "travel when I can", "food lover", "photography", "music and more music", "dog person",
)  # fmt: skip
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def genuine_username(rng: random.Random) -> tuple[str, str]:
    """A (username, full name) pair built from a first and last name, digits rarely."""
    first, last = pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)
    username = f"{first}{pick(rng, _SEPARATORS)}{last}"
    if chance(rng, 0.15):
        username += str(integer(rng, 1, 99))
    return username, f"{first.title()} {last.title()}"


def genuine_stub(rng: random.Random) -> AccountStub:
    username, full_name = genuine_username(rng)
    return AccountStub(
        username=username,
        full_name=full_name,
        bio=pick(rng, _BIOS) if chance(rng, 0.6) else "",
        followers=lognormal_int(rng, 345, 0.9),
        following=lognormal_int(rng, 420, 0.6),
        posts=lognormal_int(rng, 30, 1.3),
        has_profile_pic=chance(rng, 0.98),
        private=chance(rng, 0.55),
        external_url=f"https://linktr.ee/{username}" if chance(rng, 0.08) else None,
    )


def fake_stub(rng: random.Random) -> AccountStub:
    letters = "".join(pick(rng, _LETTERS) for _ in range(integer(rng, 5, 10)))
    username = f"{letters}{integer(rng, 10, 9999)}"
    return AccountStub(
        username=username,
        full_name=pick(rng, FIRST_NAMES).title() if chance(rng, 0.3) else "",
        bio=pick(rng, _BIOS) if chance(rng, 0.15) else "",
        followers=lognormal_int(rng, 25, 1.4),
        following=lognormal_int(rng, 1500, 0.9),
        posts=0 if chance(rng, 0.6) else integer(rng, 1, 4),
        has_profile_pic=chance(rng, 0.6),
        private=chance(rng, 0.33),
        external_url=None,
    )


def audience_sample(rng: random.Random, size: int, fake_share: float) -> list[AccountStub]:
    return [fake_stub(rng) if chance(rng, fake_share) else genuine_stub(rng) for _ in range(size)]


def mass_follower_stub(rng: random.Random) -> AccountStub:
    """A bought follower: follows thousands to look alive, posts nothing, has a digit-heavy name."""
    letters = "".join(pick(rng, _LETTERS) for _ in range(integer(rng, 4, 8)))
    username = f"{letters}{integer(rng, 100, 999_999)}"
    return AccountStub(
        username=username,
        full_name="",
        bio="",
        followers=lognormal_int(rng, 15, 1.0),
        following=integer(rng, 1_500, 7_500) if chance(rng, 0.9) else integer(rng, 300, 1_500),
        posts=0 if chance(rng, 0.8) else integer(rng, 1, 3),
        has_profile_pic=chance(rng, 0.25),
        private=chance(rng, 0.2),
        external_url=None,
    )


def pod_member_stub(rng: random.Random) -> AccountStub:
    """A fellow creator in an engagement pod: a real, active account that follows many peers."""
    username, full_name = genuine_username(rng)
    return AccountStub(
        username=username,
        full_name=full_name,
        bio="Creator | collabs open",
        followers=lognormal_int(rng, 6_000, 0.8),
        following=lognormal_int(rng, 1_800, 0.4),
        posts=lognormal_int(rng, 400, 0.5),
        has_profile_pic=True,
        private=False,
        external_url=f"https://linktr.ee/{username}",
    )


def bought_sample(rng: random.Random, size: int, fake_share: float) -> list[AccountStub]:
    """A follower sample of an account that bought followers: mostly mass followers."""
    return [
        mass_follower_stub(rng) if chance(rng, fake_share) else genuine_stub(rng)
        for _ in range(size)
    ]
