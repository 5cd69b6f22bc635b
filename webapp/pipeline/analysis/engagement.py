"""Engagement signals: how strongly the audience reacts to recent posts.

All of them read the same recent posts: the 12 most recent, the window marketers and published
benchmarks use (old posts keep collecting likes and reflect an audience the account may no longer
have), among the posts of the last 365 days when the time of the analysis is given. Recency
itself is scored by Activity (days since the last post), not here: a creator who posts monthly
is rated on the engagement of those monthly posts, and an account with fewer than three posts in
a year has "not enough recent posts" instead of a rate of 0 %.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from operator import attrgetter
from statistics import fmean, median, stdev
from typing import Literal

from pydantic import BaseModel, Field

from webapp.models import Evidence, Metric, Platform
from webapp.pipeline.analysis.benchmarks import VIEW_RATE_TOP, engagement_band
from webapp.pipeline.analysis.giveaways import is_giveaway
from webapp.pipeline.analysis.tiers import TIER_BANDS, Tier, tier_of
from webapp.pipeline.scraping.result import Post, ScrapeResult

RECENT_POSTS = 12
MIN_POSTS = 3  # fewer posts make a median or ratio meaningless
# Assumption: a year of posts still describes today's audience; older posts are not "recent".
WINDOW_DAYS = 365
# Assumption: a median rate above 5x the top of the tier's published band is not a strong
# audience but a sign of bought likes, giveaways or a follower count that does not match the
# posts (a 200-follower account with 2,000 likes a post); it is a red flag, not a top score.
# Where posts show their views (TikTok, YouTube; on at least half of the recent posts with
# likes), the test reads the rate by views against the platform's published per-view range
# instead: there a video reaching ten times the followers is the For You page or
# recommendations at work, not bought likes, while likes on a large share of the views are
# implausible however few the followers. Per view the spread is far narrower than per follower
# (the views already say how many saw the post), so the limit is 3x the range's top, and up to
# twice its top the rate counts as strong. Assumptions: the 3x, the 2x and the half.
IMPLAUSIBLE_MULTIPLE = 5.0
VIEWS_IMPLAUSIBLE_MULTIPLE = 3.0
VIEWS_STRONG_UP_TO = 2.0
MIN_VIEWS_SHARE = 0.5
# Below 1,000 followers no published band exists (the smallest cohort of every table here starts
# at 1K), and small personal accounts engage far more than the nano band's top: InstaFake's 600
# real (non-automated) accounts under 1,000 followers have a median rate of 23.4 % over their 12
# newest posts, 32.7 % of them above 5x the nano top (28.75 %), a 99th percentile of 50 % and a
# maximum of 97 % (bench/engagement_small.py). There the limit is instead that 99th percentile,
# 50 % of the followers a post: 1 real account in 100 of that size goes beyond it, and the
# 200-follower account with 2,000 likes a post far exceeds it. From 1,000 followers the band's
# rule takes over (InstaFake's 27 real accounts of 1,000-5,000 followers stay under 28 %).
# So that 60 followers more cannot flip a verdict, the limit eases from 50 % at 1,000 followers
# to the band's rule at 5,000, evenly on a log scale (our derivation).
SMALL_BELOW = 1_000
SMALL_IMPLAUSIBLE = 50.0
SMALL_TAPER_TO = 5_000
MAX_EVIDENCE = 10  # a report row shows a handful of posts, not the whole feed
# Like spread reads every fetched post: over 12 posts even authentic accounts look even
# (InstaFake median CV 0.25 over the newest 12, 0.51 over the whole series; see demo_traits).
MIN_SPREAD_POSTS = 6
# Assumption: the classes are read off InstaFake's real accounts (median CV 51 % over their
# series); they describe the shape of the series and are not scored.
EVEN_BELOW = 40.0  # percent CV
UNEVEN_ABOVE = 100.0  # percent CV; a giveaway or one viral post dwarfs the rest

Position = Literal["below", "within", "above"]
SpreadClass = Literal["even", "normal", "uneven"]


class EngagementPosition(BaseModel):
    """Where the median engagement rate falls in the published band of the account's tier."""

    platform: Platform
    followers: int
    tier: Tier
    tier_bands: str = Field(description="The follower bands used for the tiers")
    rate: float | None = Field(description="Median engagement rate by followers, percent")
    band_low: float = Field(description="Bottom of the tier's usual range, percent")
    band_typical: float = Field(description="Typical rate for the tier, percent")
    band_high: float = Field(description="Top of the tier's usual range, percent")
    source: str = Field(description="Where the band comes from, with its year")
    position: Position | None = Field(description="None when the rate cannot be computed")
    relative: float | None = Field(
        description="The rate divided by the tier's typical rate (1 = typical); None without a rate"
    )
    implausible: bool = Field(
        description=(
            f"The rate is above {IMPLAUSIBLE_MULTIPLE:g}x the top of the band (of the per-view "
            "range when judged by views)"
        )
    )
    judged_by: Literal["followers", "views"] = Field(
        default="followers",
        description=(
            "What implausibility is judged on: views where at least half of the recent posts "
            "show them and the platform has a published per-view range, else followers"
        ),
    )
    rate_by_views: float | None = Field(
        default=None, description="Median engagement by views, percent, when judged by views"
    )
    views_limit: float | None = Field(
        default=None,
        description="The per-view rate above which engagement is implausible, when judged by views",
    )
    views_strong: float | None = Field(
        default=None,
        description="The per-view rate up to which engagement is strong, when judged by views",
    )
    followers_limit: float = Field(
        default=0.0,
        description=(
            "The rate by followers above which engagement is implausible when judged by "
            f"followers: {IMPLAUSIBLE_MULTIPLE:g}x the band's top, or {SMALL_IMPLAUSIBLE:g} % "
            f"under {SMALL_BELOW:,} followers"
        ),
    )
    explanation: str


