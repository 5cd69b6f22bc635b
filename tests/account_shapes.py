"""Hand-made accounts shaped like real creators, as a marketer's upload would carry them.

`account()` builds a healthy account (steady posting, engagement in its tier's band, a crowd of
different commenters, a follower sample of real-looking people, 90 days of steady growth); each
case of `CASES` bends one thing the way a real account does. Used by the verdict tests and by
`bench/verdict_cases.py`, which prints the verdict of every case.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from webapp.models import Platform
from webapp.pipeline.scraping.result import (
    AccountStub,
    Comment,
    FollowerCount,
    Post,
    Profile,
    ScrapeResult,
)

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

_FIRST = ("anna", "ben", "carla", "dario", "elif", "felix", "greta", "hugo", "ines", "jonas")
_LAST = ("meier", "rossi", "keller", "novak", "santos", "berg", "costa", "lund", "weber", "moreau")
_COMMENTS = (
    "Where did you get that jacket?",
    "The light in the second photo is unreal",
    "Saving this for my trip in May",
    "How long did the hike take?",
    "This made my morning, thank you",
    "Is the recipe on your blog?",
    "Totally agree with the last point",
    "The colours here are so calm",
    "Which lens was this shot with?",
    "My kids loved this one",
)


def real_person(rng: random.Random, index: int) -> AccountStub:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    return AccountStub(
        username=f"{first}.{last}{'_' * (index % 3)}{index}",
        full_name=f"{first.title()} {last.title()}",
        followers=rng.randint(150, 900),
        following=rng.randint(150, 700),
        posts=rng.randint(20, 400),
        has_profile_pic=True,
        private=rng.random() < 0.5,
    )


def empty_fake(rng: random.Random, index: int) -> AccountStub:
    """The fake that sits empty: no picture, no posts, a digit-heavy name, few follows."""
    return AccountStub(
        username=f"user{rng.randint(10**7, 10**8 - 1)}",
        followers=rng.randint(0, 12),
        following=rng.randint(20, 120),
        posts=0,
        has_profile_pic=False,
    )


def mass_fake(rng: random.Random, index: int) -> AccountStub:
    """The fake that mass-follows: thousands followed, hardly anyone following back."""
    return AccountStub(
        username=f"{rng.choice(_FIRST)}{rng.randint(1000, 99999)}",
        followers=rng.randint(5, 80),
        following=rng.randint(2_500, 7_500),
        posts=rng.randint(0, 3),
        has_profile_pic=rng.random() < 0.3,
    )


def sample(n: int, fake_share: float = 0.05, seed: int = 7) -> list[AccountStub]:
    rng = random.Random(seed)
    fakes = round(n * fake_share)
    people = [real_person(rng, i) for i in range(n - fakes)]
    bots = [(empty_fake if i % 2 else mass_fake)(rng, i) for i in range(fakes)]
    return people + bots


def account(
    *,
    platform: Platform = Platform.INSTAGRAM,
    handle: str = "shape.creator",
    followers: int = 20_000,
    rate: float = 2.8,
    posts: int = 30,
    every_days: float = 3.0,
    last_days_ago: float = 1.0,
    views_per_follower: float | None = None,
    comments_per_post: int = 8,
    commenter_pool: int = 400,
    followers_sampled: int = 200,
    fake_share: float = 0.05,
    gain_per_day: int = 20,
    seed: int = 1,
) -> ScrapeResult:
    """A healthy account: each post gets `rate` % of followers in likes + comments (+-40 %)."""
    rng = random.Random(seed)
    published = [
        NOW - timedelta(days=last_days_ago + i * every_days, hours=rng.random())
        for i in range(posts)
    ]
    post_list: list[Post] = []
    comments: list[Comment] = []
    for i, moment in enumerate(published):
        interactions = followers * rate / 100 * rng.uniform(0.6, 1.4)
        n_comments = min(comments_per_post, int(interactions * 0.05))
        views = None if views_per_follower is None else int(followers * views_per_follower)
        post_id = f"p{i}"
        post_list.append(
            Post(
                id=post_id,
                url=f"https://example.com/p/{post_id}",
                published_at=moment,
                kind="video" if platform is not Platform.INSTAGRAM else "photo",
                caption=f"Morning walk, day {i} of the series",
                likes=max(0, round(interactions) - n_comments),
                comments=n_comments,
                views=views,
            )
        )
        for k in range(n_comments):
            comments.append(
                Comment(
                    post_id=post_id,
                    author=f"fan{rng.randrange(commenter_pool)}",
                    text=_COMMENTS[(i + k) % len(_COMMENTS)],
                    published_at=moment + timedelta(hours=2 + k),
                )
            )
    history = [
        FollowerCount(
            day=(NOW - timedelta(days=d)).date(), followers=max(0, followers - d * gain_per_day)
        )
        for d in range(90, 0, -1)
    ]
    return ScrapeResult(
        platform=platform,
        profile=Profile(
            handle=handle, display_name="Shape", followers=followers, post_count=posts + 40
        ),
        posts=post_list,
        comments=comments,
        follower_sample=sample(followers_sampled, fake_share, seed),
        follower_history=history,
        source="upload",
    )


def _with_history(result: ScrapeResult, counts: list[int]) -> ScrapeResult:
    """The account with daily follower counts `counts` ending today (the last is the profile's)."""
    days = len(counts)
    history = [
        FollowerCount(day=(NOW - timedelta(days=days - i)).date(), followers=count)
        for i, count in enumerate(counts)
    ]
    profile = result.profile.model_copy(update={"followers": counts[-1]})
    return result.model_copy(update={"follower_history": history, "profile": profile})


def steady_mega() -> ScrapeResult:
    """1. A 50M account growing a steady 20,000 a day for 90 days."""
    base = account(followers=50_000_000, rate=1.0, gain_per_day=0)
    return _with_history(base, [50_000_000 - 20_000 * (90 - d) for d in range(91)])


def flat_then_jump() -> ScrapeResult:
    """2. A flat 4,000-follower account that jumps +3,000 in one day, 10 days ago."""
    base = account(followers=7_000, rate=4.0, gain_per_day=0)
    counts = [4_000] * 80 + [7_000] * 11
    return _with_history(base, counts)


def _viral(result: ScrapeResult, index: int, times: int) -> ScrapeResult:
    """The account with post `index` (0 = newest) liked, commented and viewed `times` as much."""
    posts = list(result.posts)
    hit = posts[index]
    posts[index] = hit.model_copy(
        update={
            "likes": (hit.likes or 0) * times,
            "comments": (hit.comments or 0) * times,
            "views": None if hit.views is None else hit.views * times,
        }
    )
    return result.model_copy(update={"posts": posts})


def viral_video(extra: int = 0) -> ScrapeResult:
    """2. A flat 80,000-follower TikTok account whose video of 10 days ago went viral (40x its
    usual likes): +18,000 followers that day and +6,000 the next, `extra` more the day after."""
    base = _viral(
        account(
            platform=Platform.TIKTOK,
            followers=80_000,
            rate=6.0,
            views_per_follower=0.5,
            gain_per_day=0,
        ),
        index=3,  # published 10 days ago (every 3 days from 1 day ago)
        times=40,
    )
    viral_day = (NOW - base.posts[3].published_at).days  # days ago, 10
    counts = [56_000] * (91 - viral_day)
    counts += [74_000, 80_000, 80_000 + extra]
    counts += [counts[-1]] * (91 - len(counts))
    return _with_history(base, counts)


def shrinking() -> ScrapeResult:
    """2. A 300,000-follower account losing 150 followers a day: -4.3 % in 90 days, no spike."""
    return account(followers=300_000, rate=1.0, gain_per_day=-150)


def monthly_poster() -> ScrapeResult:
    """3. A 10K account posting monthly at 2.5 % a post."""
    return account(followers=10_000, rate=2.5, posts=14, every_days=30, last_days_ago=5)


def zero_likes() -> ScrapeResult:
    """4 and 8. Posts nobody likes: no engagement at all."""
    return account(followers=30_000, rate=0.0)


def mostly_fake_audience() -> ScrapeResult:
    """4. An account whose follower sample is 12 % real."""
    return account(followers=30_000, rate=2.5, fake_share=0.88)


def weak_engagement() -> ScrapeResult:
    """4. A clean 500,000-follower account whose posts reach 0.06 % of it: every other part
    sound, the engagement a seventh of the tier's usual minimum."""
    return account(followers=500_000, rate=0.06)


def third_fake_audience() -> ScrapeResult:
    """4. A 100,000-follower account with 35 % of its sampled followers fake."""
    return account(followers=100_000, rate=1.5, fake_share=0.35)


def tiktok_views() -> ScrapeResult:
    """4. A TikTok account whose views are impressions."""
    return account(platform=Platform.TIKTOK, followers=80_000, rate=5.0, views_per_follower=0.4)


def own_replies_and_superfan() -> ScrapeResult:
    """5. The creator answers under every post and one superfan comments on each."""
    result = account(followers=20_000, rate=2.8, comments_per_post=3, commenter_pool=2_000)
    extra: list[Comment] = []
    for post in result.posts:
        for author, text in (
            (result.profile.handle, "Thank you all for the kind words!"),
            (result.profile.handle, "Glad you liked it"),
            ("biggest.fan.ever", "Amazing as always!"),
        ):
            extra.append(
                Comment(
                    post_id=post.id,
                    author=author,
                    text=text,
                    published_at=post.published_at + timedelta(minutes=30),
                )
            )
    return result.model_copy(update={"comments": [*result.comments, *extra]})


def impossible_engagement() -> ScrapeResult:
    """6. 200 followers and about 1,072 % engagement per post."""
    return account(followers=200, rate=1_072, followers_sampled=30)


def tiktok_reach() -> ScrapeResult:
    """6. A 5,000-follower TikTok account whose videos are seen 50,000 times, 10 % engaging:
    twice its followers in likes, which views explain (the For You page)."""
    return account(platform=Platform.TIKTOK, followers=5_000, rate=100, views_per_follower=10)


def tiktok_bought_likes() -> ScrapeResult:
    """6. A TikTok account whose likes come to nearly every view: 20 % of followers per video,
    seen by a quarter of them."""
    return account(platform=Platform.TIKTOK, followers=50_000, rate=20, views_per_follower=0.25)


def small_personal_account() -> ScrapeResult:
    """6. A 500-follower personal account whose posts get 30 % of its followers in likes: over
    5x the nano band's top, and the median of InstaFake's real accounts of its size is 23 %."""
    return account(followers=500, rate=30, followers_sampled=60)


def undisclosed_deals(deals: int = 24) -> ScrapeResult:
    """7. `deals` of 30 posts pitch a brand with a code and no disclosure at all."""
    result = account(followers=60_000, rate=2.0)
    pitch = "Loving my new serum from @glowbrand, code GLOW20 for 20% off"
    posts = [
        p.model_copy(update={"caption": pitch}) if i < deals else p
        for i, p in enumerate(result.posts)
    ]
    return result.model_copy(update={"posts": posts})


def nothing_to_disclose() -> ScrapeResult:
    """7. No post is paid or looks paid: disclosure has nothing to check."""
    return account()


def long_dead() -> ScrapeResult:
    """8. The last post 800 days ago."""
    return account(followers=15_000, rate=2.5, last_days_ago=800, gain_per_day=0)


def tiny_follower_sample() -> ScrapeResult:
    """9. A follower sample of 3."""
    return account(followers_sampled=3)


def usernames_only() -> ScrapeResult:
    """9. A follower list of usernames alone, as Instagram's own data export gives it."""
    result = account(followers=30_000, rate=2.5)
    names = [AccountStub(username=stub.username) for stub in result.follower_sample]
    return result.model_copy(update={"follower_sample": names})


def bot_comments() -> ScrapeResult:
    """10. A 100,000-follower account whose comments come mostly from empty accounts that
    mass-follow: generic praise and emoji from bots, one in ten from a real person."""
    result = account(followers=100_000, rate=1.5)
    rng = random.Random(5)
    comments = []
    for i, comment in enumerate(result.comments):
        if i % 10:
            bot = mass_fake(rng, i).model_copy(update={"has_profile_pic": False, "posts": 0})
            comment = comment.model_copy(
                update={"author": bot.username, "text": "🔥🔥🔥", "author_stub": bot}
            )
        else:
            person = real_person(rng, i)
            comment = comment.model_copy(update={"author": person.username, "author_stub": person})
        comments.append(comment)
    return result.model_copy(update={"comments": comments})


_FRIEND_LINES = (
    "Still thinking about {place}!",
    "When are we going back to {place}?",
    "{place} looks unreal in this light",
    "Save me a seat next time you're at {place}",
)


def friends_on_every_post() -> ScrapeResult:
    """5. A 600-follower account whose four friends comment on every post, each time about the
    post (each comment its own)."""
    result = account(followers=600, rate=8.0, comments_per_post=1)
    extra = [
        Comment(
            post_id=post.id,
            author=f"friend.{name}",
            text=_FRIEND_LINES[k].format(place=f"the spot of day {i}"),
            published_at=post.published_at + timedelta(hours=3 + k),
        )
        for i, post in enumerate(result.posts)
        for k, name in enumerate(("lena", "tom", "mia", "paul"))
    ]
    return result.model_copy(update={"comments": [*result.comments, *extra]})


def pod() -> ScrapeResult:
    """10. The same 12 accounts comment on nearly every post, within the hour."""
    result = account(followers=25_000, rate=2.6, comments_per_post=3)
    members = [f"pod.member{i}" for i in range(12)]
    extra = [
        Comment(
            post_id=post.id,
            author=member,
            text="great post!" if i % 2 else "🔥🔥",
            published_at=post.published_at + timedelta(minutes=5 + i),
        )
        for post in result.posts
        for i, member in enumerate(members)
    ]
    return result.model_copy(update={"comments": [*result.comments, *extra]})


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    build: Callable[[], ScrapeResult]
    expected: str  # the verdict a marketer should read


CASES: tuple[Case, ...] = (
    Case("healthy micro account", account, "recommended"),
    Case("1. 50M, steady +20k/day", steady_mega, "recommended"),
    Case("2. flat 4,000 then +3,000 in a day", flat_then_jump, "review or avoid"),
    Case("2. TikTok, +30 % after a viral video", viral_video, "recommended"),
    Case(
        "2. the same, +150,000 more the day after",
        lambda: viral_video(extra=150_000),
        "review or avoid",
    ),
    Case("2. 300K losing 150 a day", shrinking, "growth not praised"),
    Case("3. 10K posting monthly at 2.5 %", monthly_poster, "recommended (engagement 2.5 %)"),
    Case("4. zero likes on every post", zero_likes, "avoid"),
    Case("4. 12 % real followers", mostly_fake_audience, "avoid"),
    Case("4. 500K at 0.06 % engagement", weak_engagement, "review or avoid"),
    Case("4. 35 % fake followers", third_fake_audience, "review or avoid"),
    Case("4. TikTok, views as impressions", tiktok_views, "recommended"),
    Case("5. own replies + one superfan", own_replies_and_superfan, "recommended"),
    Case("5. 600 followers, four friends on every post", friends_on_every_post, "recommended"),
    Case("6. 200 followers, ~1,072 % engagement", impossible_engagement, "not recommended"),
    Case("6. 500 followers at 30 % engagement", small_personal_account, "recommended"),
    Case("6. TikTok, views 10x the followers", tiktok_reach, "recommended"),
    Case("6. TikTok, likes on ~95 % of views", tiktok_bought_likes, "not recommended"),
    Case("7. nothing to disclose", nothing_to_disclose, "recommended"),
    Case("7. 24 of 30 posts undisclosed deals", undisclosed_deals, "review"),
    Case("8. last post 800 days ago", long_dead, "avoid"),
    Case("9. follower sample of 3", tiny_follower_sample, "says audience unmeasured"),
    Case("9. followers listed by username only", usernames_only, "says audience unmeasured"),
    Case("10. engagement pod", pod, "avoid"),
    Case("10. comments from bots", bot_comments, "review or avoid"),
)
