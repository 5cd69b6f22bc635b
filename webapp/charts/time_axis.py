"""Time on an x axis: moments as day numbers, and ticks on round dates (days, weeks, months)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from markupsafe import Markup

from webapp.charts.frame import Frame, labels_fit, x_axis
from webapp.charts.scale import LinearScale

SECONDS_PER_DAY = 86_400.0
_EPOCH = date(1970, 1, 1)
_INSET = 8.0  # room between the plot's edges and the first and last moments
_MIN_SPAN = 2.0  # days


def day_number(moment: datetime | date) -> float:
    """Days since 1970-01-01 UTC; a date counts from its midnight."""
    if isinstance(moment, datetime):
        return moment.timestamp() / SECONDS_PER_DAY
    return float((moment - _EPOCH).days)


def day_of(number: float) -> date:
    return _EPOCH + timedelta(days=int(number // 1))


# English month names whatever the process locale (strftime's %b follows it).
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_label(day: date) -> str:
    return MONTHS[day.month - 1]


def day_label(day: date) -> str:
    """A tick or a short mention: "3 Mar"."""
    return f"{day.day} {month_label(day)}"


def date_label(day: date | datetime) -> str:
    """A date in a sentence: "3 Mar 2026"."""
    if isinstance(day, datetime):
        day = day.astimezone(UTC).date()
    return f"{day.day} {month_label(day)} {day.year}"


def _every_days(step: int, monday: bool) -> Callable[[date, date], Iterator[date]]:
    def dates(first: date, last: date) -> Iterator[date]:
        # Weekly steps fall on Mondays; other day steps on days a whole number of steps
        # from the epoch, so the ticks do not shift when the data starts a day later.
        anchor = 4 if monday else 0  # 1970-01-05 was a Monday
        offset = ((first - _EPOCH).days - anchor) % step
        day = first if offset == 0 else first + timedelta(days=step - offset)
        while day <= last:
            yield day
            day += timedelta(days=step)

    return dates


def _every_months(step: int) -> Callable[[date, date], Iterator[date]]:
    def dates(first: date, last: date) -> Iterator[date]:
        index = first.year * 12 + first.month - 1
        if first.day != 1:
            index += 1
        index += -index % step
        while True:
            day = date(index // 12, index % 12 + 1, 1)
            if day > last:
                return
            yield day
            index += step

    return dates


# (approximate length of a step in days, the tick dates of that step), finest first.
_STEPS: list[tuple[float, Callable[[date, date], Iterator[date]]]] = [
    *((days, _every_days(days, monday=days >= 7)) for days in (1, 2, 7, 14)),
    *((months * 30.44, _every_months(months)) for months in (1, 2, 3, 6, 12, 24, 60, 120)),
]


def _month_labels(days: list[date]) -> list[str]:
    # The year goes on the first tick and on every January, so each tick can be placed.
    return [
        f"{month_label(day)} {day.year}" if index == 0 or day.month == 1 else month_label(day)
        for index, day in enumerate(days)
    ]


def date_ticks(
    start: float, end: float, max_ticks: int, fits: Callable[[list[float], list[str]], bool]
) -> list[tuple[float, str]]:
    """Ticks (day number, label) on round dates within [start, end].

    Steps are tried finest first (1, 2, 7, 14 days, then 1, 2, 3, 6, 12 ... months); the first
    with at most `max_ticks` ticks whose labels `fits` accepts wins, else the coarsest.
    """
    first, last = day_of(start), day_of(end)
    if day_number(first) < start:
        first += timedelta(days=1)
    ticks: list[tuple[float, str]] = []
    for length, dates in _STEPS:
        if (end - start) / length > max_ticks:
            continue  # too many ticks: skip without making their labels
        days = list(dates(first, last))
        if len(days) > max_ticks:
            continue
        labels = [day_label(day) for day in days] if length < 28 else _month_labels(days)
        positions = [day_number(day) for day in days]
        ticks = list(zip(positions, labels, strict=True))
        if fits(positions, labels):
            break
    return ticks


def time_x_axis(frame: Frame, start: float, end: float) -> tuple[LinearScale, Markup]:
    """A scale from day numbers to x, inset so marks at the ends stay whole, and its axis.

    Moments less than two days apart (or a single one) get a two-day window around their
    middle, so they read as close together and the axis still has a date on it.
    """
    if end - start < _MIN_SPAN:
        middle = (start + end) / 2
        start, end = middle - _MIN_SPAN / 2, middle + _MIN_SPAN / 2
    scale = LinearScale((start, end), (frame.left + _INSET, frame.right - _INSET))

    def fits(positions: list[float], labels: list[str]) -> bool:
        return labels_fit([scale(day) for day in positions], labels)

    max_ticks = max(2, int(frame.plot_width // 40))
    ticks = date_ticks(start, end, max_ticks, fits)
    return scale, x_axis(frame, [(scale(day), label) for day, label in ticks])
