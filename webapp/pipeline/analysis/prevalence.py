"""How many of a sample are fake: a share with its 95 % interval, corrected for the classifier.

Wilson's score interval (Wilson 1927, "Probable inference, the law of succession, and statistical
inference", JASA 22) for an observed share k/n: unlike the normal approximation it stays inside
0-1 and keeps its coverage near 0 and 1, where follower shares often sit.

Adjusted classify-and-count (Forman 2008, "Quantifying counts and costs via classification",
Data Mining and Knowledge Discovery 17): a classifier with true-positive rate TPR and
false-positive rate FPR flags an expected share q = TPR * s + FPR * (1 - s) of a sample whose
true share is s, so s = (q - FPR) / (TPR - FPR). The map is increasing, so the Wilson bounds of
q map to bounds of s; the interval leaves out the error of TPR and FPR themselves.
"""

from __future__ import annotations

import math

Z95 = 1.959964  # two-sided 95 % quantile of the standard normal


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


def adjusted_share(q: float, tpr: float, fpr: float) -> float:
    """The true share s behind an observed flagged share q, clipped to [0, 1]."""
    if tpr <= fpr:
        raise ValueError(f"the classifier must beat chance: TPR {tpr} <= FPR {fpr}")
    return min(1.0, max(0.0, (q - fpr) / (tpr - fpr)))


def adjusted_count_estimate(
    flagged: int, n: int, tpr: float, fpr: float
) -> tuple[float, tuple[float, float]]:
    """(share, (low, high)) of true positives among n, from `flagged` positives; fractions."""
    low, high = wilson_interval(flagged, n)
    return (
        adjusted_share(flagged / n, tpr, fpr),
        (adjusted_share(low, tpr, fpr), adjusted_share(high, tpr, fpr)),
    )
