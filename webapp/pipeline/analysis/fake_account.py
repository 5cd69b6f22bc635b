"""How likely one follower account is fake, from what its profile shows.

A logistic score: log-odds = INTERCEPT + sum of weight * (value - neutral) over the features,
probability = 1 / (1 + exp(-log-odds)). Each feature is centred on its *neutral* value, halfway
between the mean of the fake and the mean of the real InstaFake accounts, so a feature the source
does not show (None) adds nothing and pushes neither way.

Fitted weights. Data: InstaFake (Akyon & Kalfaoglu 2019, arXiv 1910.03090; CC BY-NC 4.0, read
from ../shared/data/instafake/, never shipped), 200 fake and 994 real Instagram accounts.
Method: logistic regression by Newton's method with balanced class weights (each class counts
half, so the threshold 0.5 balances the errors on both classes) and an L2 penalty of 1.0 on the
weights (not the intercept); `bench/audience_eval.py` refits it and prints the figures.
Stratified 5-fold cross-validation, repeated 10 times: balanced accuracy 0.936 (0.931-0.940),
precision 0.769, recall 0.927 (fake = positive); in-sample with these weights: balanced accuracy
0.940, precision 0.761, recall 0.940.

Hand-set weights (InstaFake has neither full names nor links, so nothing could be fitted):
a full name of two or more words and a link in the profile each lower the log-odds by 0.5, the
direction of Camisani-Calzolari's human signals ("has a name", "has a URL"; used by Cresci et
al. 2015, "Fame for sale", to spot fake Twitter followers) at a quarter of the fitted weight of
a profile picture. An empty full name adds nothing: sources that do not show names leave it
empty too, and the two cannot be told apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from webapp.pipeline.scraping.result import AccountStub

THRESHOLD = 0.5  # balanced class weights put the equal-error point here
INTERCEPT = 0.4133


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    weight: float
    neutral: float
    value: Callable[[AccountStub], float | None]  # None when the source does not show it
    reason: Callable[[AccountStub], str]  # what a marketer sees when it pushes towards fake


def _following_followers(stub: AccountStub) -> float | None:
    # ln of (following + 1) / (followers + 1): symmetric, and defined for zero counts.
    if stub.following is None or stub.followers is None:
        return None
    return math.log((stub.following + 1) / (stub.followers + 1))


def _posts(stub: AccountStub) -> float | None:
    # ln(1 + posts): the step from 0 to 10 posts says more than the one from 500 to 510.
    return None if stub.posts is None else math.log1p(stub.posts)


def _no_profile_pic(stub: AccountStub) -> float | None:
    return None if stub.has_profile_pic is None else float(not stub.has_profile_pic)


def _private(stub: AccountStub) -> float:
    return float(stub.private)


def _bio_length(stub: AccountStub) -> float:
    return math.log1p(len(stub.bio))


def _username_length(stub: AccountStub) -> float:
    return float(len(stub.username))


def _username_digit_share(stub: AccountStub) -> float:
    return sum(map(str.isdigit, stub.username)) / len(stub.username)


def _counts(stub: AccountStub) -> str:
    return f"following {stub.following or 0:,} with {stub.followers or 0:,} followers"


# Fitted on InstaFake (see the module docstring). Private gets a negative weight because 72% of
# the real accounts there are private against 33% of the fakes: follower bots stay public so
# they can be seen. Bio and username length carry almost no weight: both classes look alike.
FITTED: tuple[Feature, ...] = (
    Feature("following_followers", 1.3118, 1.7281, _following_followers, _counts),
    Feature("posts", -0.8485, 1.9034, _posts, lambda s: f"{s.posts or 0:,} posts"),
    Feature("no_profile_pic", 2.0948, 0.2040, _no_profile_pic, lambda s: "no profile picture"),
    Feature("private", -2.0338, 0.5247, _private, lambda s: "public account"),
    Feature(
        "bio_length", -0.0046, 1.4805, _bio_length, lambda s: f"bio of {len(s.bio)} characters"
    ),
    Feature(
        "username_length",
        -0.0278,
        11.2302,
        _username_length,
        lambda s: f"username of {len(s.username)} characters",
    ),
    Feature(
        "username_digit_share",
        2.6401,
        0.0872,
        _username_digit_share,
        lambda s: f"username {_username_digit_share(s):.0%} digits",
    ),
)
FULL_NAME_WEIGHT = -0.5  # hand-set: two or more words in the full name
EXTERNAL_URL_WEIGHT = -0.5  # hand-set: a link in the profile
# A reason must move the odds by a quarter of a log-odds unit (x1.28) or more: a username two
# letters short of average (+0.06) is not worth naming.
MIN_REASON = 0.25


# The table as plain rows: contributions() runs for every sampled follower and commenter.
_ROWS = tuple((f.name, f.weight, f.neutral, f.value) for f in FITTED)
_BY_NAME = {f.name: f for f in FITTED}


def contributions(stub: AccountStub) -> dict[str, float]:
    """Each feature's share of the log-odds (0 for features the source does not show)."""
    parts = {
        name: 0.0 if (value := value_of(stub)) is None else weight * (value - neutral)
        for name, weight, neutral, value_of in _ROWS
    }
    parts["full_name"] = FULL_NAME_WEIGHT if len(stub.full_name.split()) >= 2 else 0.0
    parts["external_url"] = EXTERNAL_URL_WEIGHT if stub.external_url else 0.0
    return parts


def fake_probability(stub: AccountStub) -> float:
    """Probability in [0, 1] that the account is fake, with equal prior odds (see THRESHOLD)."""
    return probability_of(contributions(stub))


def probability_of(parts: dict[str, float]) -> float:
    """`fake_probability` from the account's `contributions`."""
    log_odds = INTERCEPT + sum(parts.values())
    # Written so exp never overflows, however extreme the counts.
    if log_odds >= 0:
        return 1 / (1 + math.exp(-log_odds))
    odds = math.exp(log_odds)
    return odds / (1 + odds)


def is_fake(stub: AccountStub) -> bool:
    return fake_probability(stub) >= THRESHOLD


def reasons(stub: AccountStub, limit: int = 2) -> list[str]:
    """The features that push the account most towards fake, as short phrases."""
    return reasons_of(stub, contributions(stub), limit)


def reasons_of(stub: AccountStub, parts: dict[str, float], limit: int = 2) -> list[str]:
    """`reasons` from the account's `contributions`."""
    pushing = [name for name in _BY_NAME if parts[name] >= MIN_REASON]
    pushing.sort(key=parts.__getitem__, reverse=True)
    return [_BY_NAME[name].reason(stub) for name in pushing[:limit]]
