"""Whole-word keyword matching that ignores case and accents.

Captions and comments mix languages and spellings ("Werbung", "#WERBUNG", "publicité",
"publicite"), so both the text and the keyword lists are folded the same way before matching:
Unicode NFKD, combining marks dropped, case-folded. Folding keeps newlines, so line positions in
the folded text still mean something.

Most texts hold none of a list's phrases, and a regex scan per list and text adds up over many
lists, posts and comments. So a text's words can be split once (`words`) and every list first
asks whether any of its phrases could occur among them (`Keywords.found_in`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Iterable

_WORD = re.compile(r"\w+")
# ASCII bytes that are not word characters (\w) become spaces: splitting on them finds the
# same words as the regex, several times faster.
_ASCII_NON_WORD_TO_SPACE = bytes(
    b if b < 128 and (chr(b).isalnum() or chr(b) == "_") else ord(" ") for b in range(256)
)


def fold(text: str) -> str:
    # Most comments and captions are ASCII: lower-casing is all they need, and it is what
    # keeps tens of thousands of comments well inside the analysis time budget.
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.translate(_combining_marks()).casefold()


@functools.cache
def _combining_marks() -> dict[int, None]:
    """A translate table deleting combining marks, built on first use (a few ms). It covers the
    Basic Multilingual Plane, where the marks of every living script's accents are."""
    return {code: None for code in range(0x300, 0x10000) if unicodedata.combining(chr(code))}


def words(folded_text: str) -> frozenset[str]:
    """The distinct whole words (runs of \\w) of a text."""
    if folded_text.isascii():
        spaced = folded_text.encode("ascii").translate(_ASCII_NON_WORD_TO_SPACE)
        return frozenset(spaced.decode("ascii").split())
    return frozenset(_WORD.findall(folded_text))


class Keywords:
    """A set of words or phrases, found only as whole words in folded text."""

    def __init__(self, phrases: Iterable[str]) -> None:
        folded = sorted({fold(p) for p in phrases}, key=len, reverse=True)
        # Longest first, so "paid partnership with" wins over "paid partnership". The lookarounds
        # rather than \b let a phrase begin with "#" or end with "?" or "+".
        alternation = "|".join(re.escape(p) for p in folded)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")
        # A phrase found as a whole word brings every word of it into the text: its words end at
        # its own non-word characters or at the lookarounds. So a phrase can only be in a text
        # that has all its words. Phrases are filed under their longest word, the one least
        # likely to be in a text by chance; a phrase without a word character would defeat the
        # test (None: always scan).
        self._by_word: dict[str, list[frozenset[str]]] | None = {}
        for phrase in folded:
            phrase_words = _WORD.findall(phrase)
            if not phrase_words:
                self._by_word = None
                break
            longest = max(phrase_words, key=len)
            self._by_word.setdefault(longest, []).append(frozenset(phrase_words))
        self._longest = frozenset(self._by_word or ())

    def finditer(self, folded_text: str) -> Iterable[re.Match[str]]:
        return self._pattern.finditer(folded_text)

    def found(self, folded_text: str) -> list[str]:
        """The distinct phrases found, in order of first appearance."""
        return list(dict.fromkeys(self._pattern.findall(folded_text)))

    def may_occur(self, text_words: Collection[str]) -> bool:
        """False when no phrase can be in a text with these `words`; True means: scan it."""
        if self._by_word is None:
            return True
        if self._longest.isdisjoint(text_words):  # the common case, and the cheap one
            return False
        present = text_words if isinstance(text_words, set | frozenset) else set(text_words)
        for word in self._longest.intersection(present):
            for phrase_words in self._by_word[word]:
                if phrase_words <= present:
                    return True
        return False

    def found_in(self, folded_text: str, text_words: Collection[str]) -> list[str]:
        """`found`, skipping the scan when the text's `words` rule every phrase out."""
        if not self.may_occur(text_words):
            return []
        return list(dict.fromkeys(self._pattern.findall(folded_text)))

    def search(self, folded_text: str) -> bool:
        return self._pattern.search(folded_text) is not None
