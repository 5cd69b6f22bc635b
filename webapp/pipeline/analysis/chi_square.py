"""The chi-square distribution's upper tail: the p-value of a chi-square statistic.

numpy/scipy are not dependencies, so the tail is computed from its closed forms. For k degrees
of freedom the tail is the regularised upper incomplete gamma Q(k/2, x/2), and for the
half-integer and integer shapes that chi-square uses Q has a finite sum (Abramowitz & Stegun
26.4.4 and 26.4.5):

    even k:  Q = exp(-x/2) * sum_{i=0}^{k/2-1} (x/2)^i / i!
    odd k:   Q = erfc(sqrt(x/2)) + exp(-x/2) * sum_{i=1}^{(k-1)/2} (x/2)^(i-1/2) / Gamma(i+1/2)

Both are exact, so no series truncation or continued fraction is needed.
"""

from __future__ import annotations

import math


def chi_square_p_value(statistic: float, degrees_of_freedom: int) -> float:
    """P(X >= statistic) for X chi-square distributed with the given degrees of freedom."""
    if degrees_of_freedom < 1:
        raise ValueError(f"degrees of freedom must be at least 1, got {degrees_of_freedom}")
    if statistic <= 0:
        return 1.0
    half = statistic / 2
    if degrees_of_freedom % 2 == 0:
        # Terms (x/2)^i / i!, built one from the last to avoid large factorials.
        term = 1.0
        total = 1.0
        for i in range(1, degrees_of_freedom // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    # Terms (x/2)^(i-1/2) / Gamma(i+1/2), starting at i=1: sqrt(x/2) / Gamma(3/2).
    term = math.sqrt(half) / (math.sqrt(math.pi) / 2)
    total = 0.0
    for i in range(1, (degrees_of_freedom + 1) // 2):
        total += term
        term *= half / (i + 0.5)
    return min(1.0, math.erfc(math.sqrt(half)) + math.exp(-half) * total)
