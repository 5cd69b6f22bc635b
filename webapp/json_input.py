"""Parsing JSON that strangers send: nesting and number size are bounded, so no text can make the
parser raise anything but `JSONInputError`.

Python's parser recurses once per `[` or `{` and gives up with a RecursionError near a thousand
levels; it converts any run of digits to an int, and refuses more than 4,300 digits with a bare
ValueError. Both would surface as a 500. Nothing the app reads nests more than a few levels or
holds a number beyond `MAX_INT_DIGITS` digits, so both limits sit far below Python's own.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from typing import Any

# Assumption: the app's deepest input (an upload's comment -> author_stub -> field) nests 5 levels;
# 64 leaves room for any honest document.
MAX_DEPTH = 64
# A count fits in 13 digits (see result.MAX_COUNT); 20 admits any 64-bit integer written in full.
MAX_INT_DIGITS = 20

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")

PairsHook = Callable[[list[tuple[str, Any]]], Any]


class JSONInputError(ValueError):
    """The text is not JSON the app accepts; `message` says why, as a sentence."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def load_json(
    text: str | bytes, *, subject: str, object_pairs_hook: PairsHook | None = None
) -> Any:
    """Parse `text`, or raise JSONInputError with a message that begins with `subject` ("The
    file", say). Whatever `object_pairs_hook` raises passes through."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise JSONInputError(f"{subject} is not valid JSON: it is not UTF-8 text.") from None
    if _too_deep(text):
        raise JSONInputError(
            f"{subject} nests arrays or objects more than {MAX_DEPTH} levels deep."
        )
    try:
        return json.loads(
            text,
            object_pairs_hook=object_pairs_hook,
            parse_int=_parse_int,
            parse_constant=_refuse_constant,
        )
    except json.JSONDecodeError as exc:
        raise JSONInputError(
            f"{subject} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            line=exc.lineno,
            column=exc.colno,
        ) from None
    except _Refused as exc:
        raise JSONInputError(f"{subject} {exc}.") from None


class _Refused(ValueError):
    """Raised from inside the parser; `load_json` adds the subject."""


def _too_deep(text: str) -> bool:
    """Whether arrays and objects nest beyond MAX_DEPTH, found before the parser recurses into
    them. Strings are cut out first (their brackets are text), then the brackets left are
    counted in and out."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depths = itertools.accumulate(1 if char in "[{" else -1 for char in brackets)
    return any(depth > MAX_DEPTH for depth in depths)


def _parse_int(digits: str) -> int:
    count = len(digits.lstrip("-"))
    if count > MAX_INT_DIGITS:
        raise _Refused(
            f"has a number of {count:,} digits; numbers here have at most {MAX_INT_DIGITS}"
        )
    return int(digits)


def _refuse_constant(name: str) -> float:
    raise _Refused(f"is not valid JSON: {name} is not a number")
