"""Whole numbers written by strangers (headers, form fields): ASCII digits only, and few enough of
them that `int()` is cheap and cannot refuse the text."""

from __future__ import annotations

# Any 64-bit integer; Python itself refuses strings of more than 4,300 digits with a ValueError.
MAX_DIGITS = 20


def parse_digits(text: str, max_digits: int = MAX_DIGITS) -> int | None:
    """The number `text` spells in ASCII digits, or None. `str.isdigit` alone also accepts
    characters such as "²" that `int()` then rejects."""
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None
