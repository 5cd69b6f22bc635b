"""Analysis and Finalizing for one scrape: the report as stored JSON, and the account snapshot.

One function, `analyse_and_report`, so the whole CPU-bound part of a job runs in one call in a
worker process (webapp/pipeline/workers.py). The scrape crosses over as JSON text (pydantic
writes it in a fraction of the time pickle takes, and the worker parses it), and the report
crosses back as the JSON text the store keeps, not as hundreds of models to rebuild.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from webapp.models import ReportResponse, Snapshot, Verdict
from webapp.pipeline.analysis.families import (
    analyse_families,
    benchmark_of,
    metrics_of,
)
from webapp.pipeline.analysis.method import method_notes
from webapp.pipeline.analysis.post_rows import follower_points, post_rows
from webapp.pipeline.analysis.ratings import rated_sections
from webapp.pipeline.analysis.score import quality_score
from webapp.pipeline.finalizing import build_report, snapshot_of
from webapp.pipeline.scraping.result import ScrapeResult


@dataclass(frozen=True, slots=True)
class ReportOutput:
    report_json: str
    snapshot: Snapshot
    # The report's headline, copied out here so the job row can keep it without the web
    # process parsing the report JSON.
    score: float | None = None
    verdict: Verdict | None = None
    is_demo: bool = False
    source: str | None = None


def full_report(
    job_id: str, result: ScrapeResult, history: Sequence[Snapshot], now: datetime
) -> ReportResponse:
    families = analyse_families(result, history, now)
    report = build_report(
        job_id=job_id, result=result, metrics=metrics_of(families), generated_at=now
    )
    report.score = quality_score(families)
    report.sections = rated_sections(families)
    report.benchmark = benchmark_of(families)
    report.posts = post_rows(result, families.promotions, families.captions, now)
    report.follower_history = follower_points(families.growth)
    report.method = method_notes(result.platform)
    return report


def analyse_and_report(
    job_id: str, result_json: str, history: Sequence[Snapshot], now: datetime
) -> ReportOutput:
    """Runs in a worker process: `result_json` is `ScrapeResult.model_dump_json()`."""
    result = ScrapeResult.model_validate_json(result_json)
    report = full_report(job_id, result, history, now)
    snapshot = snapshot_of(job_id=job_id, result=result, metrics=report.metrics, taken_at=now)
    score = report.score
    if score is not None:
        snapshot.score, snapshot.verdict = score.value, score.verdict
    return ReportOutput(
        report_json=report.model_dump_json(),
        snapshot=snapshot,
        score=score.value if score else None,
        verdict=score.verdict if score else None,
        is_demo=report.is_demo,
        source=report.source,
    )
