"""Enums and pydantic models shared by the API, the job core and the pipeline."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from webapp.webhooks.callback_url import DESCRIPTION as CALLBACK_DESCRIPTION
from webapp.webhooks.callback_url import MAX_LENGTH as CALLBACK_MAX_LENGTH
from webapp.webhooks.callback_url import PATTERN


class Platform(enum.StrEnum):
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"

    @property
    def label(self) -> str:
        return {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube"}[self.value]


class JobStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL_STATUSES


TERMINAL_STATUSES = frozenset({JobStatus.COMPLETED, JobStatus.FAILED})


class Phase(enum.StrEnum):
    SCRAPING = "Scraping"
    ANALYSIS = "Analysis"
    FINALIZING = "Finalizing"

    @property
    def band(self) -> tuple[int, int]:
        """The slice of 0-100 percent this phase owns."""
        return PHASE_BANDS[self]


PHASE_BANDS: dict[Phase, tuple[int, int]] = {
    Phase.SCRAPING: (0, 30),
    Phase.ANALYSIS: (30, 90),
    Phase.FINALIZING: (90, 100),
}


# Checked by the routes (webapp/webhooks/callback_url.py) for a message that says what is wrong;
# the pattern is published so clients can check first.
CallbackUrl = Annotated[
    StrictStr, Field(max_length=CALLBACK_MAX_LENGTH, json_schema_extra={"pattern": PATTERN})
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AnalyzeRequest(_Strict):
    handle: Annotated[
        StrictStr,
        Field(
            description="Handle, @handle or profile URL of the account to analyse",
            examples=["@natgeo", "https://www.instagram.com/natgeo/"],
            max_length=2048,
        ),
    ]
    platform: Platform = Field(default=Platform.INSTAGRAM, description="Platform of the account")
    refresh: StrictBool = Field(
        default=False,
        description="Start a new analysis even when a recent report for this account exists",
    )
    callback_url: CallbackUrl | None = Field(default=None, description=CALLBACK_DESCRIPTION)


class AnalyzeAccepted(BaseModel):
    job_id: str = Field(description="UUID of the job")
    status: Literal["accepted"] = "accepted"
    deduplicated: bool = Field(
        default=False,
        description="True when an existing job for the same account was returned instead",
    )


ErrorCode = Literal[
    "not_found",
    "private",
    "auth_required",
    "quota_exceeded",
    "rate_limited",
    "upstream_unavailable",
    "invalid_data",
    "internal",
]


class WebhookStatus(BaseModel):
    """One callback of a job or batch and how its delivery stands (README: Webhooks)."""

    id: str = Field(description="The delivery id, sent as X-Webhook-Id: dedupe on it")
    url: str = Field(description="The callback's origin only (scheme://host[:port])")
    state: Literal["waiting", "pending", "delivered", "failed"] = Field(
        description="waiting for the end; pending (sending or retrying); delivered; failed "
        "(attempts used up)"
    )
    attempts: int = Field(ge=0)
    last_attempt_at: str | None
    last_status_code: int | None = Field(description="The receiver's HTTP status, if it answered")
    last_error: str | None = Field(description="Why the last attempt failed")
    next_attempt_at: str | None = Field(description="When a pending one is tried (again)")
    delivered_at: str | None


class JobStatusResponse(BaseModel):
    job_id: str
    status: JobStatus
    phase: Phase
    percent: Annotated[int, Field(ge=0, le=100)]
    message: str = Field(description="What the pipeline is doing, in one line")
    created_at: str
    updated_at: str
    completed_at: str | None = Field(description="When the job completed or failed")
    error_message: str | None = Field(
        description="Why the last attempt failed (also set while a retry is waiting)"
    )
    attempt: int = Field(ge=1, description="Number of the current (or last) attempt")
    max_attempts: int
    error_code: ErrorCode | None = Field(
        default=None,
        description=(
            "Why a failed job failed, for programs: not_found, private, auth_required, "
            "quota_exceeded, rate_limited, upstream_unavailable, invalid_data or internal"
        ),
    )
    webhooks: list[WebhookStatus] = Field(
        default_factory=list, description="The callbacks asked for with callback_url"
    )


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: object = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Evidence(BaseModel):
    """One item a number rests on: a post, a comment, an account or a day."""

    kind: Literal["post", "comment", "account", "day"]
    ref: str = Field(description="Post id, commenter, account username or ISO date")
    note: str = Field(description="Why it counts, in a few words")


Rating = Literal["good", "watch", "bad"]


class Metric(BaseModel):
    """One number of the report with what it means and how it was made."""

    label: str
    value: float | None = Field(description="None when the data cannot support a value")
    unit: Literal[
        "percent", "ratio", "posts_per_week", "days", "count", "per_day", "usd", "score", "p_value"
    ]
    explanation: str = Field(description="One line a marketer can read")
    formula: str
    sample_size: int = Field(ge=0, description="How many posts (or days) the value rests on")
    evidence: list[Evidence] = Field(
        default_factory=list, description="The posts, comments, accounts or days behind it"
    )
    interval: tuple[float, float] | None = Field(
        default=None,
        description=(
            "95 % confidence interval of the value (same unit) when it is estimated from a "
            "sample; the formula names the method"
        ),
    )
    rating: Rating | None = Field(
        default=None,
        description="At a glance: good, watch or bad; None without a value or a yardstick",
    )


class ProfileFigures(BaseModel):
    display_name: str
    followers: int
    following: int
    posts: int
    verified: bool
    private: bool


class ReportMetrics(BaseModel):
    engagement_rate_median: Metric
    engagement_rate_mean: Metric
    engagement_rate_by_views: Metric
    likes_comments_ratio: Metric
    posts_per_week: Metric
    days_since_last_post: Metric


SectionKey = Literal["engagement", "audience", "comments", "growth", "content", "pricing"]
Verdict = Literal["recommended", "review", "avoid"]


class SectionMetric(BaseModel):
    key: str = Field(description="Stable name of the metric within its section")
    metric: Metric


class ReportSection(BaseModel):
    """One signal family of the report: its metrics, each with formula and evidence."""

    key: SectionKey
    title: str
    metrics: list[SectionMetric]


class SubScore(BaseModel):
    key: SectionKey
    label: str
    value: float | None = Field(description="0-100; None when the data cannot support it")
    weight: float = Field(
        description="Share of the quality score (weights of missing parts are spread over the rest)"
    )
    explanation: str


class Reason(BaseModel):
    text: str
    section: SectionKey
    metric: str | None = Field(description="Key of the metric in that section that shows it")


class Flag(BaseModel):
    """A rule that fired: a veto (avoid whatever the score) or a red flag (look before paying)."""

    rule: str = Field(description="The rule, with its threshold, in one line")
    text: str = Field(description="The numbers that triggered it")
    section: SectionKey
    metric: str | None = Field(description="Key of the metric in that section that shows it")


class QualityScore(BaseModel):
    value: float | None = Field(description="0-100 weighted mean of the sub-scores")
    verdict: Verdict | None
    reasons: list[Reason] = Field(description="The three strongest reasons for the verdict")
    sub_scores: list[SubScore]
    formula: str
    vetoes: list[Flag] = Field(
        default_factory=list, description="Rules that make the verdict avoid whatever the score"
    )
    red_flags: list[Flag] = Field(
        default_factory=list, description="Findings that do not veto but need a look"
    )
    unmeasured: list[Reason] = Field(
        default_factory=list, description="Parts of the score the data could not measure, and why"
    )


class MethodNote(BaseModel):
    """One threshold or figure the analysis relies on: its published source, or an assumption."""

    topic: str
    statement: str
    source: str | None = Field(description="Publication, year and figure; None for an assumption")


Disclosure = Literal["clear", "buried", "weak", "undisclosed"]


class PostRow(BaseModel):
    """One fetched post with its per-post flags: the chart points and the CSV export's rows."""

    id: str
    url: str
    published_at: str
    kind: str
    likes: int | None
    comments: int | None
    views: int | None
    engagement_rate: float | None = Field(
        description="(likes + comments) / followers, percent; None when likes are hidden"
    )
    in_engagement_rate: bool = Field(
        description=(
            "One of the 12 latest posts of the last 365 days with visible likes: counted in the"
            " engagement rate"
        )
    )
    sponsored: bool = Field(
        description="Looks paid: platform flag, disclosure marker, or a brand with a code or link"
    )
    disclosure: Disclosure | None = Field(
        description="How a paid-looking post is disclosed; None when it needs no disclosure"
    )
    brand_safety: list[str] = Field(
        description="Brand-safety categories whose keywords its caption or hashtags use"
    )
    caption: str = Field(
        default="", description="The caption's first 80 characters, whitespace collapsed"
    )


