"""Dots over time: one value per moment, with an optional shaded reference band behind them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from webapp.charts.frame import ChartIds, Frame, axis_titles, document, y_axis
from webapp.charts.legend import LegendItem, legend
from webapp.charts.numbers import tick_labels
from webapp.charts.scale import LinearScale, nice_ticks
from webapp.charts.svg import tag
from webapp.charts.time_axis import time_x_axis

HEIGHT = 280.0
_RADIUS = 4.0  # an emphasised dot; plain dots are smaller, rings larger
_RING = 7.0


@dataclass(frozen=True, slots=True)
class Dot:
    day: float  # day number (see time_axis.day_number)
    value: float
    tooltip: str
    emphasised: bool  # drawn larger and filled (e.g. counted in the rate)
    ringed: bool  # circled (e.g. sponsored)


@dataclass(frozen=True, slots=True)
class Band:
    low: float
    typical: float
    high: float
    label: str


@dataclass(frozen=True, slots=True)
class DotLegend:
    emphasised: str
    plain: str
    ringed: str


def _emphasised(x: float, y: float, *tooltip: Markup) -> Markup:
    return tag(
        "circle", *tooltip, class_="chart__point chart__point--emphasised", cx=x, cy=y, r=_RADIUS
    )


def _plain(x: float, y: float, *tooltip: Markup) -> Markup:
    return tag(
        "circle", *tooltip, class_="chart__point chart__point--plain", cx=x, cy=y, r=_RADIUS - 1
    )


def _ring(x: float, y: float) -> Markup:
    return tag("circle", class_="chart__ring", cx=x, cy=y, r=_RING)


def _ring_swatch(x: float, y: float) -> Markup:
    return tag("circle", class_="chart__ring", cx=x, cy=y, r=_RING - 2)


def _band_swatch(x: float, y: float) -> Markup:
    return tag("rect", class_="chart__band", x=x - 6, y=y - 5, width=12, height=10)


def dot_chart(
    *,
    kind: str,
    ids: ChartIds,
    title: str,
    desc: str,
    dots: Sequence[Dot],
    band: Band | None,
    legend_labels: DotLegend,
    x_title: str,
    y_title: str,
) -> Markup:
    """Dots at (day, value) on a y axis from 0; the band, if any, shaded from low to high,
    with a dashed line at its typical value and its label in the legend."""
    items = []
    if any(dot.emphasised for dot in dots):
        items.append(LegendItem(legend_labels.emphasised, _emphasised))
    if not all(dot.emphasised for dot in dots):
        items.append(LegendItem(legend_labels.plain, _plain))
    if any(dot.ringed for dot in dots):
        items.append(LegendItem(legend_labels.ringed, _ring_swatch))
    if band is not None:
        # The band's label goes in the legend: inside the plot, dots would cover it.
        items.append(LegendItem(band.label, _band_swatch))
    key, key_height = legend(items)

    top = max([dot.value for dot in dots] + ([band.high] if band else []))
    ticks = nice_ticks(0.0, top * 1.05, 4)  # headroom, so the highest dot is not on the edge
    labels = tick_labels(ticks)
    frame = Frame.around(height=HEIGHT + key_height, y_labels=labels, top=key_height)
    y = LinearScale((ticks[0], ticks[-1]), (frame.bottom, frame.top))
    x, x_marks = time_x_axis(frame, min(dot.day for dot in dots), max(dot.day for dot in dots))

    body = [key]
    if band is not None:
        body.append(_band(frame, y, band))
    body += [y_axis(frame, y, ticks, labels), x_marks]
    marks: list[Markup] = []
    rings: list[Markup] = []
    # Plain dots first, so the emphasised ones are drawn on top where they overlap.
    for dot in sorted(dots, key=lambda dot: (dot.emphasised, dot.day)):
        cx, cy = x(dot.day), y(dot.value)
        draw = _emphasised if dot.emphasised else _plain
        marks.append(draw(cx, cy, tag("title", dot.tooltip)))
        if dot.ringed:
            rings.append(_ring(cx, cy))
    body += [tag("g", *marks, class_="chart__points"), tag("g", *rings, class_="chart__rings")]
    body.append(axis_titles(frame, x_title=x_title, y_title=y_title))
    return document(kind=kind, frame=frame, ids=ids, title=title, desc=desc, body=body)


def _band(frame: Frame, y: LinearScale, band: Band) -> Markup:
    high, low = y(band.high), y(band.low)
    return tag(
        "g",
        tag(
            "rect",
            class_="chart__band",
            x=frame.left,
            y=high,
            width=frame.plot_width,
            height=max(low - high, 1.0),
        ),
        tag(
            "line",
            class_="chart__band-typical",
            x1=frame.left,
            x2=frame.right,
            y1=y(band.typical),
            y2=y(band.typical),
        ),
        class_="chart__benchmark",
    )