class LikeSpread(BaseModel):
    """How much likes vary from post to post, and what that suggests."""

    metric: Metric
    classification: SpreadClass | None = Field(description="None when there is too little data")


class EngagementReport(BaseModel):
    rate_median: Metric
    rate_mean: Metric
    rate_by_views: Metric
    likes_comments_ratio: Metric
    position: EngagementPosition
    like_spread: LikeSpread


_PUBLISHED = attrgetter("published_at")


def recent_posts(result: ScrapeResult, now: datetime | None = None) -> list[Post]:
    """The 12 most recent posts; with `now`, only those of the last WINDOW_DAYS days. Giveaway
    and contest posts are left out while at least MIN_POSTS others remain: their likes are
    entries, not the audience a sponsor reaches."""
    # Adapters may return posts in any order, so sort rather than trust the list.
    return _recent(result, now)[0]


def _recent(result: ScrapeResult, now: datetime | None) -> tuple[list[Post], int]:
    """(`recent_posts`, the giveaways skipped): captions are read only until 12 others are found,
    not for the whole feed."""
    posts = result.posts
    if now is not None:
        cutoff = now - timedelta(days=WINDOW_DAYS)
        posts = [p for p in posts if p.published_at >= cutoff]
    newest = sorted(posts, key=_PUBLISHED, reverse=True)
    kept: list[Post] = []
    skipped = 0
    for post in newest:
        if len(kept) == RECENT_POSTS:
            break
        if is_giveaway(post):
            skipped += 1
        else:
            kept.append(post)
    if len(kept) < MIN_POSTS:
        return newest[:RECENT_POSTS], 0
    return kept, skipped


def _window(now: datetime | None) -> str:
    return "" if now is None else f" of the last {WINDOW_DAYS} days"


def interactions(post: Post) -> int:
    # Likes must be known (callers filter); hidden comment counts count as none.
    return (post.likes or 0) + (post.comments or 0)


