"""Giveaway and contest posts: their likes and comments are entries, and the followers they bring
come for the prize. Growth does not let one explain a follower jump; engagement leaves them out
of the rate when enough other posts remain."""

from __future__ import annotations

import re

from webapp.pipeline.analysis.keywords import Keywords, fold
from webapp.pipeline.analysis.markers import GIVEAWAY_TAG_STARTS, GIVEAWAY_WORDS
from webapp.pipeline.scraping.result import Post

_WORDS = Keywords(GIVEAWAY_WORDS)
_TAG = re.compile(rf"#(?:{'|'.join(map(re.escape, GIVEAWAY_TAG_STARTS))})")


def is_giveaway(post: Post) -> bool:
    """The caption or hashtags announce a giveaway or contest (markers.GIVEAWAY_WORDS)."""
    text = fold(" ".join([post.caption, *(f"#{tag}" for tag in post.hashtags)]))
    return _WORDS.search(text) or _TAG.search(text) is not None
