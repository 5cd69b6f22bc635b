"""A TikTok video as a normalised `Post`, and TikTok's counts: shared by the web and Research
API adapters, whose field names differ but whose meaning does not."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from webapp.pipeline.scraping.result import Post

# Links in reports point at the real site even when tests or proxies change the base URL.
TIKTOK_URL = "https://www.tiktok.com"
_HASHTAG = re.compile(r"#(\w+)")
_MENTION = re.compile(r"@([\w.]*\w)")  # a trailing period ends the sentence, not the name
# The web app's rounded counters are signed 32-bit: above 2**31 - 1 they wrap to negative.
_WRAP = 2**32


def whole(value: Any) -> int | None:
    """An int from an int or a digit string ("1234"); None when absent or malformed."""
    if isinstance(value, bool):
        return None  # a bool is an int to Python, never a count to TikTok
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def count(value: Any) -> int | None:
    number = whole(value)
    return number if number is not None and number >= 0 else None


def exact_count(
    stats_v2: Mapping[str, Any] | None, stats: Mapping[str, Any], key: str
) -> int | None:
    """The exact figure from `statsV2` (strings) if present, else the rounded one from `stats`.

    A negative rounded figure has overflowed a 32-bit counter; adding 2**32 restores it, which
    holds up to about 4.3 billion, well above any account's likes.
    """
    if stats_v2 is not None:
        exact = count(stats_v2.get(key))
        if exact is not None:
            return exact
    rounded = whole(stats.get(key))
    if rounded is None:
        return None
    return rounded + _WRAP if rounded < 0 else rounded


def hashtags(text: str) -> list[str]:
    return sorted(set(_HASHTAG.findall(text)))


def mentions(text: str) -> list[str]:
    return sorted(set(_MENTION.findall(text)))


def created_at(value: Any) -> datetime | None:
    """TikTok's create times are Unix seconds, as a number or a digit string."""
    seconds = count(value)
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def video_post(
    handle: str,
    *,
    video_id: str,
    published_at: datetime,
    caption: str,
    likes: int | None,
    comments: int | None,
    shares: int | None,
    views: int | None,
    tags: Iterable[str] = (),
) -> Post:
    """`tags` are hashtags the source lists separately; those in the caption count too."""
    return Post(
        id=video_id,
        url=f"{TIKTOK_URL}/@{handle}/video/{video_id}",
        published_at=published_at,
        kind="video",
        caption=caption,
        hashtags=sorted({*hashtags(caption), *(tag for tag in tags if tag)}),
        mentions=mentions(caption),
        likes=likes,
        comments=comments,
        # TikTok shows the play count on every video; a missing one is a parsing gap, not a
        # hidden figure, and 0 keeps it out of view-based ratios just the same.
        views=views or 0,
        shares=shares,
    )
