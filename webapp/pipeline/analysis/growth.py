"""Follower growth: the daily series, its gains, spikes that look bought, and where it heads.

The series merges the app's stored snapshots, the daily history a source may provide and the
current scrape, one value per day (the latest observation of a day wins). Days without an
observation are filled by spreading the change across the gap evenly, so every gain is per day.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from statistics import median

from pydantic import BaseModel, Field, TypeAdapter

from webapp.models import Evidence, Metric, Snapshot
from webapp.pipeline.scraping.result import ScrapeResult

# Iglewicz and Hoaglin (1993), "How to Detect and Handle Outliers": modified z-score
# M = 0.6745 (x - median) / MAD; |M| > 3.5 marks an outlier. 0.6745 makes MAD comparable to a
# standard deviation for normal data.
Z_SCALE = 0.6745
Z_LIMIT = 3.5
MIN_Z_GAINS = 7  # a median and MAD of fewer days say little about what is usual
# Rule of thumb of follower-audit tools (Social Blade-style histories): an account that gains
# more than 5,000 followers in one day without a viral post is worth a look.
DAILY_LIMIT = 5_000
PROJECTION_DAYS = 30
MIN_PROJECTION_GAINS = 7
MAX_EVIDENCE = 10


class DailyGain(BaseModel):
    day: date = Field(description="The day the gain ends on")
    gain: float = Field(description="Followers gained that day (negative: lost)")
    interpolated: bool = Field(description="True when the day fell in a gap between counts")


_DAILY_GAINS = TypeAdapter(list[DailyGain])


class Spike(BaseModel):
    day: date
    gain: float
    robust_z: float | None = Field(description="None when the z-score could not be computed")
    reasons: list[str]


class GrowthReport(BaseModel):
    series: list[tuple[date, int]] = Field(description="Observed followers per day, oldest first")
    daily_gains: list[DailyGain]
    spikes: Metric
    spike_days: list[Spike]
    growth_30d_percent: Metric
    growth_30d_absolute: Metric
    growth_90d_percent: Metric
    growth_90d_absolute: Metric
    projection_30d: Metric


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
            gains.append({"day": day_b, "gain": per_day, "interpolated": False})
            continue
        for offset in range(1, gap + 1):
            day = day_a + timedelta(days=offset)
            gains.append({"day": day, "gain": per_day, "interpolated": gap > 1})
    # One validation for the whole series: a model per day, built a few times faster than
    # one DailyGain(...) call each.
    return _DAILY_GAINS.validate_python(gains)


def robust_z_scores(values: Sequence[float]) -> list[float] | None:
    """Modified z-scores (Iglewicz and Hoaglin, 1993); None when MAD is 0 (no usual spread)."""
    centre = median(values)
    mad = median(abs(v - centre) for v in values)
    if mad == 0:
        return None
    return [Z_SCALE * (v - centre) / mad for v in values]


def find_spikes(gains: Sequence[DailyGain]) -> tuple[list[Spike], str]:
    """Spike days by either test, and a note on whether the z-test could run."""
    values = [g.gain for g in gains]
    scores: list[float] | None = None
    if len(values) < MIN_Z_GAINS:
        note = f"robust z-test skipped: it needs at least {MIN_Z_GAINS} daily gains"
    else:
        scores = robust_z_scores(values)
        note = (
            "robust z-test skipped: gains hardly vary (MAD = 0)"
            if scores is None
            else f"robust z-test over {len(values)} daily gains"
        )
    spikes: list[Spike] = []
    for index, gain in enumerate(gains):
        z = None if scores is None else scores[index]
        reasons: list[str] = []
        if z is not None and abs(z) > Z_LIMIT:
            reasons.append(f"robust z-score {z:.1f} beyond ±{Z_LIMIT:g}")
        if gain.gain > DAILY_LIMIT:
            reasons.append(f"more than {DAILY_LIMIT:,} new followers in a day")
        if reasons:
            if gain.interpolated:
                reasons.append("spread over a gap between counts")
            spikes.append(
                Spike(
                    day=gain.day,
                    gain=gain.gain,
                    robust_z=None if z is None else round(z, 2),
                    reasons=reasons,
                )
            )
    return spikes, note


def _spike_metric(gains: Sequence[DailyGain], spikes: Sequence[Spike], note: str) -> Metric:
    label = "Follower spikes"
    formula = (
        f"days with |{Z_SCALE} (gain - median) / MAD| > {Z_LIMIT:g} (Iglewicz and Hoaglin, 1993) "
        f"or a gain above {DAILY_LIMIT:,} followers"
    )
    n = len(gains)
    if n == 0:
        return Metric(
            label=label,
            value=None,
            unit="count",
            explanation="Not enough data (n=0): daily gains need follower counts on two days.",
            formula=formula,
            sample_size=0,
        )
    listed = ", ".join(f"{s.day.isoformat()} ({s.gain:+,.0f})" for s in spikes[:3])
    found = f"{len(spikes)} spike day(s): {listed}" if spikes else "no spike day"
    return Metric(
        label=label,
        value=float(len(spikes)),
        unit="count",
        explanation=f"{found} across {n} days of gains ({note}).",
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="day", ref=s.day.isoformat(), note=f"{s.gain:+,.0f}: {s.reasons[0]}")
            for s in spikes[:MAX_EVIDENCE]
        ],
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
    series: Sequence[tuple[date, int]], gains: Sequence[DailyGain], spikes: Sequence[Spike]
) -> Metric:
    label = f"Followers in {PROJECTION_DAYS} days (projection)"
    formula = (
        f"followers today + {PROJECTION_DAYS} * median(daily gain over the last "
        f"{PROJECTION_DAYS} days, spike days excluded)"
    )
    last_day, last = series[-1]
    spike_days = {s.day for s in spikes}
    since = last_day - timedelta(days=PROJECTION_DAYS)
    recent = [g for g in gains if g.day > since]
    window = [g for g in recent if g.day not in spike_days]
    n = len(window)
    if n < MIN_PROJECTION_GAINS:
        return Metric(
            label=label,
            value=None,
            unit="count",
            explanation=(
                f"Not enough data (n={n}): the projection needs at least {MIN_PROJECTION_GAINS} "
                f"days of gains (without spikes) in the last {PROJECTION_DAYS} days."
            ),
            formula=formula,
            sample_size=n,
        )
    per_day = median(g.gain for g in window)
    value = last + PROJECTION_DAYS * per_day
    target = last_day + timedelta(days=PROJECTION_DAYS)
    excluded = len(spike_days & {g.day for g in recent})
    return Metric(
        label=label,
        value=round(value),
        unit="count",
        explanation=(
            f"About {value:,.0f} followers on {target.isoformat()}: "
            f"{last:,} today plus {PROJECTION_DAYS} x the median daily gain of {per_day:+,.1f} "
            f"over the last {n} days ({excluded} spike day(s) left out)."
        ),
        formula=formula,
        sample_size=n,
    )


def growth(result: ScrapeResult, history: Sequence[Snapshot], now: datetime) -> GrowthReport:
    series = follower_series(result, history, now)
    gains = daily_gains(series)
    spikes, note = find_spikes(gains)
    growth_30 = _growth(series, 30)
    growth_90 = _growth(series, 90)
    return GrowthReport(
        series=series,
        daily_gains=gains,
        spikes=_spike_metric(gains, spikes, note),
        spike_days=spikes,
        growth_30d_percent=growth_30[0],
        growth_30d_absolute=growth_30[1],
        growth_90d_percent=growth_90[0],
        growth_90d_absolute=growth_90[1],
        projection_30d=_projection(series, gains, spikes),
    )