def _by_followers(
    result: ScrapeResult,
    found: tuple[list[Post], int],
    label: str,
    statistic: str,
    now: datetime | None,
) -> Metric:
    """The median or mean per-post engagement rate by followers; `found` is _recent(): the
    recent posts and the giveaways skipped to find them."""
    recent, skipped = found
    posts = [p for p in recent if p.likes is not None]
    n = len(posts)
    followers = result.profile.followers
    formula = (
        f"{statistic}((likes + comments) / followers * 100) over the {RECENT_POSTS} most "
        f"recent posts{_window(now)} with visible likes"
    )
    if followers == 0:
        return Metric(
            label=label,
            value=None,
            unit="percent",
            explanation=(
                f"Not enough data (n={n}): the profile shows 0 followers, "
                "so engagement per follower cannot be computed."
            ),
            formula=formula,
            sample_size=n,
        )
    if n < MIN_POSTS:
        hidden = len(recent) - n
        why = (
            f"Not enough recent posts (n={n}): engagement needs likes on at least {MIN_POSTS} "
            f"posts{_window(now)}."
        )
        if hidden:
            posts_word = "post hides its" if hidden == 1 else "posts hide their"
            why = (
                f"Not enough data (n={n}): {hidden} of the {len(recent)} most recent "
                f"{posts_word} likes; engagement needs likes on at least {MIN_POSTS} posts"
                f"{_window(now)}."
            )
        return Metric(
            label=label,
            value=None,
            unit="percent",
            explanation=why,
            formula=formula,
            sample_size=n,
        )
    rates = [interactions(p) / followers * 100 for p in posts]
    value = round(median(rates) if statistic == "median" else fmean(rates), 2)
    return Metric(
        label=label,
        value=value,
        unit="percent",
        explanation=(
            f"{statistic.title()} engagement {value:.2f}% of followers across the {n} most "
            f"recent posts{_window(now)}{_hidden_note(len(recent) - n)}"
            f"{_giveaway_note(skipped)}."
        ),
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="post", ref=p.id, note=f"{rate:.2f}% of followers")
            for p, rate in zip(posts[:MAX_EVIDENCE], rates, strict=False)
        ],
    )


def _giveaway_note(left_out: int) -> str:
    if not left_out:
        return ""
    posts = "post" if left_out == 1 else "posts"
    return f"; {left_out} giveaway or contest {posts} left out (their likes are entries)"


def _hidden_note(hidden: int) -> str:
    if not hidden:
        return ""
    return f" with visible likes ({hidden} more {'hides its' if hidden == 1 else 'hide their'})"


def engagement_rate_median(result: ScrapeResult, now: datetime | None = None) -> Metric:
    """Median rate by followers; with `now`, over the posts of the last WINDOW_DAYS days."""
    return _by_followers(result, _recent(result, now), "Engagement rate (median)", "median", now)


def engagement_rate_mean(result: ScrapeResult, now: datetime | None = None) -> Metric:
    """Mean rate by followers; with `now`, over the posts of the last WINDOW_DAYS days."""
    return _by_followers(result, _recent(result, now), "Engagement rate (mean)", "mean", now)


def engagement_rate_by_views(result: ScrapeResult, now: datetime | None = None) -> Metric:
    return _by_views(result, recent_posts(result, now), now)


def _by_views(result: ScrapeResult, recent: list[Post], now: datetime | None = None) -> Metric:
    label = "Engagement rate by views"
    formula = (
        f"median((likes + comments) / views * 100) over the {RECENT_POSTS} most recent posts"
        f"{_window(now)} with views"
    )
    posts = [p for p in recent if p.views and p.likes is not None]
    n = len(posts)
    if n < MIN_POSTS:
        why = (
            " (Instagram shows views only for reels)"
            if result.platform is Platform.INSTAGRAM
            else ""
        )
        return Metric(
            label=label,
            value=None,
            unit="percent",
            explanation=(
                f"Not enough data (n={n}): views are shown on {n} of the {len(recent)} recent "
                f"posts{why}; at least {MIN_POSTS} are needed."
            ),
            formula=formula,
            sample_size=n,
        )
    rates = [interactions(p) / (p.views or 1) * 100 for p in posts]
    value = round(median(rates), 2)
    return Metric(
        label=label,
        value=value,
        unit="percent",
        explanation=(
            f"Median engagement {value:.2f}% of views across the {n} most recent posts with views."
        ),
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="post", ref=p.id, note=f"{rate:.2f}% of {p.views:,} views")
            for p, rate in zip(posts[:MAX_EVIDENCE], rates, strict=False)
        ],
    )


