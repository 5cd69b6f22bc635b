"""The report's inline SVG charts: their scales, labels, marks and "not enough data" paths."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import Markup

from webapp.charts import ReportCharts, charts_of
from webapp.charts.binning import count_bins, sturges
from webapp.charts.numbers import compact, tick_labels
from webapp.charts.scale import LinearScale, nice_ticks
from webapp.charts.svg import tag
from webapp.charts.weeks import weekly_counts
from webapp.clock import isoformat
from webapp.models import (
    BenchmarkBand,
    FollowerPoint,
    Metric,
    Platform,
    PostRow,
    ProfileFigures,
    ReportMetrics,
    ReportResponse,
)
from webapp.report_view import GROWTH_CHART_TITLE, SECTION_CHARTS

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('&\"x\"')</script>"
GEOMETRY = {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"}
BAND = BenchmarkBand(tier="mid", low=1.0, typical=2.2, high=3.5, source="IMH 2025")


# --- building reports by hand -----------------------------------------------------------------


def post(
    days_ago: float,
    likes: int | None = 1_000,
    rate: float | None = 2.0,
    *,
    counted: bool = True,
    sponsored: bool = False,
) -> PostRow:
    return PostRow(
        id=f"p{days_ago}",
        url="https://example.com/p",
        published_at=isoformat(NOW - timedelta(days=days_ago)),
        kind="image",
        likes=likes,
        comments=0,
        views=None,
        engagement_rate=rate,
        in_engagement_rate=counted,
        sponsored=sponsored,
        disclosure=None,
        brand_safety=[],
    )


def history(*followers: int, spikes: tuple[int, ...] = ()) -> list[FollowerPoint]:
    first = NOW.date() - timedelta(days=len(followers) - 1)
    return [
        FollowerPoint(
            day=(first + timedelta(days=i)).isoformat(), followers=count, spike=i in spikes
        )
        for i, count in enumerate(followers)
    ]


def report(
    posts: list[PostRow] | None = None,
    follower_history: list[FollowerPoint] | None = None,
    *,
    benchmark: BenchmarkBand | None = None,
    handle: str = "creator",
    job_id: str = "job-1",
) -> ReportResponse:
    metric = Metric(
        label="m", value=None, unit="percent", explanation="m", formula="m", sample_size=0
    )
    return ReportResponse(
        job_id=job_id,
        handle=handle,
        platform=Platform.INSTAGRAM,
        source="demo",
        is_demo=True,
        generated_at=isoformat(NOW),
        profile=ProfileFigures(
            display_name="C", followers=80_000, following=1, posts=1, verified=False, private=False
        ),
        metrics=ReportMetrics(
            engagement_rate_median=metric,
            engagement_rate_mean=metric,
            engagement_rate_by_views=metric,
            likes_comments_ratio=metric,
            posts_per_week=metric,
            days_since_last_post=metric,
        ),
        benchmark=benchmark,
        posts=posts or [],
        follower_history=follower_history or [],
        coverage=[],
    )


def full_report(
    *, benchmark: BenchmarkBand | None = None, handle: str = "creator", job_id: str = "job-1"
) -> ReportResponse:
    posts = [
        post(2, 1_200, 1.5, sponsored=True),
        post(5, 3_400, 4.3),
        post(9, 800, 0.9, counted=False),
        post(30, 2_000, 2.5, counted=False, sponsored=True),
        post(40, None, None, counted=False),
    ]
    followers = history(80_000, 80_100, 84_000, 84_050, spikes=(2,))
    return report(posts, followers, benchmark=benchmark, handle=handle, job_id=job_id)


# --- reading the SVG --------------------------------------------------------------------------


def parse(chart: Markup) -> ET.Element:
    root = ET.fromstring(str(chart))  # fails unless the markup is well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    """Elements with the class `name`, outside the legend (whose swatches share the classes)."""
    found = []
    for child in root:
        classes = child.get("class", "").split()
        if "chart__legend" in classes:
            continue
        if name in classes:
            found.append(child)
        found += with_class(child, name)
    return found


def legend_text(root: ET.Element) -> str:
    return "".join(
        text for g in root.iter() if g.get("class") == "chart__legend" for text in g.itertext()
    )


def heights(root: ET.Element) -> list[float]:
    return [float(bar.attrib["height"]) for bar in with_class(root, "chart__bar")]


def all_charts(charts: ReportCharts) -> list[Markup]:
    return [charts.engagement, charts.likes, charts.cadence, charts.followers]


# --- scales and numbers -----------------------------------------------------------------------


def test_nice_ticks_round_outwards_to_steps_of_1_2_5() -> None:
    assert nice_ticks(0, 87) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0, 3.6, 4) == [0, 1, 2, 3, 4]
    assert nice_ticks(0.3, 0.9, 3) == [0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(77_480, 84_050, 4) == [76_000, 78_000, 80_000, 82_000, 84_000, 86_000]


def test_nice_ticks_pad_a_zero_range_and_keep_counts_whole() -> None:
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    ticks = nice_ticks(5_000, 5_000)
    assert ticks[0] < 5_000 < ticks[-1]
    assert nice_ticks(0, 2, 5, integer=True) == [0, 1, 2]


def test_linear_scale_maps_and_refuses_a_zero_width_domain() -> None:
    y = LinearScale((0, 10), (200, 0))
    assert (y(0), y(5), y(10)) == (200, 100, 0)
    with pytest.raises(ValueError, match="non-zero width"):
        LinearScale((3, 3), (0, 1))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1_000, "1K"),
        (1_200, "1.2K"),
        (12_345, "12.3K"),
        (999_960, "1M"),
        (3_400_000, "3.4M"),
        (12_345_678, "12.3M"),
        (2_500_000_000, "2.5B"),
        (-1_500, "-1.5K"),
        (0.5, "0.5"),
    ],
)
def test_compact(value: float, text: str) -> None:
    assert compact(value) == text


def test_tick_labels_take_the_decimals_that_keep_them_exact() -> None:
    assert tick_labels([80_000, 80_250, 80_500]) == ["80K", "80.25K", "80.5K"]
    assert tick_labels([0, 0.5, 1]) == ["0", "0.5", "1"]
    assert tick_labels([0, 20, 40]) == ["0", "20", "40"]


def test_count_bins_cover_every_value_on_round_edges() -> None:
    values = [1_180, 2_950, 3_020, 800, 4_400, 9_990, 3_300, 2_100, 2_700]
    bins = count_bins(values)
    assert sturges(len(values)) == 5
    assert sum(item.count for item in bins) == len(values)
    width = bins[0].end - bins[0].start
    assert width == 2_000
    assert all(item.start % width == 0 and item.end - item.start == width for item in bins)
    for value in values:
        [home] = [item for item in bins if item.start <= value < item.end]
        assert home.count > 0
    assert count_bins([5, 5, 5]) == [count_bins([5])[0].__class__(start=5, end=6, count=3)]
    assert count_bins([0, 0, 0])[0].count == 3


def test_weekly_counts_keep_only_the_weeks_that_end_at_the_moment() -> None:
    moments = [
        NOW,  # the last moment of the last week
        NOW - timedelta(days=6, hours=23),
        NOW - timedelta(days=7),  # the end of the week before
        NOW - timedelta(days=83),
        NOW - timedelta(days=84),  # the start of the first week: outside
        NOW + timedelta(hours=1),  # after the end: outside
    ]
    weeks = weekly_counts(moments, end=NOW, weeks=12)
    assert [week.posts for week in weeks] == [1] + [0] * 9 + [1, 2]
    assert weeks[-1].end == NOW
    assert weeks[0].start == NOW - timedelta(days=84)


# --- every chart --------------------------------------------------------------------------------


def test_every_chart_is_an_accessible_svg_that_scales_to_its_container() -> None:
    charts = charts_of(full_report(benchmark=BAND))
    ids: list[str] = []
    for chart in all_charts(charts):
        root = parse(chart)
        assert "chart" in root.attrib["class"].split()
        assert root.attrib["role"] == "img"
        assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.attrib["viewBox"])
        assert "width" not in root.attrib
        assert "height" not in root.attrib
        title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
        assert title is not None
        assert desc is not None
        assert root.attrib["aria-labelledby"].split() == [title.attrib["id"], desc.attrib["id"]]
        assert (title.text or "").strip()
        assert (desc.text or "").strip()
        ids += [title.attrib["id"], desc.attrib["id"]]
        assert with_class(root, "chart__tick-label")
        assert len(with_class(root, "chart__axis-title")) == 2
    assert len(set(ids)) == len(ids) == 8
    assert all(i.startswith("chart-job-1-") for i in ids)


def test_ids_come_from_the_prefix_or_the_job_id() -> None:
    mine = charts_of(full_report(), id_prefix="r2")
    assert 'id="r2-likes-title"' in mine.likes
    other = charts_of(full_report(job_id="a b/c"))
    assert 'id="chart-a-b-c-likes-title"' in other.likes


def test_charts_are_deterministic_and_self_contained() -> None:
    first, second = charts_of(full_report(benchmark=BAND)), charts_of(full_report(benchmark=BAND))
    assert first == second
    for chart in all_charts(first):
        assert "<script" not in chart
        assert "url(" not in chart
        for element in parse(chart).iter():
            # Colours come from the stylesheet only; nothing links outside the chart.
            assert not {"style", "fill", "stroke", "href"} & set(element.attrib)
            for name in GEOMETRY & set(element.attrib):
                assert math.isfinite(float(element.attrib[name]))


def test_hostile_text_is_escaped() -> None:
    hostile_band = BAND.model_copy(update={"tier": HOSTILE, "source": HOSTILE})
    charts = charts_of(full_report(benchmark=hostile_band, handle=HOSTILE))
    for chart in all_charts(charts):
        assert "<script" not in chart
        root = parse(chart)
        title = root.find(f"{SVG}title")
        assert title is not None
        assert HOSTILE in (title.text or "")
    engagement = parse(charts.engagement)
    assert HOSTILE in "".join(engagement.itertext())


def test_ids_are_tokens_whatever_the_prefix() -> None:
    charts = charts_of(full_report(), id_prefix="my charts<1>")
    root = parse(charts.cadence)
    assert root.attrib["aria-labelledby"] == "my-charts-1--cadence-title my-charts-1--cadence-desc"


def test_tags_escape_attribute_values_and_text() -> None:
    assert tag("text", "a<b & 'c'", class_='x"y', x=1.25, y=None) == (
        '<text class="x&#34;y" x="1.2">a&lt;b &amp; &#39;c&#39;</text>'
    )
    assert tag("g", Markup("<circle/>"), "<") == "<g><circle/>&lt;</g>"


# --- engagement -------------------------------------------------------------------------------


def test_engagement_draws_a_dot_per_rated_post_counted_ones_differently() -> None:
    root = parse(charts_of(full_report()).engagement)
    points = with_class(root, "chart__point")
    assert len(points) == 4  # the post with hidden likes has no rate
    counted = with_class(root, "chart__point--emphasised")
    older = with_class(root, "chart__point--plain")
    assert (len(counted), len(older)) == (2, 2)
    assert {float(p.attrib["r"]) for p in counted} != {float(p.attrib["r"]) for p in older}
    assert len(with_class(root, "chart__ring")) == 2  # the two sponsored posts
    assert legend_text(root) == "Counted in the rateOlder postSponsored"
    # Newer is further right; a higher rate is higher up (smaller y).
    by_day = sorted(points, key=lambda p: float(p.attrib["cx"]))
    titles = [p.findtext(f"{SVG}title") or "" for p in by_day]
    assert titles[0] == "10 Apr 2026: 2.50 % (older, not counted, sponsored)"
    assert titles[-1] == "8 May 2026: 1.50 % (counted in the rate, sponsored)"
    by_rate = sorted(points, key=lambda p: float(p.attrib["cy"]))
    assert (by_rate[0].findtext(f"{SVG}title") or "").startswith("5 May 2026: 4.30 %")


def test_engagement_band_is_drawn_iff_the_report_has_a_benchmark() -> None:
    without = parse(charts_of(full_report()).engagement)
    assert not with_class(without, "chart__band")
    root = parse(charts_of(full_report(benchmark=BAND)).engagement)
    [band] = with_class(root, "chart__band")
    [typical] = with_class(root, "chart__band-typical")
    # The band spans low..high on the same scale as the dots: 1..3.5 % on a 0..5 axis.
    ticks = [float(t.text or "nan") for t in with_class(root, "chart__tick-label")[:6]]
    assert ticks == [0, 1, 2, 3, 4, 5]
    grid = [float(line.attrib["y1"]) for line in with_class(root, "chart__grid")]
    unit = grid[0] - grid[1]  # one percentage point
    assert float(band.attrib["height"]) == pytest.approx(2.5 * unit, abs=0.2)
    assert float(band.attrib["y"]) == pytest.approx(grid[0] - 3.5 * unit, abs=0.2)
    assert float(typical.attrib["y1"]) == pytest.approx(grid[0] - 2.2 * unit, abs=0.2)
    assert "Usual for mid tier: 1\u20133.5 %" in legend_text(root)
    assert "IMH 2025" in (root.findtext(f"{SVG}desc") or "")


# --- likes ------------------------------------------------------------------------------------


def test_likes_histogram_bars_are_proportional_to_their_counts() -> None:
    likes = [800, 1_200, 1_900, 2_100, 2_500, 2_600, 3_400, 9_900]
    root = parse(charts_of(report([post(i, n) for i, n in enumerate(likes)])).likes)
    # Sturges: 4 bins for 8 posts; (9,900 - 800) / 4 rounds to bins 2,000 likes wide.
    counts = [3, 4, 0, 0, 1]
    assert len(with_class(root, "chart__bar")) == len(counts)
    unit = max(heights(root)) / max(counts)
    assert heights(root) == pytest.approx([c * unit for c in counts], abs=0.2)
    edges = [t.text for t in with_class(root, "chart__x-axis")[0].iter() if t.tag == f"{SVG}text"]
    assert edges == ["0", "2K", "4K", "6K", "8K", "10K"]
    values = [t.text for t in with_class(root, "chart__bar-value")]
    assert values == [str(c) for c in counts]


def test_likes_skip_hidden_counts_and_handle_huge_and_equal_values() -> None:
    huge = parse(charts_of(report([post(i, 10_000_000 + i * 9_000_000) for i in range(5)])).likes)
    text = "".join(huge.itertext())
    assert "10M" in text
    assert "50M" in text
    same = parse(charts_of(report([post(i, 4_000) for i in range(4)] + [post(9, None)])).likes)
    assert len(heights(same)) == 1
    assert (same.findtext(f"{SVG}desc") or "") == (
        "Likes per post of 4 posts: all 4,000, median 4,000. "
        "Most common: 4,000\u20134,999 likes (4 posts)."
    )
    zeros = parse(charts_of(report([post(i, 0) for i in range(3)])).likes)
    assert len(with_class(zeros, "chart__bar")) == 1


# --- cadence ----------------------------------------------------------------------------------


def test_cadence_counts_posts_per_week_over_the_last_12_weeks() -> None:
    days_ago = [0.5, 1, 2, 8, 9, 30, 83, 85, 200]  # the last two are older than 12 weeks
    root = parse(charts_of(report([post(d) for d in days_ago])).cadence)
    bars = with_class(root, "chart__bar")
    assert len(bars) == 12
    counts = [int(t.text or "-1") for t in with_class(root, "chart__bar-value")]
    assert counts == [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 3]
    unit = max(heights(root)) / 3
    assert heights(root) == pytest.approx([c * unit for c in counts], abs=0.2)
    assert (root.findtext(f"{SVG}desc") or "").startswith("7 posts in the 12 weeks to 10 May 2026")


def test_cadence_of_an_account_silent_for_12_weeks_is_all_zero() -> None:
    root = parse(charts_of(report([post(100)])).cadence)
    assert heights(root) == [0.0] * 12
    assert "No posts in the 12 weeks" in (root.findtext(f"{SVG}desc") or "")


# --- followers --------------------------------------------------------------------------------


def test_followers_line_marks_each_spike_and_lists_it_in_the_desc() -> None:
    counts = [80_000 + 30 * i for i in range(30)]
    counts[10] += 5_000
    counts[20] += 9_000
    root = parse(charts_of(report(follower_history=history(*counts, spikes=(10, 20)))).followers)
    [line] = with_class(root, "chart__line")
    assert line.attrib["d"].count("L") == len(counts) - 1
    assert len(with_class(root, "chart__spike")) == 2
    assert legend_text(root) == "Follower spike"
    desc = root.findtext(f"{SVG}desc") or ""
    assert "2 follower spikes (diamonds): 21 Apr 2026 (85,300 followers" in desc
    assert "+5,030 since the day before" in desc


def test_followers_chart_plots_the_count_over_time_and_is_titled_so() -> None:
    # Even gains of 1,000 a day: a chart of the daily gain would be flat at 1,000; the count
    # climbs from 10,000 to 13,000.
    root = parse(
        charts_of(report(follower_history=history(10_000, 11_000, 12_000, 13_000))).followers
    )
    assert root.findtext(f"{SVG}title") == "Followers of @creator over time"
    [line] = with_class(root, "chart__line")
    ys = [float(y) for y in re.findall(r"[ML][\d.]+ ([\d.]+)", line.attrib["d"])]
    assert len(set(ys)) == 4
    assert ys == sorted(ys, reverse=True)  # SVG y grows downwards: each day is higher
    [y_axis] = with_class(root, "chart__y-axis")
    assert [t.text for t in y_axis.iter(f"{SVG}text")] == ["10K", "11K", "12K", "13K"]
    desc = root.findtext(f"{SVG}desc") or ""
    assert desc.startswith("Follower count from 7 May 2026 (10,000) to 10 May 2026 (13,000).")
    assert "per day" not in desc


def test_the_followers_chart_is_titled_over_time() -> None:
    # It sits on the report's first screen (the growth section links to it), not per day.
    assert "growth" not in SECTION_CHARTS
    assert GROWTH_CHART_TITLE == "Followers over time"


def test_a_spike_after_a_gap_says_since_when() -> None:
    points = [
        FollowerPoint(day="2026-05-01", followers=10_000, spike=False),
        FollowerPoint(day="2026-05-04", followers=15_000, spike=True),
    ]
    root = parse(charts_of(report(follower_history=points)).followers)
    [marker] = with_class(root, "chart__spike")
    assert marker.findtext(f"{SVG}title") == "4 May 2026: 15,000 followers, +5,000 since 1 May 2026"


def test_followers_without_spikes_or_change_still_draw() -> None:
    root = parse(charts_of(report(follower_history=history(12_000_000, 12_000_000))).followers)
    assert not with_class(root, "chart__spike")
    assert legend_text(root) == ""
    assert "No follower spikes." in (root.findtext(f"{SVG}desc") or "")
    labels = [t.text or "" for t in with_class(root, "chart__tick-label")]
    assert any(label.endswith("M") for label in labels)


# --- edge cases ---------------------------------------------------------------------------------


def test_equal_zero_and_same_day_values_draw_finite_charts() -> None:
    same_rate = report([post(i, 0, 0.0) for i in range(3)], history(0, 0))
    same_day = report([post(1 + i / 100, 10, 2.0) for i in range(3)], history(7, 7, 7))
    for chart in [*all_charts(charts_of(same_rate)), *all_charts(charts_of(same_day))]:
        assert chart.startswith("<svg")
        for element in parse(chart).iter():
            for name in GEOMETRY & set(element.attrib):
                assert math.isfinite(float(element.attrib[name]))
    root = parse(charts_of(same_day).engagement)
    xs = {p.attrib["cx"] for p in with_class(root, "chart__point")}
    assert len(xs) == 3  # hours apart, on a padded axis


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        (
            "engagement",
            report([post(1)]),
            "Not enough data (n=1): the chart needs at least 2 posts",
        ),
        (
            "likes",
            report([post(1), post(2, None)]),
            "Not enough data (n=1): the chart needs the likes",
        ),
        ("cadence", report([]), "Not enough data (n=0): no posts were fetched."),
        (
            "followers",
            report(follower_history=history(80_000)),
            "Not enough data (n=1): the chart needs follower counts on at least 2 days.",
        ),
    ],
)
def test_not_enough_data(field: str, data: ReportResponse, message: str) -> None:
    chart = getattr(charts_of(data), field)
    assert isinstance(chart, Markup)
    root = ET.fromstring(str(chart))
    assert root.tag == "p"
    assert root.attrib["class"] == "chart-empty"
    assert (root.text or "").startswith(message)


def test_one_post_is_enough_for_cadence_only() -> None:
    charts = charts_of(report([post(3)]))
    assert charts.cadence.startswith("<svg")
    assert charts.engagement.startswith('<p class="chart-empty">Not enough data (n=1)')
    assert charts.likes.startswith('<p class="chart-empty">Not enough data (n=1)')
    assert charts.followers.startswith('<p class="chart-empty">Not enough data (n=0)')


def x_labels(chart: Markup) -> list[str]:
    [axis] = with_class(parse(chart), "chart__x-axis")
    return [text.text or "" for text in axis.iter(f"{SVG}text")]


def test_time_axes_tick_round_dates_that_fit() -> None:
    ninety_days = history(*range(80_000, 80_090))  # 10 Feb .. 10 May 2026
    assert x_labels(charts_of(report(follower_history=ninety_days)).followers) == [
        "Mar 2026",
        "Apr",
        "May",
    ]
    a_week = history(*range(100, 107))  # 4 .. 10 May 2026
    assert x_labels(charts_of(report(follower_history=a_week)).followers) == [
        f"{day} May" for day in range(4, 11)
    ]
    a_month = history(*range(100, 130))  # 11 Apr .. 10 May 2026: Mondays
    assert x_labels(charts_of(report(follower_history=a_month)).followers) == [
        "13 Apr",
        "20 Apr",
        "27 Apr",
        "4 May",
    ]
    # Across New Year the year is written again on January.
    winter = [post(days) for days in range(100, 230, 10)]  # 2 Oct 2025 .. 30 Jan 2026
    assert x_labels(charts_of(report(winter)).engagement) == ["Nov 2025", "Dec", "Jan 2026"]


def test_cadence_labels_every_other_week_ending_with_the_report_day() -> None:
    labels = x_labels(charts_of(report([post(1)])).cadence)
    assert labels == ["1 Mar", "15 Mar", "29 Mar", "12 Apr", "26 Apr", "10 May"]
