"""Fetched comments of a demo account: organic fans, spam from fake accounts, and pods.

An organic audience is a crowd: each comment comes from someone new, arrives over hours and says
something about the post. A pod is a club: the same members answer nearly every post within the
hour with praise that fits any post. The comment analysis looks for exactly that contrast.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from webapp.pipeline.scraping.demo_people import (
    fake_stub,
    genuine_stub,
    genuine_username,
    pod_member_stub,
)
from webapp.pipeline.scraping.demo_random import chance, integer, lognormal_int, pick
from webapp.pipeline.scraping.demo_text import COMMENTS, GENERIC_COMMENTS
from webapp.pipeline.scraping.demo_traits import Traits
from webapp.pipeline.scraping.result import AccountStub, Comment, Post

COMMENTED_POSTS = 10
POD_PRESENCE = 0.9  # a member misses the odd post, not more: the pod enforces reciprocity
_SPAM_COMMENTS = ("Nice pic! DM us to collab 💰", "Check my page 🔥", "Promote it on our page")


class CommentWriter:
    def __init__(
        self, traits: Traits, now: datetime, rng: random.Random, pod_rng: random.Random
    ) -> None:
        self._traits = traits
        self._now = now
        self._rng = rng
        self._pod = [pod_member_stub(pod_rng) for _ in range(traits.pod_size)]

    def comments(self, posts: list[Post]) -> list[Comment]:
        """Comments on the most recent posts, never more than a post's comment count."""
        recent = sorted(posts, key=lambda p: p.published_at, reverse=True)[:COMMENTED_POSTS]
        comments: list[Comment] = []
        for post in recent:
            cap = post.comments or 0
            drawn = [
                self._pod_comment(member, post)
                for member in self._pod
                if chance(self._rng, POD_PRESENCE)
            ]
            # Pods still get a few organic comments; an organic account shows 2-5 per post.
            organic = integer(self._rng, 1, 3) if self._pod else integer(self._rng, 2, 5)
            drawn.extend(self._organic_comment(post) for _ in range(organic))
            comments.extend(drawn[:cap])
        return comments

    def _when(self, post: Post, mean_hours: float) -> datetime:
        after = timedelta(hours=self._rng.expovariate(1 / mean_hours))
        return min(self._now, post.published_at + after)

    def _pod_comment(self, member: AccountStub, post: Post) -> Comment:
        return Comment(
            post_id=post.id,
            author=member.username,
            text=pick(self._rng, GENERIC_COMMENTS),
            published_at=self._when(post, 0.5),  # pods answer at once to push the post
            likes=lognormal_int(self._rng, 0.7, 1.3),
            author_stub=member,
        )

    def _organic_comment(self, post: Post) -> Comment:
        rng = self._rng
        stub: AccountStub | None = None
        if chance(rng, self._traits.fake_share / 2):
            stub = fake_stub(rng)
            author, text = stub.username, pick(rng, _SPAM_COMMENTS)
        else:
            if chance(rng, 0.35):
                stub = genuine_stub(rng)
                author = stub.username
            else:
                author = genuine_username(rng)[0]
            text = pick(rng, COMMENTS)
        return Comment(
            post_id=post.id,
            author=author,
            text=text,
            published_at=self._when(post, 8.0),
            likes=lognormal_int(rng, 0.7, 1.3),  # most comments get 0 or 1 like
            author_stub=stub,
        )
