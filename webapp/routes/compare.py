"""Compare 2-4 completed reports side by side: `/compare?jobs=a,b` (HTML) and
`/api/compare?jobs=a,b` (JSON), one handler for both. `jobs` is a comma-separated list, or
repeated (`jobs=a&jobs=b`, what the jobs list's checkboxes send), or both."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from webapp.charts.frame import ChartIds
from webapp.charts.growth_overlay import growth_overlay
from webapp.comparison import MAX_REPORTS, MIN_REPORTS, compare
from webapp.errors import InvalidInput, JobFailed, JobNotFinished, NotFound
from webapp.jobs.job import is_job_id
from webapp.models import JobStatus, ReportResponse
from webapp.routes.api import json_response
from webapp.routes.pages import page
from webapp.state import app_state
from webapp.templating import at

logger = logging.getLogger(__name__)

# More pieces than this is not a comparison gone slightly wrong: refuse before looking at them.
MAX_PIECES = 16
_PICK = f"Pick {MIN_REPORTS} to {MAX_REPORTS} completed reports to compare"


def job_ids_of(request: Request) -> list[str]:
    """The distinct job ids asked for, in order; InvalidInput for a malformed one or a count
    outside 2-4."""
    pieces = [
        piece.strip()
        for value in request.query_params.getlist("jobs")
        for piece in value.split(",")
        if piece.strip()
    ]
    if len(pieces) > MAX_PIECES:
        raise InvalidInput(
            f"{_PICK}; {len(pieces)} were given.",
            details={"field": "jobs", "count": len(pieces)},
        )
    malformed = [piece for piece in pieces if not is_job_id(piece)]
    if malformed:
        shown = ", ".join(repr(piece[:40]) for piece in malformed[:4])
        raise InvalidInput(
            f"{_PICK}: {shown} {'is not a job id' if len(malformed) == 1 else 'are not job ids'}"
            " (job ids look like 0b9e3c5e-…, as in a report's address).",
            details={"field": "jobs", "malformed": [piece[:40] for piece in malformed[:4]]},
        )
    ids = list(dict.fromkeys(pieces))
    if not MIN_REPORTS <= len(ids) <= MAX_REPORTS:
        given = (
            "none was" if not ids else f"{len(ids)} different {'was' if len(ids) == 1 else 'were'}"
        )
        raise InvalidInput(
            f"{_PICK}; {given} given. Tick them on the jobs list, or list their ids: "
            "/compare?jobs=<id>,<id>.",
            details={"field": "jobs", "count": len(ids)},
        )
    return ids


async def load_reports(request: Request, ids: list[str]) -> list[ReportResponse]:
    """Every report, or one error naming each job that cannot be compared and why: 404 when
    any is unknown or expired, else 409 (job_failed when any failed, else job_not_finished)."""
    service = app_state(request).service
    reports: list[ReportResponse] = []
    problems: list[dict[str, str]] = []
    for job_id in ids:
        try:
            job = await service.job(job_id)
            if job.status is JobStatus.COMPLETED:
                body = await service.report_json(job_id)
                reports.append(ReportResponse.model_validate_json(body))
                continue
        except NotFound:
            problems.append(
                {
                    "job_id": job_id,
                    "problem": "not_found",
                    "message": f"{job_id} is unknown or has expired",
                }
            )
            continue
        who = at(job.handle, job.platform)
        if job.status is JobStatus.FAILED:
            problems.append(
                {"job_id": job_id, "problem": "failed", "message": f"{who}'s analysis failed"}
            )
        else:
            problems.append(
                {
                    "job_id": job_id,
                    "problem": "not_finished",
                    "message": f"{who}'s analysis is still {job.status.value} "
                    f"({job.phase.value}, {job.percent} %)",
                }
            )
    if not problems:
        return reports
    message = "These reports cannot be compared: " + "; ".join(p["message"] for p in problems)
    details = {"field": "jobs", "problems": problems}
    kinds = {p["problem"] for p in problems}
    if "not_found" in kinds:
        raise NotFound(
            message + ". Analyse the account again to get a new report.", details=details
        )
    if "failed" in kinds:
        raise JobFailed(message + ". Compare completed reports only.", details=details)
    raise JobNotFinished(message + ". Try again when it has finished.", details=details)


async def compare_page(request: Request) -> Response:
    reports = await load_reports(request, job_ids_of(request))
    comparison = compare(reports)
    chart = growth_overlay(reports, ChartIds.of("compare-growth"))
    return page(
        request,
        "compare.html",
        {"comparison": comparison, "chart": chart, "accounts": comparison.accounts},
    )


async def compare_api(request: Request) -> Response:
    reports = await load_reports(request, job_ids_of(request))
    return json_response(compare(reports))


routes = [
    Route("/compare", compare_page, methods=["GET"]),
    Route("/api/compare", compare_api, methods=["GET"]),
]
