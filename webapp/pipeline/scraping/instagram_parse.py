"""What both Instagram adapters read the same way: captions, post formats, counts, coverage.

The Graph API and the public web profile describe a post with different field names, but a
caption's hashtags and mentions, the mapping of media types to post kinds and the treatment of
hidden like counts must not differ between them, or the same account would score differently
depending on whether a token is configured.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from webapp.pipeline.scraping.result import Post, PostKind

POST_URL = "https://www.instagram.com/p/{shortcode}/"

_HASHTAG = re.compile(r"#(\w+)")
# Instagram usernames: letters, digits, underscores and periods, never ending in a period, so
# "thanks @studio.lx." mentions studio.lx. The lookbehind skips e-mail addresses.
_MENTION = re.compile(r"(?<![\w.])@(\w(?:[\w.]*\w)?)")

# Graph API media_type / media_product_type, and the web JSON's __typename / product_type /
# numeric media_type. Every video on Instagram has been published as a reel since 2022, so a
# plain VIDEO counts as one.
_KINDS: dict[str, PostKind] = {
    "IMAGE": "photo",
    "GraphImage": "photo",
    "1": "photo",
    "VIDEO": "reel",
    "GraphVideo": "reel",
    "2": "reel",
    "CAROUSEL_ALBUM": "carousel",
    "GraphSidecar": "carousel",
    "8": "carousel",
}


def caption_tags(caption: str) -> tuple[list[str], list[str]]:
    """Hashtags without '#' and mentions without '@', each sorted and without duplicates.

    Hashtags and usernames are case-insensitive on Instagram, so both are lower-cased: #Travel
    and #travel are one tag for the content analysis.
    """
    hashtags = sorted({tag.lower() for tag in _HASHTAG.findall(caption)})
    mentions = sorted({name.lower() for name in _MENTION.findall(caption)})
    return hashtags, mentions


def post_kind(media_type: Any, product_type: Any = None) -> PostKind:
    if str(product_type or "").upper() in ("REELS", "CLIPS"):
        return "reel"
    return _KINDS.get(str(media_type or ""), "photo")


def count(value: Any) -> int | None:
    """A count the platform showed, or None when it is absent or hidden.

    Instagram marks a hidden like count with a missing field or a negative number (-1).
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 0 else None


def hidden_likes_note(posts: Sequence[Post]) -> list[str]:
    hidden = sum(1 for post in posts if post.likes is None)
    if not hidden:
        return []
    return [f"Likes hidden on {hidden} of {len(posts)} posts; they are left out of engagement."]


def truncation_note(fetched: int, total: int) -> list[str]:
    if fetched >= total:
        return []
    return [f"Analysed the {fetched} most recent of {total} posts."]
