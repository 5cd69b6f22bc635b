"""How likely one follower account is fake, from what its profile shows.

A logistic score: log-odds = INTERCEPT + sum of weight * (value - neutral) over the features,
probability = 1 / (1 + exp(-log-odds)). Each feature is centred on its *neutral* value (halfway
between the fake and the real class means, averaged over the two data sets below), so a feature
the source does not show (None) adds nothing and pushes neither way.

Features. Four, each chosen because its direction holds in both labelled data sets (fakes have
more of it in InstaFake and in SRF alike), and because each is shown by most sources:

* posts, as ln(1 + posts): fakes post little;
* no profile picture;
* the share of digits in the username;
* a one-sided following term, max(0, ln((following + 1) / (followers + 1))): following many
  more accounts than follow back. Only the excess counts; an account followed by more than it
  follows is not thereby more real (stars, brands), so the term stops at 0.

Left out on purpose: being private (72 % of InstaFake's real accounts are private against 33 %
of its fakes, but 21 % against 31 % in SRF: the sign flips), following alone (mass-following is
one kind of fake, not all: empty bought accounts follow few), biography length (no weight in
InstaFake, absent in SRF) and username length (same in both classes).

Data, both read by `bench/audience_eval.py` and never shipped:
InstaFake (Akyon & Kalfaoglu 2019, arXiv 1910.03090; CC BY-NC 4.0): 200 fake and 994 real
accounts, usernames given only as length and digit count. SRF: "2017-10-instagram-influencers by
SRF Data" (CC BY-SA 4.0): 98 fake and 877 real followers of Swiss influencers, judged by hand.

Method: logistic regression by Newton's method with an L2 penalty of 1.0 on the weights (not the
intercept), each (data set, class) cell weighted to a quarter of the total, so both data sets
and both classes count equally. The shipped weights are fitted on both sets pooled.

Calibration and threshold. With each class weighted to half, the fitted probability is the
posterior probability of fake at even prior odds (1:1) - calibrated, by the logistic fit, on the
pooled data. Rule: THRESHOLD = 0.5, the Bayes decision at even prior odds, which minimises the
balanced error (the mean of the two classes' error rates). Not tuned on any test set.

Honest figures (leave one data set out: fit on one, test on the other; `bench/audience_eval.py`):
fitted on InstaFake, tested on SRF: balanced accuracy 0.843, precision 0.410, recall 0.816,
AUC 0.904; fitted on SRF, tested on InstaFake: balanced accuracy 0.926, precision 0.762,
recall 0.910, AUC 0.982. The first misses the 0.92 aimed at, and not for want of data: SRF's
own labels cap what a model of these counts reaches there (5-fold cross-validation within SRF:
0.837 with these four features, 0.870 with every count, private and following included; a random
forest or gradient boosting on all seven fields the two sets share, run with scikit-learn outside
this repository, reaches 0.85-0.86, and 0.87-0.88 even with its threshold picked afterwards), since
its judges marked many empty, private accounts with no followers real and some active
mass-followers with thousands of followers and posts fake. No threshold lifts the model fitted
on InstaFake past 0.845 on SRF (the best one, picked on SRF for this check only). No other
direction-stable feature helped either way: ln(1 + followers), followers under 30 or 100, no
posts at all, the signed following/followers ratio or the username's digit count each left both
figures equal or lower.
The shipped weights, in-sample: balanced accuracy 0.936 on InstaFake and 0.836 on SRF.

The audience report does not count verdicts: it estimates the share of fakes in a sample from
the probabilities themselves, as the maximum-likelihood mixture of the two classes, which relies
on the probabilities being calibrated at even prior odds (prevalence.py).

Hand-set weights (neither data set has full names or links, so nothing could be fitted):
a full name of two or more words and a link in the profile each lower the log-odds by 0.5, the
direction of Camisani-Calzolari's human signals ("has a name", "has a URL"; used by Cresci et
al. 2015, "Fame for sale", to spot fake Twitter followers) at about a quarter of the fitted
weight of a profile picture. An empty full name adds nothing: sources that do not show names
leave it empty too, and the two cannot be told apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from webapp.pipeline.scraping.result import AccountStub

THRESHOLD = 0.5  # the Bayes decision at even prior odds (module docstring)
INTERCEPT = 0.4620


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    weight: float
    neutral: float
    value: Callable[[AccountStub], float | None]  # None when the source does not show it
    reason: Callable[[AccountStub], str]  # what a marketer sees when it pushes towards fake


def _one_sided_following(stub: AccountStub) -> float | None:
    # ln of (following + 1) / (followers + 1), kept only when positive: defined for zero counts.
    if stub.following is None or stub.followers is None:
        return None
    return max(0.0, math.log((stub.following + 1) / (stub.followers + 1)))


def _posts(stub: AccountStub) -> float | None:
    # ln(1 + posts): the step from 0 to 10 posts says more than the one from 500 to 510.
    return None if stub.posts is None else math.log1p(stub.posts)


def _no_profile_pic(stub: AccountStub) -> float | None:
    return None if stub.has_profile_pic is None else float(not stub.has_profile_pic)


def _username_digit_share(stub: AccountStub) -> float:
    return sum(map(str.isdigit, stub.username)) / len(stub.username)


def _counts(stub: AccountStub) -> str:
    return f"following {stub.following or 0:,} with {stub.followers or 0:,} followers"


# Fitted on InstaFake and SRF pooled (see the module docstring).
FITTED: tuple[Feature, ...] = (
    Feature("one_sided_following", 1.1881, 1.7926, _one_sided_following, _counts),
    Feature("posts", -0.5041, 2.3096, _posts, lambda s: f"{s.posts or 0:,} posts"),
    Feature("no_profile_pic", 1.5238, 0.1213, _no_profile_pic, lambda s: "no profile picture"),
    Feature(
        "username_digit_share",
        3.1122,
        0.0888,
        _username_digit_share,
        lambda s: f"username {_username_digit_share(s):.0%} digits",
    ),
)
FULL_NAME_WEIGHT = -0.5  # hand-set: two or more words in the full name
EXTERNAL_URL_WEIGHT = -0.5  # hand-set: a link in the profile
# Assumption: a reason must move the odds by a quarter of a log-odds unit (x1.28) or more to be
# worth naming.
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


def shows_profile(stub: AccountStub) -> bool:
    """Whether the source shows any of the counts the model reads (posts, followers,
    following). An account known only by its username and picture, as Instagram's own data
    export and its followers dialog list them, sits near the intercept, which leans towards
    fake: the audience leaves such accounts out rather than guess (audience.py)."""
    return stub.posts is not None or stub.followers is not None or stub.following is not None


def fake_probability(stub: AccountStub) -> float:
    """Probability in [0, 1] that the account is fake, at even prior odds (see THRESHOLD)."""
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
