"""The report's posts as CSV: one row per post with its per-post flags, for spreadsheets."""

from __future__ import annotations

import csv
import io
import re

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

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (the
# OWASP "CSV injection" advice): such text is prefixed with an apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def spreadsheet_text(value: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


_text = spreadsheet_text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _row(post: PostRow, source: str) -> list[str]:
    return [
        _text(post.id),
        post.published_at,
        _text(post.kind),
        _text(web_link(post.url) or ""),
        _number(post.likes),
        _number(post.comments),
        _number(post.views),
        _number(post.engagement_rate),
        "yes" if post.in_engagement_rate else "no",
        "yes" if post.sponsored else "no",
        post.disclosure or "",
        ";".join(post.brand_safety),
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
