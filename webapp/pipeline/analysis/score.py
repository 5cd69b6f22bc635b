"""The quality score: one 0-100 number from documented sub-scores, a verdict, and the three
strongest reasons, each pointing at the metric that shows it.

Parts and weights (each 0-100):
- engagement 25 %: the median rate against its tier's published band; below it 0-40 in
  proportion to the band's low end, within it 50-90, above it 95;
- audience 25 %: the quality-audience share (real and influencer accounts in the sample);
- comments 15 %: 100 - 1.5 x the share of comments by recurring (pod) commenters - the share
  of suspicious commenters - half the generic share above 50 %;
- growth 15 %: 100 - 35 per follower spike;
- activity 10 %: days since the last post: <= 14 -> 100, <= 30 -> 75, <= 90 -> 40, else 0;
- disclosure 10 %: 100 - 15 per undisclosed sponsored post - 8 per buried - 4 per weak one.

A part the data cannot support is left out and its weight spread over the others, but a score
needs the engagement part and at least half of the weight: otherwise there is no score (a
marketer would read 100 from two posts' activity and disclosure as a verdict on the account).
Verdict: >= 70 recommended, >= 50 review, below avoid; and whatever the score, even with none,
an audience under 50 % real or comments over 40 % from a pod mean avoid.
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.models import QualityScore, Reason, SectionKey, SubScore, Verdict
from webapp.pipeline.analysis.families import Families

RECOMMENDED_FROM = 70.0
REVIEW_FROM = 50.0
MIN_QUALITY_AUDIENCE = 50.0
MAX_POD_SHARE = 40.0
MIN_SCORED_WEIGHT = 0.5

FORMULA = (
    "weighted mean of engagement 25 %, audience 25 %, comments 15 %, growth 15 %, activity 10 %,"
    " disclosure 10 % (parts without data left out, weights renormalised)"
)


@dataclass(frozen=True, slots=True)
class _Part:
    sub: SubScore
    metric: str | None  # the section metric that shows it


def quality_score(families: Families) -> QualityScore:
    parts = [
        _engagement(families),
        _audience(families),
        _comments(families),
        _growth(families),
        _activity(families),
        _disclosure(families),
    ]
    scored = [part for part in parts if part.sub.value is not None]
    total_weight = sum(part.sub.weight for part in scored)
    vetoes = _vetoes(families)
    if parts[0].sub.value is None or total_weight < MIN_SCORED_WEIGHT:
        return QualityScore(
            value=None,
            verdict="avoid" if vetoes else None,
            reasons=[*vetoes, _not_enough(parts, total_weight)][:3],
            sub_scores=[p.sub for p in parts],
            formula=FORMULA,
        )
    value = round(
        sum(part.sub.weight * (part.sub.value or 0.0) for part in scored) / total_weight, 1
    )
    verdict = _verdict(value, vetoes)
    # A veto names its metric; the same metric is not repeated among the strongest parts.
    vetoed = {(reason.section, reason.metric) for reason in vetoes}
    reasons = vetoes + [
        reason
        for reason in _strongest(scored, verdict)
        if (reason.section, reason.metric) not in vetoed
    ]
    return QualityScore(
        value=value,
        verdict=verdict,
        reasons=reasons[:3],
        sub_scores=[part.sub for part in parts],
        formula=FORMULA,
    )


def _vetoes(families: Families) -> list[Reason]:
    """Findings that mean avoid whatever the score."""
    vetoes: list[Reason] = []
    quality = families.audience.quality_audience_share
    if quality.value is not None and quality.value < MIN_QUALITY_AUDIENCE:
        vetoes.append(
            Reason(
                text=f"Audience: {quality.explanation}",
                section="audience",
                metric="quality_audience_share",
            )
        )
    pod = families.comments.recurring_comment_share
    if pod.value is not None and pod.value > MAX_POD_SHARE:
        vetoes.append(
            Reason(
                text=f"Comments: {pod.explanation}",
                section="comments",
                metric="recurring_comment_share",
            )
        )
    return vetoes


def _verdict(value: float, vetoes: list[Reason]) -> Verdict:
    if vetoes:
        return "avoid"
    if value >= RECOMMENDED_FROM:
        return "recommended"
    return "review" if value >= REVIEW_FROM else "avoid"


def _not_enough(parts: list[_Part], scored_weight: float) -> Reason:
    """Why there is no score, pointing at the first part that could not be scored."""
    missing = [part for part in parts if part.sub.value is None]
    names = ", ".join(part.sub.label.lower() for part in missing)
    first = missing[0]
    return Reason(
        text=(
            f"Not enough data for a score: {names} could not be scored, so only "
            f"{scored_weight * 100:.0f} % of the score's weight has data (a score needs "
            f"engagement and at least {MIN_SCORED_WEIGHT * 100:.0f} %). "
            f"{first.sub.label}: {first.sub.explanation}"
        ),
        section=first.sub.key,
        metric=first.metric,
    )


def _strongest(parts: list[_Part], verdict: Verdict) -> list[Reason]:
    """For a recommendation the parts that support it (scoring at least RECOMMENDED_FROM), best
    first; otherwise the parts that count against the account (below it), worst first, so a
    veto is never followed by praise."""
    recommended = verdict == "recommended"
    ordered = sorted(
        (part for part in parts if ((part.sub.value or 0.0) >= RECOMMENDED_FROM) == recommended),
        key=lambda part: part.sub.value or 0.0,
        reverse=recommended,
    )
    return [
        Reason(
            text=f"{part.sub.label}: {part.sub.explanation}",
            section=part.sub.key,
            metric=part.metric,
        )
        for part in ordered
    ]


def _part(
    key: SectionKey,
    label: str,
    weight: float,
    value: float | None,
    explanation: str,
    metric: str | None,
) -> _Part:
    shown = None if value is None else round(max(0.0, min(100.0, value)), 1)
    return _Part(
        SubScore(key=key, label=label, value=shown, weight=weight, explanation=explanation), metric
    )


def _engagement(families: Families) -> _Part:
    position = families.engagement.position
    rate = position.rate
    if rate is None or position.position is None:
        value = None
    elif position.position == "below":
        value = 40 * rate / position.band_low if position.band_low else 0.0
    elif position.position == "within":
        span = position.band_high - position.band_low
        value = 50 + 40 * ((rate - position.band_low) / span if span else 0.5)
    else:
        value = 95.0
    return _part("engagement", "Engagement", 0.25, value, position.explanation, "position")


def _audience(families: Families) -> _Part:
    quality = families.audience.quality_audience_share
    return _part(
        "audience", "Audience", 0.25, quality.value, quality.explanation, "quality_audience_share"
    )


def _comments(families: Families) -> _Part:
    report = families.comments
    pod, suspicious, generic = (
        report.recurring_comment_share.value,
        report.suspicious_commenter_share.value,
        report.generic_share.value,
    )
    if pod is None and generic is None:
        return _part(
            "comments", "Comments", 0.15, None, report.generic_share.explanation, "generic_share"
        )
    value = 100 - 1.5 * (pod or 0.0) - (suspicious or 0.0) - 0.5 * max(0.0, (generic or 0.0) - 50)
    worst = report.recurring_comment_share if (pod or 0) >= 10 else report.generic_share
    key = "recurring_comment_share" if worst is report.recurring_comment_share else "generic_share"
    return _part("comments", "Comments", 0.15, value, worst.explanation, key)


def _growth(families: Families) -> _Part:
    spikes = families.growth.spikes
    value = None if spikes.value is None else 100 - 35 * spikes.value
    return _part("growth", "Growth", 0.15, value, spikes.explanation, "spikes")


def _activity(families: Families) -> _Part:
    days = families.content.days_since_last_post
    if days.value is None:
        value = None
    elif days.value <= 14:
        value = 100.0
    elif days.value <= 30:
        value = 75.0
    elif days.value <= 90:
        value = 40.0
    else:
        value = 0.0
    return _part("content", "Activity", 0.10, value, days.explanation, "days_since_last_post")


def _disclosure(families: Families) -> _Part:
    audit = families.content.disclosure
    counts = (
        audit.undisclosed_posts.value,
        audit.buried_disclosures.value,
        audit.weak_disclosures.value,
    )
    if counts[0] is None:
        return _part(
            "content",
            "Disclosure",
            0.10,
            None,
            audit.undisclosed_posts.explanation,
            "disclosure.undisclosed_posts",
        )
    undisclosed, buried, weak = (count or 0.0 for count in counts)
    value = 100 - 15 * undisclosed - 8 * buried - 4 * weak
    return _part(
        "content",
        "Disclosure",
        0.10,
        value,
        audit.undisclosed_posts.explanation,
        "disclosure.undisclosed_posts",
    )
