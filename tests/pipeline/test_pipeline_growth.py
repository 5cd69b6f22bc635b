"""Follower growth against hand-computed series: merging, gaps, spikes, drops, growth and
projection."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest

from webapp.models import Platform, Snapshot
from webapp.pipeline.analysis.giveaways import is_giveaway
from webapp.pipeline.analysis.growth import (
    daily_gains,
    follower_series,
    growth,
    robust_z_scores,
)
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import FollowerCount, Post, Profile, ScrapeResult
from webapp.templating import metric_value

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


def test_robust_z_scores_fall_back_to_the_mean_deviation_when_mad_is_0() -> None:
    # median 5, deviations 0 x 6 and 45 -> MAD 0; mean deviation 45 / 7 = 6.4286, times
    # 1.253314 = 8.0570: z(50) = 45 / 8.0570 = 5.585.
    assert robust_z_scores([5, 5, 5, 5, 5, 5, 50]) == pytest.approx([0.0] * 6 + [5.5852], abs=1e-4)


def test_robust_z_scores_of_equal_values_are_undefined() -> None:
    assert robust_z_scores([0.01] * 8) is None


def test_a_spike_by_robust_z_score_of_the_growth_rate() -> None:
    # 100,000 followers gaining 90-130 a day (about 0.1 %), then 5,000 (+4.97 %): under the 10 %
    # jump, so only the z-test finds it. Rates 0.1000, 0.1199, 0.1098, 0.1296, 0.0896, 0.0995,
    # 4.9677 %: median 0.1098 %, MAD 0.0103 % -> z = 0.6745 * 4.858 / 0.0103 = 318.
    history = cumulative(100_000, [100, 120, 110, 130, 90, 100, 5_000])
    report = growth(scrape(history[-1][1], history), [], NOW)
    [spike] = report.spike_days
    assert (spike.day, spike.gain, spike.robust_z) == (TODAY, 5_000.0, pytest.approx(317.95))
    assert spike.reasons == ["robust z-score +318.0, above 3.5"]
    assert report.spikes.value == 1
    assert report.spikes.sample_size == 7
    assert [(e.kind, e.ref) for e in report.spikes.evidence] == [("day", TODAY.isoformat())]
    assert "Robust z-test over 7 daily gains." in report.spikes.explanation


def test_an_unusual_day_under_1_percent_of_the_audience_is_no_spike() -> None:
    # A 50M account that gains 19,000-21,000 a day and once 30,000: far out by z, but +0.06 %.
    gains = [19_000, 21_000, 20_000, 19_500, 20_500, 20_000, 19_000, 21_000, 30_000, 20_000]
    history = cumulative(50_000_000, gains)
    report = growth(scrape(history[-1][1], history), [], NOW)
    scores = robust_z_scores([g.share for g in report.daily_gains])
    assert scores is not None
    assert max(scores) > 3.5  # the z-test alone would call it a spike
    assert report.spikes.value == 0
    assert report.spike_days == []


def test_a_50m_account_growing_20000_a_day_has_no_spike_and_a_projection() -> None:
    history = [(-89 + i, 50_000_000 + 20_000 * i) for i in range(90)]
    last = history[-1][1]
    report = growth(scrape(last, history), [], NOW)
    assert report.spikes.value == 0
    assert report.drops.value == 0
    assert report.spike_share.value == 0.0
    assert report.spikes.explanation.startswith("No spike days in 89 days of gains.")
    assert report.projection_30d.value == last + 30 * 20_000
    assert report.projection_30d.sample_size == 30


def test_a_flat_4000_account_that_jumps_3000_in_a_day_has_1_spike() -> None:
    # Nine days without change and one of +3,000 (+75 %). MAD is 0; the mean deviation is
    # 0.75 / 10 = 0.075, times 1.253314 = 0.0940: z = 0.75 / 0.0940 = 7.98.
    history = cumulative(4_000, [0, 0, 0, 0, 0, 3_000, 0, 0, 0, 0])
    report = growth(scrape(7_000, history), [], NOW)
    [spike] = report.spike_days
    assert (spike.day, spike.gain, spike.share) == (day(-4), 3_000.0, 0.75)
    assert spike.robust_z == pytest.approx(7.98)
    assert spike.reasons == ["+75.0 % in a day, over 10 %", "robust z-score +8.0, above 3.5"]
    assert report.spikes.value == 1
    assert "MAD = 0" in report.spikes.explanation
    # 3,000 of today's 7,000 followers arrived in the spike: 42.857 -> 42.86 %.
    assert report.spike_share.value == 42.86
    assert report.spike_share.explanation == (
        "42.86 % of today's 7,000 followers arrived on 1 spike day (+3,000 in all)."
    )


def gains_on(days: dict[int, int], span: int = 20) -> list[int]:
    """Daily gains for `cumulative`: `days` maps a day (days from today) to its gain."""
    gains = [0] * span
    for offset, gain in days.items():
        gains[offset - 1] = gain  # the last gain is today's (offset 0)
    return gains


def with_posts(result: ScrapeResult, engagement: Sequence[tuple[int, int]]) -> ScrapeResult:
    """`engagement` as (days from today, likes) per post."""
    posts = [
        Post(
            id=f"p{d}",
            published_at=NOW + timedelta(days=d, hours=-2),
            kind="video",
            likes=likes,
            comments=0,
        )
        for d, likes in engagement
    ]
    return result.model_copy(update={"posts": posts})


# Eight posts of about 1,000 likes, and one of 20,000 (20x the median) five days ago.
VIRAL_POSTS = [(-1, 1_000), (-3, 900), (-5, 20_000), (-7, 1_100), (-9, 1_000), (-11, 950)]
VIRAL_POSTS += [(-13, 1_050), (-15, 1_000), (-17, 1_000)]


@pytest.mark.parametrize("after", [-1, 0, 3])
def test_a_jump_after_a_viral_post_is_listed_not_counted(after: int) -> None:
    # A flat 4,000 account gains +3,000 on the viral post's day, 3 days after it, or the day
    # before its date (a day boundary: counts are taken at any hour, dates in any time zone).
    gains = gains_on({-5 + after: 3_000})
    result = with_posts(scrape(7_000, cumulative(4_000, gains)), VIRAL_POSTS)
    report = growth(result, [], NOW)
    assert report.spike_days == []
    assert report.spikes.value == 0
    assert report.spike_share.value == 0
    assert "1 jump followed a viral post and is not counted as a spike" in (
        report.spikes.explanation
    )
    assert f"{day(-5 + after).isoformat()} (+3,000) after the post of {day(-5).isoformat()}" in (
        report.spikes.explanation
    )
    assert "20x the median post" in report.spikes.explanation
    assert [(e.kind, e.ref) for e in report.spikes.evidence] == [("post", "p-5")]


@pytest.mark.parametrize(
    ("gain_day", "gain", "why"),
    [
        (-1, 3_000, "four days after the post: too late"),
        (-7, 3_000, "two days before the post"),
        (-5, 10_001, "more followers than half the post's likes"),
    ],
)
def test_a_jump_a_viral_post_cannot_explain_is_still_a_spike(
    gain_day: int, gain: int, why: str
) -> None:
    gains = gains_on({gain_day: gain})
    result = with_posts(scrape(4_000 + gain, cumulative(4_000, gains)), VIRAL_POSTS)
    report = growth(result, [], NOW)
    assert [s.day for s in report.spike_days] == [day(gain_day)], why
    assert "viral" not in report.spikes.explanation


@pytest.mark.parametrize(
    ("caption", "hashtags"),
    [("GIVEAWAY! Follow and tag 3 friends to enter", []), ("New drop", ["Gewinnspiel"])],
)
def test_a_jump_after_a_giveaway_is_still_a_spike(caption: str, hashtags: list[str]) -> None:
    gains = gains_on({-5: 3_000})
    result = with_posts(scrape(7_000, cumulative(4_000, gains)), VIRAL_POSTS)
    posts = [
        p.model_copy(update={"caption": caption, "hashtags": hashtags}) if p.id == "p-5" else p
        for p in result.posts
    ]
    report = growth(result.model_copy(update={"posts": posts}), [], NOW)
    assert [s.day for s in report.spike_days] == [day(-5)]
    assert "viral" not in report.spikes.explanation
    assert (
        f"1 spike day follows a giveaway or contest, whose followers come for the prize: "
        f"{day(-5).isoformat()} (+3,000) after the post of {day(-5).isoformat()}."
    ) in report.spikes.explanation


@pytest.mark.parametrize(
    ("caption", "giveaway"),
    [
        ("COMPETITION TIME! Your chance to win a bike", True),
        ("Wir verlosen 3 Taschen", True),
        ("WIN a trip! To enter: follow me", True),
        ("Sweepstakes alert", True),
        ("#giveawayalert new drop", True),
        ("Rozdanie!", True),
        ("Çekiliş var", True),
        ("Розыгрыш!", True),
        ("À gagner : un sac", True),
        ("Tag a friend who does this every Monday 😂", False),
        ("I won the national latte art contest", False),
        ("I won't give away the ending", False),
    ],
)
def test_giveaways_by_their_words_and_entry_rules(caption: str, giveaway: bool) -> None:
    assert is_giveaway(Post(id="p", published_at=NOW, kind="photo", caption=caption)) is giveaway


def test_a_post_explains_no_more_followers_than_half_its_likes_over_several_days() -> None:
    # +7,000 on the post's day, then +4,000: 11,000 in all against half of 20,000 likes.
    gains = gains_on({-5: 7_000, -4: 4_000})
    result = with_posts(scrape(15_000, cumulative(4_000, gains)), VIRAL_POSTS)
    report = growth(result, [], NOW)
    assert [(s.day, s.gain) for s in report.spike_days] == [(day(-4), 4_000.0)]
    assert "1 jump followed a viral post" in report.spikes.explanation


def test_likes_beyond_the_views_are_bought_not_viral() -> None:
    gains = gains_on({-5: 3_000})
    result = with_posts(scrape(7_000, cumulative(4_000, gains)), VIRAL_POSTS)
    posts = [p.model_copy(update={"views": 10_000}) if p.id == "p-5" else p for p in result.posts]
    report = growth(result.model_copy(update={"posts": posts}), [], NOW)
    assert [s.day for s in report.spike_days] == [day(-5)]  # 20,000 likes on 10,000 views
    seen = [p.model_copy(update={"views": 400_000}) if p.id == "p-5" else p for p in result.posts]
    assert growth(result.model_copy(update={"posts": seen}), [], NOW).spike_days == []


def test_likes_without_comments_are_bought_not_viral() -> None:
    # The other posts get a comment per 20 likes; the "viral" one 20,000 likes and 10 comments.
    gains = gains_on({-5: 3_000})
    result = with_posts(scrape(7_000, cumulative(4_000, gains)), VIRAL_POSTS)
    posts = [
        p.model_copy(update={"comments": 10 if p.id == "p-5" else (p.likes or 0) // 20})
        for p in result.posts
    ]
    report = growth(result.model_copy(update={"posts": posts}), [], NOW)
    assert [s.day for s in report.spike_days] == [day(-5)]
    talked = [p.model_copy(update={"comments": (p.likes or 0) // 20}) for p in result.posts]
    assert growth(result.model_copy(update={"posts": talked}), [], NOW).spike_days == []


def test_no_post_is_viral_among_fewer_than_five() -> None:
    gains = gains_on({-5: 3_000})
    result = with_posts(scrape(7_000, cumulative(4_000, gains)), VIRAL_POSTS[:4])
    assert growth(result, [], NOW).spikes.value == 1


def test_the_jump_test_works_without_the_z_test() -> None:
    # Three gains are too few for a median and MAD. +400 on 4,000 is exactly 10 %, not over it;
    # +401 on 4,400 is 9.1 %; +700 on 4,801 is 14.6 %: a spike.
    history = cumulative(4_000, [400, 401, 700])
    report = growth(scrape(history[-1][1], history), [], NOW)
    assert [(s.day, s.gain) for s in report.spike_days] == [(TODAY, 700.0)]
    assert report.spike_days[0].robust_z is None
    assert report.spike_days[0].reasons == ["+14.6 % in a day, over 10 %"]
    assert "Robust z-test skipped: it needs at least 7 daily gains" in report.spikes.explanation


def test_a_young_account_growing_12_percent_every_day_has_no_spike() -> None:
    # +12 % a day for 19 days (1,000 -> 8,600): over 10 % every day, and every day alike, so
    # the z-test finds none unusual; before, each day was a "spike like bought followers".
    counts = [1_000]
    for _ in range(19):
        counts.append(round(counts[-1] * 1.12))
    gains = [b - a for a, b in itertools.pairwise(counts)]
    steady = growth(scrape(counts[-1], cumulative(1_000, gains)), [], NOW)
    assert steady.spike_days == []
    # One day of +42 % among them is a spike whatever the history (over 30 %).
    gains[10] = round((counts[0] + sum(gains[:10])) * 0.42)
    jump = growth(scrape(1_000 + sum(gains), cumulative(1_000, gains)), [], NOW)
    assert len(jump.spike_days) == 1
    assert jump.spike_days[0].share == pytest.approx(0.42, abs=0.001)


def test_a_tiny_account_needs_100_followers_for_a_spike() -> None:
    history = cumulative(200, [1, 0, 2, 1, 0, 1, 90])  # +90 is +44 %, but only 90 followers
    report = growth(scrape(history[-1][1], history), [], NOW)
    assert report.spikes.value == 0


def test_a_flat_account_has_no_spike_and_says_why_the_z_test_found_none() -> None:
    history = cumulative(4_000, [0] * 8)
    report = growth(scrape(4_000, history), [], NOW)
    assert report.spikes.value == 0
    assert "the growth rate was the same every day" in report.spikes.explanation


def test_a_30_percent_drop_is_a_drop_not_a_spike() -> None:
    gains = [10, 12, 11, 9, 10, -3_000, 10, 11, 10, 12]  # -3,000 on 10,052: -29.8 %
    history = cumulative(10_000, gains)
    report = growth(scrape(history[-1][1], history), [], NOW)
    assert report.spikes.value == 0
    assert report.spike_days == []
    assert report.spike_share.value == 0.0
    assert report.drops.value == 1
    [drop] = report.drop_days
    assert (drop.day, drop.gain) == (day(-4), -3_000.0)
    assert drop.robust_z is not None
    assert drop.robust_z < -3.5
    assert drop.reasons[0] == "-29.8 % in a day, a loss over 5 %"
    assert report.drops.explanation.startswith(
        f"1 drop day in 10 days of gains: {day(-4).isoformat()} (-3,000, -29.8 %). "
    )
    assert "it is not a spike" in report.drops.explanation
    assert [e.ref for e in report.drops.evidence] == [day(-4).isoformat()]
    # The projection leaves the drop out: the median of the other gains is 10.
    assert report.projection_30d.value == history[-1][1] + 300
    assert "(1 drop day left out)" in report.projection_30d.explanation


def test_a_drop_after_a_spike_says_it_backs_the_spike() -> None:
    gains = [10, 12, 11, 9, 10, 4_000, 10, 11, -3_500, 12]  # bought, then purged
    history = cumulative(10_000, gains)
    report = growth(scrape(history[-1][1], history), [], NOW)
    assert [s.day for s in report.spike_days] == [day(-4)]
    assert [d.day for d in report.drop_days] == [day(-1)]
    assert f"1 drop day came after the spike of {day(-4).isoformat()}" in (report.drops.explanation)


def test_an_emptied_account_has_a_drop_and_no_spike_share() -> None:
    report = growth(scrape(0, [(-1, 500)]), [], NOW)
    assert report.drops.value == 1
    assert report.spike_share.value is None
    assert report.spike_share.explanation == (
        "Not enough data (n=1): the account has no followers today."
    )


def test_wording_is_singular_or_plural_never_day_s() -> None:
    one = cumulative(4_000, [0, 0, 0, 3_000, 0, 0, 0, 0])
    three = cumulative(4_000, [0, 3_000, 0, 0, 4_000, 0, 0, 5_000])
    none = cumulative(4_000, [10] * 8)
    by_count = {
        name: growth(scrape(history[-1][1], history), [], NOW)
        for name, history in (("one", one), ("three", three), ("none", none))
    }
    assert by_count["one"].spikes.explanation.startswith("1 spike day in 8 days of gains: ")
    assert by_count["three"].spikes.explanation.startswith("3 spike days in 8 days of gains: ")
    assert by_count["none"].spikes.explanation.startswith("No spike days in 8 days of gains.")
    assert "(1 spike day left out)" in by_count["one"].projection_30d.explanation
    for report in by_count.values():
        for metric in (report.spikes, report.spike_share, report.drops, report.projection_30d):
            assert "(s)" not in metric.explanation


def test_the_headline_and_the_sentence_round_alike() -> None:
    # 1,000 of 6,000 followers in a spike: 16.666... % is shown as 16.67 % in both places.
    history = cumulative(5_000, [0, 0, 0, 0, 1_000, 0, 0, 0])
    report = growth(scrape(6_000, history), [], NOW)
    for metric in (report.spike_share, report.growth_30d_percent, report.projection_30d):
        if metric.value is not None:
            assert metric_value(metric).split(" ")[0].lstrip("+") in metric.explanation
    assert metric_value(report.spike_share) == "16.67 %"


def test_gaps_are_interpolated_and_said_so() -> None:
    # Counts on day -4 (1,000) and today (1,400): 400 over 4 days -> 100 a day, interpolated.
    result = scrape(1_400)
    history = [snapshot(NOW - timedelta(days=4), 1_000)]
    gains = daily_gains(follower_series(result, history, NOW))
    assert [(g.day, g.gain, g.before, g.interpolated) for g in gains] == [
        (day(-3), 100.0, 1_000.0, True),
        (day(-2), 100.0, 1_100.0, True),
        (day(-1), 100.0, 1_200.0, True),
        (day(0), 100.0, 1_300.0, True),
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
    # Last 10 gains: 10 x 5, 20 x 2 and three bought days of 6,000 (about +12 %, over 10 %).
    # Without the spikes the median is 10 -> +300; with them it would be 15 -> +450.
    history = cumulative(50_000, [10, 10, 6_000, 10, 20, 6_000, 10, 10, 20, 6_000])
    last = history[-1][1]
    report = growth(scrape(last, history), [], NOW)
    assert report.spikes.value == 3
    assert report.projection_30d.value == last + 300
    assert report.projection_30d.sample_size == 7
    assert "(3 spike days left out)" in report.projection_30d.explanation
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
        report.spike_share,
        report.drops,
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


async def demo(handle: str, platform: Platform = Platform.INSTAGRAM) -> ScrapeResult:
    async def progress(fraction: float, message: str) -> None:
        pass

    request = ScrapeRequest(platform=platform, handle=handle, attempt=1)
    return await DemoAdapter(StillClock(), 0.0).fetch(request, progress)


@pytest.mark.parametrize("platform", list(Platform))
async def test_demo_bought_followers_show_a_spike_and_steady_growth_none(
    platform: Platform,
) -> None:
    bought = growth(await demo("demo.bought", platform), [], NOW)
    assert bought.spikes.value is not None
    assert bought.spikes.value >= 1
    assert all(e.kind == "day" for e in bought.spikes.evidence)
    # The demo buys 20-40 % of the audience over one or two days.
    assert max(s.share for s in bought.spike_days) > 0.1
    assert bought.spike_share.value is not None
    assert bought.spike_share.value > 10
    for handle in ("demo.authentic", "demo.rising", "demo.brand"):
        steady = growth(await demo(handle, platform), [], NOW)
        assert steady.spikes.value == 0, handle
        assert steady.drops.value == 0, handle
