"""One deterministic synthetic account, generated step by step for the demo adapter.

Everything is drawn from `random.Random` generators seeded by SHA-256 of "platform:handle"
(Python's hash() is salted per process, so it would change the account on every restart). Each
step has its own generator, so its output does not depend on which steps ran before it. The
archetype (demo_archetypes) picks the ranges, demo_traits the calibrated base; this module turns
them into a profile, posts, comments and a follower sample.
"""

from __future__ import annotations

import hashlib
import random
import re
from datetime import datetime

from webapp.models import Platform
from webapp.pipeline.scraping.demo_archetypes import Archetype, archetype_of
from webapp.pipeline.scraping.demo_comments import COMMENTED_POSTS, CommentWriter
from webapp.pipeline.scraping.demo_history import follower_history
from webapp.pipeline.scraping.demo_people import audience_sample, bought_sample
from webapp.pipeline.scraping.demo_posts import write_posts
from webapp.pipeline.scraping.demo_traits import Traits, draw_traits
from webapp.pipeline.scraping.result import AccountStub, Comment, FollowerCount, Post, Profile

__all__ = ["COMMENTED_POSTS", "FOLLOWER_SAMPLE_SIZE", "DemoAccount", "account_seed"]

FOLLOWER_SAMPLE_SIZE = 50


def account_seed(platform: Platform, handle: str) -> bytes:
    return hashlib.sha256(f"{platform}:{handle}".encode()).digest()


def display_name_of(handle: str) -> str:
    words = "".join(c if c.isalpha() else " " for c in handle).split()
    return " ".join(w.title() for w in words) or handle


class DemoAccount:
    """Generates one account's profile, posts, comments and follower sample."""

    def __init__(self, platform: Platform, handle: str, now: datetime) -> None:
        # Posts and comments skip the validation that would refuse a naive time (demo_trusted).
        if now.utcoffset() is None:
            raise ValueError(f"now must be timezone-aware, not {now!r}")
        self.platform = platform
        self.handle = handle
        self.now = now
        self._seed = account_seed(platform, handle)
        self.archetype = archetype_of(platform, handle)
        self.traits: Traits = draw_traits(self._rng("traits"), platform, self.archetype)
        self._shop = "https://www." + re.sub(r"[^a-z0-9]+", "-", handle.lower()).strip("-") + ".com"

    def _rng(self, step: str) -> random.Random:
        return random.Random(self._seed + step.encode())

    def follower_history(self, followers: int) -> list[FollowerCount]:
        return follower_history(self._rng("history"), self.archetype, followers, self.now)

    def profile(self) -> Profile:
        t = self.traits
        if self.archetype is Archetype.BRAND:
            bio = f"Official {t.niche.name} brand. Free shipping over $50. Shop below"
            link: str | None = self._shop
        else:
            bio = t.niche.bio
            link = f"https://linktr.ee/{self.handle}" if t.has_link else None
        return Profile(
            handle=self.handle,
            display_name=display_name_of(self.handle),
            bio=bio,
            external_url=link,
            verified=t.verified,
            private=False,
            business=t.business,
            followers=t.followers,
            following=t.following,
            post_count=t.post_count,
        )

    def posts(self) -> list[Post]:
        """Posts newest first; a dormant account stopped posting months ago."""
        return write_posts(
            self._rng("posts"), self.platform, self.handle, self.now, self.traits, self._shop
        )

    def comments(self, posts: list[Post]) -> list[Comment]:
        writer = CommentWriter(self.traits, self.now, self._rng("comments"), self._rng("pod"))
        return writer.comments(posts)

    def follower_sample(self) -> list[AccountStub]:
        rng = self._rng("followers")
        if self.archetype is Archetype.BOUGHT:
            return bought_sample(rng, FOLLOWER_SAMPLE_SIZE, self.traits.fake_share)
        return audience_sample(rng, FOLLOWER_SAMPLE_SIZE, self.traits.fake_share)
