"""What a chart shows instead when the data cannot support it."""

from __future__ import annotations

from markupsafe import Markup

from webapp.charts.svg import tag


def not_enough(n: int, why: str) -> Markup:
    """`<p class="chart-empty">Not enough data (n=3): why</p>`, worded like the report's metrics."""
    return tag("p", f"Not enough data (n={n}): {why}", class_="chart-empty")
