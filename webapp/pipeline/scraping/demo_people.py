"""Synthetic audience members (followers and commenters) for the demo adapter.

Genuine and fake accounts are drawn from the shapes seen in the InstaFake data set
(../shared/data/instafake): genuine accounts follow and are followed by a few hundred, have
dozens of posts and nearly always a picture; fake ones follow hundreds to thousands, have few
followers, almost no posts, digit-laden usernames and often no bio or picture. The audience
analysis must be able to tell them apart, so the demo mixes both. Bought followers (mass followers)
and engagement-pod members are the two extremes the archetypes add.

An account draws dozens of genuine stubs, so those write their draws out (see demo_random).
"""

from __future__ import annotations

import random

from webapp.pipeline.scraping.demo_random import (
    chance,
    integer,
    lognormal_int,
    lognormal_table,
    pick,
)
from webapp.pipeline.scraping.result import AccountStub
from webapp.trusted import trusted

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
# Each name with its capitalised form, for full names.
_FIRST = tuple((name, name.title()) for name in FIRST_NAMES)
_LAST = tuple((name, name.title()) for name in LAST_NAMES)
# The lognormal counts of the common stubs, as tables (see demo_random).
_GENUINE_FOLLOWERS = lognormal_table(345, 0.9)
_GENUINE_FOLLOWING = lognormal_table(420, 0.6)
_GENUINE_POSTS = lognormal_table(30, 1.3)
_FAKE_FOLLOWERS = lognormal_table(25, 1.4)
_FAKE_FOLLOWING = lognormal_table(1500, 0.9)
_MASS_FOLLOWERS = lognormal_table(15, 1.0)


def genuine_username(rng: random.Random) -> tuple[str, str]:
    """A (username, full name) pair built from a first and last name, digits rarely."""
    draw = rng.random  # draws written out (see demo_random)
    first, first_title = _FIRST[int(draw() * len(_FIRST))]
    last, last_title = _LAST[int(draw() * len(_LAST))]
    username = f"{first}{_SEPARATORS[int(draw() * len(_SEPARATORS))]}{last}"
    if draw() < 0.15:
        username += str(1 + int(draw() * 99))  # 1 to 99
    return username, f"{first_title} {last_title}"


def genuine_stub(rng: random.Random) -> AccountStub:
    draw = rng.random  # draws written out (see demo_random)
    username, full_name = genuine_username(rng)
    return trusted(
        AccountStub,
        username=username,
        full_name=full_name,
        bio=_BIOS[int(draw() * len(_BIOS))] if draw() < 0.6 else "",
        followers=_GENUINE_FOLLOWERS[int(draw() * len(_GENUINE_FOLLOWERS))],
        following=_GENUINE_FOLLOWING[int(draw() * len(_GENUINE_FOLLOWING))],
        posts=_GENUINE_POSTS[int(draw() * len(_GENUINE_POSTS))],
        has_profile_pic=draw() < 0.98,
        private=draw() < 0.55,
        external_url=f"https://linktr.ee/{username}" if draw() < 0.08 else None,
    )


def fake_stub(rng: random.Random) -> AccountStub:
    letters = "".join(pick(rng, _LETTERS) for _ in range(integer(rng, 5, 10)))
    username = f"{letters}{integer(rng, 10, 9999)}"
    return trusted(
        AccountStub,
        username=username,
        full_name=pick(rng, _FIRST)[1] if chance(rng, 0.3) else "",
        bio=pick(rng, _BIOS) if chance(rng, 0.15) else "",
        followers=pick(rng, _FAKE_FOLLOWERS),
        following=pick(rng, _FAKE_FOLLOWING),
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
    return trusted(
        AccountStub,
        username=username,
        full_name="",
        bio="",
        followers=pick(rng, _MASS_FOLLOWERS),
        following=integer(rng, 1_500, 7_500) if chance(rng, 0.9) else integer(rng, 300, 1_500),
        posts=0 if chance(rng, 0.8) else integer(rng, 1, 3),
        has_profile_pic=chance(rng, 0.25),
        private=chance(rng, 0.2),
        external_url=None,
    )


def pod_member_stub(rng: random.Random) -> AccountStub:
    """A fellow creator in an engagement pod: a real, active account that follows many peers."""
    username, full_name = genuine_username(rng)
    return trusted(
        AccountStub,
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