def likes_comments_ratio(result: ScrapeResult, now: datetime | None = None) -> Metric:
    return _likes_comments(recent_posts(result, now))


def _likes_comments(recent: list[Post]) -> Metric:
    label = "Likes per comment"
    formula = f"sum(likes) / sum(comments) over the {RECENT_POSTS} most recent posts"
    posts = [p for p in recent if p.likes is not None and p.comments is not None]
    n = len(posts)
    likes = sum(p.likes or 0 for p in posts)
    comments = sum(p.comments or 0 for p in posts)
    explanation: str | None = None
    off = sum(1 for p in recent if p.likes is not None and p.comments is None)
    if n < MIN_POSTS and off:
        explanation = (
            f"Not enough data (n={n}): comments are turned off or hidden on {off} of the "
            f"{len(recent)} recent posts; the ratio needs them on at least {MIN_POSTS}."
        )
    elif n < MIN_POSTS:
        explanation = (
            f"Not enough data (n={n}): the ratio needs likes and comments on at least "
            f"{MIN_POSTS} recent posts."
        )
    elif comments == 0:
        explanation = (
            f"Not enough data (n={n}): the {n} recent posts have no comments "
            "(comments may be turned off)."
        )
    if explanation is not None:
        return Metric(
            label=label,
            value=None,
            unit="ratio",
            explanation=explanation,
            formula=formula,
            sample_size=n,
        )
    value = round(likes / comments, 1)
    return Metric(
        label=label,
        value=value,
        unit="ratio",
        explanation=(
            f"{value:.1f} likes for every comment across the {n} most recent posts "
            f"({likes:,} likes, {comments:,} comments)."
        ),
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="post", ref=p.id, note=f"{p.likes:,} likes, {p.comments:,} comments")
            for p in posts[:MAX_EVIDENCE]
        ],
    )


def engagement_position(result: ScrapeResult, now: datetime | None = None) -> EngagementPosition:
    """The median rate by followers against the published band of the account's tier."""
    found = _recent(result, now)
    by_followers = _by_followers(result, found, "Engagement rate (median)", "median", now)
    return _position(result, by_followers, _by_views(result, found[0], now))


