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
from datetime import datetime, timedelta

from webapp.models import Platform
from webapp.pipeline.scraping.demo_archetypes import Archetype, archetype_of
from webapp.pipeline.scraping.demo_comments import COMMENTED_POSTS, CommentWriter
from webapp.pipeline.scraping.demo_history import follower_history
from webapp.pipeline.scraping.demo_people import audience_sample, bought_sample
from webapp.pipeline.scraping.demo_random import chance, integer, noise, pick, run_of, token
from webapp.pipeline.scraping.demo_text import PROMO_CODES, PROMOS
from webapp.pipeline.scraping.demo_traits import Traits, draw_traits
from webapp.pipeline.scraping.result import (
    AccountStub,
    Comment,
    FollowerCount,
    Post,
    PostKind,
    Profile,
)

__all__ = ["COMMENTED_POSTS", "FOLLOWER_SAMPLE_SIZE", "DemoAccount", "account_seed"]

FOLLOWER_SAMPLE_SIZE = 50

# Reels reach beyond followers on Instagram; plain photos reach the least.
_INSTAGRAM_KIND_BOOST: dict[PostKind, float] = {"photo": 0.85, "carousel": 1.05, "reel": 1.2}
# 40% photos, 25% carousels, 35% reels, as a table so one uniform draw picks the kind.
_INSTAGRAM_KIND_DRAW: tuple[PostKind, ...] = ("photo",) * 8 + ("carousel",) * 5 + ("reel",) * 7
_SPONSORED_SHARE = 0.08
_SPONSORED_DAMPING = 0.8  # paid posts tend to engage a little less than organic ones
_MIN_GAP_DAYS = 0.02  # about half an hour between two uploads at the closest


def account_seed(platform: Platform, handle: str) -> bytes:
    return hashlib.sha256(f"{platform}:{handle}".encode()).digest()


def display_name_of(handle: str) -> str:
    words = "".join(c if c.isalpha() else " " for c in handle).split()
    return " ".join(w.title() for w in words) or handle


class DemoAccount:
    """Generates one account's profile, posts, comments and follower sample."""

    def __init__(self, platform: Platform, handle: str, now: datetime) -> None:
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
        rng = self._rng("posts")
        t = self.traits
        since_newest = t.quiet_days + t.mean_gap_days * rng.random()
        published = self.now - timedelta(days=max(_MIN_GAP_DAYS, since_newest))
        posts = []
        last = max(1, t.posts_fetched - 1)
        for i in range(t.posts_fetched):
            # The trend pivots on the newest post, which sits at the archetype's engagement;
            # older posts got growth**-(age share) of it, so a rising series climbs to now.
            trend = t.growth ** -(i / last)
            posts.append(self._post(rng, published, trend))
            gap = max(_MIN_GAP_DAYS, t.mean_gap_days * noise(rng, t.gap_sigma))
            published -= timedelta(days=gap)
        return posts

    def _post(self, rng: random.Random, published: datetime, trend: float) -> Post:
        t = self.traits
        f = t.followers
        sponsored = t.archetype is not Archetype.BRAND and chance(rng, _SPONSORED_SHARE)
        damping = (_SPONSORED_DAMPING if sponsored else 1.0) * trend
        views: int | None = None
        shares: int | None = None
        kind: PostKind
        if self.platform is Platform.INSTAGRAM:
            kind = pick(rng, _INSTAGRAM_KIND_DRAW)
            likes = round(
                f * t.engagement * _INSTAGRAM_KIND_BOOST[kind] * damping * noise(rng, t.likes_sigma)
            )
            if kind == "reel":
                views = round(likes / t.likes_per_view * noise(rng, 0.3))
        else:
            if self.platform is Platform.TIKTOK:
                kind = "video"
            else:
                kind = "short" if chance(rng, 0.3) else "video"
            reach = 1.5 if kind == "short" else 1.0
            # Views are hit-driven, hence wider than Instagram likes.
            views = round(f * t.view_rate * reach * damping * noise(rng, t.likes_sigma + 0.25))
            likes = round(views * t.likes_per_view * noise(rng, 0.25))
            if self.platform is Platform.TIKTOK:
                shares = round(likes * t.share_rate * noise(rng, 0.5))
        # A pod's members comment on top of the organic audience, however small the post.
        comments = round(likes / t.likes_per_comment * noise(rng, 0.5)) + t.pod_size
        hashtags = run_of(rng, t.niche.hashtags, integer(rng, 0, 4))
        mentions: list[str] = []
        if sponsored:
            hashtags.append("ad")
            mentions.append(pick(rng, t.niche.brands))
        words = [pick(rng, t.niche.captions)]
        if chance(rng, t.promo_share):
            words.append(pick(rng, PROMOS).format(shop=self._shop, code=pick(rng, PROMO_CODES)))
        caption = " ".join(words + [f"#{h}" for h in hashtags] + [f"@{m}" for m in mentions])
        post_id, url = self._address(rng, kind)
        return Post(
            id=post_id,
            url=url,
            published_at=published,
            kind=kind,
            caption=caption,
            hashtags=hashtags,
            mentions=mentions,
            likes=likes,
            comments=comments,
            views=views,
            shares=shares,
            sponsored=sponsored,
        )

    def _address(self, rng: random.Random, kind: PostKind) -> tuple[str, str]:
        if self.platform is Platform.TIKTOK:
            video_id = f"7{rng.getrandbits(59):018d}"  # 19 digits, like real TikTok ids
            return video_id, f"https://www.tiktok.com/@{self.handle}/video/{video_id}"
        code = token(rng, 11)
        if self.platform is Platform.YOUTUBE:
            if kind == "short":
                return code, f"https://www.youtube.com/shorts/{code}"
            return code, f"https://www.youtube.com/watch?v={code}"
        section = "reel" if kind == "reel" else "p"
        return code, f"https://www.instagram.com/{section}/{code}/"

    def comments(self, posts: list[Post]) -> list[Comment]:
        writer = CommentWriter(self.traits, self.now, self._rng("comments"), self._rng("pod"))
        return writer.comments(posts)

    def follower_sample(self) -> list[AccountStub]:
        rng = self._rng("followers")
        if self.archetype is Archetype.BOUGHT:
            return bought_sample(rng, FOLLOWER_SAMPLE_SIZE, self.traits.fake_share)
        return audience_sample(rng, FOLLOWER_SAMPLE_SIZE, self.traits.fake_share)
