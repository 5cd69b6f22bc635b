"""What one comment's text is: generic praise, emoji only, tags only, a question, purchase intent.

Each test reads only the text, so one comment can be several things at once ("🔥🔥" is both
emoji-only and generic; "how much?" is both a question and purchase intent).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from webapp.pipeline.analysis.comment_words import (
    FILLER,
    GENERIC_MAX_WORDS,
    GENERIC_PHRASES,
    PRAISE,
    PURCHASE_INTENT,
    QUESTION_STARTS,
)
from webapp.pipeline.analysis.keywords import Keywords, fold

_MENTION = re.compile(r"@[\w.]+")
_WORD = re.compile(r"\w+")
# Symbols (emoji), their modifiers (skin tones: Sk; variation selectors: Mn; keycaps: Me) and
# joiners (ZWJ: Cf). Punctuation may sit between them ("🔥🔥!").
_EMOJI_PARTS = frozenset({"So", "Sk", "Mn", "Me", "Cf"})
_PURCHASE = Keywords(PURCHASE_INTENT)
_PRAISE_OR_FILLER = PRAISE | FILLER


def normalised(text: str) -> str:
    """The text duplicates are compared on: folded, whitespace collapsed, ends trimmed."""
    return normalised_folded(fold(text))


def normalised_folded(folded: str) -> str:
    """`normalised` of a text already folded."""
    # split() breaks on the whitespace \s matches: the same as collapsing each run to " ",
    # since a run at either end goes with the trimming.
    return " ".join(folded.split()).strip(" .!")


def is_emoji_only(text: str) -> bool:
    if text.isascii():
        return False  # emoji are never ASCII
    # Symbols, their parts and punctuation only, with at least one symbol ("So"); the first
    # letter or digit settles it.
    symbol = False
    for char in text:
        if char.isspace():
            continue
        category = unicodedata.category(char)
        if category == "So":
            symbol = True
        elif category not in _EMOJI_PARTS and not category.startswith("P"):
            return False
    return symbol


def is_mention_only(text: str) -> bool:
    if "@" not in text or not _MENTION.search(text):
        return False
    return not _WORD.search(_MENTION.sub(" ", text))


def is_generic(text: str) -> bool:
    """Praise that fits any post: a listed phrase, <= 3 praise/filler words, or emoji only."""
    return is_emoji_only(text) or _generic_words(_WORD.findall(fold(text)))


def _generic_words(words: list[str]) -> bool:
    if not words:
        return False
    if " ".join(words) in GENERIC_PHRASES:
        return True
    return (
        len(words) <= GENERIC_MAX_WORDS
        and _PRAISE_OR_FILLER.issuperset(words)
        and not PRAISE.isdisjoint(words)
    )


def is_question(text: str) -> bool:
    return _question(text, _WORD.findall(fold(text)))


def _question(text: str, words: list[str]) -> bool:
    # "\uff1f" is the full-width question mark of Chinese and Japanese text.
    if "?" in text or "¿" in text or "\uff1f" in text:
        return True
    return bool(words) and words[0] in QUESTION_STARTS


def purchase_phrases(text: str) -> list[str]:
    return _PURCHASE.found(fold(text))


class TextKinds(NamedTuple):  # a tuple: one per comment, built in half a dataclass's time
    generic: bool
    emoji_only: bool
    mention_only: bool
    question: bool
    purchase: list[str]


def classify(text: str) -> TextKinds:
    return classify_folded(text, fold(text))


def classify_folded(text: str, folded: str) -> TextKinds:
    """`classify` with the text already folded."""
    # Fold and split once: on a large account this runs for tens of thousands of comments.
    words = _WORD.findall(folded)
    emoji_only = is_emoji_only(text)
    return TextKinds(
        generic=emoji_only or _generic_words(words),
        emoji_only=emoji_only,
        mention_only=is_mention_only(text),
        question=_question(text, words),
        purchase=_PURCHASE.found_in(folded, words),
    )