def _position(result: ScrapeResult, rate: Metric, by_views: Metric) -> EngagementPosition:
    """`engagement_position` of the median rate by followers `rate` and by views `by_views`."""
    followers = result.profile.followers
    tier = tier_of(followers)
    band = engagement_band(result.platform, tier)
    platform = result.platform.label
    # The publisher's name only: the full source is in the metric's formula and the method.
    band_text = (
        f"the {platform} {tier.value} band is {band.low:g}-{band.high:g}% "
        f"(typical {band.typical:g}%; {band.source.split(' (', 1)[0]})"
    )
    position: Position | None
    relative: float | None = None
    implausible = False
    per_view = VIEW_RATE_TOP.get(result.platform)
    views_limit = None if per_view is None else VIEWS_IMPLAUSIBLE_MULTIPLE * per_view.top
    followers_limit = _followers_limit(followers, IMPLAUSIBLE_MULTIPLE * band.high)
    enough_views = by_views.sample_size >= MIN_VIEWS_SHARE * max(rate.sample_size, 1)
    views_rate = None if views_limit is None or not enough_views else by_views.value
    if rate.value is None:
        position = None
        explanation = f"{rate.explanation} For comparison, {band_text}."
    else:
        if rate.value < band.low:
            position = "below"
        elif rate.value > band.high:
            position = "above"
        else:
            position = "within"
        relative = round(rate.value / band.typical, 2)
        explanation = (
            f"Median engagement {rate.value:.2f}% is {position} the usual range for a "
            f"{tier.value} account ({followers:,} followers), {relative:g}x the typical rate: "
            f"{band_text}."
        )
        if views_rate is not None and per_view is not None and views_limit is not None:
            implausible = views_rate > views_limit
            explanation += _by_views_note(
                views_rate,
                per_view.top,
                position,
                (by_views.sample_size, rate.sample_size),
                rate.value,
            )
        else:
            implausible = rate.value > followers_limit
            if followers < SMALL_BELOW:
                explanation += (
                    f" Under {SMALL_BELOW:,} followers no published band exists and small personal"
                    " accounts engage far more (a median of 23 % among InstaFake's real ones), so"
                    f" only a rate above {SMALL_IMPLAUSIBLE:g}% (beyond 99 in 100 of them) is"
                    " implausible."
                )
            if implausible:
                limit = (
                    f"{followers_limit:.3g}% of the followers"
                    if followers_limit > IMPLAUSIBLE_MULTIPLE * band.high
                    else f"{IMPLAUSIBLE_MULTIPLE:g}x the top of the band"
                )
                explanation += (
                    f" Above {limit}, the rate is implausible for an organic audience: check"
                    " for bought likes, giveaways or a follower count that does not match the"
                    " posts."
                )
    return EngagementPosition(
        platform=result.platform,
        followers=followers,
        tier=tier,
        tier_bands=TIER_BANDS,
        rate=rate.value,
        band_low=band.low,
        band_typical=band.typical,
        band_high=band.high,
        source=band.source,
        position=position,
        relative=relative,
        implausible=implausible,
        judged_by="followers" if views_rate is None else "views",
        rate_by_views=views_rate,
        views_limit=None if views_rate is None else views_limit,
        views_strong=(
            None if views_rate is None or per_view is None else VIEWS_STRONG_UP_TO * per_view.top
        ),
        followers_limit=followers_limit,
        explanation=explanation,
    )


def _followers_limit(followers: int, band_limit: float) -> float:
    """The rate by followers above which engagement is implausible: 5x the band's top, or more
    for small accounts (module notes)."""
    if followers < SMALL_BELOW:
        return max(band_limit, SMALL_IMPLAUSIBLE)
    if followers < SMALL_TAPER_TO:
        eased = math.log(followers / SMALL_BELOW) / math.log(SMALL_TAPER_TO / SMALL_BELOW)
        return max(band_limit, SMALL_IMPLAUSIBLE - (SMALL_IMPLAUSIBLE - band_limit) * eased)
    return band_limit


def _by_views_note(
    views_rate: float,
    top: float,
    position: Position,
    shown: tuple[int, int],
    rate_by_followers: float,
) -> str:
    """What the rate by views says about the rate by followers, where posts show their views
    (`shown`: posts with views, posts with likes). The per-view range's source is in the
    report's method notes."""
    limit = VIEWS_IMPLAUSIBLE_MULTIPLE * top
    strong = VIEWS_STRONG_UP_TO * top
    measured = (
        f" Judged by views (shown on {shown[0]} of the {shown[1]} recent posts): "
        f"{views_rate:.2f}% of views like or comment"
    )
    if views_rate > limit:
        return (
            f"{measured}, above {limit:g}% ({VIEWS_IMPLAUSIBLE_MULTIPLE:g}x the top of the usual "
            f"{top:g}% per view): implausible for an organic audience, check for bought likes."
        )
    if views_rate > strong:
        return (
            f"{measured}, more than twice the top of the usual {top:g}% per view: unusually "
            f"high; implausible above {limit:g}%."
        )
    if position != "above":
        return f"{measured}; implausible only above {limit:g}%."
    level = (
        f"within the usual range (up to {top:g}% per view)"
        if views_rate <= top
        else f"above the usual {top:g}% per view but within twice it"
    )
    # Views per follower, from the two medians: rate by followers / rate by views.
    seen = rate_by_followers / views_rate if views_rate > 0 else 0.0
    if seen > 1:
        return (
            f"{measured}, {level}; the posts are seen by about {seen:.1f}x the followers, so "
            "the rate by followers is reach beyond them: a strength, not a sign of bought likes."
        )
    return (
        f"{measured}, {level}: those who see the posts engage strongly, not a sign of bought likes."
    )


