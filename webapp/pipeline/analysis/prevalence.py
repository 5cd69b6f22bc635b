"""How many of a sample are fake: a share with its 95 % interval.

Wilson's score interval (Wilson 1927, "Probable inference, the law of succession, and statistical
inference", JASA 22) for an observed share k/n: unlike the normal approximation it stays inside
0-1 and keeps its coverage near 0 and 1, where follower shares often sit. Used for the audience
type shares.

The fake share of a sample is estimated from every account's fake probability, not from a count
of accounts over a threshold. The probabilities come from a model fitted with both classes
weighted equally, so each is p = f1 / (f1 + f0), the two classes' likelihoods of what the profile
shows at even prior odds. A sample with a fake share s is then a two-part mixture, and its
log-likelihood is

    l(s) = sum over accounts of ln(s * p + (1 - s) * (1 - p))   (up to a constant),

concave in s. Its maximum is the fixed point of the EM procedure of Saerens, Latinne & Decaestecker
(2002, "Adjusting the outputs of a classifier to new a priori probabilities: a simple
procedure", Neural Computation 14(1): 21-41), found here by a safeguarded Newton search.
Classify-and-count corrected by fixed error rates (Forman 2008) was used before; on follower
samples drawn from a data set the model never saw it erred by 4.9 and 4.7 points against 3.6 and
2.7 for this estimate (bench/audience_eval.py, which also shows it is the better of the two
inside each training set, where the choice was made).

Interval. Sampling error: the likelihood-ratio interval {s : 2 (l(s_hat) - l(s)) <= 3.84}
(Wilks 1938: twice the log-likelihood ratio tends to chi-square with 1 degree of freedom; 3.84 is
its 95 % quantile). The model's own error on an unseen population is larger than sampling error:
a population where fakes and real accounts are harder (or easier) to tell apart than in the
training data has probabilities that are too confident (or too timid). That is a calibration
slope other than 1 (Cox 1958, "Two further applications of a model for binary regression",
Biometrika 45: the log-odds of the truth regressed on the model's log-odds). The reported
interval is the union of the likelihood-ratio intervals with the log-odds multiplied by
1 / SLOPE_BAND, 1 and SLOPE_BAND.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Z95 = 1.959964  # two-sided 95 % quantile of the standard normal
CHI2_95 = Z95 * Z95  # 95 % quantile of chi-square with 1 degree of freedom (3.84)
# Assumption: on a population the model never saw, its log-odds may be up to 1.5 times too steep
# or too flat. Fixed before measuring coverage; bench/audience_eval.py shows the coverage it gives
# on the held-out data sets and with 1.0 (sampling error only) and 2.0 for comparison.
SLOPE_BAND = 1.5
# Keeps every account's mixture term positive: a probability of exactly 0 or 1 would make a share
# of 1 or 0 impossible outright, on the word of a single account.
_EDGE = 1e-6
_TOLERANCE = 1e-9


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval of successes / n, as fractions in [0, 1]."""
    if n <= 0:
        raise ValueError(f"an interval needs at least one observation, got n={n}")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    # At 0 or n the bound is exactly 0 or 1; the formula reaches it only up to rounding.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


class _Mixture:
    """l(s) = sum ln(a + s * b) with a = 1 - p and b = 2p - 1, and its first two derivatives."""

    def __init__(self, probabilities: Sequence[float]) -> None:
        clipped = [min(1 - _EDGE, max(_EDGE, p)) for p in probabilities]
        self.terms = [(1 - p, 2 * p - 1) for p in clipped]

    def log_likelihood(self, s: float) -> float:
        return sum(math.log(a + s * b) for a, b in self.terms)

    def slope(self, s: float) -> float:
        return sum(b / (a + s * b) for a, b in self.terms)

    def curvature(self, s: float) -> float:
        return -sum((b / (a + s * b)) ** 2 for a, b in self.terms)

    def maximum(self) -> float:
        """The share that maximises l on [0, 1] (concave: the slope falls throughout)."""
        if self.slope(0.0) <= 0:
            return 0.0
        if self.slope(1.0) >= 0:
            return 1.0
        low, high, s = 0.0, 1.0, 0.5
        for _ in range(100):
            gradient = self.slope(s)
            if gradient > 0:
                low = s
            else:
                high = s
            curvature = self.curvature(s)
            step = s - gradient / curvature if curvature < 0 else (low + high) / 2
            # A Newton step that leaves the bracket is replaced by bisection.
            s_next = step if low < step < high else (low + high) / 2
            if abs(s_next - s) < _TOLERANCE:
                return s_next
            s = s_next
        return s

    def bound(self, peak: float, edge: float) -> float:
        """Where l falls CHI2_95 / 2 below its peak, between the peak and edge (0 or 1)."""
        target = self.log_likelihood(peak) - CHI2_95 / 2
        if self.log_likelihood(edge) >= target:
            return edge
        # l is concave, so Newton started outside the root approaches it from outside without
        # overshooting; bisection keeps the search in the bracket if rounding says otherwise.
        inside, outside = peak, edge
        s = edge
        for _ in range(100):
            value = self.log_likelihood(s) - target
            if value >= 0:
                inside = s
            else:
                outside = s
            gradient = self.slope(s)
            step = s - value / gradient if gradient != 0 else (inside + outside) / 2
            between = min(inside, outside) < step < max(inside, outside)
            s_next = step if between else (inside + outside) / 2
            if abs(s_next - s) < _TOLERANCE:
                return s_next
            s = s_next
        return s


def _with_slope(probabilities: Sequence[float], slope: float) -> list[float]:
    # The log-odds multiplied by slope; written so exp never overflows.
    out = []
    for p in probabilities:
        p = min(1 - _EDGE, max(_EDGE, p))
        z = slope * math.log(p / (1 - p))
        out.append(1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z)))
    return out


def mixture_share(probabilities: Sequence[float]) -> tuple[float, tuple[float, float]]:
    """(share, (low, high)) of the maximum-likelihood share and its likelihood-ratio interval."""
    if not probabilities:
        raise ValueError("a share needs at least one probability")
    mixture = _Mixture(probabilities)
    if all(b == 0 for _, b in mixture.terms):  # every account at 0.5: the data say nothing
        return 0.5, (0.0, 1.0)
    peak = mixture.maximum()
    return peak, (mixture.bound(peak, 0.0), mixture.bound(peak, 1.0))


def fake_share_estimate(
    probabilities: Sequence[float], slope_band: float = SLOPE_BAND
) -> tuple[float, tuple[float, float]]:
    """(share, (low, high)) of fakes among accounts with these fake probabilities; fractions.

    The share is the maximum-likelihood mixture share; the interval is the union of its
    likelihood-ratio intervals with the log-odds scaled by 1 / slope_band, 1 and slope_band.
    """
    if slope_band < 1:
        raise ValueError(f"the slope band must be at least 1, got {slope_band}")
    share, (low, high) = mixture_share(probabilities)
    if slope_band == 1:
        return share, (low, high)
    for slope in (1 / slope_band, slope_band):
        _, (other_low, other_high) = mixture_share(_with_slope(probabilities, slope))
        low, high = min(low, other_low), max(high, other_high)
    return share, (low, high)
