"""How much real small Instagram accounts engage: the ground for the implausibility limit under
1,000 followers (webapp.pipeline.analysis.engagement.SMALL_IMPLAUSIBLE).

    .venv/bin/python bench/engagement_small.py [INSTAFAKE_DIR]

The directory comes from the argument, else $INSTAFAKE_DIR, else ../shared/data/instafake/. Reads
InstaFake's non-automated accounts (Akyon & Kalfaoglu 2019, CC BY-NC 4.0; `nonautomatedAccountData
.json`, real people with the likes and comments of their posts), never copies them. For each
account with followers and at least 3 posts, the median of (likes + comments) / followers over its
12 newest posts, the way the report computes it. Prints, by follower cohort, how many accounts,
the median, the 90th, 95th and 99th percentiles and the maximum, and the share above the two
limits: 5x the top of the nano band (the rule from 1,000 followers up) and 100 %.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from statistics import median, quantiles
from typing import Any

from webapp.models import Platform
from webapp.pipeline.analysis.benchmarks import engagement_band
from webapp.pipeline.analysis.engagement import (
    IMPLAUSIBLE_MULTIPLE,
    MIN_POSTS,
    RECENT_POSTS,
    SMALL_BELOW,
    SMALL_IMPLAUSIBLE,
)
from webapp.pipeline.analysis.tiers import Tier

DATA = Path(__file__).resolve().parents[1].parent / "shared/data/instafake"
FILE = "nonautomatedAccountData.json"
COHORTS = ((0, SMALL_BELOW), (SMALL_BELOW, 5_000), (5_000, 10_000), (0, 10**12))


def account_rate(row: dict[str, Any]) -> tuple[int, float] | None:
    """(followers, median rate in percent) of one account; None without enough posts."""
    followers: int = row["userFollowerCount"]
    likes: list[int] = row["mediaLikeNumbers"]
    comments: list[int] = row["mediaCommentNumbers"]
    # The lists run newest first, as the posts' upload times do.
    pairs = list(zip(likes, comments, strict=False))[:RECENT_POSTS]
    if followers <= 0 or len(pairs) < MIN_POSTS:
        return None
    return followers, median((lk + cm) / followers * 100 for lk, cm in pairs)


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("INSTAFAKE_DIR", DATA))
    path = folder / FILE
    if not path.is_file():
        print(f"InstaFake's {FILE} is not in {folder}: nothing to measure.")
        return
    rows = json.loads(path.read_text())
    rates = [rate for row in rows if (rate := account_rate(row)) is not None]
    nano_limit = IMPLAUSIBLE_MULTIPLE * engagement_band(Platform.INSTAGRAM, Tier.NANO).high
    print(f"InstaFake non-automated accounts: {len(rows)} read, {len(rates)} with a rate")
    print(
        f"limits: {IMPLAUSIBLE_MULTIPLE:g}x the nano band's top = {nano_limit:g} %; "
        f"under {SMALL_BELOW:,} followers {SMALL_IMPLAUSIBLE:g} %"
    )
    for low, high in COHORTS:
        values = sorted(r for f, r in rates if low <= f < high)
        if len(values) < 2:
            continue
        cuts = quantiles(values, n=100, method="inclusive")
        over_nano = sum(v > nano_limit for v in values) / len(values)
        over_small = sum(v > SMALL_IMPLAUSIBLE for v in values) / len(values)
        label = f"{low:,}-{high:,}" if high < 10**12 else "all"
        print(
            f"  followers {label:>13}: n={len(values):4d}  median {median(values):5.1f} %  "
            f"p90 {cuts[89]:5.1f}  p95 {cuts[94]:5.1f}  p99 {cuts[98]:5.1f}  "
            f"max {values[-1]:5.1f}  above {nano_limit:g} %: {over_nano:6.1%}  "
            f"above {SMALL_IMPLAUSIBLE:g} %: {over_small:6.1%}"
        )


if __name__ == "__main__":
    main()
