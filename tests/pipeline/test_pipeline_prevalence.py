"""The fake share of a sample from its accounts' probabilities, against hand-worked cases."""

from __future__ import annotations

import math
import random

import pytest

from webapp.pipeline.analysis.prevalence import (
    CHI2_95,
    SLOPE_BAND,
    fake_share_estimate,
    mixture_share,
)


def two_kinds(flagged: int, n: int) -> list[float]:
    """flagged accounts at probability 0.9, the rest at 0.1."""
    return [0.9] * flagged + [0.1] * (n - flagged)


def binomial_log_likelihood(q: float, flagged: int, n: int) -> float:
    return flagged * math.log(q) + (n - flagged) * math.log(1 - q)


def test_two_kinds_of_accounts_give_the_adjusted_count() -> None:
    # With every account at 0.9 or 0.1, s * p + (1 - s) * (1 - p) is q = 0.1 + 0.8 s for the
    # first kind and 1 - q for the second: a binomial likelihood in q, maximal at q = 68 / 200.
    # So s = (0.34 - 0.1) / 0.8 = 0.3, what a classifier with TPR 0.9 and FPR 0.1 corrects to.
    share, (low, high) = mixture_share(two_kinds(68, 200))
    assert share == pytest.approx(0.3, abs=1e-7)
    # The bounds are where twice the log-likelihood ratio reaches chi-square's 3.84.
    peak = binomial_log_likelihood(0.34, 68, 200)
    for bound in (low, high):
        q = 0.1 + 0.8 * bound
        assert 2 * (peak - binomial_log_likelihood(q, 68, 200)) == pytest.approx(CHI2_95, abs=1e-5)
    assert low < 0.3 < high


def test_a_sample_that_looks_real_is_clipped_at_zero() -> None:
    # 5 of 200 at 0.9: fewer than the 10 % that real accounts alone put at 0.9.
    share, (low, high) = mixture_share(two_kinds(5, 200))
    assert share == 0.0
    assert low == 0.0
    assert 0.0 < high < 0.05
    share, (low, high) = mixture_share(two_kinds(195, 200))
    assert share == 1.0
    assert high == 1.0


def test_probabilities_of_exactly_zero_or_one_do_not_break_the_likelihood() -> None:
    share, (low, high) = mixture_share([0.0] * 30 + [1.0] * 10)
    assert share == pytest.approx(0.25, abs=1e-4)
    assert 0.0 < low < 0.25 < high < 1.0


def test_a_sample_at_even_odds_says_nothing() -> None:
    assert mixture_share([0.5] * 20) == (0.5, (0.0, 1.0))


def test_the_share_of_a_calibrated_mixture_is_recovered() -> None:
    # Scores from N(+1, 1) for fakes and N(-1, 1) for real accounts: the posterior at even odds
    # is 1 / (1 + exp(-2x)), calibrated by construction. 2,000 accounts, 25 % fake.
    rng = random.Random(11)
    scores = [rng.gauss(1.0, 1.0) for _ in range(500)] + [rng.gauss(-1.0, 1.0) for _ in range(1500)]
    probabilities = [1 / (1 + math.exp(-2 * x)) for x in scores]
    share, (low, high) = mixture_share(probabilities)
    assert share == pytest.approx(0.25, abs=0.03)
    assert low < 0.25 < high
    # Counting accounts over 0.5 instead misses: about 0.25 * 0.84 + 0.75 * 0.16 = 33 %.
    counted = sum(p >= 0.5 for p in probabilities) / len(probabilities)
    assert counted > 0.3


def test_the_slope_band_widens_the_interval_around_the_same_share() -> None:
    probabilities = [0.95] * 30 + [0.7] * 20 + [0.3] * 50 + [0.05] * 100
    sampling_only = fake_share_estimate(probabilities, 1.0)
    assert sampling_only == mixture_share(probabilities)
    share, (low, high) = fake_share_estimate(probabilities)
    assert share == sampling_only[0]
    assert low < sampling_only[1][0]
    assert high > sampling_only[1][1]
    # The widened bounds are the bounds of the same sample with its log-odds rescaled.
    flatter = [1 / (1 + (1 / p - 1) ** (1 / SLOPE_BAND)) for p in probabilities]
    steeper = [1 / (1 + (1 / p - 1) ** SLOPE_BAND) for p in probabilities]
    bounds = [mixture_share(flatter)[1], mixture_share(steeper)[1], sampling_only[1]]
    assert low == pytest.approx(min(b[0] for b in bounds))
    assert high == pytest.approx(max(b[1] for b in bounds))


def test_the_interval_narrows_with_the_sample() -> None:
    small = fake_share_estimate(two_kinds(40, 100))
    large = fake_share_estimate(two_kinds(400, 1000))
    assert small[0] == pytest.approx(large[0], abs=1e-6)
    assert large[1][0] > small[1][0]
    assert large[1][1] < small[1][1]


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one probability"):
        mixture_share([])
    with pytest.raises(ValueError, match="at least 1"):
        fake_share_estimate([0.5], 0.5)
