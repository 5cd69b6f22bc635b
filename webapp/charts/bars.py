"""Vertical bars in equal slots (weeks, histogram bins), each with its count written above it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from webapp.charts.frame import (
    ChartIds,
    Frame,
    axis_titles,
    document,
    labels_fit,
    text_width,
    x_axis,
    y_axis,
)
from webapp.charts.numbers import compact, tick_labels
from webapp.charts.scale import LinearScale, nice_ticks
from webapp.charts.svg import tag

HEIGHT = 250.0


@dataclass(frozen=True, slots=True)
class Bar:
    count: int
    tooltip: str


@dataclass(frozen=True, slots=True)
class SlotLabel:
    """An x label at a slot position: i + 0.5 is the middle of bar i, i its left edge."""

    slot: float
    text: str


def bar_chart(
    *,
    kind: str,
    ids: ChartIds,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    x_labels: Sequence[SlotLabel],
    x_title: str,
    y_title: str,
    gap: float,
) -> Markup:
    """One bar per slot, height proportional to its count from 0; `gap` is the share of a slot
    left empty between bars (0 for a histogram, whose bins touch)."""
    ticks = nice_ticks(0.0, max([bar.count for bar in bars] + [1]), 4, integer=True)
    labels = tick_labels(ticks)
    frame = Frame.around(height=HEIGHT, y_labels=labels)
    y = LinearScale((ticks[0], ticks[-1]), (frame.bottom, frame.top))
    slot = frame.plot_width / len(bars)

    def slot_x(position: float) -> float:
        return frame.left + position * slot

    counts_fit = all(text_width(compact(bar.count)) + 2 <= slot for bar in bars)
    rects: list[Markup] = []
    values: list[Markup] = []
    for index, bar in enumerate(bars):
        top = y(bar.count)
        rects.append(
            tag(
                "rect",
                tag("title", bar.tooltip),
                class_="chart__bar",
                x=slot_x(index) + slot * gap / 2,
                y=top,
                width=max(slot * (1 - gap) - (0 if gap else 1), 0.5),
                height=frame.bottom - top,
            )
        )
        if counts_fit:
            values.append(
                tag(
                    "text",
                    compact(bar.count),
                    class_="chart__bar-value",
                    x=slot_x(index + 0.5),
                    y=top - 4,
                    text_anchor="middle",
                )
            )
    return document(
        kind=kind,
        frame=frame,
        ids=ids,
        title=title,
        desc=desc,
        body=[
            y_axis(frame, y, ticks, labels),
            tag("g", *rects, class_="chart__bars"),
            tag("g", *values, class_="chart__bar-values"),
            x_axis(frame, [(slot_x(label.slot), label.text) for label in _thinned(x_labels, slot)]),
            axis_titles(frame, x_title=x_title, y_title=y_title),
        ],
    )


def _thinned(labels: Sequence[SlotLabel], slot: float) -> Sequence[SlotLabel]:
    """Every label if they fit, else every 2nd, 3rd ... counted back from the last one."""
    for step in range(1, len(labels) + 1):
        kept = labels[::-1][::step][::-1]
        if labels_fit([label.slot * slot for label in kept], [label.text for label in kept]):
            return kept
    return labels[-1:]
