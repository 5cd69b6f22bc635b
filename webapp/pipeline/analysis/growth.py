"""Follower growth: the daily series, its gains, days that look bought (spikes) or purged (drops),
and where it heads.

The series merges the app's stored snapshots, the daily history a source may provide and the
current scrape, one value per day (the latest observation of a day wins). Days without an
observation are filled by spreading the change across the gap evenly, so every gain is per day.

Spikes and drops are judged on the day's growth rate (the gain as a share of the followers the
day before), so the same rule fits a 4,000-follower account and a 50-million one: a day stands
out when it is far from the account's own usual rate (a robust z-score) and large for the
audience, or when it is a jump no organic day reaches whatever the account's history. A jump
that follows a post far above the account's usual engagement, with at least as many likes and
comments as the followers gained, is a viral post at work: it is listed, not counted as a spike.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from statistics import fmean, median
from typing import Literal

from pydantic import BaseModel, Field, TypeAdapter

from webapp.models import Evidence, Metric, Snapshot
from webapp.pipeline.analysis.benchmarks import VIEW_RATE_TOP
from webapp.pipeline.analysis.engagement import VIEWS_IMPLAUSIBLE_MULTIPLE
from webapp.pipeline.analysis.giveaways import is_giveaway
from webapp.pipeline.scraping.result import Post, ScrapeResult

# Iglewicz and Hoaglin (1993), "How to Detect and Handle Outliers": modified z-score
# M = 0.6745 (x - median) / MAD; |M| > 3.5 marks an outlier. 0.6745 makes MAD comparable to a
# standard deviation for normal data.
Z_SCALE = 0.6745
Z_LIMIT = 3.5
# When more than half the values are equal MAD is 0; the documented fallback divides by
# 1.253314 x the mean absolute deviation instead, which approximates the standard deviation
# (IBM Cognos Analytics 11.1 documentation, "Modified z score", looked up 2026). When that is 0
# too, every value is the same and nothing is an outlier by z.
MEAN_AD_SCALE = 1.253314
MIN_Z_GAINS = 7  # a median and MAD of fewer days say little about what is usual
# Assumption: a day that is unusual for the account but adds less than 1 % of its audience more
# than its usual day (the median) is a good post, not a purchase worth flagging (and on a very
# even series, rounding alone makes a z-score): organic accounts grow roughly 0.05-1 % a day, so an
# account with very even days would otherwise be flagged for +1.5 % (e.g. a 50-million account
# that usually gains 20,000 and once gains 30,000, +0.06 %).
MIN_Z_SHARE = 0.01
# Assumption: a one-day gain above 10 % of the followers the day before is flagged even without
# a history to compare with (fewer than MIN_Z_GAINS days, or every day the same). Organic daily
# growth is a fraction of a percent to about 1 % for fast risers, so 10 % in a day is 10 times
# a fast riser's day; bought batches are sold by the thousand, a large share of a small account.
# Where the robust z-test ran and finds the day ordinary for this account (a young account that
# grows 10 % every day), a jump up to 30 % is its usual pace, not a purchase; beyond 30 % it is
# flagged whatever the history. Assumption: the 30 %.
JUMP_SHARE = 0.10
ALWAYS_JUMP_SHARE = 0.30
# A loss of 5 % of the audience in one day is the size of a platform purge of fake accounts: in
# Instagram's December 2014 purge the 100 most-followed accounts lost about 7 % on average
# (Beyonce 3.7 %, Justin Bieber 14.9 %; Search Factory, 22 Dec 2014, from Zach Allia's
# figures; looked up 2026). Assumption: ordinary unfollows never come near 5 % in a day.
DROP_SHARE = 0.05
# Assumption: a change of fewer than 100 followers in a day is noise on a tiny account, not a
# purchase or a purge worth a marketer's look (bought followers are sold in batches of hundreds
# to thousands).
MIN_DAY_CHANGE = 100
PROJECTION_DAYS = 30
MIN_PROJECTION_GAINS = 7
MAX_EVIDENCE = 10
MAX_LISTED = 3  # days named in an explanation
# Assumption: a post with 5 times the account's median likes + comments (over at least 5 posts)
# has gone viral, and the followers it brings arrive on its day or in the 3 days after (or on
# the day before its date: daily counts are taken at any hour and a date may be another time
# zone's, so one day of slack keeps a day boundary from deciding). It explains at most half as
# many new followers as it has likes and comments: far fewer people follow after a post than
# like it, so a gain beyond that is not its doing (and likes bought on one post do not pay for
# followers bought with them). A post whose likes and comments are implausible for its views
# (engagement.py's limit by views), or whose likes per comment run over 5x the account's usual,
# is not viral but bought (bought likes come without views or comments), and a giveaway or
# contest never explains a jump: its followers come for the prize. Assumptions: the 5x (of the
# median post and of its likes per comment), the days, the half.
VIRAL_MULTIPLE = 5.0
VIRAL_FOLLOW_SHARE = 0.5
VIRAL_MIN_POSTS = 5
VIRAL_LAG_DAYS = 3
VIRAL_SLACK_DAYS = 1


class DailyGain(BaseModel):
    day: date = Field(description="The day the gain ends on")
    gain: float = Field(description="Followers gained that day (negative: lost)")
    before: float = Field(description="Followers the day before (interpolated in a gap)")
    interpolated: bool = Field(description="True when the day fell in a gap between counts")

    @property
    def share(self) -> float:
        """The gain as a share of the followers the day before (an empty account counts as 1)."""
        return self.gain / max(self.before, 1.0)


_DAILY_GAINS = TypeAdapter(list[DailyGain])


class UnusualDay(BaseModel):
    """A spike (a suspicious gain) or a drop (a big loss)."""

    day: date
    gain: float
    share: float = Field(description="The gain as a share of the followers the day before")
    robust_z: float | None = Field(description="None when the z-score could not be computed")
    reasons: list[str]


class GrowthReport(BaseModel):
    series: list[tuple[date, int]] = Field(description="Observed followers per day, oldest first")
    daily_gains: list[DailyGain]
    spikes: Metric
    spike_share: Metric
    drops: Metric
    spike_days: list[UnusualDay]
    drop_days: list[UnusualDay]
    growth_30d_percent: Metric
    growth_30d_absolute: Metric
    growth_90d_percent: Metric
    growth_90d_absolute: Metric
    projection_30d: Metric


def _plural(n: int, noun: str) -> str:
    """ "1 spike day", "3 spike days", "no spike days"."""
    if n == 0:
        return f"no {noun}s"
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _percent(share: float) -> str:
    return f"{share * 100:+.1f} %"


def _share(share: float) -> str:
    return f"{share * 100:g} %"


def follower_series(
    result: ScrapeResult, history: Sequence[Snapshot], now: datetime
) -> list[tuple[date, int]]:
    """One follower count per observed day, oldest first; the latest observation of a day wins."""
    today = now.astimezone(UTC).date()
    if not history:
        # Without stored snapshots the order needs no times: a source's counts of one day are
        # all "at the end of that day" (or now, for today and later), so the last one listed
        # wins, and the scrape comes after all of them.
        counts = {entry.day: entry.followers for entry in result.follower_history}
        counts[today] = result.profile.followers
        return sorted(counts.items())
    observations: list[tuple[datetime, date, int]] = []
    for snapshot in history:
        moment = snapshot.taken_at.astimezone(UTC)
        observations.append((moment, moment.date(), snapshot.followers))
    for entry in result.follower_history:
        # A source's count is "at the end of that day", but never later than the scrape itself.
        end_of_day = datetime.combine(entry.day, time.max, tzinfo=UTC)
        observations.append((min(end_of_day, now), entry.day, entry.followers))
    # The profile just scraped is the newest observation; appended last so it wins ties.
    observations.append((now, today, result.profile.followers))
    by_day: dict[date, int] = {}
    for _, day, followers in sorted(observations, key=itemgetter(0)):
        by_day[day] = followers
    return sorted(by_day.items())


def daily_gains(series: Sequence[tuple[date, int]]) -> list[DailyGain]:
    """Gain per day; a gap of g days between two counts spreads their change evenly over g."""
    gains: list[dict[str, object]] = []
    for (day_a, count_a), (day_b, count_b) in itertools.pairwise(series):
        gap = (day_b - day_a).days
        per_day = (count_b - count_a) / gap
        if gap == 1:  # the common case: counts on consecutive days
            gains.append({"day": day_b, "gain": per_day, "before": count_a, "interpolated": False})
            continue
        for offset in range(1, gap + 1):
            gains.append(
                {
                    "day": day_a + timedelta(days=offset),
                    "gain": per_day,
                    "before": count_a + per_day * (offset - 1),
                    "interpolated": True,
                }
            )
    # One validation for the whole series: a model per day, built a few times faster than
    # one DailyGain(...) call each.
    return _DAILY_GAINS.validate_python(gains)


def robust_z_scores(values: Sequence[float]) -> list[float] | None:
    """Modified z-scores (Iglewicz and Hoaglin, 1993), with 1.253314 x the mean absolute
    deviation as the spread when MAD is 0; None when every value is the same."""
    centre = median(values)
    deviations = [abs(v - centre) for v in values]
    mad = median(deviations)
    if mad > 0:
        return [Z_SCALE * (v - centre) / mad for v in values]
    spread = MEAN_AD_SCALE * fmean(deviations)
    if spread == 0:
        return None
    return [(v - centre) / spread for v in values]


@dataclass(frozen=True, slots=True)
class UnusualDays:
    spikes: list[UnusualDay]
    drops: list[UnusualDay]
    note: str  # whether and how the z-test ran


def _z_test(shares: Sequence[float]) -> tuple[list[float] | None, str]:
    if len(shares) < MIN_Z_GAINS:
        return None, (
            f"robust z-test skipped: it needs at least {MIN_Z_GAINS} daily gains, "
            "so only the one-day jump and loss limits apply"
        )
    scores = robust_z_scores(shares)
    if scores is None:
        return None, (
            f"robust z-test over {len(shares)} daily gains found no outlier: "
            "the growth rate was the same every day"
        )
    centre = median(shares)
    if median(abs(s - centre) for s in shares) == 0:
        return scores, (
            f"robust z-test over {len(shares)} daily gains, with {MEAN_AD_SCALE} x the mean "
            "absolute deviation as the spread: most days had the same growth rate (MAD = 0)"
        )
    return scores, f"robust z-test over {len(shares)} daily gains"


def unusual_days(gains: Sequence[DailyGain]) -> UnusualDays:
    """Spike days (suspicious gains) and drop days (big losses), each by either of two tests:
    a one-sided robust z-score of the day's growth rate with a minimum size, or a one-day change
    beyond a fixed share of the audience (which needs no history)."""
    shares = [g.share for g in gains]
    scores, note = _z_test(shares)
    centre = median(shares) if shares else 0.0
    spikes: list[UnusualDay] = []
    drops: list[UnusualDay] = []
    for index, gain in enumerate(gains):
        if abs(gain.gain) < MIN_DAY_CHANGE:
            continue
        z = None if scores is None else scores[index]
        share = shares[index]
        reasons: list[str] = []
        if gain.gain > 0:
            # The plainer reason first: evidence shows only the first one.
            unusual = z is not None and z > Z_LIMIT and share - centre >= MIN_Z_SHARE
            ordinary = scores is not None and not unusual
            if share > (ALWAYS_JUMP_SHARE if ordinary else JUMP_SHARE):
                reasons.append(f"{_percent(share)} in a day, over {_share(JUMP_SHARE)}")
            if unusual and z is not None:
                reasons.append(f"robust z-score {z:+.1f}, above {Z_LIMIT:g}")
            found = spikes
        else:
            if -share > DROP_SHARE:
                reasons.append(f"{_percent(share)} in a day, a loss over {_share(DROP_SHARE)}")
            if z is not None and z < -Z_LIMIT and centre - share >= MIN_Z_SHARE:
                reasons.append(f"robust z-score {z:+.1f}, below -{Z_LIMIT:g}")
            found = drops
        if not reasons:
            continue
        if gain.interpolated:
            reasons.append("spread over a gap between counts")
        found.append(
            UnusualDay(
                day=gain.day,
                gain=gain.gain,
                share=share,
                robust_z=None if z is None else round(z, 2),
                reasons=reasons,
            )
        )
    return UnusualDays(spikes=spikes, drops=drops, note=note)


@dataclass(frozen=True, slots=True)
class ViralDay:
    """A jump explained by a viral post before it."""

    day: UnusualDay
    post: Post
    multiple: float  # the post's interactions / the median post's


def _interactions(post: Post) -> int:
    return (post.likes or 0) + (post.comments or 0)


def _seen_enough(post: Post, views_limit: float, likes_per_comment: float | None) -> bool:
    """Whether the post's likes and comments are plausible for its views (when it shows them)
    and its likes for its comments (against the account's usual `likes_per_comment`): bought
    likes arrive without the views and the comments that organic ones come with."""
    if post.views and _interactions(post) / post.views * 100 > views_limit:
        return False
    if likes_per_comment is None or post.comments is None:
        return True
    return (post.likes or 0) / max(post.comments, 1) <= VIRAL_MULTIPLE * likes_per_comment


def _usual_likes_per_comment(posts: Sequence[Post]) -> float | None:
    ratios = [(p.likes or 0) / p.comments for p in posts if p.comments]
    return median(ratios) if len(ratios) >= VIRAL_MIN_POSTS else None


def explain_viral(
    found: UnusualDays, posts: Sequence[Post], views_limit: float = 100.0
) -> tuple[UnusualDays, list[ViralDay]]:
    """Split the spikes into those a viral post explains and the rest (still spikes). A post
    explains gains up to half its likes + comments, over the days it can explain, and only
    when they are plausible for its views (`views_limit`, percent; module notes)."""
    counted = [p for p in posts if p.likes is not None]
    if len(counted) < VIRAL_MIN_POSTS or not found.spikes:
        return found, []
    typical = median(_interactions(p) for p in counted)
    likes_per_comment = _usual_likes_per_comment(counted)
    viral = [
        p
        for p in counted
        if _interactions(p) >= VIRAL_MULTIPLE * max(typical, 1)
        and not is_giveaway(p)
        and _seen_enough(p, views_limit, likes_per_comment)
    ]
    left = {p.id: VIRAL_FOLLOW_SHARE * _interactions(p) for p in viral}
    spikes: list[UnusualDay] = []
    explained: list[ViralDay] = []
    for spike in found.spikes:  # oldest first: a post's engagement is spent in order
        cause = next(
            (
                p
                for p in sorted(viral, key=_interactions, reverse=True)
                if _in_window(spike.day, p) and left[p.id] >= spike.gain
            ),
            None,
        )
        if cause is None:
            spikes.append(spike)
            continue
        left[cause.id] -= spike.gain
        explained.append(ViralDay(spike, cause, _interactions(cause) / max(typical, 1)))
    return UnusualDays(spikes=spikes, drops=found.drops, note=found.note), explained


def _in_window(day: date, post: Post) -> bool:
    """Whether a gain ending on `day` can be the post's doing (module notes on viral posts)."""
    lag = (day - post.published_at.astimezone(UTC).date()).days
    return -VIRAL_SLACK_DAYS <= lag <= VIRAL_LAG_DAYS


def after_giveaways(spikes: Sequence[UnusualDay], posts: Sequence[Post]) -> list[ViralDay]:
    """The spikes that follow a giveaway or contest post, newest post first: named in the
    report, since their followers came for a prize (multiple 0: not a measure here)."""
    if not spikes:
        return []
    giveaways = sorted((p for p in posts if is_giveaway(p)), key=lambda p: p.published_at)
    found = []
    for spike in spikes:
        cause = next((p for p in reversed(giveaways) if _in_window(spike.day, p)), None)
        if cause is not None:
            found.append(ViralDay(spike, cause, 0.0))
    return found


def _after_posts(days: Sequence[ViralDay], viral: bool) -> str:
    """ "2026-11-17 (+3,000) after the post of 2026-11-16 (…)", a few named, the rest counted."""
    named = ", ".join(
        f"{d.day.day.isoformat()} ({d.day.gain:+,.0f}) after the post of "
        f"{d.post.published_at.date().isoformat()}"
        + (
            f" ({_interactions(d.post):,} likes and comments, {d.multiple:.0f}x the median post)"
            if viral
            else ""
        )
        for d in days[:MAX_LISTED]
    )
    more = len(days) - MAX_LISTED
    return named + (f" and {more:,} more" if more > 0 else "")


def _giveaway_note(days: Sequence[ViralDay]) -> str:
    if not days:
        return ""
    verb = "follows" if len(days) == 1 else "follow"
    return (
        f" {_sentence(_plural(len(days), 'spike day'))} {verb} a giveaway or contest, whose "
        f"followers come for the prize: {_after_posts(days, viral=False)}."
    )


def _viral_note(viral: Sequence[ViralDay]) -> str:
    if not viral:
        return ""
    named = _after_posts(viral, viral=True)
    return (
        f" {_sentence(_plural(len(viral), 'jump'))} followed a viral post and "
        f"{'is not counted as a spike' if len(viral) == 1 else 'are not counted as spikes'}: "
        f"{named}."
    )


def _viral_evidence(viral: Sequence[ViralDay]) -> list[Evidence]:
    return [
        Evidence(
            kind="post",
            ref=v.post.id,
            note=f"viral post ({v.multiple:.0f}x the median) before {v.day.day.isoformat()}'s "
            f"{v.day.gain:+,.0f}",
        )
        for v in viral[:MAX_EVIDENCE]
    ]


def _listed(days: Sequence[UnusualDay]) -> str:
    named = ", ".join(
        f"{d.day.isoformat()} ({d.gain:+,.0f}, {_percent(d.share)})" for d in days[:MAX_LISTED]
    )
    more = len(days) - MAX_LISTED
    return f"{named} and {more:,} more" if more > 0 else named


def _evidence(days: Sequence[UnusualDay]) -> list[Evidence]:
    return [
        Evidence(
            kind="day",
            ref=d.day.isoformat(),
            note=f"{d.gain:+,.0f} ({_percent(d.share)}): {d.reasons[0]}",
        )
        for d in days[:MAX_EVIDENCE]
    ]


def _no_gains(label: str, unit: Literal["count", "percent"], formula: str) -> Metric:
    return Metric(
        label=label,
        value=None,
        unit=unit,
        explanation="Not enough data (n=0): daily gains need follower counts on two days.",
        formula=formula,
        sample_size=0,
    )


def _spike_metric(
    gains: Sequence[DailyGain],
    found: UnusualDays,
    viral: Sequence[ViralDay] = (),
    giveaways: Sequence[ViralDay] = (),
) -> Metric:
    label = "Follower spikes"
    formula = (
        f"gain days of at least {MIN_DAY_CHANGE} followers where the growth rate (gain / "
        f"followers the day before) has a robust z-score above {Z_LIMIT:g} (Iglewicz and "
        f"Hoaglin, 1993; {MEAN_AD_SCALE} x mean absolute deviation when MAD = 0) and is at least "
        f"{_share(MIN_Z_SHARE)} above the median day's, or is above {_share(JUMP_SHARE)} (above "
        f"{_share(ALWAYS_JUMP_SHARE)} when the z-test finds the day ordinary); not a day from "
        "the one before "
        f"to {VIRAL_LAG_DAYS} days after a post with {VIRAL_MULTIPLE:g}x the median likes + "
        "comments, plausible for its views, half of which cover the day's gain (a viral post, "
        "not a giveaway)"
    )
    n = len(gains)
    if n == 0:
        return _no_gains(label, "count", formula)
    spikes = found.spikes
    listed = f": {_listed(spikes)}" if spikes else ""
    return Metric(
        label=label,
        value=float(len(spikes)),
        unit="count",
        explanation=(
            f"{_sentence(_plural(len(spikes), 'spike day'))} in {_plural(n, 'day')} of gains"
            f"{listed}. {_sentence(found.note)}.{_giveaway_note(giveaways)}{_viral_note(viral)}"
        ),
        formula=formula,
        sample_size=n,
        evidence=[*_evidence(spikes), *_viral_evidence(viral)][:MAX_EVIDENCE],
    )


def _spike_share_metric(
    series: Sequence[tuple[date, int]], gains: Sequence[DailyGain], found: UnusualDays
) -> Metric:
    label = "Followers gained in spikes"
    formula = "sum of the gains on spike days / followers today * 100"
    n = len(gains)
    if n == 0:
        return _no_gains(label, "percent", formula)
    last = series[-1][1]
    spikes = found.spikes
    if last <= 0:
        return Metric(
            label=label,
            value=None,
            unit="percent",
            explanation=f"Not enough data (n={n}): the account has no followers today.",
            formula=formula,
            sample_size=n,
        )
    gained = sum(s.gain for s in spikes)
    # The explanation prints the rounded value, so the headline and the sentence agree.
    value = round(gained / last * 100, 2)
    if spikes:
        explanation = (
            f"{value:.2f} % of today's {last:,} followers arrived on "
            f"{_plural(len(spikes), 'spike day')} ({gained:+,.0f} in all)."
        )
    else:
        explanation = (
            f"{value:.2f} % of today's {last:,} followers arrived in spikes: no spike days "
            f"in {_plural(n, 'day')} of gains."
        )
    return Metric(
        label=label,
        value=value,
        unit="percent",
        explanation=explanation,
        formula=formula,
        sample_size=n,
        evidence=_evidence(spikes),
    )


def _drop_metric(gains: Sequence[DailyGain], found: UnusualDays) -> Metric:
    label = "Follower drops"
    formula = (
        f"loss days of at least {MIN_DAY_CHANGE} followers where the growth rate has a robust "
        f"z-score below -{Z_LIMIT:g} and is at least {_share(MIN_Z_SHARE)} below the median "
        f"day's, or a loss "
        f"over {_share(DROP_SHARE)} of the followers the day before"
    )
    n = len(gains)
    if n == 0:
        return _no_gains(label, "count", formula)
    drops = found.drops
    first_spike = min((s.day for s in found.spikes), default=None)
    after_spike = [d for d in drops if first_spike is not None and d.day > first_spike]
    if not drops:
        why = (
            "Platforms remove fake accounts in purges, so a big loss, above all one after a "
            "spike, would suggest bought followers."
        )
    elif after_spike:
        why = (
            f"{_sentence(_plural(len(after_spike), 'drop day'))} came after the spike of "
            f"{first_spike}: platforms remove fake accounts in purges, so this backs the "
            "suspicion that the spike was bought."
        )
    else:
        why = (
            "Platforms remove fake accounts in purges, so a big loss suggests fake followers "
            "were removed; it is not a spike."
        )
    listed = f": {_listed(drops)}" if drops else ""
    return Metric(
        label=label,
        value=float(len(drops)),
        unit="count",
        explanation=(
            f"{_sentence(_plural(len(drops), 'drop day'))} in {_plural(n, 'day')} of gains"
            f"{listed}. {why}"
        ),
        formula=formula,
        sample_size=n,
        evidence=_evidence(drops),
    )


def _count_on(series: Sequence[tuple[date, int]], day: date) -> float | None:
    """Followers on `day`, interpolated between the counts around it; None outside the series."""
    for (day_a, count_a), (day_b, count_b) in itertools.pairwise(series):
        if day_a <= day <= day_b:
            return count_a + (count_b - count_a) * (day - day_a).days / (day_b - day_a).days
    if series and series[-1][0] == day:
        return float(series[-1][1])
    return None


def _growth(series: Sequence[tuple[date, int]], days: int) -> tuple[Metric, Metric]:
    percent_label = f"Follower growth, {days} days"
    absolute_label = f"Followers gained, {days} days"
    percent_formula = f"(followers today - followers {days} days earlier) / earlier * 100"
    absolute_formula = f"followers today - followers {days} days earlier"
    last_day, last = series[-1]
    start_day = last_day - timedelta(days=days)
    start = _count_on(series, start_day)
    span = (last_day - series[0][0]).days
    if start is None:
        why = (
            f"Not enough data (n={len(series)}): the follower history reaches back {span} days, "
            f"{days} are needed."
        )
        return (
            Metric(
                label=percent_label,
                value=None,
                unit="percent",
                explanation=why,
                formula=percent_formula,
                sample_size=len(series),
            ),
            Metric(
                label=absolute_label,
                value=None,
                unit="count",
                explanation=why,
                formula=absolute_formula,
                sample_size=len(series),
            ),
        )
    observed = any(day == start_day for day, _ in series)
    how = "" if observed else " (the earlier count is interpolated between the nearest counts)"
    absolute = last - start
    evidence = [
        Evidence(kind="day", ref=start_day.isoformat(), note=f"{start:,.0f} followers"),
        Evidence(kind="day", ref=last_day.isoformat(), note=f"{last:,} followers"),
    ]
    n = sum(1 for day, _ in series if day >= start_day)
    absolute_metric = Metric(
        label=absolute_label,
        value=round(absolute),
        unit="count",
        explanation=(
            f"{absolute:+,.0f} followers from {start:,.0f} on {start_day.isoformat()} to "
            f"{last:,} on {last_day.isoformat()}{how}."
        ),
        formula=absolute_formula,
        sample_size=n,
        evidence=evidence,
    )
    if start == 0:
        percent_metric = Metric(
            label=percent_label,
            value=None,
            unit="percent",
            explanation=(
                f"Not enough data (n={n}): the account had 0 followers {days} days ago, "
                "so growth has no percentage."
            ),
            formula=percent_formula,
            sample_size=n,
            evidence=evidence,
        )
    else:
        percent = absolute / start * 100
        percent_metric = Metric(
            label=percent_label,
            value=round(percent, 2),
            unit="percent",
            explanation=(
                f"{percent:+.2f}% in {days} days ({start:,.0f} -> {last:,} followers){how}."
            ),
            formula=percent_formula,
            sample_size=n,
            evidence=evidence,
        )
    return percent_metric, absolute_metric


def _projection(
    series: Sequence[tuple[date, int]], gains: Sequence[DailyGain], found: UnusualDays
) -> Metric:
    label = f"Followers in {PROJECTION_DAYS} days (projection)"
    formula = (
        f"followers today + {PROJECTION_DAYS} * median(daily gain over the last "
        f"{PROJECTION_DAYS} days, spike and drop days excluded)"
    )
    last_day, last = series[-1]
    since = last_day - timedelta(days=PROJECTION_DAYS)
    recent = [g for g in gains if g.day > since]
    recent_days = {g.day for g in recent}
    spike_days = {s.day for s in found.spikes} & recent_days
    drop_days = {d.day for d in found.drops} & recent_days
    window = [g for g in recent if g.day not in spike_days and g.day not in drop_days]
    n = len(window)
    if n < MIN_PROJECTION_GAINS:
        return Metric(
            label=label,
            value=None,
            unit="count",
            explanation=(
                f"Not enough data (n={n}): the projection needs at least {MIN_PROJECTION_GAINS} "
                f"days of gains (without spikes or drops) in the last {PROJECTION_DAYS} days."
            ),
            formula=formula,
            sample_size=n,
        )
    per_day = median(g.gain for g in window)
    value = round(last + PROJECTION_DAYS * per_day)
    target = last_day + timedelta(days=PROJECTION_DAYS)
    left_out = [
        _plural(len(days), kind)
        for days, kind in ((spike_days, "spike day"), (drop_days, "drop day"))
        if days
    ]
    excluded = f" ({' and '.join(left_out)} left out)" if left_out else ""
    return Metric(
        label=label,
        value=value,
        unit="count",
        explanation=(
            f"About {value:,} followers on {target.isoformat()}: "
            f"{last:,} today plus {PROJECTION_DAYS} x the median daily gain of {per_day:+,.1f} "
            f"over the last {_plural(n, 'day')}{excluded}."
        ),
        formula=formula,
        sample_size=n,
    )


def growth(result: ScrapeResult, history: Sequence[Snapshot], now: datetime) -> GrowthReport:
    series = follower_series(result, history, now)
    gains = daily_gains(series)
    per_view = VIEW_RATE_TOP.get(result.platform)
    views_limit = 100.0 if per_view is None else VIEWS_IMPLAUSIBLE_MULTIPLE * per_view.top
    found, viral = explain_viral(unusual_days(gains), result.posts, views_limit)
    growth_30 = _growth(series, 30)
    growth_90 = _growth(series, 90)
    return GrowthReport(
        series=series,
        daily_gains=gains,
        spikes=_spike_metric(gains, found, viral, after_giveaways(found.spikes, result.posts)),
        spike_share=_spike_share_metric(series, gains, found),
        drops=_drop_metric(gains, found),
        spike_days=found.spikes,
        drop_days=found.drops,
        growth_30d_percent=growth_30[0],
        growth_30d_absolute=growth_30[1],
        growth_90d_percent=growth_90[0],
        growth_90d_absolute=growth_90[1],
        projection_30d=_projection(series, gains, found),
    )
