"""One deterministic synthetic account, generated step by step for the demo adapter.

Everything is drawn from `random.Random` generators seeded by SHA-256 of "platform:handle"
(Python's hash() is salted per process, so it would change the account on every restart). Each
step has its own generator, so its output does not depend on which steps ran before it.

Calibration, loosely from published benchmarks and the InstaFake per-post series:
- followers are log-uniform between 2K and 5M;
- Instagram engagement per post falls with size: ~3-6% of followers for nano accounts, ~2-3% for
  micro, ~1-1.5% for mid-tier, ~1% for macro and mega;
- TikTok views are ~20-100% of followers with 6-15% of viewers liking; YouTube views are
  ~2-15% of subscribers with 2-5% of viewers liking;
- per-post noise is lognormal (sigma ~0.3 on likes, as in InstaFake; wider on views, which are
  hit-driven); likes per comment ~20-100;
- upload gaps are lognormal and bursty around a per-account cadence of ~1-12 posts a week;
  about one account in twelve has gone quiet for weeks or months.
"""

from __future__ import annotations

import hashlib
import math
import random
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from webapp.models import Platform
from webapp.pipeline.scraping.demo_people import (
    audience_sample,
    fake_stub,
    genuine_stub,
    genuine_username,
)
from webapp.pipeline.scraping.demo_random import (
    chance,
    integer,
    log_uniform,
    lognormal_int,
    noise,
    pick,
    run_of,
    token,
)
from webapp.pipeline.scraping.demo_text import COMMENTS, NICHES, Niche
from webapp.pipeline.scraping.result import AccountStub, Comment, Post, PostKind, Profile

FOLLOWERS_MIN = 2_000
FOLLOWERS_MAX = 5_000_000
FOLLOWER_SAMPLE_SIZE = 50
COMMENTED_POSTS = 10

# (log10 followers, value) anchors, interpolated linearly in log10 followers.
_INSTAGRAM_ENGAGEMENT = ((3.3, 0.048), (4.0, 0.032), (5.0, 0.019), (5.7, 0.012), (6.7, 0.0095))
_TIKTOK_VIEW_RATE = ((3.3, 0.9), (6.7, 0.35))
_YOUTUBE_VIEW_RATE = ((3.3, 0.13), (6.7, 0.035))

# Reels reach beyond followers on Instagram; plain photos reach the least.
_INSTAGRAM_KIND_BOOST: dict[PostKind, float] = {"photo": 0.85, "carousel": 1.05, "reel": 1.2}
# 40% photos, 25% carousels, 35% reels, as a table so one uniform draw picks the kind.
_INSTAGRAM_KIND_DRAW: tuple[PostKind, ...] = ("photo",) * 8 + ("carousel",) * 5 + ("reel",) * 7
_SPONSORED_SHARE = 0.08
_SPONSORED_DAMPING = 0.8  # paid posts tend to engage a little less than organic ones
_SPAM_COMMENTS = ("Nice pic! DM us to collab 💰", "Check my page 🔥", "Promote it on our page")
_MIN_GAP_DAYS = 0.02  # about half an hour between two uploads at the closest


def account_seed(platform: Platform, handle: str) -> bytes:
    return hashlib.sha256(f"{platform}:{handle}".encode()).digest()