class FollowerPoint(BaseModel):
    day: str = Field(description="ISO date (UTC)")
    followers: int
    spike: bool = Field(description="The gain ending on this day is a follower spike")


class BenchmarkBand(BaseModel):
    """The published engagement band of the account's tier on its platform."""

    tier: str
    low: float = Field(description="Bottom of the usual range, percent")
    typical: float
    high: float = Field(description="Top of the usual range, percent")
    source: str


class ReportResponse(BaseModel):
    job_id: str
    handle: str
    platform: Platform
    source: str = Field(description="Where the data came from; 'demo' for synthetic demo data")
    is_demo: bool = Field(description="True when the figures are synthetic demo data")
    generated_at: str
    profile: ProfileFigures
    metrics: ReportMetrics
    score: QualityScore | None = Field(default=None, description="Quality score and verdict")
    sections: list[ReportSection] = Field(
        default_factory=list, description="Every signal family with its metrics and evidence"
    )
    benchmark: BenchmarkBand | None = Field(
        default=None, description="The tier's published engagement band"
    )
    posts: list[PostRow] = Field(
        default_factory=list, description="Fetched posts, newest first, with per-post flags"
    )
    follower_history: list[FollowerPoint] = Field(
        default_factory=list, description="Observed followers per day, oldest first"
    )
    coverage: list[str] = Field(description="What could not be fetched, and why")
    method: list[MethodNote] = Field(
        default_factory=list,
        description="Method and assumptions: every threshold with its source or marked assumed",
    )


