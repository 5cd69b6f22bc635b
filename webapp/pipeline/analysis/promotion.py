"""What one post's caption says about money: disclosures, codes, affiliate links, brand mentions.

The caption is read once into a `Promotion`; sponsorship.py counts sponsored and promotional
posts from it and disclosure.py audits how they are disclosed.

Where a disclosure sits matters as much as whether it exists. The FTC's Endorsement Guides FAQ
(2023) asks for disclosures that are "clear and conspicuous": not hidden behind "more", not
mixed into a group of hashtags at the end. Instagram shows the first lines of a caption, so a
marker that first appears after line three, or only inside a trailing block of three or more
hashtags, counts as buried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from webapp.pipeline.analysis.keywords import Keywords, fold
from webapp.pipeline.analysis.markers import (
    AFFILIATE_HOSTS,
    AFFILIATE_PARAMS,
    AMAZON_TAG_PARAM,
    CODE_PHRASES,
    CODE_WORDS,
    PROMO_WORDS,
    STRONG_DISCLOSURES,
    WEAK_DISCLOSURES,
)
from webapp.pipeline.scraping.result import Post

VISIBLE_LINES = 3
TRAILING_HASHTAGS_BURY = 3

_STRONG = Keywords(m for markers in STRONG_DISCLOSURES.values() for m in markers)
_WEAK = Keywords(WEAK_DISCLOSURES)
_PROMO = Keywords(PROMO_WORDS)
_CODE_PHRASE = Keywords(CODE_PHRASES)
_CODE_WORD = "|".join(re.escape(w) for w in sorted(CODE_WORDS, key=len, reverse=True))
# "code SAVE10", "Code: VIP25", "código 'HOLA15'": the code itself is upper case and at least
# four characters, or carries a digit, so "code for" or "code it" do not count.
_CODE_TOKEN = r"(?=[A-Z0-9_-]*\d)[A-Z0-9][A-Z0-9_-]{1,19}|[A-Z][A-Z_-]{3,19}"
_QUOTES = "\"'\u201c\u2018"  # straight and curly opening quotes
_CODE = re.compile(rf"(?i:(?<!\w)(?:{_CODE_WORD}))\s*[:=\-]?\s*[{_QUOTES}]?({_CODE_TOKEN})(?!\w)")
_PERCENT_OFF = re.compile(
    r"\d+\s*%\s*(?:off|rabatt|descuento|de descuento|sconto|de desconto|de reduction|taniej)\b"
)
_URL = re.compile(r"(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}(?:/[^\s]*)?")
MENTION = re.compile(r"(?<![\w@])@([\w.]*\w)")


@dataclass(frozen=True, slots=True)
class Promotion:
    platform_flag: bool
    clear_markers: list[str]  # strong markers where readers see them
    buried_markers: list[str]  # strong markers only after line three or among trailing hashtags
    weak_markers: list[str]
    codes: list[str]
    affiliate_links: list[str]
    brand_mentions: list[str]  # mentioned accounts other than the author
    promo_words: list[str]

    @property
    def disclosed(self) -> bool:
        """Clearly disclosed: the platform's label or a strong marker in sight."""
        return self.platform_flag or bool(self.clear_markers)

    @property
    def sponsored(self) -> bool:
        """Sponsored by the platform's flag, a marker, or a brand with a code or affiliate link."""
        paid_link = bool(self.codes or self.affiliate_links)
        return (
            self.platform_flag
            or bool(self.clear_markers or self.buried_markers)
            or (bool(self.brand_mentions) and paid_link)
        )

    @property
    def promotional(self) -> bool:
        return self.sponsored or bool(self.codes or self.affiliate_links or self.promo_words)


def _trailing_block_start(folded: str) -> tuple[int, int]:
    """(offset where the caption's closing run of hashtags and mentions starts, its hashtags)."""
    start, hashtags = len(folded), 0
    for token in reversed(list(re.finditer(r"\S+", folded))):
        if token.group(0)[0] not in "#@":
            break
        start = token.start()
        hashtags += token.group(0)[0] == "#"
    return start, hashtags


def _markers(folded: str) -> tuple[list[str], list[str]]:
    block_start, block_hashtags = _trailing_block_start(folded)
    clear: dict[str, None] = {}
    buried: dict[str, None] = {}
    for match in _STRONG.finditer(folded):
        late = folded.count("\n", 0, match.start()) >= VISIBLE_LINES
        in_pile = match.start() >= block_start and block_hashtags >= TRAILING_HASHTAGS_BURY
        (buried if late or in_pile else clear)[match.group(0)] = None
    return list(clear), [m for m in buried if m not in clear]


def _is_affiliate(url: str) -> bool:
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").removeprefix("www.")
    if any(host == h or host.endswith("." + h) for h in AFFILIATE_HOSTS):
        return True
    params = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if params & AFFILIATE_PARAMS:
        return True
    return host.startswith("amazon.") and AMAZON_TAG_PARAM in params


def read_promotion(post: Post, author: str) -> Promotion:
    caption = post.caption
    folded = fold(caption)
    clear, buried = _markers(folded)
    # Hashtags an adapter lists apart from the caption (YouTube tags) have no position: a marker
    # found only there counts as clear rather than guessing where a viewer would see it.
    for tag in post.hashtags:
        for marker in _STRONG.found("#" + fold(tag)):
            if marker not in clear and marker not in buried:
                clear.append(marker)
    tags = " ".join("#" + fold(t) for t in post.hashtags)
    weak = list(dict.fromkeys(_WEAK.found(folded) + _WEAK.found(tags)))
    codes = [m.group(1) for m in _CODE.finditer(caption)] + _CODE_PHRASE.found(folded)
    mentioned = [fold(m) for m in post.mentions] + MENTION.findall(folded)
    own = fold(author)
    brands = [m for m in dict.fromkeys(mentioned) if m != own]
    promo = _PROMO.found(folded) + [m.group(0) for m in _PERCENT_OFF.finditer(folded)]
    return Promotion(
        platform_flag=post.sponsored,
        clear_markers=clear,
        buried_markers=buried,
        weak_markers=weak,
        codes=list(dict.fromkeys(codes)),
        affiliate_links=[u for u in _URL.findall(folded) if _is_affiliate(u)],
        brand_mentions=brands,
        promo_words=promo,
    )
