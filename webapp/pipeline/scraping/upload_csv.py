"""Reading an uploaded CSV of posts: one header row, then one post per line.

Every refusal names the line and the column, so a marketer can fix the export in a spreadsheet.
A CSV has no profile, so the caller supplies the handle and follower count.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from webapp.errors import InvalidUpload, UnsupportedUpload
from webapp.models import Platform
from webapp.pipeline.scraping.limits import POSTS
from webapp.pipeline.scraping.result import MAX_COUNT, POST_URL_CHARS, TEXT_CHARS, Post, PostKind

REQUIRED = ("published_at", "likes", "comments")
OPTIONAL = ("views", "caption", "url")
KNOWN = REQUIRED + OPTIONAL
# Unknown columns named in the coverage note; the rest are counted.
IGNORED_SHOWN = 10
# The longest cell of each text column (the ScrapeResult's own limits).
_LONGEST = {"caption": TEXT_CHARS, "url": POST_URL_CHARS}

# A CSV row carries no post format; this is the platform's usual one.
_DEFAULT_KIND: dict[Platform, PostKind] = {
    Platform.INSTAGRAM: "photo",
    Platform.TIKTOK: "video",
    Platform.YOUTUBE: "video",
}


@dataclass(frozen=True, slots=True)
class CsvPosts:
    posts: list[Post]
    ignored_columns: list[str]


def parse_csv(text: str, platform: Platform) -> CsvPosts:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
        columns = _check_header(header)
        posts: list[Post] = []
        given = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            given += 1
            # Past the limit the rest is only counted, for the message: no model is built.
            if given <= POSTS.upload_max:
                posts.append(_post(row, columns, reader.line_num, platform))
    except csv.Error as exc:
        raise InvalidUpload(
            f"Line {reader.line_num}: the CSV cannot be read ({exc}).",
            details={"field": "file", "line": reader.line_num, "column": None},
        ) from None
    if given > POSTS.upload_max:
        raise POSTS.refuse(given, csv=True)
    if not posts:
        raise InvalidUpload(
            "The CSV has a header row but no posts; add one line per post.",
            details={"field": "file", "line": 2, "column": None},
        )
    return CsvPosts(posts, _ignored(header))


def _ignored(header: list[str]) -> list[str]:
    """Unknown columns, for a coverage note: a few names, each cut short."""
    names = sorted(set(header) - set(KNOWN) - {""})
    shown = [name if len(name) <= 40 else name[:39] + "\u2026" for name in names[:IGNORED_SHOWN]]
    if len(names) > IGNORED_SHOWN:
        shown.append(f"and {len(names) - IGNORED_SHOWN:,} more")
    return shown


def _check_header(header: list[str]) -> dict[str, int]:
    if not set(header) & set(KNOWN):
        # Nothing we know: this is not a posts export (or not a CSV at all).
        raise UnsupportedUpload(
            "The file is neither a ScrapeResult JSON file nor a CSV of posts. A CSV needs a "
            f"header row with the columns {', '.join(REQUIRED)} (and optionally "
            f"{', '.join(OPTIONAL)}).",
            details={"field": "file", "line": 1, "column": None},
        )
    for name in KNOWN:
        if header.count(name) > 1:
            raise InvalidUpload(
                f"Line 1: the column {name} appears twice in the header.",
                details={"field": "file", "line": 1, "column": name},
            )
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InvalidUpload(
            f"Line 1: the header has no {missing[0]} column. A CSV of posts needs the columns "
            f"{', '.join(REQUIRED)}.",
            details={"field": "file", "line": 1, "column": missing[0], "missing": missing},
        )
    return {name: header.index(name) for name in KNOWN if name in header}


def _post(row: list[str], columns: dict[str, int], line: int, platform: Platform) -> Post:
    width = max(columns.values()) + 1
    if len(row) < width:
        row = row + [""] * (width - len(row))

    def cell(name: str) -> str:
        value = row[columns[name]].strip() if name in columns else ""
        longest = _LONGEST.get(name)
        if longest is not None and len(value) > longest:
            raise InvalidUpload(
                f"Line {line}, column {name}: the text is {len(value):,} characters long; a "
                f"{name} holds at most {longest:,}. Shorten it.",
                details={
                    "field": "file",
                    "line": line,
                    "column": name,
                    "limit": longest,
                    "given": len(value),
                },
            )
        return value

    views, likes, comments = cell("views"), cell("likes"), cell("comments")
    return Post(
        id=f"line-{line}",
        url=cell("url"),
        published_at=_moment(cell("published_at"), line),
        kind=_DEFAULT_KIND[platform],
        caption=cell("caption"),
        # An empty cell is a count the platform hides (likes hidden, comments turned off).
        likes=_count(likes, line, "likes") if likes else None,
        comments=_count(comments, line, "comments") if comments else None,
        views=_count(views, line, "views") if views else None,
    )


def _count(value: str, line: int, column: str) -> int:
    # Spreadsheets often write thousands separators; a count never has a fraction or a sign.
    digits = value.replace(",", "").replace("_", "")
    if digits.isascii() and digits.isdigit():
        if len(digits) <= len(str(MAX_COUNT)) and int(digits) <= MAX_COUNT:
            return int(digits)
        message = (
            f"Line {line}, column {column}: {value[:40]!r} is above the largest count "
            f"accepted, {MAX_COUNT:,}."
        )
    else:
        message = f"Line {line}, column {column}: {value[:40]!r} is not a whole number."
    raise InvalidUpload(
        message, details={"field": "file", "line": line, "column": column, "value": value[:200]}
    )


def _moment(value: str, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise InvalidUpload(
            f"Line {line}, column published_at: {value[:40]!r} is not a date. Use ISO 8601, "
            "such as 2026-11-02 or 2026-11-02T18:30:00Z.",
            details={"field": "file", "line": line, "column": "published_at", "value": value[:200]},
        ) from None
    # A date or a time without a zone is taken as UTC: exports rarely say, and a few hours
    # cannot move a posting-frequency figure.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
