"""Print the demo generator's authentic accounts next to the real InstaFake engagement series.

    .venv/bin/python bench/demo_calibration.py [path/to/nonautomatedAccountData.json]

The real file (CC BY-NC 4.0) is read from ../shared/data/instafake/ or the path given; it is
never copied. Per account: engagement = median((likes + comments) / followers) over the 12 newest
posts, likes:comments = sum of likes / sum of comments over them, gap = median days between
consecutive posts. Each figure is the median across accounts; ratio = demo / real. The demo
level follows published tier benchmarks, not these 2018 personal accounts (see demo_traits), so
engagement ratios well below 1 are expected; the shape figures should sit near 1.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from statistics import median

from webapp.models import Platform
from webapp.pipeline.scraping.demo_account import DemoAccount
from webapp.pipeline.scraping.demo_archetypes import Archetype, archetype_of

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared/data/instafake"
DATA_FILE = "nonautomatedAccountData.json"
BANDS = ((0, 1_000), (1_000, 5_000), (5_000, 20_000), (20_000, 100_000), (100_000, 10**9))
DEMO_ACCOUNTS = 400
NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Figures:
    followers: int
    engagement: float  # percent
    likes_per_comment: float | None
    gap_days: float | None


def figures(followers: int, likes: list[int], comments: list[int], times: list[float]) -> Figures:
    """`likes`, `comments`, `times` (Unix seconds) newest first."""
    recent = list(zip(likes[:12], comments[:12], strict=False))
    engagement = median((lk + c) / followers * 100 for lk, c in recent)
    total_comments = sum(c for _, c in recent)
    ratio = sum(lk for lk, _ in recent) / total_comments if total_comments else None
    gaps = [(a - b) / 86_400 for a, b in pairwise(times)]
    return Figures(followers, engagement, ratio, median(gaps) if gaps else None)


def real_figures(path: Path) -> list[Figures]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for row in rows:
        followers = row["userFollowerCount"]
        if followers > 0 and len(row["mediaLikeNumbers"]) >= 3:
            out.append(
                figures(
                    followers,
                    row["mediaLikeNumbers"],
                    row["mediaCommentNumbers"],
                    [float(t) for t in row["mediaUploadTimes"]],
                )
            )
    return out


def demo_figures(count: int) -> tuple[list[Figures], float]:
    """Figures of `count` authentic Instagram demo accounts, and CPU milliseconds per account."""
    handles = (f"calibration{i}" for i in range(20 * count))
    chosen = [h for h in handles if archetype_of(Platform.INSTAGRAM, h) is Archetype.AUTHENTIC]
    out = []
    started = time.process_time()
    for handle in chosen[:count]:
        account = DemoAccount(Platform.INSTAGRAM, handle, NOW)
        account.profile()
        posts = account.posts()
        account.comments(posts)
        account.follower_sample()
        out.append(
            figures(
                account.traits.followers,
                [p.likes or 0 for p in posts],
                [p.comments or 0 for p in posts],
                [p.published_at.timestamp() for p in posts],
            )
        )
    cpu_ms = (time.process_time() - started) * 1000 / count
    return out, cpu_ms


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return median(present) if present else None


def _cell(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(demo: float | None, real: float | None) -> str:
    return "-" if demo is None or not real else f"{demo / real:.2f}x"


def row(name: str, real: list[Figures], demo: list[Figures], field: str) -> None:
    r = _median([getattr(f, field) for f in real])
    d = _median([getattr(f, field) for f in demo])
    print(f"{name:<34} {len(real):>6} {_cell(r):>9} {len(demo):>6} {_cell(d):>9} {_ratio(d, r):>8}")


def main() -> int:
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT / DATA_FILE
    demo, cpu_ms = demo_figures(DEMO_ACCOUNTS)
    print(f"Demo: {len(demo)} authentic Instagram accounts, {cpu_ms:.2f} ms CPU per account")
    if not base.is_file():
        print(f"REAL DATA ABSENT: {base} not found; no comparison printed.")
        print("Get the InstaFake data set (see ../shared/data/instafake/README.md) or pass a path.")
        return 1
    real = real_figures(base)
    print(f"Real: {len(real)} InstaFake non-automated accounts from {base.name}\n")
    head = ("median per account", "n real", "real", "n demo", "demo", "ratio")
    print(f"{head[0]:<34} {head[1]:>6} {head[2]:>9} {head[3]:>6} {head[4]:>9} {head[5]:>8}")
    for low, high in BANDS:
        label = f"engagement % {low:,}-{high:,}" if high < 10**9 else f"engagement % {low:,}+"
        in_band = [f for f in real if low <= f.followers < high]
        demo_band = [f for f in demo if low <= f.followers < high]
        row(label, in_band, demo_band, "engagement")
    row("likes per comment, all", real, demo, "likes_per_comment")
    row(
        "likes per comment, 1,000+",
        [f for f in real if f.followers >= 1_000],
        demo,
        "likes_per_comment",
    )
    row("gap between posts (days), all", real, demo, "gap_days")
    row("gap (days), 1,000+ followers", [f for f in real if f.followers >= 1_000], demo, "gap_days")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
