"""A line through one value per day, with some days marked (follower spikes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from webapp.charts.frame import ChartIds, Frame, axis_titles, document, y_axis
from webapp.charts.legend import LegendItem, legend
from webapp.charts.numbers import tick_labels
from webapp.charts.scale import LinearScale, nice_ticks, widen
from webapp.charts.svg import num, tag
from webapp.charts.time_axis import time_x_axis

HEIGHT = 250.0
_MARKER = 5.0


@dataclass(frozen=True, slots=True)
class DayValue:
    day: float  # day number (see time_axis.day_number)
    value: float
    marked: bool
    tooltip: str  # shown on a marked day's marker


def _marker(x: float, y: float, *tooltip: Markup) -> Markup:
    # A diamond, so a marked day differs from the line by shape as well as by colour.
    r = _MARKER
    path = (
        f"M{num(x)} {num(y - r)}L{num(x + r)} {num(y)}L{num(x)} {num(y + r)}L{num(x - r)} {num(y)}Z"
    )
    return tag("path", *tooltip, class_="chart__spike", d=path)


def line_chart(
    *,
    kind: str,
    ids: ChartIds,
    title: str,
    desc: str,
    points: Sequence[DayValue],
    marked_label: str,
    x_title: str,
    y_title: str,
    counts: bool,
) -> Markup:
    """The values joined in day order on a y axis fitted to their range (not from 0).

    With `counts`, the y ticks are whole numbers.
    """
    points = sorted(points, key=lambda point: point.day)
    key, key_height = legend(
        [LegendItem(marked_label, _marker)] if any(point.marked for point in points) else []
    )
    low, high = widen(min(point.value for point in points), max(point.value for point in points))
    ticks = nice_ticks(low, high, 4, integer=counts)
    labels = tick_labels(ticks)
    frame = Frame.around(height=HEIGHT + key_height, y_labels=labels, top=key_height)
    y = LinearScale((ticks[0], ticks[-1]), (frame.bottom, frame.top))
    x, x_marks = time_x_axis(frame, points[0].day, points[-1].day)
    path = "M" + "L".join(f"{num(x(point.day))} {num(y(point.value))}" for point in points)
    markers = [
        _marker(x(point.day), y(point.value), tag("title", point.tooltip))
        for point in points
        if point.marked
    ]
    return document(
        kind=kind,
        frame=frame,
        ids=ids,
        title=title,
        desc=desc,
        body=[
            key,
            y_axis(frame, y, ticks, labels),
            x_marks,
            tag("path", class_="chart__line", d=path),
            tag("g", *markers, class_="chart__spikes"),
            axis_titles(frame, x_title=x_title, y_title=y_title),
        ],
    )
