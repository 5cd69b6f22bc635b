"""The hashtags and accounts an account uses most, counted once per post.

Counting per post rather than per occurrence keeps one caption that repeats a tag ten times from
topping the list; the counts read as "used on N posts".
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain

from pydantic import BaseModel, Field

from webapp.pipeline.analysis.keywords import fold
from webapp.pipeline.analysis.promotion import MENTION
from webapp.pipeline.scraping.result import Post, ScrapeResult

TOP_TAGS = 10
# "#" first, then the look back at the character before it (see promotion.MENTION).
_HASHTAG = re.compile(r"#(?<!\w#)(\w+)")


class TagCount(BaseModel):
    tag: str = Field(description="Hashtag or handle, folded to lower case, without # or @")
    posts: int = Field(ge=1, description="Posts that use it")


def hashtags_of(post: Post) -> list[str]:
    """Distinct hashtags of a post: the adapter's list and those written in the caption."""
    caption = _HASHTAG.findall(fold(post.caption))
    return list(dict.fromkeys([fold(t) for t in post.hashtags] + caption))


def mentions_of(post: Post) -> list[str]:
    caption = MENTION.findall(fold(post.caption))
    return list(dict.fromkeys([fold(m) for m in post.mentions] + caption))


def _top(counts: Counter[str]) -> list[TagCount]:
    # Ties break alphabetically so the list is the same on every run.
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [TagCount(tag=tag, posts=n) for tag, n in ranked[:TOP_TAGS]]


def top_hashtags(result: ScrapeResult) -> list[TagCount]:
    return _top(Counter(chain.from_iterable(map(hashtags_of, result.posts))))


def top_mentions(result: ScrapeResult) -> list[TagCount]:
    counts = Counter(chain.from_iterable(map(mentions_of, result.posts)))
    counts.pop(fold(result.profile.handle), None)  # the account's own handle is no mention
    return _top(counts)
