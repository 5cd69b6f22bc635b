"""The quality score: one 0-100 number from documented sub-scores, a verdict, the rules that fired
(vetoes and red flags, each with the numbers behind it), the parts the data could not measure,
and the three strongest reasons, each pointing at the metric that shows it.

Parts and weights (each 0-100; the weights and the part formulas are assumptions of this tool,
stated in the report's "Method and assumptions"):
- engagement 25 %: the median rate against its tier's published band; below it 0-40 in
  proportion to the band's low end, within it 50-90, above it 95 up to twice the band's top,
  then falling to 50 at five times the top (at 50 % under 1,000 followers, where no band is
  published); beyond that the rate is implausible and scores 0.
  Where posts show views (TikTok, YouTube) implausibility is judged by views instead
  (engagement.py), and a rate above the band scores 95 while viewers engage within twice the
  usual per-view top (reach beyond the followers), falling to 50 at three times it;
- audience 25 %: the quality-audience share (real and influencer accounts in the sample);
- comments 15 %: 100 - 1.5 x the share of comments by a pod (only when the recurring commenters
  form one: comments.forms_pod) - the share of suspicious commenters - half the generic share
  above 50 %; needs enough comments for the generic share;
- growth 15 %: 100 - 35 per spike day, at most 100 - 3 x the percent of today's followers gained
  on spike days, and at most 100 - 10 x the percent lost over 90 days (30 with less history;
  drop days, the purges growth.py reports apart, not counted);
- activity 10 %: days since the last post: <= 14 -> 100, <= 30 -> 75, <= 90 -> 40, else 0;
- disclosure 10 %: 100 x (1 - (undisclosed + 0.5 buried + 0.25 weak) / posts needing one);
  left out when no post needs a disclosure (there is nothing to check).

A part the data cannot support is left out, its weight spread over the others, and listed as
unmeasured; a score needs the engagement part and at least half of the weight.

Verdict: >= 70 recommended, >= 50 review, below avoid. Vetoes make it avoid whatever the score
(even with none): a quality audience whose whole 95 % interval is under 50 %, a pod writing over
40 % of the comments, engagement under a tenth of the tier's usual minimum, no post in a year.
Red flags are shown next to the verdict; seven of them cap it at review: implausibly high
engagement, engagement under half the tier's usual minimum, an estimated fake share over 30 %,
over 25 % of the commenters looking fake,
no post in the last 90 days, spikes that brought a tenth of the followers, and most surely paid
posts (at least 3) without a clear disclosure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from webapp.models import Flag, QualityScore, Reason, SectionKey, SubScore, Verdict
from webapp.pipeline.analysis.commenters import MIN_POD_MEMBERS
from webapp.pipeline.analysis.comments import forms_pod
from webapp.pipeline.analysis.engagement import IMPLAUSIBLE_MULTIPLE, VIEWS_IMPLAUSIBLE_MULTIPLE
from webapp.pipeline.analysis.families import Families
from webapp.pipeline.analysis.growth import GrowthReport
from webapp.pipeline.analysis.prevalence import wilson_interval

# Assumption: the verdict bands of the score.
RECOMMENDED_FROM = 70.0
REVIEW_FROM = 50.0
MIN_QUALITY_AUDIENCE = 50.0
MAX_POD_SHARE = 40.0
MIN_SCORED_WEIGHT = 0.5
# Assumption: engagement under a tenth of the band's low end is no audience at all (zero likes
# on every post is the extreme case); under half of it, weak enough to look before paying (the
# metric is rated bad from there, and a recommendation beside a bad rating would contradict it).
NO_ENGAGEMENT_SHARE = 0.1
WEAK_ENGAGEMENT_SHARE = 0.5
# Assumption: an estimated fake share above 30 % (the fake-share rating's "bad" step) caps the
# verdict at review: a third of the audience fake is not a creator to pay unseen, even when the
# rest of the account is sound.
MAX_FAKE_SHARE = 30.0
# Assumption: over 25 % of the commenters looking fake (the rating's "bad" step), with the whole
# 95 % interval of that share above it, means bought comments: the conversation a brand would
# pay to join is not there. The interval keeps a handful of known commenters from deciding.
MAX_SUSPICIOUS_COMMENTERS = 25.0
# Assumption: an account silent for a year is not one to pay for a post now; silent for 90
# days, it needs a look first (the activity part scores it 0 from there).
INACTIVE_DAYS = 365.0
DORMANT_DAYS = 90.0
# Assumption: engagement above the band counts as strong up to twice its top.
STRONG_UP_TO = 2.0
# Assumption: each spike day costs the growth part 35 points, and each percent of today's
# followers that arrived on spike days 3 points; a tenth of the audience arriving in spikes caps
# the verdict at review (a +75 % day on a flat account is not a creator to pay unseen).
POINTS_PER_SPIKE = 35.0
POINTS_PER_SPIKE_SHARE = 3.0
SPIKE_SHARE_CAP = 10.0
# Assumption: a shrinking audience costs the growth part 10 points per percent of followers lost
# over 90 days (over 30 days when the history is shorter): -4 % leaves 60, -10 % leaves 0. A
# sponsor buys today's audience and where it heads; no spike is no praise when it is shrinking.
POINTS_PER_PERCENT_LOST = 10.0
# Assumption: when most surely paid posts (the platform's label, an ad marker, a code or an
# affiliate link for another seller) lack a clear disclosure (none, buried or only an ambiguous
# tag: at least 3 of them, over half of those posts), the creator hides
# sponsorship as a habit, not by a slip; the US FTC counts buried and ambiguous disclosures as
# inadequate and holds brands responsible for their influencers' disclosures too (Disclosures
# 101, 2019), so the verdict is capped at review.
UNDISCLOSED_HABIT_SHARE = 0.5
UNDISCLOSED_HABIT_MIN = 3

FORMULA = (
    "weighted mean of engagement 25 %, audience 25 %, comments 15 %, growth 15 %, activity 10 %,"
    " disclosure 10 % (parts without data left out, weights renormalised); vetoes mean avoid;"
    " implausible engagement, engagement under half the tier's minimum, over 30 % fake followers,"
    " over 25 % fake-looking commenters, most paid posts without a clear disclosure, no post in"
    " 90 days or spikes bringing 10 % of the followers cap the verdict at review"
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
    vetoes = [flag for rule in VETOES if (flag := rule(families)) is not None]
    flags = [flag for rule in RED_FLAGS if (flag := rule(families)) is not None]
    caps = [flag for flag in flags if flag.rule.startswith(CAPPING)]
    unmeasured = [_unmeasured(part) for part in parts if part.sub.value is None]
    veto_reasons = [_reason(flag) for flag in vetoes]
    common = {
        "sub_scores": [part.sub for part in parts],
        "formula": FORMULA,
        "vetoes": vetoes,
        "red_flags": flags,
        "unmeasured": unmeasured,
    }
    if parts[0].sub.value is None or total_weight < MIN_SCORED_WEIGHT:
        return QualityScore(
            value=None,
            verdict="avoid" if vetoes else None,
            reasons=[*veto_reasons, _not_enough(parts, total_weight)][:3],
            **common,
        )
    value = round(
        sum(part.sub.weight * (part.sub.value or 0.0) for part in scored) / total_weight, 1
    )
    verdict = _verdict(value, vetoes, caps)
    first = veto_reasons if vetoes else [_reason(flag) for flag in caps]
    # A rule names its metric; the same metric, or the same sentence, is not repeated among
    # the strongest parts.
    named = {(reason.section, reason.metric) for reason in first}
    said = " ".join(reason.text for reason in first)
    reasons = first + [
        reason
        for part, reason in _strongest(scored, verdict)
        if (reason.section, reason.metric) not in named and part.sub.explanation not in said
    ]
    return QualityScore(value=value, verdict=verdict, reasons=reasons[:3], **common)


def _reason(flag: Flag) -> Reason:
    return Reason(text=f"{flag.rule}: {flag.text}", section=flag.section, metric=flag.metric)


def _verdict(value: float, vetoes: list[Flag], caps: list[Flag]) -> Verdict:
    if vetoes:
        return "avoid"
    if value >= RECOMMENDED_FROM:
        return "review" if caps else "recommended"
    return "review" if value >= REVIEW_FROM else "avoid"


# --- rules -----------------------------------------------------------------------------------

CAPPING = "Caps the verdict at review"


def _audience_veto(families: Families) -> Flag | None:
    quality = families.audience.quality_audience_share
    if quality.value is None:
        return None
    upper = quality.interval[1] if quality.interval is not None else quality.value
    if upper >= MIN_QUALITY_AUDIENCE:
        return None
    bound = "" if quality.interval is None else " (its whole 95 % interval)"
    return Flag(
        rule=f"Quality audience under {MIN_QUALITY_AUDIENCE:g} %{bound}",
        text=quality.explanation,
        section="audience",
        metric="quality_audience_share",
    )


def _pod_veto(families: Families) -> Flag | None:
    report = families.comments
    pod = report.recurring_comment_share
    if pod.value is None or pod.value <= MAX_POD_SHARE or not forms_pod(report):
        return None
    return Flag(
        rule=(
            f"Engagement pod: over {MAX_POD_SHARE:g} % of comments from at least "
            f"{MIN_POD_MEMBERS} recurring commenters"
        ),
        text=pod.explanation,
        section="comments",
        metric="recurring_comment_share",
    )


def _engagement_flag(rule: str, text: str) -> Flag:
    """A rule on the engagement rate, shown at its position against the band."""
    return Flag(rule=rule, text=text, section="engagement", metric="position")


def _no_engagement_veto(families: Families) -> Flag | None:
    position = families.engagement.position
    rate = position.rate
    if rate is None or rate >= NO_ENGAGEMENT_SHARE * position.band_low:
        return None
    return _engagement_flag(
        f"No real engagement: under {NO_ENGAGEMENT_SHARE:.0%} of the tier's usual minimum "
        f"({position.band_low:g} %)",
        families.engagement.rate_median.explanation,
    )


def _inactive_veto(families: Families) -> Flag | None:
    days = families.content.days_since_last_post
    if days.value is None or days.value <= INACTIVE_DAYS:
        return None
    return Flag(
        rule=f"Inactive: no post in the last {INACTIVE_DAYS:.0f} days",
        text=days.explanation,
        section="content",
        metric="days_since_last_post",
    )


def _implausible_flag(families: Families) -> Flag | None:
    position = families.engagement.position
    if not position.implausible or position.rate is None:
        return None
    per_post = f"median {position.rate:g} % of {position.followers:,} followers per post"
    if position.rate_by_views is not None and position.views_limit is not None:
        return _engagement_flag(
            f"{CAPPING}: implausible engagement, over {position.views_limit:g} % of views "
            f"({VIEWS_IMPLAUSIBLE_MULTIPLE:g}x the top of the published per-view range)",
            f"median {position.rate_by_views:g} % of views per post like or comment "
            f"({position.rate:g} % of {position.followers:,} followers).",
        )
    if position.followers_limit > IMPLAUSIBLE_MULTIPLE * position.band_high:
        return _engagement_flag(
            f"{CAPPING}: implausible engagement, over {position.followers_limit:.3g} % of the "
            "followers a post (a limit eased for small accounts: 99 in 100 real ones under "
            "1,000 followers stay under 50 %)",
            f"{per_post}.",
        )
    return _engagement_flag(
        f"{CAPPING}: implausible engagement, over {IMPLAUSIBLE_MULTIPLE:g}x the top of the "
        f"tier's band ({position.band_high:g} %)",
        f"{per_post}, {position.rate / position.band_high:.0f}x the top of the band.",
    )


def _weak_engagement_flag(families: Families) -> Flag | None:
    position = families.engagement.position
    rate = position.rate
    if rate is None or not (
        NO_ENGAGEMENT_SHARE * position.band_low <= rate < WEAK_ENGAGEMENT_SHARE * position.band_low
    ):
        return None
    return _engagement_flag(
        f"{CAPPING}: weak engagement, under half the tier's usual minimum "
        f"({position.band_low:g} %)",
        families.engagement.rate_median.explanation,
    )


def _fake_share_flag(families: Families) -> Flag | None:
    fake = families.audience.fake_share
    if fake.value is None or fake.value <= MAX_FAKE_SHARE:
        return None
    return Flag(
        rule=f"{CAPPING}: estimated fake followers over {MAX_FAKE_SHARE:g} %",
        text=fake.explanation,
        section="audience",
        metric="fake_share",
    )


def _bot_comments_flag(families: Families) -> Flag | None:
    suspicious = families.comments.suspicious_commenter_share
    if suspicious.value is None or suspicious.value <= MAX_SUSPICIOUS_COMMENTERS:
        return None
    n = suspicious.sample_size
    low, _ = wilson_interval(round(suspicious.value / 100 * n), n)
    if low * 100 <= MAX_SUSPICIOUS_COMMENTERS:
        return None
    return Flag(
        rule=(
            f"{CAPPING}: over {MAX_SUSPICIOUS_COMMENTERS:g} % of the commenters look fake, "
            "its whole 95 % interval (bought comments)"
        ),
        text=suspicious.explanation,
        section="comments",
        metric="suspicious_commenter_share",
    )


def _dormant_flag(families: Families) -> Flag | None:
    days = families.content.days_since_last_post
    if days.value is None or not DORMANT_DAYS < days.value <= INACTIVE_DAYS:
        return None
    return Flag(
        rule=f"{CAPPING}: dormant, no post in the last {DORMANT_DAYS:.0f} days",
        text=days.explanation,
        section="content",
        metric="days_since_last_post",
    )


def _uncertain_audience_flag(families: Families) -> Flag | None:
    quality = families.audience.quality_audience_share
    if quality.value is None or quality.interval is None:
        return None
    low, high = quality.interval
    if not low < MIN_QUALITY_AUDIENCE <= high:
        return None
    return Flag(
        rule=f"Quality audience may be under {MIN_QUALITY_AUDIENCE:g} %",
        text=quality.explanation,
        section="audience",
        metric="quality_audience_share",
    )


def _spike_flag(families: Families) -> Flag | None:
    spikes = families.growth.spikes
    if not spikes.value:
        return None
    share = families.growth.spike_share
    if share.value is not None and share.value >= SPIKE_SHARE_CAP:
        return Flag(
            rule=(
                f"{CAPPING}: follower spikes brought {SPIKE_SHARE_CAP:g} % or more of the followers"
            ),
            text=f"{share.explanation} {spikes.explanation}",
            section="growth",
            metric="spike_share",
        )
    return Flag(
        rule="Follower spikes: sudden gains like bought followers",
        text=spikes.explanation,
        section="growth",
        metric="spikes",
    )


def _undisclosed_flag(families: Families) -> Flag | None:
    audit = families.content.disclosure
    undisclosed = audit.undisclosed_posts
    unclear = audit.paid_unclear
    if unclear >= UNDISCLOSED_HABIT_MIN and unclear > UNDISCLOSED_HABIT_SHARE * audit.paid:
        return Flag(
            rule=(
                f"{CAPPING}: most paid posts lack a clear disclosure (over "
                f"{UNDISCLOSED_HABIT_SHARE:.0%} of them, at least {UNDISCLOSED_HABIT_MIN}), a "
                "legal risk for the brand"
            ),
            text=(
                f"{unclear} of the {audit.paid} posts that are surely paid (the platform's paid "
                "label, an ad marker, or a discount code or affiliate link for another seller) "
                "have no disclosure, one buried after line three or in a pile of hashtags, or "
                "only an ambiguous tag such as #sp."
            ),
            section="content",
            metric="disclosure.undisclosed_posts",
        )
    if not undisclosed.value:
        return None
    return Flag(
        rule="Paid-looking posts without a disclosure",
        text=undisclosed.explanation,
        section="content",
        metric="disclosure.undisclosed_posts",
    )


Rule = Callable[[Families], Flag | None]
VETOES: tuple[Rule, ...] = (_audience_veto, _pod_veto, _no_engagement_veto, _inactive_veto)
RED_FLAGS: tuple[Rule, ...] = (
    _implausible_flag,
    _weak_engagement_flag,
    _fake_share_flag,
    _bot_comments_flag,
    _dormant_flag,
    _uncertain_audience_flag,
    _spike_flag,
    _undisclosed_flag,
)


# --- parts -----------------------------------------------------------------------------------


def _unmeasured(part: _Part) -> Reason:
    return Reason(
        text=f"{part.sub.label} not measured: {part.sub.explanation}",
        section=part.sub.key,
        metric=part.metric,
    )


def _not_enough(parts: list[_Part], scored_weight: float) -> Reason:
    """Why there is no score, pointing at the first part that lacked data."""
    missing = [part for part in parts if part.sub.value is None]
    idle = [part for part in missing if part.sub.explanation.startswith("nothing to check")]
    lacking = [part for part in missing if part not in idle] or missing
    names = ", ".join(part.sub.label.lower() for part in lacking)
    also = ", ".join(part.sub.label.lower() for part in idle)
    first = lacking[0]
    return Reason(
        text=(
            f"Not enough data for a score: {names} could not be scored"
            f"{f' ({also}: nothing to check)' if idle else ''}, so only "
            f"{scored_weight * 100:.0f} % of the score's weight has data (a score needs "
            f"engagement and at least {MIN_SCORED_WEIGHT * 100:.0f} %). "
            f"{first.sub.label}: {first.sub.explanation}"
        ),
        section=first.sub.key,
        metric=first.metric,
    )


def _strongest(parts: list[_Part], verdict: Verdict) -> list[tuple[_Part, Reason]]:
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
        (
            part,
            Reason(
                text=f"{part.sub.label}: {part.sub.explanation}",
                section=part.sub.key,
                metric=part.metric,
            ),
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
    value: float | None
    if rate is None or position.position is None:
        value = None
    elif position.implausible:
        value = 0.0
    elif position.position == "below":
        value = 40 * rate / position.band_low if position.band_low else 0.0
    elif position.position == "within":
        span = position.band_high - position.band_low
        value = 50 + 40 * ((rate - position.band_low) / span if span else 0.5)
    elif (
        position.judged_by == "views"
        and position.rate_by_views is not None
        and position.views_strong is not None
        and position.views_limit is not None
    ):
        # Above the band by followers: reach beyond them while viewers engage as usual (95),
        # down to 50 as the rate by views nears its implausible limit.
        views, strong = position.rate_by_views, position.views_strong
        over = (views - strong) / (position.views_limit - strong)
        value = 95.0 if views <= strong else 95 - 45 * over
    else:
        # 95 up to twice the band's top, then down to 50 at the implausible limit.
        strong = STRONG_UP_TO * position.band_high
        over = (rate - strong) / (position.followers_limit - strong)
        value = 95.0 if rate <= strong else 95 - 45 * over
    return _part("engagement", "Engagement", 0.25, value, position.explanation, "position")


def _audience(families: Families) -> _Part:
    quality = families.audience.quality_audience_share
    return _part(
        "audience", "Audience", 0.25, quality.value, quality.explanation, "quality_audience_share"
    )


def _comments(families: Families) -> _Part:
    report = families.comments
    generic = report.generic_share
    if generic.value is None:
        return _part("comments", "Comments", 0.15, None, generic.explanation, "generic_share")
    pod = report.recurring_comment_share.value
    pod_share = pod if pod is not None and forms_pod(report) else 0.0
    suspicious = report.suspicious_commenter_share.value or 0.0
    penalties = {
        "recurring_comment_share": 1.5 * pod_share,
        "suspicious_commenter_share": suspicious,
        "generic_share": 0.5 * max(0.0, generic.value - 50),
    }
    value = 100 - sum(penalties.values())
    worst = max(penalties, key=penalties.__getitem__)
    if penalties[worst] == 0:
        worst = "generic_share"
    return _part("comments", "Comments", 0.15, value, getattr(report, worst).explanation, worst)


def _growth(families: Families) -> _Part:
    growth = families.growth
    spikes = growth.spikes
    if spikes.value is None:
        return _part("growth", "Growth", 0.15, None, spikes.explanation, "spikes")
    value = 100 - POINTS_PER_SPIKE * spikes.value
    share = growth.spike_share.value
    if share is not None:
        value = min(value, 100 - POINTS_PER_SPIKE_SHARE * share)
    days, key, change, gained = (
        (90, "growth_90d_percent", growth.growth_90d_percent, growth.growth_90d_absolute)
        if growth.growth_90d_percent.value is not None
        else (30, "growth_30d_percent", growth.growth_30d_percent, growth.growth_30d_absolute)
    )
    lost = _organic_loss(growth, days, gained.value)
    if lost > 0:
        shrinking = 100 - POINTS_PER_PERCENT_LOST * lost
        if shrinking < value:
            explanation = f"The audience is shrinking: {change.explanation} {spikes.explanation}"
            return _part("growth", "Growth", 0.15, shrinking, explanation, key)
    return _part("growth", "Growth", 0.15, value, spikes.explanation, "spikes")


def _organic_loss(growth: GrowthReport, days: int, gained: float | None) -> float:
    """The percent of followers lost over the last `days` days (`gained` of them, negative
    when lost), not counting drop days: a purge that removed fake followers is reported as a
    drop, not as the audience shrinking."""
    if gained is None or gained >= 0 or not growth.series:
        return 0.0
    last_day, last = growth.series[-1]
    start = last - gained
    since = last_day - timedelta(days=days)
    purged = -sum(d.gain for d in growth.drop_days if d.day > since)
    return max(0.0, (start - last - purged) / start * 100) if start > 0 else 0.0


def _activity(families: Families) -> _Part:
    days = families.content.days_since_last_post
    if days.value is None:
        value = None
    elif days.value <= 14:
        value = 100.0
    elif days.value <= 30:
        value = 75.0
    elif days.value <= DORMANT_DAYS:
        value = 40.0
    else:
        value = 0.0
    return _part("content", "Activity", 0.10, value, days.explanation, "days_since_last_post")


def _disclosure(families: Families) -> _Part:
    audit = families.content.disclosure
    undisclosed = audit.undisclosed_posts
    if audit.needing == 0 or undisclosed.value is None:
        explanation = (
            undisclosed.explanation
            if undisclosed.value is None
            else f"nothing to check. {undisclosed.explanation}"
        )
        return _part(
            "content",
            "Disclosure",
            0.10,
            None,
            explanation,
            "disclosure.undisclosed_posts",
        )
    missing = (
        undisclosed.value
        + 0.5 * (audit.buried_disclosures.value or 0.0)
        + 0.25 * (audit.weak_disclosures.value or 0.0)
    )
    # The finding with the most posts explains the part.
    key, worst = max(
        (
            ("disclosure.undisclosed_posts", undisclosed),
            ("disclosure.buried_disclosures", audit.buried_disclosures),
            ("disclosure.weak_disclosures", audit.weak_disclosures),
        ),
        key=lambda pair: pair[1].value or 0.0,
    )
    value = 100 * (1 - missing / audit.needing)
    return _part("content", "Disclosure", 0.10, value, worst.explanation, key)