def _spread_class(cv: float) -> tuple[SpreadClass, str]:
    if cv < EVEN_BELOW:
        return "even", (
            "steadier than most accounts (InstaFake's real accounts vary by about 51%); on its "
            "own this proves nothing"
        )
    if cv > UNEVEN_ABOVE:
        return "uneven", (
            "very uneven: a few posts (giveaways, contests or one viral post) carry most likes, "
            "so the average overstates a normal post"
        )
    return "normal", "within the usual spread of real accounts"


def like_spread(result: ScrapeResult) -> LikeSpread:
    label = "Like spread (coefficient of variation)"
    formula = (
        "sample standard deviation(likes) / mean(likes) * 100 over all fetched posts with "
        f"visible likes; < {EVEN_BELOW:g}% even, {EVEN_BELOW:g}-{UNEVEN_ABOVE:g}% normal, "
        f"> {UNEVEN_ABOVE:g}% uneven"
    )
    posts = sorted(
        (p for p in result.posts if p.likes is not None),
        key=_PUBLISHED,
        reverse=True,
    )
    likes = [p.likes or 0 for p in posts]
    n = len(posts)
    if n < MIN_SPREAD_POSTS or sum(likes) == 0:
        why = (
            f"the spread needs likes on at least {MIN_SPREAD_POSTS} posts"
            if n < MIN_SPREAD_POSTS
            else "no post has any likes"
        )
        metric = Metric(
            label=label,
            value=None,
            unit="percent",
            explanation=f"Not enough data (n={n}): {why}.",
            formula=formula,
            sample_size=n,
        )
        return LikeSpread(metric=metric, classification=None)
    mean = fmean(likes)
    cv = stdev(likes) / mean * 100
    classification, meaning = _spread_class(cv)
    # The extremes explain the spread best: the most and the least liked posts.
    extremes = sorted(posts, key=lambda p: p.likes or 0)
    shown = [*extremes[-(MAX_EVIDENCE // 2) :][::-1], *extremes[: MAX_EVIDENCE // 2]]
    seen: set[str] = set()
    evidence = []
    for p in shown:
        if p.id not in seen:
            seen.add(p.id)
            evidence.append(Evidence(kind="post", ref=p.id, note=f"{p.likes:,} likes"))
    metric = Metric(
        label=label,
        value=round(cv, 1),
        unit="percent",
        explanation=(
            f"Likes vary by {cv:.1f}% around their mean of {mean:,.0f} across {n} posts: {meaning}."
        ),
        formula=formula,
        sample_size=n,
        evidence=evidence,
    )
    return LikeSpread(metric=metric, classification=classification)


def engagement(result: ScrapeResult, now: datetime) -> EngagementReport:
    """Every engagement signal of one account, over the recent posts of `now`'s window."""
    found = _recent(result, now)  # sorted once for all of them
    recent = found[0]
    rate_median = _by_followers(result, found, "Engagement rate (median)", "median", now)
    rate_by_views = _by_views(result, recent, now)
    return EngagementReport(
        rate_median=rate_median,
        rate_mean=_by_followers(result, found, "Engagement rate (mean)", "mean", now),
        rate_by_views=rate_by_views,
        likes_comments_ratio=_likes_comments(recent),
        position=_position(result, rate_median, rate_by_views),
        like_spread=like_spread(result),
    )
