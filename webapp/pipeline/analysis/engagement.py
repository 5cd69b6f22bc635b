"""Engagement signals: how strongly the audience reacts to recent posts.

All of them read the 12 most recent posts, the window marketers and published benchmarks use:
old posts keep collecting likes and reflect an audience the account may no longer have.
"""

from __future__ import annotations

from statistics import fmean, median

from webapp.models import Metric, Platform
from webapp.pipeline.scraping.result import Post, ScrapeResult

RECENT_POSTS = 12
MIN_POSTS = 3  # fewer posts make a median or ratio meaningless


def recent_posts(result: ScrapeResult) -> list[Post]:
    # Adapters may return posts in any order, so sort rather than trust the list.
    return sorted(result.posts, key=lambda p: p.published_at, reverse=True)[:RECENT_POSTS]


def _interactions(post: Post) -> int:
    # Likes must be known (callers filter); hidden comment counts count as none.
    return (post.likes or 0) + (post.comments or 0)


def _by_followers(result: ScrapeResult, label: str, statistic: str) -> Metric:
    """The median or mean per-post engagement rate by followers."""
    posts = [p for p in recent_posts(result) if p.likes is not None]
    n = len(posts)
    followers = result.profile.followers
    formula = (
        f"{statistic}((likes + comments) / followers * 100) over the {RECENT_POSTS} most "
        "recent posts with visible likes"
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
        return Metric(
            label=label,
            value=None,
            unit="percent",
            explanation=(
                f"Not enough data (n={n}): engagement needs likes on at least "
                f"{MIN_POSTS} recent posts."
            ),
            formula=formula,
            sample_size=n,
        )
    rates = [_interactions(p) / followers * 100 for p in posts]
    value = median(rates) if statistic == "median" else fmean(rates)
    return Metric(
        label=label,
        value=round(value, 2),
        unit="percent",
        explanation=(
            f"{statistic.title()} engagement {value:.2f}% of followers across the {n} most "
            "recent posts."
        ),
        formula=formula,
        sample_size=n,
    )


def engagement_rate_median(result: ScrapeResult) -> Metric:
    return _by_followers(result, "Engagement rate (median)", "median")


def engagement_rate_mean(result: ScrapeResult) -> Metric:
    return _by_followers(result, "Engagement rate (mean)", "mean")


def engagement_rate_by_views(result: ScrapeResult) -> Metric:
    label = "Engagement rate by views"
    formula = (
        f"median((likes + comments) / views * 100) over the {RECENT_POSTS} most recent posts "
        "with views"
    )
    recent = recent_posts(result)
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
    value = median(_interactions(p) / (p.views or 1) * 100 for p in posts)
    return Metric(
        label=label,
        value=round(value, 2),
        unit="percent",
        explanation=(
            f"Median engagement {value:.2f}% of views across the {n} most recent posts with views."
        ),
        formula=formula,
        sample_size=n,
    )


def likes_comments_ratio(result: ScrapeResult) -> Metric:
    label = "Likes per comment"
    formula = f"sum(likes) / sum(comments) over the {RECENT_POSTS} most recent posts"
    posts = [p for p in recent_posts(result) if p.likes is not None and p.comments is not None]
    n = len(posts)
    likes = sum(p.likes or 0 for p in posts)
    comments = sum(p.comments or 0 for p in posts)
    explanation: str | None = None
    if n < MIN_POSTS:
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
    value = likes / comments
    return Metric(
        label=label,
        value=round(value, 2),
        unit="ratio",
        explanation=(
            f"{value:.1f} likes for every comment across the {n} most recent posts "
            f"({likes:,} likes, {comments:,} comments)."
        ),
        formula=formula,
        sample_size=n,
    )
