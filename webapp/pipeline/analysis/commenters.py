"""Who comments: the recurring set across posts (the pod signal) and commenters that look fake.

An organic audience is a crowd in which few people comment on most posts; an engagement pod is a
club whose members answer nearly every post. So the signal is the set of authors who commented
on at least half of the posts whose comments were fetched, and the share of all comments they
wrote.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from webapp.models import Evidence, Metric
from webapp.pipeline.analysis.share import MAX_EVIDENCE, insufficient, share
from webapp.pipeline.scraping.result import AccountStub, Comment

RECURRING_POST_SHARE = 0.5
# With two commented posts, "half of them" is any single post and everyone would recur.
MIN_COMMENTED_POSTS = 3
MIN_STUBBED_AUTHORS = 5
# Assumption: a pod is a group. One or two people on every post are fans (or a partner); the
# pod signal counts only when at least three authors recur, over at least five commented posts
# and thirty comments, so a handful of comments cannot decide a verdict.
MIN_POD_MEMBERS = 3
MIN_POD_POSTS = 5
MIN_POD_COMMENTS = 30
# Assumption: a pod's comments are the obligatory kind, praise or emoji that fits any post
# ("great post!", "🔥🔥") or one line pasted under post after post, written to lift the post
# rather than to answer it; friends and regulars write about the post. So recurring commenters
# are a pod only when at least half of their comments fit any post: generic (comment_text.py's
# rule) or a line pasted three times or more (comments.MIN_PASTED).
POD_GENERIC_SHARE = 0.5
# Assumption: a pod lifts a post only when its comments are a tenth or more of all the comments
# the post has (its own count, not just the fetched ones): four fans under every post of a
# 30-million account, among thousands of comments, are fans, however many of the few fetched
# comments they wrote.
POD_MIN_CONVERSATION = 0.10

# A commenter looks fake when at least two of these hold (one alone is common among real, quiet
# accounts). The shapes follow the fake accounts of the InstaFake data set
# (../shared/data/instafake): no picture, no posts, following far more accounts than follow back.
MASS_FOLLOWING_MIN = 1_000
MASS_FOLLOWING_RATIO = 10
SUSPICIOUS_MIN_FLAGS = 2

_RECURRING_FORMULA = (
    "authors with comments on >= 50% of the posts with fetched comments; "
    "share = their comments / all fetched comments * 100"
)


def _posts_by_author(comments: list[Comment]) -> dict[str, set[str]]:
    posts: dict[str, set[str]] = defaultdict(set)
    for comment in comments:
        posts[comment.author].add(comment.post_id)
    return posts


def recurring_authors(comments: list[Comment]) -> tuple[int, dict[str, int]]:
    """(posts with comments, {recurring author: posts they commented on})."""
    commented = len({c.post_id for c in comments})
    needed = math.ceil(commented * RECURRING_POST_SHARE)
    return commented, {
        author: len(ids) for author, ids in _posts_by_author(comments).items() if len(ids) >= needed
    }


def recurring_metrics(
    comments: list[Comment],
    fits_any: Sequence[bool],
    found: tuple[int, dict[str, int]] | None = None,
) -> tuple[Metric, Metric, float | None]:
    """(how many recurring commenters, the share of comments they wrote, the share of their
    comments that fit any post); `fits_any` says of each comment whether it does (generic, or
    a copy of another)."""
    count_label, share_label = "Recurring commenters", "Comments by recurring commenters"
    commented, recurring = recurring_authors(comments) if found is None else found
    if commented < MIN_COMMENTED_POSTS:
        why = (
            f"comments were fetched for {commented} posts; at least {MIN_COMMENTED_POSTS} are "
            "needed to see who comes back."
        )
        return (
            insufficient(count_label, "count", commented, why, _RECURRING_FORMULA),
            insufficient(share_label, "percent", len(comments), why, _RECURRING_FORMULA),
            None,
        )
    by_count = sorted(recurring.items(), key=lambda item: (-item[1], item[0]))
    authors = [
        Evidence(kind="comment", ref=author, note=f"commented on {n} of {commented} posts")
        for author, n in by_count[:MAX_EVIDENCE]
    ]
    count = Metric(
        label=count_label,
        value=len(recurring),
        unit="count",
        explanation=(
            f"{'1 author' if len(recurring) == 1 else f'{len(recurring)} authors'} commented on "
            f"at least half of the {commented} posts with fetched comments."
        ),
        formula=_RECURRING_FORMULA,
        sample_size=commented,
        evidence=authors,
    )
    written = [c for c in comments if c.author in recurring]
    written_generic = sum(
        1 for c, fits in zip(comments, fits_any, strict=True) if fits and c.author in recurring
    )
    generic_share = written_generic / len(written) if written else None
    evidence = [
        Evidence(kind="comment", ref=c.author, note=f"recurring commenter on post {c.post_id}")
        for c in written[:MAX_EVIDENCE]
    ]
    people = "1 author" if len(recurring) == 1 else f"{len(recurring)} authors"
    extra = f" {people} commented on at least half of {commented} posts."
    if not is_pod(len(recurring), commented, len(comments)):
        extra += (
            f" Not a pod: that takes at least {MIN_POD_MEMBERS} recurring authors over "
            f"{MIN_POD_POSTS} commented posts and {MIN_POD_COMMENTS} comments."
        )
    elif not is_pod(len(recurring), commented, len(comments), generic_share):
        extra += (
            f" Not a pod: {written_generic} of their {len(written)} comments fit any post "
            f"(generic praise, emoji or a copy), under {POD_GENERIC_SHARE * 100:g} %; the rest "
            "are each their own, as friends' and regulars' are."
        )
    return (
        count,
        share(
            share_label,
            len(written),
            len(comments),
            "fetched comments were written by recurring commenters",
            _RECURRING_FORMULA,
            evidence,
            extra=extra,
        ),
        generic_share,
    )


def is_pod(
    members: int, commented_posts: int, comments: int, generic_share: float | None = 1.0
) -> bool:
    """Whether recurring commenters are numerous enough, on enough data, to be called a pod,
    and write the generic comments of one (`generic_share` of their comments)."""
    return (
        members >= MIN_POD_MEMBERS
        and commented_posts >= MIN_POD_POSTS
        and comments >= MIN_POD_COMMENTS
        and generic_share is not None
        and generic_share >= POD_GENERIC_SHARE
    )


def suspicious_flags(stub: AccountStub) -> list[str]:
    flags: list[str] = []
    if stub.has_profile_pic is False:
        flags.append("no picture")
    if stub.posts == 0:
        flags.append("0 posts")
    following, followers = stub.following, stub.followers
    if (
        following is not None
        and followers is not None
        and following >= MASS_FOLLOWING_MIN
        and following >= MASS_FOLLOWING_RATIO * max(1, followers)
    ):
        flags.append(f"follows {following:,}, followed by {followers:,}")
    return flags


def suspicious_commenters(comments: list[Comment]) -> Metric:
    label = "Suspicious commenters"
    formula = (
        "distinct commenters with a known account and >= 2 of: no picture, 0 posts, following "
        ">= 1,000 and >= 10 x followers; / distinct commenters with a known account * 100"
    )
    stubs: dict[str, AccountStub] = {}
    for comment in comments:
        if comment.author_stub is not None:
            stubs.setdefault(comment.author, comment.author_stub)
    unknown = len({c.author for c in comments} - stubs.keys())
    excluded = (
        f" {unknown} commenters without a known account are not in the sample." if unknown else ""
    )
    n = len(stubs)
    if n < MIN_STUBBED_AUTHORS:
        why = (
            f"the accounts of {n} commenters are known; at least {MIN_STUBBED_AUTHORS} are "
            f"needed.{excluded}"
        )
        return insufficient(label, "percent", n, why, formula)
    hits: list[Evidence] = []
    for author in sorted(stubs):
        flags = suspicious_flags(stubs[author])
        if len(flags) >= SUSPICIOUS_MIN_FLAGS:
            hits.append(Evidence(kind="comment", ref=author, note=", ".join(flags)))
    what = "commenters with a known account look fake"
    return share(label, len(hits), n, what, formula, hits, excluded)
