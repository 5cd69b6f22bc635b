"""A finished batch as a table: one line per row with a job, best score first."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from webapp.client.summary import DEMO_LABEL, PLATFORMS, VERDICT_STYLES, VERDICTS

NONE = "-"


def score_order(row: dict[str, Any]) -> tuple[int, float, int]:
    """Best score first; rows without a score (failed, expired) last; ties in line order."""
    score = row.get("score")
    if isinstance(score, int | float):
        return (0, -float(score), int(row.get("line", 0)))
    return (1, 0.0, int(row.get("line", 0)))


def verdict_cell(row: dict[str, Any]) -> Text:
    status = row.get("status")
    if status == "completed":
        verdict = str(row.get("verdict"))
        return Text(VERDICTS.get(verdict, "No verdict"), style=VERDICT_STYLES.get(verdict, ""))
    if status == "failed":
        return Text("Failed", style="bold red")
    if status == "expired":
        return Text("Expired", style="red")
    return Text(str(status).capitalize())


def score_cell(row: dict[str, Any]) -> str:
    score = row.get("score")
    return f"{score:.0f}" if isinstance(score, int | float) else NONE


def engagement_cell(row: dict[str, Any]) -> str:
    """`0.08% below 1.00-3.50%`: the median rate, where it sits, and the tier's band."""
    engagement = row.get("engagement") or {}
    rate = engagement.get("rate")
    if not isinstance(rate, int | float):
        return NONE
    text = f"{rate:.2f}%"
    band = engagement.get("band")
    if isinstance(band, dict) and engagement.get("position"):
        text += f" {engagement['position']} {band['low']:.2f}-{band['high']:.2f}%"
    return text


def audience_cell(row: dict[str, Any]) -> str:
    """`12% (6-24%)`: the genuine share with its 95 % interval."""
    audience = row.get("audience") or {}
    share = audience.get("genuine_share")
    if not isinstance(share, int | float):
        return NONE
    interval = audience.get("interval")
    if isinstance(interval, list | tuple) and len(interval) == 2:
        return f"{share:.0f}% ({interval[0]:.0f}-{interval[1]:.0f}%)"
    return f"{share:.0f}%"


def price_cell(row: dict[str, Any]) -> str:
    """`$1,200-3,400`: the fair price per post."""
    price = row.get("price") or {}
    low, high = price.get("low"), price.get("high")
    if isinstance(low, int | float) and isinstance(high, int | float):
        return f"${low:,.0f}-{high:,.0f}"
    if isinstance(low, int | float):
        return f"${low:,.0f}"
    return NONE


def report_cell(row: dict[str, Any], base_url: str) -> str:
    if row.get("status") == "completed" and row.get("job_id"):
        return f"{base_url}/reports/{row['job_id']}"
    if row.get("status") == "failed":
        return str(row.get("error_code") or "failed")
    return NONE


def rows_table(batch: dict[str, Any], base_url: str) -> Table:
    """Every line with a job (bad lines were reported when the batch was sent)."""
    rows = sorted((r for r in batch.get("rows", []) if r.get("job_id")), key=score_order)
    title = "Batch results"
    if batch.get("is_demo"):
        title += " (DEMO DATA)"
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Line", justify="right")
    table.add_column("Handle")
    table.add_column("Platform")
    table.add_column("Verdict")
    table.add_column("Score", justify="right")
    table.add_column("Engagement vs band")
    table.add_column("Genuine audience")
    table.add_column("Price/post")
    table.add_column("Report", overflow="fold")
    for row in rows:
        platform = str(row.get("platform") or "")
        table.add_row(
            str(row.get("line", "")),
            str(row.get("handle") or row.get("input") or ""),
            PLATFORMS.get(platform, platform),
            verdict_cell(row),
            score_cell(row),
            engagement_cell(row),
            audience_cell(row),
            price_cell(row),
            report_cell(row, base_url),
        )
    return table


def print_results(console: Console, batch: dict[str, Any], base_url: str) -> None:
    if batch.get("is_demo"):
        console.print(DEMO_LABEL, style="bold magenta", markup=False, highlight=False)
    console.print(rows_table(batch, base_url))
    counts = batch.get("counts") or {}
    console.print(
        f"{counts.get('completed', 0)} of {batch.get('total', 0)} completed, "
        f"{counts.get('failed', 0) + counts.get('expired', 0)} failed, "
        f"{batch.get('rejected', 0)} bad lines skipped. "
        f"Batch: {base_url}/batches/{batch.get('batch_id', '')}",
        markup=False,
        highlight=False,
    )
