"""What a marketer sends for a batch, read into rows: pasted lines, JSON rows or a CSV file.

Each line is a handle, an @handle or a profile URL (whose host names its platform), or
`handle,platform` (a comma, tab or semicolon between; a spreadsheet's two columns paste with a
tab). A bare handle takes the default platform. A bad line becomes a row with its error; it
never sinks the others. Blank lines and `#` comments are skipped but keep the numbering.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from webapp.batches.batch import MAX_ROWS, BatchRow, LineError
from webapp.errors import InvalidHandle, InvalidInput, InvalidPlatform, TooManyRows
from webapp.handles import normalise_handle, url_platform
from webapp.models import Platform

if TYPE_CHECKING:
    from _csv import Reader as _CsvReader

MAX_INPUT_CHARS = 2048  # as for one handle on the form
SHOWN_INPUT_CHARS = 200  # what a row keeps of its input, to show
_SEPARATOR = re.compile(r"[,\t;]")
_HEADER_NAMES = frozenset({"handle", "username", "account", "url", "profile"})


def rows_from_text(text: str, default: Platform) -> list[BatchRow]:
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if lines and _is_header(_SEPARATOR.split(lines[0][1])):
        lines = lines[1:]
    _check_count(len(lines))
    rows = []
    for number, line in lines:
        cells = _SEPARATOR.split(line, maxsplit=2)
        platform = cells[1] if len(cells) > 1 else None
        rows.append(read_row(number, line, cells[0], platform, default))
    return rows


def rows_from_pairs(pairs: Sequence[tuple[str, str | None]], default: Platform) -> list[BatchRow]:
    """JSON rows: (handle, platform or None), numbered from 1 in order."""
    _check_count(len(pairs))
    return [
        read_row(number, handle, handle, platform, default)
        for number, (handle, platform) in enumerate(pairs, start=1)
    ]


def rows_from_csv(data: bytes, default: Platform) -> list[BatchRow]:
    """A CSV file with a `handle` column (and optionally `platform`; other columns are
    ignored). Without a header row, the first column is the handle, the second the platform."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"The CSV file is not UTF-8 text (byte {exc.start + 1}); save it as CSV UTF-8.",
            details={"field": "file"},
        ) from None
    try:
        records = list(_records(csv.reader(io.StringIO(text, newline=""))))
    except csv.Error as exc:
        raise InvalidInput(
            f"The CSV file cannot be read: {exc}.", details={"field": "file"}
        ) from None
    handle_at, platform_at = 0, 1
    if records and _is_header(records[0][1]):
        header = [cell.strip().lower() for cell in records[0][1]]
        handle_at = next(i for i, name in enumerate(header) if name in _HEADER_NAMES)
        platform_at = header.index("platform") if "platform" in header else -1
        records = records[1:]
    _check_count(len(records))
    rows = []
    for number, cells in records:
        handle = cells[handle_at] if handle_at < len(cells) else ""
        platform = cells[platform_at] if 0 <= platform_at < len(cells) else None
        rows.append(read_row(number, ",".join(cells), handle, platform, default))
    return rows


def read_row(
    line: int, shown: str, handle: str, platform: str | None, default: Platform
) -> BatchRow:
    """One line: its platform (named, else the URL's, else the default) and canonical handle,
    or what is wrong with it."""
    shown = shown.strip()[:SHOWN_INPUT_CHARS]
    chosen: Platform | None = None
    try:
        if len(handle) > MAX_INPUT_CHARS:
            raise InvalidHandle(f"The line is over {MAX_INPUT_CHARS} characters.")
        if platform is not None and platform.strip():
            chosen = _platform(platform)
        else:
            chosen = url_platform(handle) or default
        canonical = normalise_handle(chosen, handle)
    except InvalidInput as exc:
        error = LineError(exc.code, exc.message)
        return BatchRow(line, shown, chosen.value if chosen else None, None, error=error)
    return BatchRow(line, shown, chosen.value, canonical)


def _platform(text: str) -> Platform:
    name = text.strip().lower()
    for platform in Platform:
        if name in (platform.value, platform.label.lower()):
            return platform
    raise InvalidPlatform(
        f"{text.strip()[:40]!r} is not a platform: write instagram, tiktok or youtube.",
    )


def _records(reader: _CsvReader) -> Iterable[tuple[int, list[str]]]:
    """Non-blank, non-comment records with the line each ends on (a quoted cell may span
    lines)."""
    for cells in reader:
        if any(cell.strip() for cell in cells) and not cells[0].lstrip().startswith("#"):
            yield reader.line_num, cells


def _is_header(cells: Sequence[str]) -> bool:
    return any(cell.strip().lower() in _HEADER_NAMES for cell in cells)


def _check_count(count: int) -> None:
    if count > MAX_ROWS:
        raise TooManyRows(
            f"A batch takes at most {MAX_ROWS} lines; this one has {count}. Split it into "
            f"batches of {MAX_ROWS} or fewer.",
            details={"limit": MAX_ROWS, "rows": count},
        )
