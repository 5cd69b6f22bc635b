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
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

from webapp.pipeline.analysis.keywords import Keywords, fold, words
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

_STRONG_MARKERS = [m for markers in STRONG_DISCLOSURES.values() for m in markers]
_STRONG = Keywords(_STRONG_MARKERS)
_WEAK = Keywords(WEAK_DISCLOSURES)
_PROMO = Keywords(PROMO_WORDS)
_CODE_PHRASE = Keywords(CODE_PHRASES)
# Every list above at once, only to rule a caption out with one test before asking each list.
_ANY_PHRASE = Keywords([*_STRONG_MARKERS, *WEAK_DISCLOSURES, *PROMO_WORDS, *CODE_PHRASES])
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
# "@" first, then the look back at the character before it: the same matches as a look back
# before the "@", but the scan can jump from "@" to "@".
MENTION = re.compile(r"@(?<![\w@]@)([\w.]*\w)")


# A cheap test before the code pattern: every code word, folded, contains one of these, so a
# caption whose folded text has none of them holds no code. Each is the longest stretch of its
# word without an "i": the pattern's case-blind "i" also matches the dotless i (U+0131), which
# folding keeps; every other letter the pattern matches folds to the code word's own.
def _code_hints() -> re.Pattern[str]:
    hints = {max(fold(word).split("i"), key=len) for word in CODE_WORDS}
    needed = sorted(h for h in hints if not any(g != h and g in h for g in hints))
    return re.compile("|".join(re.escape(h) for h in needed))


_CODE_HINT = _code_hints()


class Promotion(NamedTuple):
    """Immutable; a named tuple rather than a frozen dataclass as one is built per post and the
    tuple builds in half the time."""

    platform_flag: bool
    clear_markers: list[str]  # strong markers where readers see them
    buried_markers: list[str]  # strong markers only after line three or among trailing hashtags
    weak_markers: list[str]
    codes: list[str]
    affiliate_links: list[str]
    brand_mentions: list[str]  # mentioned accounts other than the author
    promo_words: list[str]
    own_site: bool = False  # a link to the author's own site (its name is the handle's)

    @property
    def disclosed(self) -> bool:
        """Clearly disclosed: the platform's label or a strong marker in sight."""
        return self.platform_flag or bool(self.clear_markers)

    @property
    def sponsored(self) -> bool:
        """Sponsored by the platform's flag, a marker, or a brand with a code or affiliate link."""
        return (
            self.platform_flag
            or bool(self.clear_markers or self.buried_markers)
            or (bool(self.brand_mentions) and bool(self.codes or self.affiliate_links))
        )

    @property
    def promotional(self) -> bool:
        return self.sponsored or bool(self.codes or self.affiliate_links or self.promo_words)


def _trailing_block_start(folded: str) -> tuple[int, int]:
    """(offset where the caption's closing run of hashtags and mentions starts, its hashtags)."""
    start, hashtags = len(folded), 0
    # Token by token from the end; rstrip() and split() know the same whitespace as \S.
    rest = folded.rstrip()
    while rest:
        head_and_token = rest.rsplit(maxsplit=1)
        token = head_and_token[-1]
        if token[0] not in "#@":
            break
        start = len(rest) - len(token)
        hashtags += token[0] == "#"
        rest = head_and_token[0] if len(head_and_token) == 2 else ""
    return start, hashtags


def _markers(folded: str, text_words: frozenset[str]) -> tuple[list[str], list[str]]:
    if not _STRONG.may_occur(text_words):
        return [], []
    clear: dict[str, None] = {}
    buried: dict[str, None] = {}
    block: tuple[int, int] | None = None
    for match in _STRONG.finditer(folded):
        if block is None:
            block = _trailing_block_start(folded)
        block_start, block_hashtags = block
        late = folded.count("\n", 0, match.start()) >= VISIBLE_LINES
        in_pile = match.start() >= block_start and block_hashtags >= TRAILING_HASHTAGS_BURY
        (buried if late or in_pile else clear)[match.group(0)] = None
    return list(clear), [m for m in buried if m not in clear]


def _host(url: str) -> str:
    return (urlsplit(url if "://" in url else f"https://{url}").hostname or "").removeprefix("www.")


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


# Host labels that name no one: second-level domains (co.uk, com.au) and shop platforms.
_GENERIC_LABELS = frozenset({"www", "co", "com", "org", "net", "ac", "gov", "myshopify", "shop"})
MIN_SITE_NAME = 5  # shorter names match handles by chance


