"""Sponsored and promotional posts, and whether paid posts engage like the rest.

A post counts as sponsored when the platform flags it, when it carries a disclosure marker, or
when it mentions another account together with a discount code or an affiliate link (the shape
of a paid deal even when nobody said so). Promotional is wider: any code, affiliate link or
selling words, including a brand's own shop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from statistics import median

from webapp.models import Evidence, Metric
from webapp.pipeline.analysis.engagement import interactions
from webapp.pipeline.analysis.keywords import fold
from webapp.pipeline.analysis.promotion import Caption, Promotion, promotion_of, read_caption
from webapp.pipeline.analysis.share import MAX_EVIDENCE, insufficient, share
from webapp.pipeline.scraping.result import Post, ScrapeResult

MIN_POSTS = 3  # per group for the engagement ratio: a median of fewer says little


def promotions(
    result: ScrapeResult, captions: Sequence[Caption] | None = None
) -> list[tuple[Post, Promotion]]:
    """Each post with what its caption says; `captions` are the posts' `read_caption`, when
    the caller has them already."""
    own = fold(result.profile.handle)
    if captions is None:
        captions = [read_caption(p) for p in result.posts]
    return [(p, promotion_of(p, c, own)) for p, c in zip(result.posts, captions, strict=True)]


def why_sponsored(promo: Promotion) -> str:
    if promo.platform_flag:
        return "platform's paid-partnership label"
    markers = promo.clear_markers + promo.buried_markers
    if markers:
        return "marker " + ", ".join(markers)
    paid = promo.codes + promo.affiliate_links
    return "@" + ", @".join(promo.brand_mentions) + " with " + ", ".join(paid)


def why_promotional(promo: Promotion) -> str:
    if promo.sponsored:
        return "sponsored: " + why_sponsored(promo)
    found = [f"code {c}" for c in promo.codes] + promo.affiliate_links + promo.promo_words
    return ", ".join(found)


def sponsored_share(read: list[tuple[Post, Promotion]]) -> Metric:
    return _post_share(
        read,
        label="Sponsored posts",
        formula=(
            "posts with the platform's paid label, a disclosure marker, or an @mention with a "
            "discount code or affiliate link / fetched posts * 100"
        ),
        counts=lambda promo: promo.sponsored,
        why=why_sponsored,
        what="fetched posts are sponsored",
    )


def promotional_share(read: list[tuple[Post, Promotion]]) -> Metric:
    return _post_share(
        read,
        label="Promotional posts",
        formula=(
            "posts that are sponsored or carry a discount code, an affiliate link or selling "
            "words (shop, link in bio, % off, ...) / fetched posts * 100"
        ),
        counts=lambda promo: promo.promotional,
        why=why_promotional,
        what="fetched posts sell something",
    )


def _post_share(
    read: list[tuple[Post, Promotion]],
    *,
    label: str,
    formula: str,
    counts: Callable[[Promotion], bool],
    why: Callable[[Promotion], str],
    what: str,
) -> Metric:
    """The share of posts whose promotion reading `counts`, with `why` for each example."""
    if not read:
        return insufficient(label, "percent", 0, "no posts were fetched.", formula)
    hits = [(post, promo) for post, promo in read if counts(promo)]
    evidence = [
        Evidence(kind="post", ref=post.id, note=why(promo)) for post, promo in hits[:MAX_EVIDENCE]
    ]
    return share(label, len(hits), len(read), what, formula, evidence)


def sponsored_engagement_ratio(read: list[tuple[Post, Promotion]]) -> Metric:
    label = "Sponsored vs organic engagement"
    formula = (
        "median(likes + comments) of sponsored posts / median(likes + comments) of organic "
        "posts; posts with hidden likes left out"
    )
    visible = [(post, promo.sponsored) for post, promo in read if post.likes is not None]
    paid = [post for post, sponsored in visible if sponsored]
    organic = [post for post, sponsored in visible if not sponsored]
    n = len(visible)
    if len(paid) < MIN_POSTS or len(organic) < MIN_POSTS:
        why = (
            f"{len(paid)} sponsored and {len(organic)} organic posts with visible likes; "
            f"at least {MIN_POSTS} of each are needed."
        )
        return insufficient(label, "ratio", n, why, formula)
    paid_median = median(interactions(p) for p in paid)
    organic_median = median(interactions(p) for p in organic)
    if organic_median == 0:
        why = f"the {len(organic)} organic posts have no likes or comments to compare with."
        return insufficient(label, "ratio", n, why, formula)
    value = paid_median / organic_median
    return Metric(
        label=label,
        value=round(value, 2),
        unit="ratio",
        explanation=(
            f"Sponsored posts get {value:.2f}x the interactions of organic ones: median "
            f"{paid_median:,.0f} over {len(paid)} sponsored vs {organic_median:,.0f} over "
            f"{len(organic)} organic posts."
        ),
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="post", ref=p.id, note=f"sponsored, {interactions(p):,} interactions")
            for p in paid[:MAX_EVIDENCE]
        ],
    )
