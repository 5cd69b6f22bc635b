"""A finished batch as a table: the batch page's columns, worded as the page words them (its
`BatchRowView`), best first."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from webapp.batches.models import BatchRowStatus
from webapp.client.summary import DEMO_LABEL, VERDICT_STYLES
from webapp.routes.batch_view import DASH, BatchRowView

# Recommended before review before avoid: a vetoed account is avoid whatever its score, so the
# verdict ranks first and the score orders within it.
VERDICT_RANK = {"recommended": 0, "review": 1, "avoid": 2}
STATUS_STYLES = {"completed": "green", "failed": "bold red", "expired": "red"}


def best_first(row: BatchRowStatus) -> tuple[int, float, int]:
    """Verdict, then score (highest first); rows without a verdict (failed, expired, still
    running) last; ties in line order."""
    rank = VERDICT_RANK.get(row.verdict or "", len(VERDICT_RANK))
    return (rank, -(row.score if row.score is not None else -1.0), row.line)


def batch_rows(batch: dict[str, Any]) -> list[BatchRowView]:
    """The lines with a job, best first (bad lines were reported when the batch was sent)."""
    rows = [BatchRowStatus.model_validate(row) for row in batch.get("rows", [])]
    return [BatchRowView(row) for row in sorted(rows, key=best_first) if row.job_id is not None]


def _cell(value: str, note: str = "") -> str:
    if not value:
        return DASH
    return f"{value} {note}" if note else value


def _interval(view: BatchRowView) -> str:
    """`(83-99.4)`, with an en dash: the genuine share's 95 % interval (see the heading)."""
    interval = view.row.audience.interval if view.row.audience else None
    if interval is None:
        return ""
    low, high = (f"{value:.1f}".removesuffix(".0") for value in interval)
    return f"({low}{DASH}{high})"


def _status(view: BatchRowView) -> Text:
    text = Text(view.status_label, style=STATUS_STYLES.get(view.status, ""))
    if view.row.status == "failed" and view.row.error_code:
        text.append(f" ({view.row.error_code})")
    return text


def rows_table(batch: dict[str, Any]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Line", justify="right")
    table.add_column("Account")
    table.add_column("Platform")
    table.add_column("Status")
    table.add_column("Score", justify="right")
    table.add_column("Verdict")
    table.add_column("Engagement vs band")
    table.add_column("Genuine audience (95 % CI)")
    table.add_column("Fair price per post")
    for view in batch_rows(batch):
        table.add_row(
            str(view.line),
            view.handle,
            view.platform,
            _status(view),
            view.score or DASH,
            Text(view.verdict_label or DASH, style=VERDICT_STYLES.get(view.verdict, "")),
            _cell(view.engagement, view.band),
            _cell(view.audience, _interval(view)),
            _cell(view.price),
        )
    return table


def totals_line(batch: dict[str, Any]) -> str:
    counts = batch.get("counts") or {}
    failed = counts.get("failed", 0) + counts.get("expired", 0)
    text = f"{counts.get('completed', 0)} of {batch.get('total', 0)} completed, {failed} failed"
    rejected = batch.get("rejected", 0)
    if rejected:
        text += f"; {rejected} bad line{'s' if rejected != 1 else ''} not analysed"
    return text + "."


def print_results(console: Console, batch: dict[str, Any], batch_url: str) -> None:
    if batch.get("is_demo"):
        console.print(DEMO_LABEL, style="bold magenta", markup=False, highlight=False)
    console.print(rows_table(batch))
    console.print(totals_line(batch), markup=False, highlight=False)
    console.print(f"Batch: {batch_url}", markup=False, highlight=False)
