"""Per-post rows of the report: each fetched post with the flags the families gave it.

They feed the report's charts and the CSV export, so a marketer can check any post a number
rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from webapp.clock import isoformat
from webapp.links import web_link
from webapp.models import FollowerPoint, PostRow
from webapp.pipeline.analysis.brand_safety import categories_of
from webapp.pipeline.analysis.disclosure import finding, looks_sponsored
from webapp.pipeline.analysis.engagement import interactions, recent_posts
from webapp.pipeline.analysis.growth import GrowthReport
from webapp.pipeline.analysis.promotion import Caption, Promotion
from webapp.pipeline.scraping.result import Post, ScrapeResult
from webapp.trusted import trusted

# Long enough to recognise a post by, short enough for one line of a table.
CAPTION_CHARS = 80


def post_rows(
    result: ScrapeResult,
    read: Sequence[tuple[Post, Promotion]],
    captions: Sequence[Caption],
    now: datetime,
) -> list[PostRow]:
    """Every post, newest first. `read` is each post with its promotion reading and `captions`
    each post's caption reading, both in the order of `result.posts` (see families.py)."""
    followers = result.profile.followers
    business = result.profile.business
    counted = {p.id for p in recent_posts(result, now) if p.likes is not None}
    rows = [
        trusted(
            PostRow,
            id=post.id,
            # Only http(s) links are kept: an upload may carry any text there.
            url=web_link(post.url) or "",
            published_at=isoformat(post.published_at),
            kind=post.kind,
            likes=post.likes,
            comments=post.comments,
            views=post.views,
            engagement_rate=(
                round(interactions(post) / followers * 100, 3)
                if post.likes is not None and followers > 0
                else None
            ),
            in_engagement_rate=post.id in counted,
            sponsored=looks_sponsored(promo, business),
            disclosure=None if (found := finding(promo, business)) is None else found.value,
            brand_safety=categories_of(post, caption),
            caption=excerpt(post.caption),
        )
        for (post, promo), caption in zip(read, captions, strict=True)
    ]
    rows.sort(key=lambda row: row.published_at, reverse=True)
    return rows


def excerpt(caption: str) -> str:
    """The start of a caption, on one line: enough to recognise the post in a table."""
    text = " ".join(caption.split())
    if len(text) <= CAPTION_CHARS:
        return text
    return text[: CAPTION_CHARS - 1].rstrip() + "\u2026"


def follower_points(growth: GrowthReport) -> list[FollowerPoint]:
    spikes = {spike.day for spike in growth.spike_days}
    return [
        trusted(FollowerPoint, day=day.isoformat(), followers=count, spike=day in spikes)
        for day, count in growth.series
    ]