def _interpolate(anchors: tuple[tuple[float, float], ...], x: float) -> float:
    xs = [a[0] for a in anchors]
    i = bisect_right(xs, x)
    if i == 0:
        return anchors[0][1]
    if i == len(anchors):
        return anchors[-1][1]
    (x0, y0), (x1, y1) = anchors[i - 1], anchors[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def display_name_of(handle: str) -> str:
    words = "".join(c if c.isalpha() else " " for c in handle).split()
    return " ".join(w.title() for w in words) or handle


@dataclass(frozen=True, slots=True)
class _Traits:
    """Account-level parameters that every step draws from."""

    followers: int
    following: int
    posts_fetched: int
    post_count: int
    niche: Niche
    verified: bool
    business: bool
    has_link: bool
    mean_gap_days: float
    quiet_days: float  # time since the newest post beyond the usual gap; 0 for active accounts
    engagement: float  # Instagram likes per follower per post
    view_rate: float  # TikTok and YouTube views per follower per post
    likes_per_view: float
    likes_per_comment: float
    share_rate: float
    fake_share: float


class DemoAccount:
    """Generates one account's profile, posts, comments and follower sample."""

    def __init__(self, platform: Platform, handle: str, now: datetime) -> None:
        self.platform = platform
        self.handle = handle
        self.now = now
        self._seed = account_seed(platform, handle)
        self.traits = self._draw_traits(self._rng("traits"))

    def _rng(self, step: str) -> random.Random:
        return random.Random(self._seed + step.encode())

    def _draw_traits(self, rng: random.Random) -> _Traits:
        followers = round(log_uniform(rng, FOLLOWERS_MIN, FOLLOWERS_MAX))
        size = math.log10(followers)
        posts_fetched = integer(rng, 30, 60)
        # Most creators have more posts than one fetch returns; a few are fetched whole.
        older = 0 if chance(rng, 0.05) else round(log_uniform(rng, 5, 3000))
        if self.platform is Platform.TIKTOK:
            view_rate = _interpolate(_TIKTOK_VIEW_RATE, size) * noise(rng, 0.3)
            likes_per_view = rng.uniform(0.06, 0.15)
        elif self.platform is Platform.YOUTUBE:
            view_rate = _interpolate(_YOUTUBE_VIEW_RATE, size) * noise(rng, 0.3)
            likes_per_view = rng.uniform(0.02, 0.05)
        else:
            view_rate = 0.0  # Instagram reel views are derived from likes instead
            likes_per_view = rng.uniform(0.03, 0.08)
        return _Traits(
            followers=followers,
            following=round(log_uniform(rng, 50, 2500)),
            posts_fetched=posts_fetched,
            post_count=posts_fetched + older,
            niche=pick(rng, NICHES),
            verified=chance(rng, min(0.9, followers / 1_000_000)),
            business=chance(rng, 0.6),
            has_link=chance(rng, 0.6),
            mean_gap_days=log_uniform(rng, 0.6, 7.0),
            quiet_days=log_uniform(rng, 20, 200) if chance(rng, 0.08) else 0.0,
            engagement=_interpolate(_INSTAGRAM_ENGAGEMENT, size) * noise(rng, 0.25),
            view_rate=view_rate,
            likes_per_view=likes_per_view,
            likes_per_comment=log_uniform(rng, 20, 100),
            share_rate=rng.uniform(0.02, 0.12),
            fake_share=rng.uniform(0.03, 0.25),
        )

    def profile(self) -> Profile:
        t = self.traits
        return Profile(
            handle=self.handle,
            display_name=display_name_of(self.handle),
            bio=t.niche.bio,
            external_url=f"https://linktr.ee/{self.handle}" if t.has_link else None,
            verified=t.verified,
            private=False,
            business=t.business,
            followers=t.followers,
            following=t.following,
            post_count=t.post_count,
        )

    def posts(self) -> list[Post]:
        """Posts newest first; a quiet account has not posted for weeks."""
        rng = self._rng("posts")
        t = self.traits
        since_newest = t.quiet_days + t.mean_gap_days * rng.random()
        published = self.now - timedelta(days=max(_MIN_GAP_DAYS, since_newest))
        posts = []
        for _ in range(t.posts_fetched):
            posts.append(self._post(rng, published))
            gap = max(_MIN_GAP_DAYS, t.mean_gap_days * noise(rng, 1.0))
            published -= timedelta(days=gap)
        return posts

    def _post(self, rng: random.Random, published: datetime) -> Post:
        t = self.traits
        f = t.followers
        sponsored = chance(rng, _SPONSORED_SHARE)
        damping = _SPONSORED_DAMPING if sponsored else 1.0
        views: int | None = None
        shares: int | None = None
        kind: PostKind
        if self.platform is Platform.INSTAGRAM:
            kind = pick(rng, _INSTAGRAM_KIND_DRAW)
            likes = round(
                f * t.engagement * _INSTAGRAM_KIND_BOOST[kind] * damping * noise(rng, 0.3)
            )
            if kind == "reel":
                views = round(likes / t.likes_per_view * noise(rng, 0.3))
        else:
            if self.platform is Platform.TIKTOK:
                kind = "video"
            else:
                kind = "short" if chance(rng, 0.3) else "video"
            reach = 1.5 if kind == "short" else 1.0
            views = round(f * t.view_rate * reach * damping * noise(rng, 0.6))
            likes = round(views * t.likes_per_view * noise(rng, 0.25))
            if self.platform is Platform.TIKTOK:
                shares = round(likes * t.share_rate * noise(rng, 0.5))
        comments = round(likes / t.likes_per_comment * noise(rng, 0.5))
        hashtags = run_of(rng, t.niche.hashtags, integer(rng, 0, 4))
        mentions: list[str] = []
        if sponsored:
            hashtags.append("ad")
            mentions.append(pick(rng, t.niche.brands))
        caption = " ".join(
            [pick(rng, t.niche.captions), *(f"#{h}" for h in hashtags)]
            + [f"@{m}" for m in mentions]
        )
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
        """A few comments on each of the most recent posts, some from fake accounts."""
        rng = self._rng("comments")
        recent = sorted(posts, key=lambda p: p.published_at, reverse=True)[:COMMENTED_POSTS]
        comments = []
        for post in recent:
            for _ in range(min(post.comments or 0, integer(rng, 2, 5))):
                comments.append(self._comment(rng, post))
        return comments

    def _comment(self, rng: random.Random, post: Post) -> Comment:
        stub: AccountStub | None = None
        if chance(rng, self.traits.fake_share / 2):
            stub = fake_stub(rng)
            author, text = stub.username, pick(rng, _SPAM_COMMENTS)
        else:
            if chance(rng, 0.35):
                stub = genuine_stub(rng)
                author = stub.username
            else:
                author = genuine_username(rng)[0]
            text = pick(rng, COMMENTS)
        after = timedelta(hours=rng.expovariate(1 / 8))
        return Comment(
            post_id=post.id,
            author=author,
            text=text,
            published_at=min(self.now, post.published_at + after),
            likes=lognormal_int(rng, 0.7, 1.3),  # most comments get 0 or 1 like
            author_stub=stub,
        )

    def follower_sample(self) -> list[AccountStub]:
        rng = self._rng("followers")
        return audience_sample(rng, FOLLOWER_SAMPLE_SIZE, self.traits.fake_share)
