"""Several lines on one set of axes (up to four accounts), each told apart by colour, dash
pattern and end marker, all set by CSS classes (`chart__series--0` to `--3`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from webapp.charts.frame import ChartIds, Frame, axis_titles, document, y_axis
from webapp.charts.legend import LegendItem, legend
from webapp.charts.numbers import tick_labels
from webapp.charts.scale import LinearScale, nice_ticks, widen
from webapp.charts.svg import num, tag
from webapp.charts.time_axis import time_x_axis

HEIGHT = 260.0
MAX_SERIES = 4
_END = 4.0


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    points: Sequence[tuple[float, float]]  # (day number, value), any order
    tooltip: str  # on the line's end marker
    # With `point_tooltips` (one per point, in the same order), every point gets a dot.
    point_tooltips: Sequence[str] = ()


def _swatch(index: int) -> Callable[[float, float], Markup]:
    def draw(x: float, y: float) -> Markup:
        return tag(
            "g",
            tag("line", class_="chart__series-line", x1=x - 7, x2=x + 7, y1=y, y2=y),
            tag("circle", class_="chart__series-end", cx=x, cy=y, r=3),
            class_=f"chart__series chart__series--{index}",
        )

    return draw


def overlay_chart(
    *,
    kind: str,
    ids: ChartIds,
    title: str,
    desc: str,
    series: Sequence[Series],
    x_title: str,
    y_title: str,
) -> Markup:
    """Every series with at least one point, on a y axis fitted to all their values."""
    drawn = [(index, item) for index, item in enumerate(series[:MAX_SERIES]) if item.points]
    key, key_height = legend([LegendItem(item.label, _swatch(index)) for index, item in drawn])
    values = [value for _, item in drawn for _, value in item.points]
    days = [day for _, item in drawn for day, _ in item.points]
    low, high = widen(min(values), max(values))
    ticks = nice_ticks(low, high, 4)
    labels = tick_labels(ticks)
    frame = Frame.around(height=HEIGHT + key_height, y_labels=labels, top=key_height)
    y = LinearScale((ticks[0], ticks[-1]), (frame.bottom, frame.top))
    x, x_marks = time_x_axis(frame, min(days), max(days))
    lines = []
    for index, item in drawn:
        points = sorted(item.points)
        path = "M" + "L".join(f"{num(x(day))} {num(y(value))}" for day, value in points)
        last_day, last_value = points[-1]
        tips = item.point_tooltips
        tipped = sorted(zip(item.points, tips, strict=True), key=lambda p: p[0]) if tips else []
        dots = [
            tag("circle", tag("title", tip), class_="chart__series-end", cx=x(d), cy=y(v), r=_END)
            for (d, v), tip in tipped
        ]
        if not dots:
            dots = [
                tag(
                    "circle",
                    tag("title", item.tooltip),
                    class_="chart__series-end",
                    cx=x(last_day),
                    cy=y(last_value),
                    r=_END,
                )
            ]
        lines.append(
            tag(
                "g",
                tag("path", class_="chart__series-line", d=path),
                *dots,
                class_=f"chart__series chart__series--{index}",
            )
        )
    zero = []
    if ticks[0] < 0 < ticks[-1]:
        zero.append(
            tag("line", class_="chart__zero", x1=frame.left, x2=frame.right, y1=y(0), y2=y(0))
        )
    return document(
        kind=kind,
        frame=frame,
        ids=ids,
        title=title,
        desc=desc,
        body=[
            key,
            y_axis(frame, y, ticks, labels),
            *zero,
            x_marks,
            *lines,
            axis_titles(frame, x_title=x_title, y_title=y_title),
        ],
    )
