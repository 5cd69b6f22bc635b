"""The report's posts as CSV: one row per post with its per-post flags, for spreadsheets."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from webapp.links import web_link
from webapp.models import PostRow, ReportResponse

COLUMNS = (
    "post_id",
    "published_at",
    "kind",
    "url",
    "likes",
    "comments",
    "views",
    "engagement_rate_percent",
    "in_engagement_rate",
    "sponsored",
    "disclosure",
    "brand_safety",
    "data_source",
)

# CSV injection (OWASP, https://owasp.org/www-community/attacks/CSV_Injection, and ASVS 5.0
# requirement 1.2.10): a cell whose first character is = + - @, a tab, a carriage return or NUL
# is read as a formula by Excel, LibreOffice or Google Sheets; an apostrophe in front makes it
# text. Spreadsheets also skip leading blanks and line breaks ("  =1+1", "\n=1+1") and fold
# full-width forms (U+FF1D for "=") into ASCII on entry, so the character that counts is the first
# one that is not blank, compared after Unicode compatibility folding (NFKC).
_FORMULA_CHARACTERS = frozenset("=+-@")
_CONTROL_START = ("\t", "\r", "\0")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _is_blank(character: str) -> bool:
    # Whitespace of every script (incl. NBSP and the ideographic space), and invisible format
    # characters such as the zero-width space and the byte-order mark.
    return character.isspace() or unicodedata.category(character) == "Cf"


def _looks_like_formula(value: str) -> bool:
    if value.startswith(_CONTROL_START):
        return True
    first = next((c for c in value if not _is_blank(c)), "")
    return unicodedata.normalize("NFKC", first)[:1] in _FORMULA_CHARACTERS


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    return "'" + value if _looks_like_formula(value) else value


_text = spreadsheet_text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _row(post: PostRow, source: str) -> list[str]:
    return [
        _text(post.id),
        _text(post.published_at),
        _text(post.kind),
        _text(web_link(post.url) or ""),
        _number(post.likes),
        _number(post.comments),
        _number(post.views),
        _number(post.engagement_rate),
        "yes" if post.in_engagement_rate else "no",
        "yes" if post.sponsored else "no",
        _text(post.disclosure or ""),
        _text(";".join(post.brand_safety)),
        source,
    ]


def posts_csv(report: ReportResponse) -> str:
    source = "demo (synthetic)" if report.is_demo else _text(report.source)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(post, source) for post in report.posts)
    return out.getvalue()


def csv_filename(report: ReportResponse) -> str:
    handle = _UNSAFE_FILENAME.sub("_", report.handle).strip("._") or "account"
    demo = "-demo" if report.is_demo else ""
    return f"{report.platform.value}-{handle}{demo}-posts.csv"