def _is_own_site(url: str, own: str) -> bool:
    """A label of the site's host (letters and digits only; not the top-level domain, not a
    generic one) is the handle, or the handle begins with it: demo-authentic.com for
    @demo.authentic, annasmith.co.uk and annasmith.myshopify.com for @anna_smith, annasmith.com
    for @annasmith.travels."""
    if not own:
        return False
    labels = [_NOT_ALNUM.sub("", label) for label in _host(url).split(".")[:-1]]
    return any(
        name == own or (len(name) >= MIN_SITE_NAME and own.startswith(name))
        for name in labels
        if name and name not in _GENERIC_LABELS
    )


def _is_affiliate(url: str) -> bool:
    parts = urlsplit(url if "://" in url else f"https://{url}")
    host = (parts.hostname or "").removeprefix("www.")
    if any(host == h or host.endswith("." + h) for h in AFFILIATE_HOSTS):
        return True
    params = {key.lower() for key, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if params & AFFILIATE_PARAMS:
        return True
    return host.startswith("amazon.") and AMAZON_TAG_PARAM in params


class Caption(NamedTuple):
    """A post's caption folded, and the words of it and of the hashtags listed with it: read
    once per post for the keyword lists that test it (here and in brand_safety.py)."""

    folded: str
    words: frozenset[str]


def read_caption(post: Post) -> Caption:
    folded = fold(post.caption)
    hashtags = post.hashtags
    # Folding the joined hashtags gives the words of every "#" + fold(tag) at once.
    return Caption(folded, words(f"{folded} {fold(' '.join(hashtags))}" if hashtags else folded))


def read_promotion(post: Post, author: str) -> Promotion:
    return promotion_of(post, read_caption(post), fold(author))


def promotion_of(post: Post, caption: Caption, own: str) -> Promotion:
    """`read_promotion` from the post's caption reading and the author's handle, folded.

    Most captions hold no marker, code, link or mention, so every scan below is skipped when a
    cheap test (the words of the caption and hashtags, a character it needs) rules it out.
    """
    folded, text_words = caption
    hashtags = post.hashtags
    if _ANY_PHRASE.may_occur(text_words):
        clear, buried = _markers(folded, text_words)
        weak = _WEAK.found_in(folded, text_words)
        if hashtags:
            weak = _listed_tags(hashtags, text_words, clear, buried, weak)
        codes = _CODE_PHRASE.found_in(folded, text_words)
        promo = _PROMO.found_in(folded, text_words)
    else:
        clear, buried, weak, codes, promo = [], [], [], [], []
    if _CODE_HINT.search(folded):
        codes = list(dict.fromkeys([m.group(1) for m in _CODE.finditer(post.caption)] + codes))
    mentioned = [fold(m) for m in post.mentions]
    if "@" in folded:
        mentioned += MENTION.findall(folded)
    if "%" in folded:
        promo += [m.group(0) for m in _PERCENT_OFF.finditer(folded)]
    urls = _URL.findall(folded) if "." in folded else []
    own_name = _NOT_ALNUM.sub("", own)
    return Promotion(
        platform_flag=post.sponsored,
        clear_markers=clear,
        buried_markers=buried,
        weak_markers=weak,
        codes=codes,
        affiliate_links=[u for u in urls if _is_affiliate(u)],
        brand_mentions=[m for m in dict.fromkeys(mentioned) if m != own] if mentioned else [],
        promo_words=promo,
        own_site=any(_is_own_site(u, own_name) for u in urls),
    )


def _listed_tags(
    hashtags: list[str],
    text_words: frozenset[str],
    clear: list[str],
    buried: list[str],
    weak: list[str],
) -> list[str]:
    """Adds the markers of the hashtags an adapter lists apart from the caption (YouTube tags)
    to `clear` and returns `weak` with theirs. They have no position: a marker found only there
    counts as clear rather than guessing where a viewer would see it."""
    if _STRONG.may_occur(text_words):
        for tag in hashtags:
            for marker in _STRONG.found("#" + fold(tag)):
                if marker not in clear and marker not in buried:
                    clear.append(marker)
    if not _WEAK.may_occur(text_words):
        return weak
    tags = " ".join("#" + fold(t) for t in hashtags)
    return list(dict.fromkeys(weak + _WEAK.found(tags)))
