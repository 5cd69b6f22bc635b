"""The jobs list's search and filters, read from the query string (`q`, `platform`, `status`,
`verdict`); an empty value means "any". A value the list does not know is a 422, never a 500."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from starlette.datastructures import QueryParams

from webapp.errors import InvalidInput
from webapp.jobs.job_filter import MAX_SEARCH_CHARS, JobFilter, search_text
from webapp.models import JobStatus, Platform, Verdict

VERDICTS: tuple[Verdict, ...] = get_args(Verdict)


@dataclass(frozen=True, slots=True)
class FilterForm:
    """What the form shows (as typed) and the filter it makes."""

    q: str
    platform: str
    status: str
    verdict: str
    where: JobFilter


def _one(params: QueryParams, name: str, allowed: tuple[str, ...], what: str) -> str:
    values = params.getlist(name)
    if len(values) > 1:
        raise InvalidInput(f"Give {name} once.", details={"field": name})
    value = values[0].strip() if values else ""
    if value and value not in allowed:
        raise InvalidInput(
            f"{value[:40]!r} is not a {what}: use one of {', '.join(allowed)}, or leave it "
            "empty for any.",
            details={"field": name, "allowed": list(allowed)},
        )
    return value


def filter_form(params: QueryParams) -> FilterForm:
    queries = params.getlist("q")
    if len(queries) > 1:
        raise InvalidInput("Give q once.", details={"field": "q"})
    q = queries[0] if queries else ""
    if len(q) > MAX_SEARCH_CHARS:
        raise InvalidInput(
            f"The search is {len(q)} characters long; handles have at most 30.",
            details={"field": "q", "max_length": MAX_SEARCH_CHARS},
        )
    platform = _one(params, "platform", tuple(p.value for p in Platform), "platform")
    status = _one(params, "status", tuple(s.value for s in JobStatus), "status")
    verdict = _one(params, "verdict", VERDICTS, "verdict")
    return FilterForm(
        q=q,
        platform=platform,
        status=status,
        verdict=verdict,
        where=JobFilter(
            handle=search_text(q),
            platform=Platform(platform) if platform else None,
            status=JobStatus(status) if status else None,
            verdict=verdict or None,  # type: ignore[arg-type]
        ),
    )
