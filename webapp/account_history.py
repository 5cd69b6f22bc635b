"""An account's history: every report of it still kept (within the TTL), and its snapshots (which
outlive the reports) as a score and follower trend."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup
from pydantic import BaseModel, Field

from webapp.charts.empty import not_enough
from webapp.charts.frame import ChartIds
from webapp.charts.overlay import Series, overlay_chart
from webapp.charts.time_axis import date_label, day_number
from webapp.clock import isoformat, parse_iso
from webapp.handles import shown_handle
from webapp.jobs.job import Job
from webapp.models import JobStatus, Platform, Snapshot, Verdict
from webapp.pipeline.finalizing import DEMO_SOURCE
from webapp.report_view import VERDICT_LABELS

MIN_POINTS = 2


class AccountReport(BaseModel):
    """One job of the account, kept until its TTL runs out."""

    job_id: str
    status: JobStatus
    created_at: str
    completed_at: str | None
    score: float | None = Field(description="Quality score 0-100 of a completed job")
    verdict: Verdict | None
    is_demo: bool | None = Field(description="True for synthetic demo data; None until known")
    source: str | None = Field(description="Where the data came from; None until completed")
    url: str = Field(description="The report (completed job) or the job's page")


class AccountSnapshot(BaseModel):
    """The account's figures at one completed analysis; kept after the report expires."""

    job_id: str
    taken_at: str
    followers: int
    following: int
    posts: int
    engagement_rate: float | None = Field(description="Median engagement rate, percent")
    score: float | None = Field(description="Quality score; None in snapshots from before")
    verdict: Verdict | None
    source: str
    is_demo: bool


class AccountHistoryResponse(BaseModel):
    platform: Platform
    handle: str = Field(description="The canonical handle")
    shown_handle: str = Field(description="The handle as people read it (@name)")
    reports: list[AccountReport] = Field(description="Newest first")
    snapshots: list[AccountSnapshot] = Field(description="Oldest first")
    any_demo: bool = Field(description="True when any report or snapshot is demo data")


def history_of(
    platform: Platform, handle: str, jobs: Sequence[Job], snapshots: Sequence[Snapshot]
) -> AccountHistoryResponse:
    reports = [
        AccountReport(
            job_id=job.id,
            status=job.status,
            created_at=isoformat(job.created_at),
            completed_at=isoformat(job.completed_at) if job.completed_at else None,
            score=job.score,
            verdict=job.verdict,
            is_demo=job.is_demo,
            source=job.source,
            url=f"/reports/{job.id}" if job.status is JobStatus.COMPLETED else f"/jobs/{job.id}",
        )
        for job in jobs
    ]
    points = [
        AccountSnapshot(
            job_id=snapshot.job_id,
            taken_at=isoformat(snapshot.taken_at),
            followers=snapshot.followers,
            following=snapshot.following,
            posts=snapshot.posts,
            engagement_rate=snapshot.engagement_rate,
            score=snapshot.score,
            verdict=snapshot.verdict,
            source=snapshot.source,
            is_demo=snapshot.source == DEMO_SOURCE,
        )
        for snapshot in snapshots
    ]
    return AccountHistoryResponse(
        platform=platform,
        handle=handle,
        shown_handle=shown_handle(handle, platform),
        reports=reports,
        snapshots=points,
        any_demo=any(r.is_demo for r in reports) or any(p.is_demo for p in points),
    )


@dataclass(frozen=True, slots=True)
class HistoryCharts:
    score: Markup
    followers: Markup


def history_charts(history: AccountHistoryResponse) -> HistoryCharts:
    """Each analysis is a dot on a line, so two analyses minutes apart still show."""
    who = history.shown_handle
    scored = [s for s in history.snapshots if s.score is not None]
    if len(scored) < MIN_POINTS:
        score = not_enough(
            len(scored), f"the trend needs a quality score from at least {MIN_POINTS} analyses."
        )
    else:
        score = overlay_chart(
            kind="score-trend",
            ids=ChartIds.of("history-score"),
            title=f"Quality score of {who} at each analysis",
            desc=_desc(scored, "quality score", lambda s: f"{s.score:.0f}"),
            series=[
                Series(
                    who,
                    [(_day(s.taken_at), s.score or 0.0) for s in scored],
                    "",
                    [
                        f"{_when(s.taken_at)}: score {s.score:.0f}"
                        + (f", {VERDICT_LABELS[s.verdict].lower()}" if s.verdict else "")
                        for s in scored
                    ],
                )
            ],
            x_title="Analysed",
            y_title="Quality score",
        )
    snapshots = history.snapshots
    if len(snapshots) < MIN_POINTS:
        followers = not_enough(
            len(snapshots),
            f"the trend needs the follower count from at least {MIN_POINTS} analyses.",
        )
    else:
        followers = overlay_chart(
            kind="followers-trend",
            ids=ChartIds.of("history-followers"),
            title=f"Followers of {who} at each analysis",
            desc=_desc(snapshots, "follower count", lambda s: f"{s.followers:,}"),
            series=[
                Series(
                    who,
                    [(_day(s.taken_at), s.followers) for s in snapshots],
                    "",
                    [f"{_when(s.taken_at)}: {s.followers:,} followers" for s in snapshots],
                )
            ],
            x_title="Analysed",
            y_title="Followers",
        )
    return HistoryCharts(score=score, followers=followers)


def _day(moment: str) -> float:
    return day_number(parse_iso(moment))


def _when(moment: str) -> str:
    return date_label(parse_iso(moment))


def _desc(
    points: Sequence[AccountSnapshot], what: str, text: Callable[[AccountSnapshot], str]
) -> str:
    first, last = points[0], points[-1]
    return (
        f"The {what} at {len(points)} analyses from {_when(first.taken_at)} "
        f"({text(first)}) to {_when(last.taken_at)} ({text(last)})."
    )
