"""Building the share, count and not-enough-data metrics the comment and content families report."""

from __future__ import annotations

from typing import Literal

from webapp.models import Evidence, Metric

# A report row lists a handful of examples; the full list would bury the point.
MAX_EVIDENCE = 10

Unit = Literal["percent", "ratio", "count", "days", "posts_per_week"]


def insufficient(label: str, unit: Unit, n: int, why: str, formula: str) -> Metric:
    return Metric(
        label=label,
        value=None,
        unit=unit,
        explanation=f"Not enough data (n={n}): {why}",
        formula=formula,
        sample_size=n,
    )


def share(
    label: str,
    hits: int,
    n: int,
    of_what: str,
    formula: str,
    evidence: list[Evidence],
    extra: str = "",
) -> Metric:
    """`hits` out of `n` as a percentage; callers make sure `n` is large enough.

    Callers pass evidence for the first MAX_EVIDENCE hits only: on a large account, building
    an Evidence for each of thousands of comments would cost more than the analysis itself.
    """
    value = hits / n * 100
    return Metric(
        label=label,
        value=round(value, 1),
        unit="percent",
        explanation=f"{value:.1f}% of {n} {of_what} ({hits} of {n}).{extra}",
        formula=formula,
        sample_size=n,
        evidence=evidence[:MAX_EVIDENCE],
    )
