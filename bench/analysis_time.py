"""Analysis time of a large account: 1,000 posts, 20,000 comments, 5,000 sampled followers,
every signal family plus the sections and the quality score, run off the event loop as the job
runner does (asyncio.to_thread). Target: < 300 ms. Baseline in the same run: the first-cut
metrics (`analyse`) that reports carry today.

Usage: .venv/bin/python bench/analysis_time.py
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from webapp.models import Platform
from webapp.pipeline.analysis import analyse
from webapp.pipeline.analysis.families import analyse_families, sections_of
from webapp.pipeline.analysis.score import quality_score
from webapp.pipeline.scraping.result import AccountStub, Comment, Post, Profile, ScrapeResult

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
WORDS = ["love", "this", "great", "post", "where", "can", "I", "buy", "link", "?", "wow", "🔥"]


def large_account(rng: random.Random) -> ScrapeResult:
    posts = [
        Post(
            id=f"p{i}",
            published_at=NOW - timedelta(hours=8 * i + rng.random() * 6),
            kind="photo",
            caption=f"Day {i} #travel #food @brand{i % 7} code SAVE{i % 30}",
            hashtags=["travel", "food"],
            mentions=[f"brand{i % 7}"],
            likes=int(rng.lognormvariate(8, 0.5)),
            comments=int(rng.lognormvariate(4, 0.6)),
        )
        for i in range(1_000)
    ]
    comments = [
        Comment(
            post_id=f"p{i % 1_000}",
            author=f"viewer{rng.randrange(6_000)}",
            text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8))),
            published_at=NOW - timedelta(hours=rng.random() * 8_000),
        )
        for i in range(20_000)
    ]
    followers = [
        AccountStub(
            username=f"fan{i}{'1234' if i % 9 == 0 else ''}",
            full_name="Fan Name" if i % 3 else "",
            followers=rng.randint(0, 20_000),
            following=rng.randint(0, 4_000),
            posts=rng.randint(0, 900),
            has_profile_pic=i % 5 != 0,
        )
        for i in range(5_000)
    ]
    return ScrapeResult(
        platform=Platform.INSTAGRAM,
        profile=Profile(handle="large.account", followers=800_000, post_count=1_000),
        posts=posts,
        comments=comments,
        follower_sample=followers,
        source="bench",
    )


def everything(result: ScrapeResult) -> None:
    families = analyse_families(result, [], NOW)
    sections_of(families)
    quality_score(families)


async def timed(function: object, result: ScrapeResult, runs: int = 5) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        if function is analyse:
            await asyncio.to_thread(analyse, result, [], NOW)
        else:
            await asyncio.to_thread(everything, result)
        times.append(time.perf_counter() - started)
    return times


async def main() -> None:
    result = large_account(random.Random(7))
    baseline = await timed(analyse, result)
    full = await timed(everything, result)
    print(
        f"large account (1,000 posts, 20,000 comments, 5,000 followers), median of 5, off the loop:"
        f"\n  first-cut metrics (baseline): {statistics.median(baseline) * 1000:7.1f} ms"
        f"\n  every family + sections + score: {statistics.median(full) * 1000:7.1f} ms"
        f"   (target < 300 ms; {statistics.median(full) / statistics.median(baseline):.0f}x)"
    )


if __name__ == "__main__":
    asyncio.run(main())
