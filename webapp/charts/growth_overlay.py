"""Follower growth of the compared accounts on one chart: each line is the percent change of
the account's followers since a common start day, so a 10,000-follower account and a
1-million one share an axis."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

from webapp.charts.empty import not_enough
from webapp.charts.frame import ChartIds
from webapp.charts.overlay import Series, overlay_chart
from webapp.charts.time_axis import date_label, day_number
from webapp.handles import shown_handle
from webapp.models import FollowerPoint, ReportResponse

MIN_DAYS = 2


def _start(histories: Sequence[Sequence[FollowerPoint]]) -> date | None:
    """The latest first day of all the histories, when every history reaches it: each line
    starts there at 0 %. None when they do not overlap (each then starts at its own first)."""
    firsts = [date.fromisoformat(history[0].day) for history in histories]
    lasts = [date.fromisoformat(history[-1].day) for history in histories]
    start = max(firsts)
    return start if start <= min(lasts) else None


def growth_overlay(reports: Sequence[ReportResponse], ids: ChartIds) -> Markup:
    usable = [r for r in reports if len(r.follower_history) >= MIN_DAYS]
    if len(usable) < 1:
        return not_enough(0, f"no report has follower counts on {MIN_DAYS} days or more.")
    start = _start([r.follower_history for r in usable])
    series = []
    sentences = []
    for report in reports:
        who = shown_handle(report.handle, report.platform)
        history = [
            point
            for point in report.follower_history
            if start is None or date.fromisoformat(point.day) >= start
        ]
        if len(history) < MIN_DAYS or history[0].followers <= 0:
            series.append(Series(who, [], ""))
            sentences.append(f"{who}: not enough follower history.")
            continue
        base = history[0].followers
        points = [
            (day_number(date.fromisoformat(p.day)), (p.followers - base) / base * 100)
            for p in history
        ]
        change = points[-1][1]
        last = date.fromisoformat(history[-1].day)
        tooltip = f"{who}: {change:+.1f} % ({base:,} to {history[-1].followers:,} followers)"
        series.append(Series(who, points, tooltip))
        sentences.append(
            f"{who}: {change:+.1f} % from {date_label(date.fromisoformat(history[0].day))} "
            f"to {date_label(last)} ({base:,} to {history[-1].followers:,} followers)."
        )
    since = f"since {date_label(start)}" if start is not None else "since each first day"
    return overlay_chart(
        kind="growth-overlay",
        ids=ids,
        title=f"Follower growth {since}, in percent",
        desc=" ".join(sentences),
        series=series,
        x_title="Day",
        y_title="Followers, change (%)",
    )
