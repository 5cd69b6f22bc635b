"""Fetched comments of a demo account: organic fans, spam from fake accounts, and pods.

An organic audience is a crowd: each comment comes from someone new, arrives over hours and says
something about the post. A pod is a club: the same members answer nearly every post within the
hour with praise that fits any post. The comment analysis looks for exactly that contrast.

An account draws a few dozen comments, so their draws are written out (see demo_random).
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from operator import attrgetter

from webapp.pipeline.scraping.demo_people import (
    fake_stub,
    genuine_stub,
    genuine_username,
    pod_member_stub,
)
from webapp.pipeline.scraping.demo_random import lognormal_table
from webapp.pipeline.scraping.demo_text import COMMENTS, GENERIC_COMMENTS
from webapp.pipeline.scraping.demo_traits import Traits
from webapp.pipeline.scraping.result import AccountStub, Comment, Post
from webapp.trusted import trusted

COMMENTED_POSTS = 10
POD_PRESENCE = 0.9  # a member misses the odd post, not more: the pod enforces reciprocity
_SPAM_COMMENTS = ("Nice pic! DM us to collab 💰", "Check my page 🔥", "Promote it on our page")
_COMMENT_LIKES = lognormal_table(0.7, 1.3)  # most comments get 0 or 1 like


class CommentWriter:
    def __init__(
        self, traits: Traits, now: datetime, rng: random.Random, pod_rng: random.Random
    ) -> None:
        self._now = now
        self._rng = rng
        self._fake_commenters = traits.fake_share / 2  # share of organic comments by fakes
        self._pod = [pod_member_stub(pod_rng) for _ in range(traits.pod_size)]

    def comments(self, posts: list[Post]) -> list[Comment]:
        """Comments on the most recent posts, never more than a post's comment count."""
        recent = sorted(posts, key=attrgetter("published_at"), reverse=True)[:COMMENTED_POSTS]
        draw = self._rng.random  # draws written out (see demo_random)
        comments: list[Comment] = []
        for post in recent:
            cap = post.comments or 0
            drawn = [
                self._pod_comment(member, post) for member in self._pod if draw() < POD_PRESENCE
            ]
            # Pods still get a few organic comments; an organic account shows 2-5 per post.
            organic = 1 + int(draw() * 3) if self._pod else 2 + int(draw() * 4)
            drawn.extend([self._organic_comment(post) for _ in range(organic)])
            comments.extend(drawn[:cap])
        return comments

    def _when(self, post: Post, mean_hours: float) -> datetime:
        # rng.expovariate(1 / mean_hours), written out like the other draws.
        hours = -math.log(1.0 - self._rng.random()) / (1 / mean_hours)
        # In UTC, as Comment's validator would make it (see demo_trusted).
        return min(self._now, post.published_at + timedelta(hours=hours)).astimezone(UTC)

    def _pod_comment(self, member: AccountStub, post: Post) -> Comment:
        draw = self._rng.random
        return trusted(
            Comment,
            post_id=post.id,
            author=member.username,
            text=GENERIC_COMMENTS[int(draw() * len(GENERIC_COMMENTS))],
            published_at=self._when(post, 0.5),  # pods answer at once to push the post
            likes=_COMMENT_LIKES[int(draw() * len(_COMMENT_LIKES))],
            author_stub=member,
        )

    def _organic_comment(self, post: Post) -> Comment:
        rng = self._rng
        draw = rng.random
        stub: AccountStub | None = None
        if draw() < self._fake_commenters:
            stub = fake_stub(rng)
            author, text = stub.username, _SPAM_COMMENTS[int(draw() * len(_SPAM_COMMENTS))]
        else:
            if draw() < 0.35:
                stub = genuine_stub(rng)
                author = stub.username
            else:
                author = genuine_username(rng)[0]
            text = COMMENTS[int(draw() * len(COMMENTS))]
        return trusted(
            Comment,
            post_id=post.id,
            author=author,
            text=text,
            published_at=self._when(post, 8.0),
            likes=_COMMENT_LIKES[int(draw() * len(_COMMENT_LIKES))],
            author_stub=stub,
        )
