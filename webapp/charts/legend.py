"""A legend above the plot: a swatch and a label per item, wrapped onto as many rows as needed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from webapp.charts.frame import FONT_SIZE, WIDTH, text_width
from webapp.charts.svg import tag

ROW_HEIGHT = FONT_SIZE + 8
_SWATCH = 12.0
_MARGIN = 8.0


@dataclass(frozen=True, slots=True)
class LegendItem:
    label: str
    swatch: Callable[[float, float], Markup]  # draws the item's mark centred on (x, y)


def legend(items: Sequence[LegendItem]) -> tuple[Markup, float]:
    """The legend's markup, from the top of the drawing, and the height it takes."""
    if not items:
        return Markup(""), 0.0
    parts: list[Markup] = []
    x, row = _MARGIN, 0
    for item in items:
        width = _SWATCH + 4 + text_width(item.label)
        if x > _MARGIN and x + width > WIDTH - _MARGIN:
            x, row = _MARGIN, row + 1
        middle = _MARGIN + row * ROW_HEIGHT + ROW_HEIGHT / 2
        parts.append(item.swatch(x + _SWATCH / 2, middle))
        parts.append(
            tag(
                "text",
                item.label,
                class_="chart__legend-label",
                x=x + _SWATCH + 4,
                y=middle,
                dy="0.32em",
            )
        )
        x += width + 14
    return tag("g", *parts, class_="chart__legend"), _MARGIN + (row + 1) * ROW_HEIGHT
