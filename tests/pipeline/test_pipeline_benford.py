"""Benford's first-digit test and the chi-square tail against hand-computed and tabled values."""

from __future__ import annotations

import math

import pytest

from webapp.pipeline.analysis.benford import (
    MIN_ACCOUNTS,
    benford_metrics,
    benford_test,
    first_digit,
)
from webapp.pipeline.analysis.chi_square import chi_square_p_value

# 30 counts: ten led by 1, two each by 2..8, six by 9.
TABLE = (
    [1, 10, 12, 100, 150, 1_000, 1_999, 14, 19, 1_234_567]
    + [d * 10**k for d in range(2, 9) for k in (0, 2)]
    + [9, 90, 95, 999, 9_000, 98_765]
)


@pytest.mark.parametrize(
    ("statistic", "df", "p"),
    [
        # Upper critical values from the standard chi-square table (e.g. NIST/SEMATECH e-Handbook
        # 1.3.6.7.4).
        (15.507, 8, 0.05),
        (20.090, 8, 0.01),
        (2.733, 8, 0.95),
        (3.841, 1, 0.05),
        (6.635, 1, 0.01),
        (5.991, 2, 0.05),
        (7.815, 3, 0.05),
        (11.070, 5, 0.05),
    ],
)
def test_p_value_matches_the_chi_square_table(statistic: float, df: int, p: float) -> None:
    assert chi_square_p_value(statistic, df) == pytest.approx(p, abs=2e-4)


def test_p_value_edges() -> None:
    assert chi_square_p_value(0.0, 8) == 1.0
    # 2 df is an exponential tail: exp(-x/2).
    assert chi_square_p_value(4.0, 2) == pytest.approx(math.exp(-2.0), rel=1e-12)
    assert chi_square_p_value(500.0, 8) < 1e-100
    with pytest.raises(ValueError, match="at least 1"):
        chi_square_p_value(1.0, 0)


def test_first_digit() -> None:
    assert [first_digit(c) for c in (1, 9, 10, 345, 1_000_000, 70_001)] == [1, 9, 1, 3, 1, 7]
    with pytest.raises(ValueError, match="at least 1"):
        first_digit(0)


def test_statistic_and_p_value_on_a_hand_computed_table() -> None:
    test = benford_test(TABLE)
    assert test.n == 30
    assert test.observed == {1: 10, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2, 9: 6}
    # Expected 30*log10(1+1/d): 9.0309 5.2827 3.7482 2.9073 2.3754 2.0084 1.7398 1.5346 1.3727.
    assert test.expected[1] == pytest.approx(9.0309, abs=1e-4)
    assert test.expected[9] == pytest.approx(1.3727, abs=1e-4)
    # (O-E)^2/E per digit: 0.1040 2.0399 0.8154 0.2831 0.0593 0.0000 0.0389 0.1412 15.5979.
    assert test.statistic == pytest.approx(19.0798, abs=1e-3)
    # 8 df: p = exp(-x/2) (1 + x/2 + (x/2)^2/2 + (x/2)^3/6) with x = 19.0798.
    assert test.p_value == pytest.approx(0.014439, abs=1e-5)
    assert test.largest_deviation() == 9


def test_a_sample_that_follows_benford_has_a_high_p_value() -> None:
    # n=100, observed = expected rounded: 30 18 12 10 8 7 6 5 4 -> chi2 = 0.1352.
    shares = {1: 30, 2: 18, 3: 12, 4: 10, 5: 8, 6: 7, 7: 6, 8: 5, 9: 4}
    test = benford_test([digit * 10 for digit, k in shares.items() for _ in range(k)])
    assert test.n == 100
    assert test.statistic == pytest.approx(0.1352, abs=1e-4)
    assert test.p_value > 0.99


def test_metrics_leave_out_zero_and_unknown_counts() -> None:
    chi, p = benford_metrics([*TABLE, 0, None, 0])
    assert chi.value == pytest.approx(19.08)
    assert chi.unit == "ratio"
    assert chi.sample_size == 30
    assert p.value == pytest.approx(0.0144)
    assert p.unit == "p_value"
    assert "p = 0.0144 over 30 follower counts" in p.explanation
    assert "depart from Benford's law" in p.explanation
    assert "Approximate: under 100 accounts" in p.explanation
    assert "first digit 9: 6 accounts against 1.4 expected" in chi.explanation


def test_too_few_counts_is_not_enough_data() -> None:
    counts: list[int | None] = [*TABLE[: MIN_ACCOUNTS - 1], 0, None]
    for metric in benford_metrics(counts):
        assert metric.value is None
        assert metric.sample_size == 29
        assert metric.explanation.startswith("Not enough data (n=29): 29 of the 31 sampled")
        assert "at least 30" in metric.explanation


def test_empty_sample_is_not_enough_data() -> None:
    for metric in benford_metrics([]):
        assert metric.value is None
        assert metric.explanation.startswith("Not enough data (n=0)")
    with pytest.raises(ValueError, match="at least one count"):
        benford_test([])
