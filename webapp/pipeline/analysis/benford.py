"""Benford's first-digit test of the followers' own follower counts.

Counts that grow organically over several orders of magnitude tend to follow Benford's law:
the first digit d appears with probability log10(1 + 1/d), so 1 leads about 30% of the time
and 9 under 5% (Benford 1938; Golbeck 2015, "Benford's Law Applies to Online Social Networks",
PLOS ONE, found it for follower counts). Followers made in one batch often have counts in a
narrow range, which breaks the pattern. Pearson's chi-square goodness-of-fit test measures the
departure, with 9 digits - 1 = 8 degrees of freedom.

A departure is a flag to look at, not proof: the law needs counts spread over orders of
magnitude, and the 994 real InstaFake accounts, most with a few hundred followers, depart from it
too (chi2 = 162.9, p < 1e-30; `bench/audience_eval.py`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from webapp.models import Metric
from webapp.pipeline.analysis.chi_square import chi_square_p_value

DIGITS = range(1, 10)
DEGREES_OF_FREEDOM = 8
BENFORD_SHARES = {d: math.log10(1 + 1 / d) for d in DIGITS}
# At 30 accounts every expected count is at least 30 * log10(10/9) = 1.37, inside the lenient
# form of Cochran's rule (no expected count below 1) under which the chi-square approximation
# is usually accepted; below about 100 accounts several cells expect fewer than 5, so the
# explanation calls the p-value approximate there.
MIN_ACCOUNTS = 30
COCHRAN_ACCOUNTS = 100
_FORMULA = (
    "chi2 = sum over d=1..9 of (observed_d - n*log10(1+1/d))^2 / (n*log10(1+1/d)); "
    f"p = P(chi-square with {DEGREES_OF_FREEDOM} df >= chi2)"
)


# p-values print with four decimals; anything smaller prints as "p < 0.0001", never "0.0000".
SMALLEST_PRINTED_P = 0.0001


def p_in_words(p_value: float) -> str:
    return "p < 0.0001" if p_value < SMALLEST_PRINTED_P else f"p = {p_value:.4f}"


@dataclass(frozen=True, slots=True)
class BenfordTest:
    n: int
    observed: dict[int, int]
    expected: dict[int, float]
    statistic: float
    p_value: float

    def largest_deviation(self) -> int:
        """The digit whose count strays furthest from Benford, in chi-square terms."""
        return max(
            DIGITS, key=lambda d: (self.observed[d] - self.expected[d]) ** 2 / self.expected[d]
        )


def first_digit(count: int) -> int:
    if count < 1:
        raise ValueError(f"a first digit needs a count of at least 1, got {count}")
    return int(str(count)[0])


def benford_test(counts: Sequence[int]) -> BenfordTest:
    """Pearson's chi-square test of the counts' first digits against Benford's law."""
    if not counts:
        raise ValueError("Benford's test needs at least one count")
    n = len(counts)
    observed = dict.fromkeys(DIGITS, 0)
    for count in counts:
        observed[first_digit(count)] += 1
    expected = {d: n * BENFORD_SHARES[d] for d in DIGITS}
    statistic = sum((observed[d] - expected[d]) ** 2 / expected[d] for d in DIGITS)
    return BenfordTest(
        n=n,
        observed=observed,
        expected=expected,
        statistic=statistic,
        p_value=chi_square_p_value(statistic, DEGREES_OF_FREEDOM),
    )


def _not_enough(label: str, unit: Literal["ratio", "p_value"], n: int, sampled: int) -> Metric:
    return Metric(
        label=label,
        value=None,
        unit=unit,
        explanation=(
            f"Not enough data (n={n}): {n} of the {sampled} sampled followers show a follower "
            f"count of 1 or more; Benford's test needs at least {MIN_ACCOUNTS}."
        ),
        formula=_FORMULA,
        sample_size=n,
    )


def benford_metrics(follower_counts: Sequence[int | None]) -> tuple[Metric, Metric]:
    """The chi-square statistic and its p-value over the counts that are known and >= 1.

    Zero has no first digit and unknown counts cannot be guessed, so both are left out.
    """
    counts = [c for c in follower_counts if c is not None and c >= 1]
    n = len(counts)
    chi_label, p_label = "Benford chi-square", "Benford p-value"
    if n < MIN_ACCOUNTS:
        sampled = len(follower_counts)
        return (
            _not_enough(chi_label, "ratio", n, sampled),
            _not_enough(p_label, "p_value", n, sampled),
        )
    test = benford_test(counts)
    digit = test.largest_deviation()
    caveat = (
        f" Approximate: under {COCHRAN_ACCOUNTS} accounts some digits expect fewer than 5."
        if n < COCHRAN_ACCOUNTS
        else ""
    )
    shares = (
        f"first digit {digit}: {test.observed[digit]} accounts against "
        f"{test.expected[digit]:.1f} expected"
    )
    chi = Metric(
        label=chi_label,
        value=round(test.statistic, 2),
        unit="ratio",
        explanation=(
            f"chi2 = {test.statistic:.2f} over {n} follower counts ({DEGREES_OF_FREEDOM} df); "
            f"the largest departure is {shares}.{caveat}"
        ),
        formula=_FORMULA,
        sample_size=n,
    )
    verdict = (
        "the first digits depart from Benford's law (p < 0.05), as batches of made accounts "
        "can, though small accounts of similar size can too"
        if test.p_value < 0.05
        else "the first digits are consistent with Benford's law (p >= 0.05)"
    )
    p = Metric(
        label=p_label,
        # Kept unrounded below the printed precision, so that a tiny p never reads as 0.
        value=test.p_value if test.p_value < SMALLEST_PRINTED_P else round(test.p_value, 4),
        unit="p_value",
        explanation=f"{p_in_words(test.p_value)} over {n} follower counts: {verdict}.{caveat}",
        formula=_FORMULA,
        sample_size=n,
    )
    return chi, p
