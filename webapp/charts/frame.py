"""A chart's frame: the `<svg>` document, its plot area, axes, grid lines and axis titles.

Every chart is drawn in a fixed coordinate system (`viewBox`) of `WIDTH` units and no fixed
size, so it scales to its container. Text sizes are in the same units; `text_width` estimates
a label's width so labels can be spaced without a font at hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from webapp.charts.scale import LinearScale
from webapp.charts.svg import SVG_NS, tag

WIDTH = 400.0
FONT_SIZE = 13.0
_CHAR_WIDTH = 0.6 * FONT_SIZE  # a generous average advance of digits and letters
_TICK = 4.0  # length of a tick mark
_GAP = 6.0  # between a tick and its label


def text_width(text: str) -> float:
    return len(text) * _CHAR_WIDTH


@dataclass(frozen=True, slots=True)
class ChartIds:
    """The ids of a chart's `<title>` and `<desc>`, unique on the page."""

    title: str
    desc: str

    @classmethod
    def of(cls, prefix: str) -> ChartIds:
        return cls(title=f"{prefix}-title", desc=f"{prefix}-desc")


@dataclass(frozen=True, slots=True)
class Frame:
    """The whole drawing (width x height) and the plot area: its left, top, right, bottom edges."""

    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float

    @classmethod
    def around(cls, *, height: float, y_labels: Sequence[str], top: float = 0.0) -> Frame:
        """Margins that fit the y tick labels, the rotated y title and the x labels and title.

        `top` is room taken above the plot (a legend); a little more keeps the top label whole.
        """
        label = max((text_width(text) for text in y_labels), default=0.0)
        left = FONT_SIZE + 8 + label + _GAP + _TICK
        return cls(
            width=WIDTH,
            height=height,
            left=left,
            top=top + FONT_SIZE + 4,
            right=WIDTH - 14,
            bottom=height - (2 * FONT_SIZE + _TICK + _GAP + 14),
        )

    @property
    def plot_width(self) -> float:
        return self.right - self.left


def document(
    *, kind: str, frame: Frame, ids: ChartIds, title: str, desc: str, body: Sequence[Markup]
) -> Markup:
    return tag(
        "svg",
        tag("title", title, id=ids.title),
        tag("desc", desc, id=ids.desc),
        *body,
        xmlns=SVG_NS,
        viewBox=f"0 0 {frame.width:g} {frame.height:g}",
        class_=f"chart chart--{kind}",
        role="img",
        aria_labelledby=f"{ids.title} {ids.desc}",
        font_size=FONT_SIZE,
    )


def y_axis(
    frame: Frame, scale: LinearScale, ticks: Sequence[float], labels: Sequence[str]
) -> Markup:
    """Horizontal grid lines at the ticks with their labels left of the plot."""
    parts: list[Markup] = []
    for value, label in zip(ticks, labels, strict=True):
        y = scale(value)
        parts.append(tag("line", class_="chart__grid", x1=frame.left, x2=frame.right, y1=y, y2=y))
        parts.append(
            tag(
                "text",
                label,
                class_="chart__tick-label",
                x=frame.left - _GAP,
                y=y,
                dy="0.32em",
                text_anchor="end",
            )
        )
    return tag("g", *parts, class_="chart__y-axis")


def x_axis(frame: Frame, ticks: Sequence[tuple[float, str]], *, marks: bool = True) -> Markup:
    """The baseline, and tick marks with labels below it at x positions (already scaled).

    A label that would stick out of the drawing is pulled in, so no text is cut off.
    """
    parts = [
        tag(
            "line",
            class_="chart__axis",
            x1=frame.left,
            x2=frame.right,
            y1=frame.bottom,
            y2=frame.bottom,
        )
    ]
    for x, label in ticks:
        if marks:
            parts.append(
                tag(
                    "line",
                    class_="chart__tick",
                    x1=x,
                    x2=x,
                    y1=frame.bottom,
                    y2=frame.bottom + _TICK,
                )
            )
        half = text_width(label) / 2
        centre = min(max(x, half + 2), frame.width - half - 2)
        parts.append(
            tag(
                "text",
                label,
                class_="chart__tick-label",
                x=centre,
                y=frame.bottom + _TICK + _GAP + FONT_SIZE * 0.8,
                text_anchor="middle",
            )
        )
    return tag("g", *parts, class_="chart__x-axis")


def labels_fit(positions: Sequence[float], labels: Sequence[str]) -> bool:
    """Whether labels centred at these x positions keep clear of each other."""
    for index in range(1, len(positions)):
        room = positions[index] - positions[index - 1]
        if room < (text_width(labels[index - 1]) + text_width(labels[index])) / 2 + 8:
            return False
    return True


def axis_titles(frame: Frame, *, x_title: str, y_title: str) -> Markup:
    middle_y = (frame.top + frame.bottom) / 2
    return tag(
        "g",
        tag(
            "text",
            x_title,
            class_="chart__axis-title",
            x=(frame.left + frame.right) / 2,
            y=frame.height - 4,
            text_anchor="middle",
        ),
        tag(
            "text",
            y_title,
            class_="chart__axis-title",
            x=FONT_SIZE,
            y=middle_y,
            transform=f"rotate(-90 {FONT_SIZE:g} {middle_y:.1f})",
            text_anchor="middle",
        ),
    )
