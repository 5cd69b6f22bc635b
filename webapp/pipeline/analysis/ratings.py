"""Good / watch / bad at a glance: each metric read against the yardstick the score uses.

A metric without a value, or without a yardstick (counts of posts, prices, reach), gets no
rating. Where the score has a rule, the rating follows it (a veto's threshold is "bad"); the
"watch" steps in between are assumptions of this tool, listed in the report's method.
"""

from __future__ import annotations

from collections.abc import Callable

from webapp.models import Metric, Rating, ReportSection
from webapp.pipeline.analysis.comments import forms_pod
from webapp.pipeline.analysis.families import Families, sections_of
from webapp.pipeline.analysis.score import (
    MAX_FAKE_SHARE,
    MAX_SUSPICIOUS_COMMENTERS,
    SPIKE_SHARE_CAP,
    WEAK_ENGAGEMENT_SHARE,
)

# Assumption: shares of bad signals (percent) up to the first figure are good, up to the second
# worth a look, above it bad.
Steps = tuple[float, float]
FAKE_SHARE: Steps = (15.0, MAX_FAKE_SHARE)  # bad caps the verdict at review (score.py)
GENERIC_SHARE: Steps = (30.0, 50.0)
COPY_SHARE: Steps = (10.0, 25.0)
SUSPICIOUS_COMMENTERS: Steps = (10.0, MAX_SUSPICIOUS_COMMENTERS)  # bad caps the verdict
POD_SHARE: Steps = (20.0, 40.0)
QUALITY_AUDIENCE: Steps = (70.0, 50.0)  # at least 70 good, at least 50 watch
BENFORD_P = 0.01  # a p-value under this is worth a look (a departure is a flag, not proof)


def _lower_is_better(steps: Steps) -> Callable[[Metric], Rating]:
    good, watch = steps

    def rating(metric: Metric) -> Rating:
        value = metric.value or 0.0
        return "good" if value <= good else "watch" if value <= watch else "bad"

    return rating


def _zero_is_good(metric: Metric) -> Rating:
    return "good" if not metric.value else "watch"


def _quality(metric: Metric) -> Rating:
    value = metric.value or 0.0
    good, watch = QUALITY_AUDIENCE
    return "good" if value >= good else "watch" if value >= watch else "bad"


def _benford(metric: Metric) -> Rating:
    return "watch" if (metric.value or 0.0) < BENFORD_P else "good"


def _days(metric: Metric) -> Rating:
    days = metric.value or 0.0
    return "good" if days <= 30 else "watch" if days <= 90 else "bad"


_BY_KEY: dict[tuple[str, str], Callable[[Metric], Rating]] = {
    ("audience", "fake_share"): _lower_is_better(FAKE_SHARE),
    ("audience", "suspicious_share"): _lower_is_better(FAKE_SHARE),
    ("audience", "mass_follower_share"): _lower_is_better(FAKE_SHARE),
    ("audience", "quality_audience_share"): _quality,
    ("audience", "benford_p_value"): _benford,
    ("comments", "generic_share"): _lower_is_better(GENERIC_SHARE),
    ("comments", "duplicate_share"): _lower_is_better(COPY_SHARE),
    ("comments", "suspicious_commenter_share"): _lower_is_better(SUSPICIOUS_COMMENTERS),
    ("growth", "drops"): _zero_is_good,
    ("content", "days_since_last_post"): _days,
    ("content", "disclosure.weak_disclosures"): _zero_is_good,
    ("content", "disclosure.buried_disclosures"): _zero_is_good,
}


def rated_sections(families: Families) -> list[ReportSection]:
    """The report's sections with every metric rated."""
    sections = sections_of(families)
    for section in sections:
        for item in section.metrics:
            item.metric.rating = rate_metric(families, section.key, item.key, item.metric)
    return sections


def rate_metric(families: Families, section: str, key: str, metric: Metric) -> Rating | None:
    """The metric's rating, or None without a value or a yardstick."""
    if metric.value is None:
        return None
    special = _SPECIAL.get((section, key))
    if special is not None:
        return special(families, metric)
    if section == "content" and key.startswith("brand_safety."):
        return _zero_is_good(metric)
    rule = _BY_KEY.get((section, key))
    return None if rule is None else rule(metric)


def _engagement(families: Families, metric: Metric) -> Rating:
    """The rate against its tier's band: within or above good, implausible or far below bad."""
    position = families.engagement.position
    if position.implausible:
        return "bad"
    rate = metric.value or 0.0
    if rate >= position.band_low:
        return "good"
    return "watch" if rate >= WEAK_ENGAGEMENT_SHARE * position.band_low else "bad"


def _pod(families: Families, metric: Metric) -> Rating:
    rating = _lower_is_better(POD_SHARE)(metric)
    # One or two fans on every post are worth a look, never a pod.
    return "watch" if rating == "bad" and not forms_pod(families.comments) else rating


def _spikes(families: Families, metric: Metric) -> Rating:
    if not metric.value:
        return "good"
    share = families.growth.spike_share.value
    return "bad" if share is not None and share >= SPIKE_SHARE_CAP else "watch"


def _undisclosed(families: Families, metric: Metric) -> Rating | None:
    if families.content.disclosure.needing == 0:
        return None  # nothing to check
    return "good" if not metric.value else "bad"


_SPECIAL: dict[tuple[str, str], Callable[[Families, Metric], Rating | None]] = {
    ("engagement", "rate_median"): _engagement,
    ("engagement", "position"): _engagement,
    ("comments", "recurring_comment_share"): _pod,
    ("growth", "spikes"): _spikes,
    ("growth", "spike_share"): _spikes,
    ("content", "disclosure.undisclosed_posts"): _undisclosed,
}
