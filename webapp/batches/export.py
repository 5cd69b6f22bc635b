"""A batch as CSV: one row per line, the same figures as its JSON status, for spreadsheets."""

from __future__ import annotations

import csv
import io
import re

from webapp.batches.models import BatchRowStatus
from webapp.report_csv import spreadsheet_text

COLUMNS = (
    "line",
    "input",
    "platform",
    "handle",
    "job_id",
    "deduplicated",
    "status",
    "phase",
    "percent",
    "score",
    "verdict",
    "veto",
    "engagement_rate_percent",
    "band_tier",
    "band_low_percent",
    "band_typical_percent",
    "band_high_percent",
    "engagement_vs_band",
    "genuine_audience_percent",
    "genuine_audience_low_percent",
    "genuine_audience_high_percent",
    "price_low_usd",
    "price_high_usd",
    "cost_per_genuine_viewer_usd",
    "followers",
    "data",
    "report_url",
    "error_code",
    "error_message",
)
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def _number(value: float | None) -> str:
    """Whole numbers in full (1083133, never 1.08313e+06); others to 10 significant digits."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.10g}"


def _row(row: BatchRowStatus) -> list[str]:
    engagement, audience, price = row.engagement, row.audience, row.price
    band = engagement.band if engagement else None
    interval = audience.interval if audience else None
    error_code = row.error.code if row.error else row.error_code
    error_message = row.error.message if row.error else row.error_message
    return [
        str(row.line),
        spreadsheet_text(row.input),
        row.platform.value if row.platform else "",
        spreadsheet_text(row.handle or ""),
        row.job_id or "",
        "yes" if row.deduplicated else "no",
        row.status,
        row.phase.value if row.phase else "",
        _number(row.percent),
        _number(row.score),
        row.verdict or "",
        spreadsheet_text(row.veto or ""),
        _number(engagement.rate if engagement else None),
        band.tier if band else "",
        _number(band.low if band else None),
        _number(band.typical if band else None),
        _number(band.high if band else None),
        (engagement.position or "") if engagement else "",
        _number(audience.genuine_share if audience else None),
        _number(interval[0] if interval else None),
        _number(interval[1] if interval else None),
        _number(price.low if price else None),
        _number(price.high if price else None),
        _number(price.cost_per_genuine_viewer if price else None),
        _number(row.followers),
        "" if row.is_demo is None else ("demo (synthetic)" if row.is_demo else "live"),
        row.report_url or "",
        error_code or "",
        spreadsheet_text(error_message or ""),
    ]


def batch_csv(rows: list[BatchRowStatus]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(row) for row in rows)
    return out.getvalue()


def batch_filename(batch_id: str, is_demo: bool) -> str:
    safe = _UNSAFE_FILENAME.sub("_", batch_id)[:36]
    return f"batch-{safe}{'-demo' if is_demo else ''}.csv"
