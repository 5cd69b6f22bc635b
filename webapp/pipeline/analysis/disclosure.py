"""Disclosure audit: paid-looking posts without a clear disclosure, weak tags, buried markers.

A post needs a disclosure when it is sponsored (sponsorship.py), looks sponsored (a discount
code, an affiliate link, or another account's @mention with selling words; "link in bio" points
at the creator's own work and sells nothing), or carries a weak tag that admits a deal ("#sp",
"#gifted"; "#collab" or "#thanks" alone admit none). Its disclosure is clear with the
platform's paid label or a strong marker readers see; otherwise the post is counted once, under
the first that applies:
buried (a strong marker only after line three or in the closing pile of hashtags), weak (only
"#sp", "#collab" and the like), undisclosed (nothing).

A business account selling its own products with no other account mentioned and no affiliate
link is not endorsing anyone, so its codes and shop words need no disclosure (the FTC's
Endorsement Guides concern a "material connection" between an endorser and a seller). So is a
creator whose code points at a site named after the handle (its own merchandise).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from webapp.models import Evidence, Metric
from webapp.pipeline.analysis.markers import DEAL_ADMITTING_TAGS, SELF_PROMO_WORDS
from webapp.pipeline.analysis.promotion import Promotion
from webapp.pipeline.analysis.share import MAX_EVIDENCE, insufficient
from webapp.pipeline.scraping.result import Post


class Finding(StrEnum):
    CLEAR = "clear"
    BURIED = "buried"
    WEAK = "weak"
    UNDISCLOSED = "undisclosed"


class DisclosureAudit(BaseModel):
    needing: int = Field(description="Posts that need a disclosure (paid or paid-looking)")
    paid: int = Field(
        default=0,
        description=(
            "Posts surely paid: the platform's paid label, an ad marker, or a discount code or "
            "affiliate link that is not for the creator's own products"
        ),
    )
    paid_unclear: int = Field(
        default=0, description="Of the surely paid posts, those without a clear disclosure"
    )
    undisclosed_posts: Metric = Field(description="Paid-looking posts with no disclosure at all")
    weak_disclosures: Metric = Field(description="Posts disclosed only by ambiguous tags")
    buried_disclosures: Metric = Field(description="Disclosures below the fold or among hashtags")


def surely_paid(promo: Promotion, business: bool) -> bool:
    """The platform's paid label, an ad marker, or a code or affiliate link for someone else's
    products: no reading of the caption makes these unpaid."""
    paid_signal = bool(promo.codes or promo.affiliate_links)
    own_shop = (
        (business or promo.own_site) and not promo.brand_mentions and not promo.affiliate_links
    )
    return promo.sponsored or (paid_signal and not own_shop)


def looks_sponsored(promo: Promotion, business: bool) -> bool:
    selling = [w for w in promo.promo_words if w not in SELF_PROMO_WORDS]
    brand_pitch = bool(promo.brand_mentions) and bool(selling)
    return surely_paid(promo, business) or brand_pitch


def finding(promo: Promotion, business: bool) -> Finding | None:
    """The audit's verdict on one post; None when it needs no disclosure."""
    admits_deal = any(tag in DEAL_ADMITTING_TAGS for tag in promo.weak_markers)
    if not (looks_sponsored(promo, business) or admits_deal):
        return None
    if promo.disclosed:
        return Finding.CLEAR
    if promo.buried_markers:
        return Finding.BURIED
    if promo.weak_markers:
        return Finding.WEAK
    return Finding.UNDISCLOSED


def _signals(promo: Promotion) -> str:
    found = (
        [f"code {c}" for c in promo.codes]
        + promo.affiliate_links
        + [f"@{m}" for m in promo.brand_mentions]
        + promo.promo_words
    )
    return ", ".join(found) or "no other paid signal"


def _note(kind: Finding, promo: Promotion) -> str:
    if kind is Finding.BURIED:
        return f"{', '.join(promo.buried_markers)} only after line 3 or among trailing hashtags"
    if kind is Finding.WEAK:
        return f"only {', '.join(promo.weak_markers)}; {_signals(promo)}"
    return f"no disclosure; {_signals(promo)}"


_WHAT = {
    Finding.UNDISCLOSED: ("Undisclosed paid-looking posts", "have no disclosure at all"),
    Finding.WEAK: ("Weak disclosures", "are disclosed only by an ambiguous tag (#sp, #collab, …)"),
    Finding.BURIED: (
        "Buried disclosures",
        "hide the disclosure after line 3 or in the closing hashtags",
    ),
}


def _count(kind: Finding, audited: list[tuple[Post, Promotion, Finding]], n: int) -> Metric:
    label, what = _WHAT[kind]
    formula = (
        f"posts needing a disclosure whose verdict is '{kind}' (clear > buried > weak > "
        "undisclosed; the first that applies)"
    )
    if n == 0:
        return insufficient(label, "count", 0, "no posts were fetched.", formula)
    hits = [(post, promo) for post, promo, found in audited if found is kind]
    needing = len(audited)
    if needing == 0:
        explanation = (
            f"No post needs a disclosure: none of the {n} posts checked is paid or looks paid."
        )
    else:
        explanation = (
            f"{len(hits)} of the {needing} paid or paid-looking posts {what} ({n} posts checked)."
        )
    return Metric(
        label=label,
        value=len(hits),
        unit="count",
        explanation=explanation,
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="post", ref=post.id, note=_note(kind, promo))
            for post, promo in hits[:MAX_EVIDENCE]
        ],
    )


def disclosure_audit(read: list[tuple[Post, Promotion]], business: bool) -> DisclosureAudit:
    audited = [
        (post, promo, found)
        for post, promo in read
        if (found := finding(promo, business)) is not None
    ]
    n = len(read)
    paid = [(promo, found) for _, promo, found in audited if surely_paid(promo, business)]
    return DisclosureAudit(
        needing=len(audited),
        paid=len(paid),
        paid_unclear=sum(1 for _, found in paid if found is not Finding.CLEAR),
        undisclosed_posts=_count(Finding.UNDISCLOSED, audited, n),
        weak_disclosures=_count(Finding.WEAK, audited, n),
        buried_disclosures=_count(Finding.BURIED, audited, n),
    )
