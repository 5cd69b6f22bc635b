"""The report page's four charts, drawn from the report model as inline SVG.

Each chart is either a complete `<svg>` or, when the report's data cannot support it, a short
"Not enough data (n=...)" paragraph, so the page can place all four without asking first.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from webapp.charts.bars import Bar, SlotLabel, bar_chart
from webapp.charts.binning import Bin, count_bins
from webapp.charts.dots import Band, Dot, DotLegend, dot_chart
from webapp.charts.empty import not_enough
from webapp.charts.frame import ChartIds
from webapp.charts.line import DayValue, line_chart
from webapp.charts.numbers import compact
from webapp.charts.time_axis import date_label, day_label, day_number
from webapp.charts.weeks import weekly_counts
from webapp.clock import parse_iso
from webapp.handles import shown_handle
from webapp.models import ReportResponse

MIN_RATES = 2
MIN_LIKES = 3
MIN_POSTS = 1
MIN_DAYS = 2
CADENCE_WEEKS = 12
DASH = "\u2013"  # en dash, between the ends of a range


@dataclass(frozen=True, slots=True)
class ReportCharts:
    engagement: Markup
    likes: Markup
    cadence: Markup
    followers: Markup


def charts_of(report: ReportResponse, *, id_prefix: str | None = None) -> ReportCharts:
    """The four charts; ids start with `id_prefix`, by default one made from the job id.

    Characters other than letters, digits, `-` and `_` become `-`: `aria-labelledby` is a
    space-separated list of ids.
    """
    prefix = _slug(id_prefix if id_prefix is not None else f"chart-{report.job_id}")
    return ReportCharts(
        engagement=engagement_chart(report, ChartIds.of(f"{prefix}-engagement")),
        likes=likes_chart(report, ChartIds.of(f"{prefix}-likes")),
        cadence=cadence_chart(report, ChartIds.of(f"{prefix}-cadence")),
        followers=followers_chart(report, ChartIds.of(f"{prefix}-followers")),
    )


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def _who(report: ReportResponse) -> str:
    return shown_handle(report.handle, report.platform)


def _percent(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def engagement_chart(report: ReportResponse, ids: ChartIds) -> Markup:
    rated = [
        (parse_iso(post.published_at), post.engagement_rate, post)
        for post in report.posts
        if post.engagement_rate is not None
    ]
    if len(rated) < MIN_RATES:
        return not_enough(
            len(rated), f"the chart needs at least {MIN_RATES} posts with an engagement rate."
        )
    dots = []
    for moment, rate, post in rated:
        notes = ["counted in the rate" if post.in_engagement_rate else "older, not counted"]
        if post.sponsored:
            notes.append("sponsored")
        dots.append(
            Dot(
                day=day_number(moment),
                value=rate,
                tooltip=f"{date_label(moment)}: {rate:.2f} % ({', '.join(notes)})",
                emphasised=post.in_engagement_rate,
                ringed=post.sponsored,
            )
        )
    moments = [moment for moment, _, _ in rated]
    rates = [rate for _, rate, _ in rated]
    counted = sum(dot.emphasised for dot in dots)
    sponsored = sum(dot.ringed for dot in dots)
    desc = (
        f"Engagement rate of {_plural(len(dots), 'post')} published from "
        f"{date_label(min(moments))} to {date_label(max(moments))}: from {min(rates):.2f} % "
        f"to {max(rates):.2f} %. {counted:,} counted in the engagement rate (large dots), "
        f"{len(dots) - counted:,} older (small dots), {sponsored:,} sponsored (ringed)."
    )
    band = None
    benchmark = report.benchmark
    if benchmark is not None:
        low, high = _percent(benchmark.low), _percent(benchmark.high)
        band = Band(
            low=benchmark.low,
            typical=benchmark.typical,
            high=benchmark.high,
            label=f"Usual for {benchmark.tier} tier: {low}{DASH}{high} %",
        )
        desc += (
            f" Shaded: the usual range of the {benchmark.tier} tier, {low} % to {high} % "
            f"(typical {_percent(benchmark.typical)} %; {benchmark.source})."
        )
    return dot_chart(
        kind="engagement",
        ids=ids,
        title=f"Engagement rate per post of {_who(report)}",
        desc=desc,
        dots=dots,
        band=band,
        legend_labels=DotLegend(
            emphasised="Counted in the rate", plain="Older post", ringed="Sponsored"
        ),
        x_title="Published",
        y_title="Engagement rate (%)",
    )


def likes_chart(report: ReportResponse, ids: ChartIds) -> Markup:
    likes = [post.likes for post in report.posts if post.likes is not None]
    if len(likes) < MIN_LIKES:
        return not_enough(len(likes), f"the chart needs the likes of at least {MIN_LIKES} posts.")
    bins = count_bins(likes)
    bars = [
        Bar(item.count, f"{_likes_range(item)}: {_plural(item.count, 'post')}") for item in bins
    ]
    edges = [SlotLabel(index, compact(item.start)) for index, item in enumerate(bins)]
    edges.append(SlotLabel(len(bins), compact(bins[-1].end)))
    top = max(item.count for item in bins)
    commonest = [_likes_range(item) for item in bins if item.count == top]
    low, high = min(likes), max(likes)
    desc = (
        f"Likes per post of {_plural(len(likes), 'post')}: "
        + (f"all {low:,}" if low == high else f"from {low:,} to {high:,}")
        + f", median {statistics.median(likes):,.0f}. Most common: {' and '.join(commonest)} "
        + f"({_plural(top, 'post')}{' each' if len(commonest) > 1 else ''})."
    )
    return bar_chart(
        kind="likes",
        ids=ids,
        title=f"Likes per post of {_who(report)}",
        desc=desc,
        bars=bars,
        x_labels=edges,
        x_title="Likes per post",
        y_title="Posts",
        gap=0.0,
    )


def _likes_range(item: Bin) -> str:
    if item.end - item.start == 1:
        return f"{item.start:,} likes"
    return f"{item.start:,}{DASH}{item.end - 1:,} likes"


def cadence_chart(report: ReportResponse, ids: ChartIds) -> Markup:
    if len(report.posts) < MIN_POSTS:
        return not_enough(len(report.posts), "no posts were fetched.")
    end = parse_iso(report.generated_at)
    published = [parse_iso(post.published_at) for post in report.posts]
    weeks = weekly_counts(published, end=end, weeks=CADENCE_WEEKS)
    total = sum(week.posts for week in weeks)
    if total:
        most = max(week.posts for week in weeks)
        empty = sum(week.posts == 0 for week in weeks)
        desc = (
            f"{_plural(total, 'post')} in the {CADENCE_WEEKS} weeks to {date_label(end)}, "
            f"{total / CADENCE_WEEKS:.1f} a week; {_plural(empty, 'week')} without a post, "
            f"at most {_plural(most, 'post')} in a week."
        )
    else:
        desc = (
            f"No posts in the {CADENCE_WEEKS} weeks to {date_label(end)}; the latest was "
            f"published on {date_label(max(published))}."
        )
    return bar_chart(
        kind="cadence",
        ids=ids,
        title=f"Posts per week of {_who(report)}, last {CADENCE_WEEKS} weeks",
        desc=desc,
        bars=[
            Bar(
                count=week.posts,
                tooltip=f"Week to {date_label(week.end)}: {_plural(week.posts, 'post')}",
            )
            for week in weeks
        ],
        x_labels=[
            SlotLabel(index + 0.5, day_label(week.end.date())) for index, week in enumerate(weeks)
        ],
        x_title="Week ending",
        y_title="Posts",
        gap=0.25,
    )


def followers_chart(report: ReportResponse, ids: ChartIds) -> Markup:
    """The follower count over time (a total line, as follower-audit tools draw it), spike days
    marked with diamonds."""
    history = report.follower_history
    if len(history) < MIN_DAYS:
        return not_enough(
            len(history), f"the chart needs follower counts on at least {MIN_DAYS} days."
        )
    points = []
    spikes = []
    previous: tuple[date, int] | None = None
    for point in history:
        day = date.fromisoformat(point.day)
        tooltip = f"{date_label(day)}: {point.followers:,} followers"
        if point.spike:
            gain = ""
            if previous is not None:
                since = (
                    "the day before" if (day - previous[0]).days == 1 else date_label(previous[0])
                )
                gain = f", {point.followers - previous[1]:+,} since {since}"
            spikes.append(f"{date_label(day)} ({point.followers:,} followers{gain})")
            tooltip += gain
        points.append(DayValue(day_number(day), point.followers, point.spike, tooltip))
        previous = (day, point.followers)
    first, last = history[0], history[-1]
    desc = (
        f"Follower count from {date_label(date.fromisoformat(first.day))} "
        f"({first.followers:,}) to {date_label(date.fromisoformat(last.day))} "
        f"({last.followers:,}). "
    )
    if spikes:
        desc += f"{_plural(len(spikes), 'follower spike')} (diamonds): {'; '.join(spikes)}."
    else:
        desc += "No follower spikes."
    return line_chart(
        kind="followers",
        ids=ids,
        title=f"Followers of {_who(report)} over time",
        desc=desc,
        points=points,
        marked_label="Follower spike",
        x_title="Day",
        y_title="Followers",
        counts=True,
    )
