"""Whole-word keyword matching that ignores case and accents.

Captions and comments mix languages and spellings ("Werbung", "#WERBUNG", "publicité",
"publicite"), so both the text and the keyword lists are folded the same way before matching:
Unicode NFKD, combining marks dropped, case-folded. Folding keeps newlines, so line positions in
the folded text still mean something.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable


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


class Keywords:
    """A set of words or phrases, found only as whole words in folded text."""

    def __init__(self, phrases: Iterable[str]) -> None:
        folded = sorted({fold(p) for p in phrases}, key=len, reverse=True)
        # Longest first, so "paid partnership with" wins over "paid partnership". The lookarounds
        # rather than \b let a phrase begin with "#" or end with "?" or "+".
        alternation = "|".join(re.escape(p) for p in folded)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")

    def finditer(self, folded_text: str) -> Iterable[re.Match[str]]:
        return self._pattern.finditer(folded_text)

    def found(self, folded_text: str) -> list[str]:
        """The distinct phrases found, in order of first appearance."""
        if self._pattern.search(folded_text) is None:  # the common case, and the cheap one
            return []
        return list(dict.fromkeys(m.group(0) for m in self.finditer(folded_text)))

    def search(self, folded_text: str) -> bool:
        return self._pattern.search(folded_text) is not None
