"""Posts of a demo account: when they went out, their format, engagement, caption and address.

Posts come newest first, a lognormal gap apart. Engagement follows the account's traits, bent by
a trend over the series and by per-post noise; each platform shows its own counts (Instagram
likes and reel views, TikTok views and shares, YouTube views).

An account has 30 to 60 posts of a dozen draws each, generated on the server's event loop, so the
loop is written for speed: account-level values are read once before it, and draws are written
out (see demo_random), with the same values as the helpers, so an account stays the same.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from webapp.models import Platform
from webapp.pipeline.scraping.demo_archetypes import SHAPES, Archetype
from webapp.pipeline.scraping.demo_random import noise, noise_table, token
from webapp.pipeline.scraping.demo_text import NICHES, PROMO_CODES, PROMOS
from webapp.pipeline.scraping.demo_traits import Traits
from webapp.pipeline.scraping.result import Post, PostKind
from webapp.trusted import trusted

# Reels reach beyond followers on Instagram; plain photos reach the least.
_INSTAGRAM_KIND_BOOST: dict[PostKind, float] = {"photo": 0.85, "carousel": 1.05, "reel": 1.2}
# 40% photos, 25% carousels, 35% reels, as a table so one uniform draw picks the kind.
_INSTAGRAM_KIND_DRAW: tuple[PostKind, ...] = ("photo",) * 8 + ("carousel",) * 5 + ("reel",) * 7
_SPONSORED_SHARE = 0.08
_SPONSORED_DAMPING = 0.8  # paid posts tend to engage a little less than organic ones
_MIN_GAP_DAYS = 0.02  # about half an hour between two uploads at the closest
_MAX_HASHTAGS = 4
# Fixed-parameter noise as tables (see demo_random), one per archetype's spread of gaps.
_GAP_NOISE = {shape.gap_sigma: noise_table(shape.gap_sigma) for shape in SHAPES.values()}
_NOISE_025 = noise_table(0.25)
_NOISE_03 = noise_table(0.3)
_NOISE_05 = noise_table(0.5)

TagRun = tuple[tuple[str, ...], str]  # consecutive hashtags of a niche, and their caption text


def _tag_runs(hashtags: tuple[str, ...]) -> tuple[tuple[TagRun, ...], ...]:
    """Every run of 0 to _MAX_HASHTAGS consecutive hashtags, indexed by length, then start.

    A post draws the length, then the start, so one table lookup gives its hashtags and the
    "#a #b" text of its caption, which would otherwise be joined again for every post.
    """
    size = len(hashtags)
    runs = []
    for length in range(_MAX_HASHTAGS + 1):
        by_start = []
        for start in range(size):
            run = tuple(hashtags[(start + i) % size] for i in range(min(length, size)))
            by_start.append((run, " ".join(f"#{tag}" for tag in run)))
        runs.append(tuple(by_start))
    return tuple(runs)


_TAG_RUNS = {niche.name: _tag_runs(niche.hashtags) for niche in NICHES}


def write_posts(
    rng: random.Random, platform: Platform, handle: str, now: datetime, t: Traits, shop: str
) -> list[Post]:
    """The fetched posts, newest first; a dormant account stopped posting months ago."""
    draw = rng.random
    since_newest = t.quiet_days + t.mean_gap_days * draw()
    published = now - timedelta(days=max(_MIN_GAP_DAYS, since_newest))
    gap_noise = _GAP_NOISE[t.gap_sigma]
    niche = t.niche
    tag_runs = _TAG_RUNS[niche.name]
    may_sponsor = t.archetype is not Archetype.BRAND  # a brand's own posts are not paid partners
    reach_likes = t.followers * t.engagement  # Instagram likes before boost, trend and noise
    reach_views = t.followers * t.view_rate  # TikTok and YouTube views, likewise
    last = max(1, t.posts_fetched - 1)
    posts = []
    for i in range(t.posts_fetched):
        # The trend pivots on the newest post, which sits at the archetype's engagement;
        # older posts got growth**-(age share) of it, so a rising series climbs to now.
        trend = t.growth ** -(i / last)
        sponsored = may_sponsor and draw() < _SPONSORED_SHARE
        damping = (_SPONSORED_DAMPING if sponsored else 1.0) * trend

        views: int | None = None
        shares: int | None = None
        kind: PostKind
        if platform is Platform.INSTAGRAM:
            kind = _INSTAGRAM_KIND_DRAW[int(draw() * len(_INSTAGRAM_KIND_DRAW))]
            boost = _INSTAGRAM_KIND_BOOST[kind]
            likes = round(reach_likes * boost * damping * noise(rng, t.likes_sigma))
            if kind == "reel":
                views = round(likes / t.likes_per_view * _NOISE_03[int(draw() * len(_NOISE_03))])
        else:
            # TikTok posts are all videos; YouTube mixes in Shorts, which reach further.
            short = platform is Platform.YOUTUBE and draw() < 0.3
            kind = "short" if short else "video"
            reach = 1.5 if short else 1.0
            # Views are hit-driven, hence wider than Instagram likes.
            views = round(reach_views * reach * damping * noise(rng, t.likes_sigma + 0.25))
            likes = round(views * t.likes_per_view * _NOISE_025[int(draw() * len(_NOISE_025))])
            if platform is Platform.TIKTOK:
                shares = round(likes * t.share_rate * _NOISE_05[int(draw() * len(_NOISE_05))])
        # A pod's members comment on top of the organic audience, however small the post.
        organic = round(likes / t.likes_per_comment * _NOISE_05[int(draw() * len(_NOISE_05))])
        comments = organic + t.pod_size

        by_start = tag_runs[int(draw() * len(tag_runs))]
        run, run_text = by_start[int(draw() * len(by_start))]
        hashtags = list(run)
        mentions: list[str] = []
        if sponsored:
            hashtags.append("ad")
            mentions.append(niche.brands[int(draw() * len(niche.brands))])
        words = [niche.captions[int(draw() * len(niche.captions))]]
        if draw() < t.promo_share:
            promo = PROMOS[int(draw() * len(PROMOS))]
            code = PROMO_CODES[int(draw() * len(PROMO_CODES))]
            words.append(promo.format(shop=shop, code=code))
        if run_text:
            words.append(run_text)
        if sponsored:
            words += ("#ad", f"@{mentions[0]}")

        if platform is Platform.TIKTOK:
            post_id = f"7{rng.getrandbits(59):018d}"  # 19 digits, like real TikTok ids
            url = f"https://www.tiktok.com/@{handle}/video/{post_id}"
        else:
            post_id = token(rng, 11)
            if platform is Platform.YOUTUBE:
                if kind == "short":
                    url = f"https://www.youtube.com/shorts/{post_id}"
                else:
                    url = f"https://www.youtube.com/watch?v={post_id}"
            else:
                section = "reel" if kind == "reel" else "p"
                url = f"https://www.instagram.com/{section}/{post_id}/"

        posts.append(
            trusted(
                Post,
                id=post_id,
                url=url,
                published_at=published.astimezone(UTC),  # as Post's validator would make it
                kind=kind,
                caption=" ".join(words),
                hashtags=hashtags,
                mentions=mentions,
                likes=likes,
                comments=comments,
                views=views,
                shares=shares,
                sponsored=sponsored,
            )
        )
        gap = max(_MIN_GAP_DAYS, t.mean_gap_days * gap_noise[int(draw() * len(gap_noise))])
        published -= timedelta(days=gap)
    return posts
