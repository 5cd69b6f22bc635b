"""Reading an uploaded ScrapeResult JSON file, with line and column for every problem.

pydantic reports where a value is wrong as a path (posts.3.likes), not as a place in the file, so
`locate` walks the text along that path to give the marketer a line to look at.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from pydantic import ValidationError

from webapp.errors import InvalidUpload
from webapp.json_input import JSONInputError, load_json
from webapp.pipeline.scraping.limits import check_upload_lists
from webapp.pipeline.scraping.result import ScrapeResult

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"

Path = Sequence[int | str]


def parse_json(text: str) -> ScrapeResult:
    try:
        data = load_json(text, subject="The file")
    except JSONInputError as exc:
        raise InvalidUpload(
            exc.message,
            details={"field": "file", "line": exc.line, "column": exc.column},
        ) from None
    check_upload_lists(data, lambda member: locate(text, [member])[0])
    try:
        return ScrapeResult.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_input=False)
        first = errors[0]
        path = ".".join(str(part) for part in first["loc"]) or "(the whole file)"
        line, column = locate(text, first["loc"])
        raise InvalidUpload(
            f"Line {line}, field {path}: {first['msg']}. The file must match the schema at "
            "/schemas/scrape-result.json.",
            details={
                "field": "file",
                "path": path,
                "line": line,
                "column": column,
                "problems": len(errors),
            },
        ) from None


def locate(text: str, path: Path) -> tuple[int, int]:
    """Line and column (1-based) of the value at `path`, or of its deepest parent that exists."""
    index = _skip(text, 0)
    for part in path:
        found = _child(text, index, part)
        if found is None:
            break
        index = found
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _child(text: str, index: int, part: int | str) -> int | None:
    """Where the member `part` of the object or array starting at `index` begins."""
    if index >= len(text) or text[index] not in "{[":
        return None
    is_object = text[index] == "{"
    if is_object != isinstance(part, str):
        return None
    position, count = _skip(text, index + 1), 0
    while position < len(text) and text[position] not in "}]":
        if is_object:
            key, position = _DECODER.raw_decode(text, position)
            position = _skip(text, _skip(text, position) + 1)  # past the colon
            if key == part:
                return position
        elif count == part:
            return position
        _, position = _DECODER.raw_decode(text, position)
        position = _skip(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip(text, position + 1)
        count += 1
    return None


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index
