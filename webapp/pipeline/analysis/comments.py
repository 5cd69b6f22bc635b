"""Comment signals: how much of the conversation under the posts is real.

Generic praise, emoji strings and bare tags fit any post, so bots and pods post them; exact
duplicates are copy-paste; a recurring set of authors on most posts is a pod; questions and
purchase intent are what a brand pays for. Shares are of the fetched comments of the audience
(the creator's own replies are left out) and overlap (one comment can be generic and emoji-only
at once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import compress
from operator import attrgetter

from pydantic import BaseModel, Field

from webapp.models import Evidence, Metric
from webapp.pipeline.analysis.comment_text import TextKinds, classify_folded, normalised_folded
from webapp.pipeline.analysis.commenters import (
    POD_MIN_CONVERSATION,
    is_pod,
    recurring_authors,
    recurring_metrics,
    suspicious_commenters,
)
from webapp.pipeline.analysis.keywords import fold
from webapp.pipeline.analysis.share import MAX_EVIDENCE, insufficient, share
from webapp.pipeline.scraping.result import Comment, ScrapeResult

# Below this, one comment moves a share by more than ten points.
MIN_COMMENTS = 10
# Assumption: a text is pasted (a pod's line) when it appears three times or more.
MIN_PASTED = 3


class CommentReport(BaseModel):
    generic_share: Metric = Field(description="Praise that fits any post, emoji strings included")
    emoji_only_share: Metric
    mention_only_share: Metric
    duplicate_share: Metric = Field(description="Copies of a comment already seen")
    recurring_commenters: Metric = Field(description="Authors on >= half the commented posts")
    recurring_comment_share: Metric = Field(description="Comments those authors wrote: pod signal")
    suspicious_commenter_share: Metric
    recurring_conversation_share: float | None = Field(
        default=None,
        description=(
            "The recurring commenters' comments as a share of all the comments the commented "
            "posts have (their own counts)"
        ),
    )
    recurring_generic_share: float | None = Field(
        default=None,
        description=(
            "Share of the recurring commenters' comments that fit any post (generic or copied)"
        ),
    )
    question_share: Metric
    purchase_intent_share: Metric


def _quote(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _text_share(
    comments: list[Comment],
    kinds: list[TextKinds],
    label: str,
    of_what: str,
    rule: str,
    test: Callable[[TextKinds], object],
) -> Metric:
    formula = f"comments that are {rule} / fetched comments * 100"
    n = len(comments)
    if n < MIN_COMMENTS:
        why = f"{n} comments were fetched; at least {MIN_COMMENTS} are needed for a share."
        return insufficient(label, "percent", n, why, formula)
    hits = list(compress(comments, map(test, kinds)))
    evidence = [
        Evidence(kind="comment", ref=c.author, note=f"“{_quote(c.text)}” on post {c.post_id}")
        for c in hits[:MAX_EVIDENCE]
    ]
    return share(label, len(hits), n, of_what, formula, evidence)


def _duplicates(comments: list[Comment], keys: list[str]) -> Metric:
    """`keys`: each comment's normalised text (comment_text.normalised_folded)."""
    label = "Duplicate comments"
    formula = (
        "(fetched comments - distinct normalised texts) / fetched comments * 100; "
        "normalised: case, accents, spacing and trailing . ! ignored"
    )
    n = len(comments)
    if n < MIN_COMMENTS:
        why = f"{n} comments were fetched; at least {MIN_COMMENTS} are needed for a share."
        return insufficient(label, "percent", n, why, formula)
    seen: Counter[str] = Counter()
    copies = 0
    evidence: list[Evidence] = []
    for c, key in zip(comments, keys, strict=True):
        seen[key] += 1
        if seen[key] > 1:
            copies += 1
            if len(evidence) < MAX_EVIDENCE:
                note = f"copy {seen[key]} of “{_quote(c.text)}” on post {c.post_id}"
                evidence.append(Evidence(kind="comment", ref=c.author, note=note))
    what = "fetched comments repeat an earlier comment word for word"
    return share(label, copies, n, what, formula, evidence)


