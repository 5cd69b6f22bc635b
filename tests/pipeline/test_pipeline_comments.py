"""Comment signals against hand-counted comments, and the demo pod against the authentic demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.comment_text import (
    is_emoji_only,
    is_generic,
    is_mention_only,
    is_question,
    purchase_phrases,
)
from webapp.pipeline.analysis.comments import comment_signals, forms_pod
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import AccountStub, Comment, Profile, ScrapeResult

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def comment(post_id: str, author: str, text: str, stub: AccountStub | None = None) -> Comment:
    return Comment(
        post_id=post_id,
        author=author,
        text=text,
        published_at=NOW - timedelta(hours=1),
        author_stub=stub,
    )


def scrape(comments: list[Comment]) -> ScrapeResult:
    return ScrapeResult(
        platform=Platform.INSTAGRAM,
        profile=Profile(handle="creator", followers=1_000, post_count=10),
        comments=comments,
        source="upload",
    )


@pytest.mark.parametrize(
    ("text", "generic"),
    [
        ("nice", True),
        ("Great post!", True),
        ("love this 😍", True),
        ("🔥🔥", True),
        ("Amazing as always", True),
        ("Keep it up 💯", True),
        ("Great tip, thanks", False),  # "tip" says something about the post
        ("This made my day", False),  # four words, not a listed phrase
        ("where did you buy the jacket?", False),
    ],
)
def test_generic_rule(text: str, generic: bool) -> None:
    assert is_generic(text) is generic


def test_text_kinds() -> None:
    assert is_emoji_only("👏🏽👏🏽 !")
    assert not is_emoji_only("wow 🔥")
    assert is_mention_only("@anna.silva @ben_k")
    assert not is_mention_only("@anna look at this")
    assert is_question("Where is this")
    assert is_question("¿Dónde?")
    assert not is_question("Saving this for later")
    assert purchase_phrases("Link? I want this") == ["link?", "want this"]
    assert purchase_phrases("Wo kann ich das kaufen") == ["wo kann ich"]
    assert purchase_phrases("¿Cuánto cuesta?") == ["cuanto cuesta"]
    assert purchase_phrases("Où acheter ça ?") == ["ou acheter"]
    assert purchase_phrases("quanto costa") == ["quanto costa"]
    assert purchase_phrases("Quanto custa? preço") == ["quanto custa", "preco"]
    assert purchase_phrases("ile kosztuje") == ["ile kosztuje"]
    assert purchase_phrases("Priceless view") == []  # whole words only


def twelve_comments() -> list[Comment]:
    """Twelve comments on four posts; pod_a and pod_b are on 3 and 2 of the 4 posts."""
    return [
        comment("p1", "pod_a", "Great post!"),  # generic
        comment("p2", "pod_a", "great post"),  # generic, duplicate of the first
        comment("p3", "pod_a", "🔥🔥"),  # generic, emoji only
        comment("p1", "pod_b", "🔥🔥"),  # generic, emoji only, duplicate
        comment("p4", "pod_b", "@friend"),  # mention only
        comment("p1", "fan1", "How much is the lamp?"),  # question, purchase intent
        comment("p2", "fan2", "Where is this place"),  # question
        comment("p3", "fan3", "link? want this"),  # question, purchase intent
        comment("p4", "fan4", "The light in the second photo is wonderful"),
        comment("p2", "fan5", "Saving this for my trip to Lisbon"),
        comment("p3", "fan6", "I made it last night and it worked"),
        comment("p4", "fan7", "Precio por favor"),  # purchase intent
    ]


def test_comment_shares_by_hand() -> None:
    report = comment_signals(scrape(twelve_comments()))
    assert report.generic_share.value == pytest.approx(round(4 / 12 * 100, 1))
    assert report.generic_share.sample_size == 12
    assert report.generic_share.explanation == (
        "33.3% of 12 fetched comments are generic praise or emoji only (4 of 12)."
    )
    assert [e.ref for e in report.generic_share.evidence] == ["pod_a", "pod_a", "pod_a", "pod_b"]
    assert report.generic_share.evidence[0].kind == "comment"
    assert report.emoji_only_share.value == pytest.approx(16.7)
    assert report.mention_only_share.value == pytest.approx(8.3)
    # "great post" repeats "Great post!" and the second "🔥🔥" repeats the first: 2 copies.
    assert report.duplicate_share.value == pytest.approx(16.7)
    assert report.question_share.value == pytest.approx(25.0)
    assert report.purchase_intent_share.value == pytest.approx(25.0)
    # Four commented posts: recurring means on >= 2; pod_a (3 posts) and pod_b (2) wrote 5.
    assert report.recurring_commenters.value == 2
    assert [e.ref for e in report.recurring_commenters.evidence] == ["pod_a", "pod_b"]
    assert report.recurring_commenters.evidence[0].note == "commented on 3 of 4 posts"
    assert report.recurring_comment_share.value == pytest.approx(round(5 / 12 * 100, 1))


def test_too_few_comments() -> None:
    report = comment_signals(scrape(twelve_comments()[:9]))
    for metric in (
        report.generic_share,
        report.emoji_only_share,
        report.mention_only_share,
        report.duplicate_share,
        report.question_share,
        report.purchase_intent_share,
    ):
        assert metric.value is None
        assert metric.explanation.startswith("Not enough data (n=9): ")


def test_recurring_needs_three_commented_posts() -> None:
    comments = [comment("p1", f"a{i}", "hello there friend") for i in range(8)]
    comments += [comment("p2", "a0", "nice")]
    report = comment_signals(scrape(comments))
    assert report.recurring_commenters.value is None
    assert report.recurring_commenters.explanation.startswith("Not enough data (n=2): ")
    assert report.recurring_comment_share.value is None


def fake() -> AccountStub:
    return AccountStub(username="x", followers=12, following=1_800, posts=0, has_profile_pic=False)


def real() -> AccountStub:
    return AccountStub(username="y", followers=300, following=400, posts=25, has_profile_pic=True)


FRIEND_LINES = (
    "The blue of that door in Porto!",
    "Did you end up trying the bakery we talked about?",
    "Your sister looks so happy here",
    "Which trail was this, the one above the lake?",
)


def club(texts: tuple[str, ...], own: bool = True) -> list[Comment]:
    """Four friends comment on each of 8 posts (32 comments), one line each, in turn; `own`
    makes every comment its own (about that post), else the lines repeat word for word."""
    return [
        comment(
            f"p{post}",
            f"friend{who}",
            texts[(post + who) % len(texts)] + (f" (day {post})" if own else ""),
        )
        for post in range(8)
        for who in range(4)
    ]


def test_friends_writing_about_the_posts_are_not_a_pod() -> None:
    report = comment_signals(scrape(club(FRIEND_LINES)))
    assert report.recurring_commenters.value == 4
    assert report.recurring_comment_share.value == 100.0
    assert report.recurring_generic_share == 0.0
    assert forms_pod(report) is False
    assert (
        "Not a pod: 0 of their 32 comments fit any post (generic praise, emoji or a copy), "
        "under 50 %" in report.recurring_comment_share.explanation
    )


def test_friends_who_say_a_thing_twice_are_not_a_pod() -> None:
    # Each friend's line comes back once (posts 0 and 1 share it, 2 and 3, ...): copies, but
    # no line pasted three times.
    comments = [
        comment(f"p{post}", f"friend{who}", f"{FRIEND_LINES[who]} (week {post // 2})")
        for post in range(8)
        for who in range(4)
    ]
    report = comment_signals(scrape(comments))
    assert report.duplicate_share.value == 50.0
    assert report.recurring_generic_share == 0.0
    assert forms_pod(report) is False


@pytest.mark.parametrize(
    "texts",
    [
        ("great post!", "🔥🔥", "love it", "amazing"),
        # Longer than the generic rule's three words of praise, but pasted under every post.
        ("Love this so much, girl!!", "This is everything, obsessed!!", "Wow wow wow so good"),
    ],
)
def test_the_same_friends_writing_what_fits_any_post_are_a_pod(texts: tuple[str, ...]) -> None:
    report = comment_signals(scrape(club(texts, own=False)))
    assert report.recurring_generic_share == 1.0
    assert forms_pod(report) is True
    assert "Not a pod" not in report.recurring_comment_share.explanation


def test_suspicious_commenters_by_hand() -> None:
    lurker = AccountStub(username="z", followers=40, following=90, posts=0, has_profile_pic=True)
    comments = [
        comment("p1", "bot1", "Check my page", fake()),
        comment("p2", "bot1", "Check my page", fake()),  # one author counts once
        comment("p1", "bot2", "Promote it", fake()),
        comment("p1", "fan1", "lovely", real()),
        comment("p1", "fan2", "lovely", real()),
        comment("p1", "fan3", "lovely", real()),
        comment("p1", "quiet", "lovely", lurker),  # one flag (0 posts) is not enough
        comment("p2", "nostub", "lovely"),
    ]
    metric = comment_signals(scrape(comments)).suspicious_commenter_share
    assert metric.value == pytest.approx(round(2 / 6 * 100, 1))
    assert metric.sample_size == 6
    assert [e.ref for e in metric.evidence] == ["bot1", "bot2"]
    assert metric.evidence[0].note == "no picture, 0 posts, follows 1,800, followed by 12"
    assert "1 commenters without a known account are not in the sample" in metric.explanation


def test_suspicious_commenters_need_five_known_accounts() -> None:
    comments = [comment("p1", f"a{i}", "hi", real()) for i in range(4)]
    comments += [comment("p1", "anon", "hi")]
    metric = comment_signals(scrape(comments)).suspicious_commenter_share
    assert metric.value is None
    assert metric.explanation.startswith("Not enough data (n=4): ")
    assert "1 commenters without a known account" in metric.explanation


class FixedClock:
    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("the demo adapter must not sleep with no delay")


async def _ignore(fraction: float, message: str) -> None:
    pass


async def demo(handle: str) -> ScrapeResult:
    adapter = DemoAdapter(FixedClock(), 0.0)
    return await adapter.fetch(ScrapeRequest(Platform.INSTAGRAM, handle, attempt=1), _ignore)


async def test_demo_pod_stands_out_from_the_authentic_demo() -> None:
    pod = comment_signals(await demo("demo.pod"))
    authentic = comment_signals(await demo("demo.authentic"))
    assert pod.recurring_commenters.value is not None
    assert pod.recurring_commenters.value >= 8
    assert authentic.recurring_commenters.value == 0
    pod_share, authentic_share = (
        pod.recurring_comment_share.value,
        authentic.recurring_comment_share.value,
    )
    assert pod_share is not None
    assert authentic_share is not None
    assert pod_share > 60 > 10 > authentic_share
    pod_generic, authentic_generic = pod.generic_share.value, authentic.generic_share.value
    assert pod_generic is not None
    assert authentic_generic is not None
    assert pod_generic > authentic_generic + 25
