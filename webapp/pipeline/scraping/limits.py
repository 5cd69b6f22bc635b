"""How much one account may carry into the analysis, and how much one uploaded file may hold.

Two limits per list, and one rule:

- What the analysis keeps (MAX_*). Beyond it the newest items are kept (the first ones of a
  follower sample, whose order means nothing), older ones are dropped before the analysis and
  the report's coverage notes say so: "analysed the newest 500 of 1,234 posts". Every adapter
  already fetches less than this; the cut applies to uploads and to whatever a source returns.
- What one uploaded file may hold (UPLOAD_MAX_*). No real export of one account comes near it,
  and building models for a longer list would cost seconds of CPU, so such a file is refused with
  a 422 naming the list, the limit and the count, before any model is built.

Text fields have lengths of their own (result.py): together these bound the stored upload, the
report JSON and the report page whatever the input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from webapp.errors import InvalidUpload
from webapp.pipeline.scraping.result import (
    COVERAGE_NOTES,
    Comment,
    FollowerCount,
    Post,
    ScrapeResult,
)

# The analysis reads the newest 12 posts for engagement and a year of posts for the rest; 500 is
# what the YouTube and TikTok adapters fetch at most (Instagram: 200).
MAX_POSTS = 500
# YouTube's adapter reads 50 comments on each of 10 videos; the demo a few dozen in all.
MAX_COMMENTS_PER_POST = 200
MAX_COMMENTS = 5_000
# Published audience audits sample a few hundred followers; the demo samples 50.
MAX_FOLLOWER_SAMPLE = 1_000
# Growth reads 30- and 90-day windows; three years of daily counts draw the chart.
MAX_FOLLOWER_HISTORY = 1_096
# What one uploaded file may hold; COVERAGE_NOTES (result.py) bounds its coverage notes.

UPLOAD_MAX_POSTS = 10_000
UPLOAD_MAX_COMMENTS = 50_000
UPLOAD_MAX_FOLLOWER_SAMPLE = 10_000
UPLOAD_MAX_FOLLOWER_HISTORY = 10_000


@dataclass(frozen=True, slots=True)
class ListLimit:
    """One list of a ScrapeResult: its name in the file, what its items are, both limits."""

    field: str
    noun: str
    kept: int
    upload_max: int
    kept_how: str  # which items the analysis keeps, completing "the analysis reads ..."
    advice: str  # what to upload instead, a sentence

    def refuse(self, given: int, *, line: int | None = None, csv: bool = False) -> InvalidUpload:
        if csv:
            where = f"The CSV has {given:,} {self.noun}"
        else:
            where = f"The file's {self.field} has {given:,} {self.noun}"
        return InvalidUpload(
            f"{where}; an upload takes at most {self.upload_max:,} (the analysis reads "
            f"{self.kept_how}). {self.advice}",
            details={
                "field": "file",
                "path": self.field,
                "line": line,
                "column": None,
                "limit": self.upload_max,
                "given": given,
                "analysed": self.kept,
            },
        )


POSTS = ListLimit(
    "posts",
    "posts",
    MAX_POSTS,
    UPLOAD_MAX_POSTS,
    f"only the newest {MAX_POSTS:,}",
    f"Upload the newest {MAX_POSTS:,} posts.",
)
COMMENTS = ListLimit(
    "comments",
    "comments",
    MAX_COMMENTS,
    UPLOAD_MAX_COMMENTS,
    f"the newest {MAX_COMMENTS:,}, at most {MAX_COMMENTS_PER_POST:,} a post",
    f"Upload the newest {MAX_COMMENTS:,} comments.",
)
FOLLOWER_SAMPLE = ListLimit(
    "follower_sample",
    "accounts",
    MAX_FOLLOWER_SAMPLE,
    UPLOAD_MAX_FOLLOWER_SAMPLE,
    f"the first {MAX_FOLLOWER_SAMPLE:,}",
    f"Upload a sample of {MAX_FOLLOWER_SAMPLE:,} followers.",
)
FOLLOWER_HISTORY = ListLimit(
    "follower_history",
    "days",
    MAX_FOLLOWER_HISTORY,
    UPLOAD_MAX_FOLLOWER_HISTORY,
    f"the newest {MAX_FOLLOWER_HISTORY:,} days",
    f"Upload the daily counts of the last {MAX_FOLLOWER_HISTORY:,} days.",
)
LIST_LIMITS = (POSTS, COMMENTS, FOLLOWER_SAMPLE, FOLLOWER_HISTORY)


def check_upload_lists(data: object, line_of: Callable[[str], int] | None = None) -> None:
    """Refuse a decoded JSON upload whose lists are longer than a file may hold.

    Runs on the output of json.loads, before validation builds a model per item. `line_of`
    gives the line a top-level member starts on, for the message.
    """
    if not isinstance(data, Mapping):
        return  # not a ScrapeResult at all: validation says why
    for limit in LIST_LIMITS:
        items = data.get(limit.field)
        if isinstance(items, list) and len(items) > limit.upload_max:
            line = line_of(limit.field) if line_of is not None else None
            raise limit.refuse(len(items), line=line)
    notes = data.get("coverage")
    if isinstance(notes, list) and len(notes) > COVERAGE_NOTES:
        raise InvalidUpload(
            f"The file's coverage has {len(notes):,} notes; an upload takes at most "
            f"{COVERAGE_NOTES}. Keep the notes that say what the export lacks.",
            details={
                "field": "file",
                "path": "coverage",
                "line": line_of("coverage") if line_of is not None else None,
                "column": None,
                "limit": COVERAGE_NOTES,
                "given": len(notes),
            },
        )


T = TypeVar("T")


def _keep(items: Sequence[T], chosen: set[int]) -> list[T]:
    """The chosen items, in their original order."""
    return [item for index, item in enumerate(items) if index in chosen]


def _newest(items: Sequence[T], moment: Callable[[T], datetime | date], n: int) -> set[int]:
    """Indexes of the `n` newest items; of equally old ones, those listed first."""
    by_age = sorted(range(len(items)), key=lambda index: moment(items[index]), reverse=True)
    return set(by_age[:n])


def _published(item: Post | Comment) -> datetime:
    return item.published_at


def _day(item: FollowerCount) -> date:
    return item.day


def within_limits(result: ScrapeResult) -> ScrapeResult:
    """`result` with each list cut to what the analysis keeps, and a coverage note per cut.

    Returns `result` itself when nothing is over a limit, as for every adapter's usual output.
    """
    notes: list[str] = []
    update: dict[str, object] = {}
    posts = result.posts
    if len(posts) > MAX_POSTS:
        posts = _keep(posts, _newest(posts, _published, MAX_POSTS))
        update["posts"] = posts
        notes.append(
            f"analysed the newest {MAX_POSTS:,} of {len(result.posts):,} posts; older posts "
            f"were left out (the analysis reads at most {MAX_POSTS:,})"
        )
    comments = _comments_within(result.comments, result.posts, posts, notes)
    if comments is not None:
        update["comments"] = comments
    sample = result.follower_sample
    if len(sample) > MAX_FOLLOWER_SAMPLE:
        update["follower_sample"] = sample[:MAX_FOLLOWER_SAMPLE]
        notes.append(
            f"analysed the first {MAX_FOLLOWER_SAMPLE:,} of {len(sample):,} sampled followers"
        )
    history = result.follower_history
    if len(history) > MAX_FOLLOWER_HISTORY:
        update["follower_history"] = _keep(history, _newest(history, _day, MAX_FOLLOWER_HISTORY))
        notes.append(
            f"analysed the newest {MAX_FOLLOWER_HISTORY:,} of {len(history):,} daily follower "
            "counts"
        )
    if not update:
        return result
    update["coverage"] = [*result.coverage, *notes]
    return result.model_copy(update=update)


def _comments_within(
    comments: list[Comment], all_posts: list[Post], kept_posts: list[Post], notes: list[str]
) -> list[Comment] | None:
    """The comments the analysis keeps; None when that is all of them."""
    if len(kept_posts) < len(all_posts):
        # Comments on a post the analysis no longer reads would count in comment shares but
        # match no post; comments naming no fetched post at all are kept as they were.
        dropped = {post.id for post in all_posts} - {post.id for post in kept_posts}
        on_kept = [comment for comment in comments if comment.post_id not in dropped]
    else:
        on_kept = comments
    by_post: defaultdict[str, list[int]] = defaultdict(list)
    for index, comment in enumerate(on_kept):
        by_post[comment.post_id].append(index)
    chosen: set[int] = set()
    crowded = 0
    for indexes in by_post.values():
        if len(indexes) > MAX_COMMENTS_PER_POST:
            crowded += 1
            of_post = [on_kept[index] for index in indexes]
            newest = _newest(of_post, _published, MAX_COMMENTS_PER_POST)
            chosen.update(indexes[i] for i in newest)
        else:
            chosen.update(indexes)
    if crowded:
        notes.append(
            f"analysed the newest {MAX_COMMENTS_PER_POST:,} comments of each of {crowded:,} "
            f"posts with more"
        )
    if len(chosen) > MAX_COMMENTS:
        total = len(chosen)
        ordered = sorted(chosen)
        picked = _newest([on_kept[index] for index in ordered], _published, MAX_COMMENTS)
        chosen = {ordered[i] for i in picked}
        notes.append(f"analysed the newest {MAX_COMMENTS:,} of {total:,} comments")
    if len(on_kept) == len(comments) and len(chosen) == len(on_kept):
        return None
    if len(on_kept) < len(comments):
        notes.append(
            f"left out {len(comments) - len(on_kept):,} comments on posts older than the "
            f"newest {MAX_POSTS:,}"
        )
    return _keep(on_kept, chosen)