def _read(comments: list[Comment]) -> tuple[list[str], list[TextKinds]]:
    """Each comment's folded text and kinds. A text met before (emoji, pods, bots and "nice!"
    repeat a lot: a third of a large account's comments) is read once."""
    seen: dict[str, tuple[str, TextKinds]] = {}
    folded: list[str] = []
    kinds: list[TextKinds] = []
    for comment in comments:
        read = seen.get(comment.text)
        if read is None:
            text = fold(comment.text)
            read = seen[comment.text] = (text, classify_folded(comment.text, text))
        folded.append(read[0])
        kinds.append(read[1])
    return folded, kinds


def forms_pod(report: CommentReport) -> bool:
    """Whether the recurring commenters the report found are numerous enough to be a pod."""
    members = report.recurring_commenters
    conversation = report.recurring_conversation_share
    return (
        members.value is not None
        and is_pod(
            int(members.value),
            members.sample_size,
            report.recurring_comment_share.sample_size,
            report.recurring_generic_share,
        )
        and (conversation is None or conversation >= POD_MIN_CONVERSATION)
    )


def _conversation_share(
    result: ScrapeResult, comments: list[Comment], authors: set[str], recurring_share: Metric
) -> tuple[float | None, Metric]:
    """The recurring commenters' share of all the comments their posts have (each post's own
    count where it is larger than what was fetched), and the share metric saying so when that
    is too small for a pod."""
    if not authors:
        return None, recurring_share
    totals = {post.id: post.comments or 0 for post in result.posts}
    fetched = Counter(c.post_id for c in comments)
    on_posts = sum(max(n, totals.get(post_id, 0)) for post_id, n in fetched.items())
    written = sum(1 for c in comments if c.author in authors)
    share = written / on_posts
    if share >= POD_MIN_CONVERSATION or "Not a pod" in recurring_share.explanation:
        return share, recurring_share
    note = (
        f" Not a pod: their {written:,} comments are {share:.1%} of the {on_posts:,} comments "
        f"those posts have, under {POD_MIN_CONVERSATION:.0%}: too few to lift them."
    )
    return share, recurring_share.model_copy(
        update={"explanation": recurring_share.explanation + note}
    )


def audience_comments(result: ScrapeResult) -> list[Comment]:
    """The comments of the audience: the creator's own replies say nothing about it."""
    owner = result.profile.handle.casefold()
    return [c for c in result.comments if c.author.casefold() != owner]


def comment_signals(result: ScrapeResult) -> CommentReport:
    comments = audience_comments(result)
    folded, kinds = _read(comments)
    # A pod's comments fit any post: generic praise or emoji, or one text pasted again and
    # again (MIN_PASTED times; a friend who says the same thing twice is no pod).
    keys = [normalised_folded(text) for text in folded]
    seen = Counter(keys)
    fits_any = [
        kind.generic or seen[key] >= MIN_PASTED for kind, key in zip(kinds, keys, strict=True)
    ]
    found = recurring_authors(comments)
    recurring, recurring_share, recurring_generic = recurring_metrics(comments, fits_any, found)
    conversation, recurring_share = _conversation_share(
        result, comments, set(found[1]), recurring_share
    )
    return CommentReport(
        generic_share=_text_share(
            comments,
            kinds,
            "Generic comments",
            "fetched comments are generic praise or emoji only",
            "listed generic phrases, <= 3 words of praise, or emoji only",
            attrgetter("generic"),
        ),
        emoji_only_share=_text_share(
            comments,
            kinds,
            "Emoji-only comments",
            "fetched comments are emoji only",
            "emoji only",
            attrgetter("emoji_only"),
        ),
        mention_only_share=_text_share(
            comments,
            kinds,
            "Mention-only comments",
            "fetched comments only tag other accounts",
            "only @mentions",
            attrgetter("mention_only"),
        ),
        duplicate_share=_duplicates(comments, keys),
        recurring_commenters=recurring,
        recurring_comment_share=recurring_share,
        suspicious_commenter_share=suspicious_commenters(comments),
        recurring_generic_share=recurring_generic,
        recurring_conversation_share=conversation,
        question_share=_text_share(
            comments,
            kinds,
            "Questions",
            "fetched comments ask something",
            "questions (a question mark, or a question word first)",
            attrgetter("question"),
        ),
        purchase_intent_share=_text_share(
            comments,
            kinds,
            "Purchase intent",
            "fetched comments ask where to buy, for a link or the price",
            "purchase-intent phrases (7 languages)",
            attrgetter("purchase"),  # the phrases found: none is false
        ),
    )
