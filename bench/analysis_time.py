"""Analysis time of a large account: 1,000 posts, 20,000 comments, 5,000 sampled followers.

Measured where jobs run it, in an analysis worker process (webapp/pipeline/workers.py), off the
event loop: the analysis itself (every signal family, the sections and the quality score, timed
inside the worker), and the whole Analysis + Finalizing step as the caller sees it (the scrape
sent as JSON, parsed and validated in the worker, analysed, and the report JSON and snapshot
sent back). Target: < 300 ms. Baseline in the same run: the first-cut metrics (`analyse`)
alone. Also printed: the whole step for small demo accounts, which bounds the jobs per second of
one worker.

Usage: .venv/bin/python bench/analysis_time.py
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from webapp.models import Platform
from webapp.pipeline.analysis import analyse
from webapp.pipeline.analysis.families import analyse_families, sections_of
from webapp.pipeline.analysis.score import quality_score
from webapp.pipeline.report import analyse_and_report
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import AccountStub, Comment, Post, Profile, ScrapeResult
from webapp.pipeline.workers import ProcessWorkers

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


def analysis_seconds(result_json: str) -> float:
    """In the worker: parse the scrape, then time the analysis alone."""
    result = ScrapeResult.model_validate_json(result_json)
    started = time.perf_counter()
    everything(result)
    return time.perf_counter() - started


async def timed(step: Callable[[], Awaitable[object]], runs: int = 5) -> float:
    """Median seconds of `runs` calls."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await step()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class _FixedClock:
    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        return None


async def demo_accounts(count: int) -> list[str]:
    adapter = DemoAdapter(_FixedClock(), 0.0)

    async def ignore(fraction: float, message: str) -> None:
        return None

    results = [
        await adapter.fetch(ScrapeRequest(Platform.INSTAGRAM, f"bench.demo{i}", 1), ignore)
        for i in range(count)
    ]
    return [result.model_dump_json() for result in results]


async def main() -> None:
    result = large_account(random.Random(7))
    result_json = result.model_dump_json()
    workers = ProcessWorkers(1)
    try:
        await workers.run(analyse_and_report, "warm-up", result_json, [], NOW)
        baseline = await timed(lambda: asyncio.to_thread(analyse, result, [], NOW))
        families = statistics.median(
            [await workers.run(analysis_seconds, result_json) for _ in range(5)]
        )
        job_step = await timed(
            lambda: workers.run(analyse_and_report, "bench", result_json, [], NOW)
        )
        demos = await demo_accounts(300)
        started = time.perf_counter()
        for index, demo_json in enumerate(demos):
            await workers.run(analyse_and_report, f"demo-{index}", demo_json, [], NOW)
        per_demo = (time.perf_counter() - started) / len(demos)
    finally:
        await workers.close()
    print(
        "large account (1,000 posts, 20,000 comments, 5,000 followers), median of 5, off the loop:"
        f"\n  first-cut metrics (baseline), in a thread:           {baseline * 1000:7.1f} ms"
        f"\n  analysis: every family + sections + score, in a worker: {families * 1000:7.1f} ms"
        f"   (target < 300 ms; {families / baseline:.0f}x the baseline)"
        f"\n  whole job step, in a worker (parse scrape JSON, analyse, report JSON back):"
        f" {job_step * 1000:7.1f} ms"
        f"\nsmall demo accounts, job step in one worker, one at a time: {per_demo * 1000:.2f} ms"
        f" each (300 accounts; {1 / per_demo:,.0f} jobs/s for one worker)"
    )


if __name__ == "__main__":
    asyncio.run(main())