class Snapshot(BaseModel):
    """An account's figures at one completed analysis; outlives the job as follower history."""

    job_id: str
    platform: Platform
    handle: str
    taken_at: datetime
    followers: int
    following: int
    posts: int
    engagement_rate: float | None
    source: str
    # The report's quality score and verdict, so an account's score trend outlives its reports.
    # None in snapshots taken before they were kept.
    score: float | None = None
    verdict: Verdict | None = None


class JobEventData(BaseModel):
    """The JSON `data` of every live event (SSE) and every WebSocket message."""

    job_id: str
    seq: int = Field(description="Rises with every change of the job; the SSE id")
    status: JobStatus
    phase: Phase
    percent: Annotated[int, Field(ge=0, le=100)]
    message: str
    updated_at: str
    report_url: str | None = Field(description="Set on the completed event")
    error_message: str | None = Field(description="Set on the failed event")
    error_code: ErrorCode | None = Field(
        default=None, description="Set on the failed event: the status JSON's error_code"
    )


class HealthResponse(BaseModel):
    status: Literal["ok", "unavailable"]
    store: str = Field(description="'ok', or why the store cannot be used")
    active_jobs: int
    queued_jobs: int
    subscribers: int = Field(description="Open live-event subscriptions")
    loop_lag_ms: dict[str, float] = Field(
        description="Event-loop lag over the last minute: p50, p99, max (ms) and samples"
    )
