"""Follower growth against hand-computed series: merging, gaps, spikes, growth and projection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

from webapp.models import Platform, Snapshot
from webapp.pipeline.analysis.growth import (
    daily_gains,
    follower_series,
    growth,
    robust_z_scores,
)
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import FollowerCount, Profile, ScrapeResult

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def scrape(followers: int, history: Sequence[tuple[int, int]] = ()) -> ScrapeResult:
    """`history` as (days from today, followers)."""
    return ScrapeResult(
        platform=Platform.INSTAGRAM,
        profile=Profile(handle="creator", followers=followers, post_count=0),
        follower_history=[FollowerCount(day=day(d), followers=f) for d, f in history],
        source="upload",
    )


def snapshot(moment: datetime, followers: int) -> Snapshot:
    return Snapshot(
        job_id=f"job-{moment.isoformat()}",
        platform=Platform.INSTAGRAM,
        handle="creator",
        taken_at=moment,
        followers=followers,
        following=0,
        posts=0,
        engagement_rate=None,
        source="upload",
    )


def cumulative(start: int, gains: list[int]) -> list[tuple[int, int]]:
    """A daily history ending today whose day-to-day gains are `gains`."""
    counts = [start]
    for gain in gains:
        counts.append(counts[-1] + gain)
    first = -(len(counts) - 1)
    return [(first + i, count) for i, count in enumerate(counts)]


def test_robust_z_scores_by_hand() -> None:
    # median 3; |x - 3| = 2, 1, 0, 1, 97 -> MAD = median(0, 1, 1, 2, 97) = 1
    scores = robust_z_scores([1, 2, 3, 4, 100])
    assert scores == pytest.approx([-1.349, -0.6745, 0.0, 0.6745, 65.4265])


def test_robust_z_scores_need_some_spread() -> None:
    # median 5, deviations 0 x 6 and 45 -> MAD 0: the score is undefined.
    assert robust_z_scores([5, 5, 5, 5, 5, 5, 50]) is None


def test_a_spike_by_robust_z_score() -> None:
    # Gains 10, 12, 11, 13, 9, 10, 100: median 11; |x - 11| = 1, 1, 0, 2, 2, 1, 89 -> MAD 1.
    # z(100) = 0.6745 * 89 = 60.03; the largest ordinary one is z(9) = z(13) = +-1.35.
    history = cumulative(1_000, [10, 12, 11, 13, 9, 10, 100])
    report = growth(scrape(history[-1][1], history), [], NOW)
    assert [(s.day, s.gain, s.robust_z) for s in report.spike_days] == [(TODAY, 100.0, 60.03)]
    assert report.spike_days[0].reasons == ["robust z-score 60.0 beyond ±3.5"]
    assert report.spikes.value == 1
    assert report.spikes.sample_size == 7
    assert [(e.kind, e.ref) for e in report.spikes.evidence] == [("day", TODAY.isoformat())]
    assert "robust z-test over 7 daily gains" in report.spikes.explanation


def test_the_5000_a_day_rule_works_without_the_z_test() -> None:
    # Two gains are too few for a median and MAD; 5,000 is not more than 5,000, 5,001 is.
    history = cumulative(100_000, [5_000, 5_001])
    report = growth(scrape(history[-1][1], history), [], NOW)
    assert [(s.day, s.gain) for s in report.spike_days] == [(TODAY, 5_001.0)]
    assert report.spike_days[0].robust_z is None
    assert report.spike_days[0].reasons == ["more than 5,000 new followers in a day"]
    assert "robust z-test skipped: it needs at least 7 daily gains" in report.spikes.explanation


def test_even_gains_skip_the_z_test_but_not_the_rule() -> None:
    history = cumulative(100_000, [6_000] * 8)
    report = growth(scrape(history[-1][1], history), [], NOW)
    assert report.spikes.value == 8
    assert all(s.robust_z is None for s in report.spike_days)
    assert "MAD = 0" in report.spikes.explanation


def test_gaps_are_interpolated_and_said_so() -> None:
    # Counts on day -4 (1,000) and today (1,400): 400 over 4 days -> 100 a day, interpolated.
    result = scrape(1_400)
    history = [snapshot(NOW - timedelta(days=4), 1_000)]
    gains = daily_gains(follower_series(result, history, NOW))
    assert [(g.day, g.gain, g.interpolated) for g in gains] == [
        (day(-3), 100.0, True),
        (day(-2), 100.0, True),
        (day(-1), 100.0, True),
        (day(0), 100.0, True),
    ]


def test_one_value_per_day_and_the_latest_wins() -> None:
    morning = datetime.combine(day(-2), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    snapshots = [
        snapshot(morning + timedelta(hours=5), 1_210),  # later the same day: wins over 1,200
        snapshot(morning, 1_200),
        snapshot(NOW - timedelta(days=3), 1_100),
    ]
    # The source's count for day -3 is at the end of that day, after the snapshot at noon.
    result = scrape(1_300, [(-3, 1_150), (0, 1_290)])
    series = follower_series(result, snapshots, NOW)
    # Today: the scrape itself (1,300) is newer than the source's count for today.
    assert series == [(day(-3), 1_150), (day(-2), 1_210), (day(0), 1_300)]
    gains = daily_gains(series)
    assert [(g.gain, g.interpolated) for g in gains] == [(60.0, False), (45.0, True), (45.0, True)]


def test_30_day_growth_and_90_days_not_reached() -> None:
    history = [(-40 + i, 1_000 + 10 * i) for i in range(41)]  # 1,000 on day -40 ... 1,400 today
    report = growth(scrape(1_400, history), [], NOW)
    # 30 days ago (day -30) the count was 1,100: +300, 300 / 1,100 = 27.27%.
    assert report.growth_30d_absolute.value == 300
    assert report.growth_30d_percent.value == pytest.approx(27.27)
    assert [e.ref for e in report.growth_30d_percent.evidence] == [
        day(-30).isoformat(),
        TODAY.isoformat(),
    ]
    for metric in (report.growth_90d_percent, report.growth_90d_absolute):
        assert metric.value is None
        assert metric.explanation == (
            "Not enough data (n=41): the follower history reaches back 40 days, 90 are needed."
        )


def test_growth_interpolates_the_earlier_count_between_snapshots() -> None:
    snapshots = [
        snapshot(NOW - timedelta(days=35), 1_000),
        snapshot(NOW - timedelta(days=25), 2_000),
    ]
    report = growth(scrape(3_000), snapshots, NOW)
    # Day -30 lies halfway between 1,000 and 2,000 -> 1,500; today 3,000: +1,500, +100%.
    assert report.growth_30d_absolute.value == 1_500
    assert report.growth_30d_percent.value == pytest.approx(100.0)
    assert "interpolated" in report.growth_30d_percent.explanation


def test_projection_leaves_spike_days_out() -> None:
    # Last 10 gains: 10 x 5, 20 x 2 and three bought days of 6,000 (over the 5,000 rule).
    # Without the spikes the median is 10 -> +300; with them it would be 15 -> +450.
    history = cumulative(50_000, [10, 10, 6_000, 10, 20, 6_000, 10, 10, 20, 6_000])
    last = history[-1][1]
    report = growth(scrape(last, history), [], NOW)
    assert report.spikes.value == 3
    assert report.projection_30d.value == last + 300
    assert report.projection_30d.sample_size == 7
    assert "3 spike day(s) left out" in report.projection_30d.explanation
    assert "median daily gain of +10.0" in report.projection_30d.explanation


def test_projection_needs_a_week_of_gains() -> None:
    history = cumulative(1_000, [5, 5, 5, 5, 5, 5])
    report = growth(scrape(history[-1][1], history), [], NOW)
    assert report.projection_30d.value is None
    assert report.projection_30d.explanation.startswith("Not enough data (n=6): ")


def test_a_single_count_is_not_enough_data_everywhere() -> None:
    report = growth(scrape(5_000), [], NOW)
    assert report.series == [(TODAY, 5_000)]
    assert report.daily_gains == []
    for metric in (
        report.spikes,
        report.growth_30d_percent,
        report.growth_30d_absolute,
        report.growth_90d_percent,
        report.projection_30d,
    ):
        assert metric.value is None
        assert metric.explanation.startswith("Not enough data (n=")


class StillClock:
    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("a demo with no delay never sleeps")


async def demo(handle: str) -> ScrapeResult:
    async def progress(fraction: float, message: str) -> None:
        pass

    request = ScrapeRequest(platform=Platform.INSTAGRAM, handle=handle, attempt=1)
    return await DemoAdapter(StillClock(), 0.0).fetch(request, progress)


async def test_demo_bought_followers_show_a_spike_and_authentic_growth_none() -> None:
    bought = growth(await demo("demo.bought"), [], NOW)
    authentic = growth(await demo("demo.authentic"), [], NOW)
    assert bought.spikes.value is not None
    assert bought.spikes.value >= 1
    assert all(e.kind == "day" for e in bought.spikes.evidence)
    assert max(s.gain for s in bought.spike_days) > 5_000
    assert authentic.spikes.value == 0
