"""The batch API's request and response models (the OpenAPI document is built from them)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, model_validator

from webapp.models import (
    CallbackUrl,
    ErrorCode,
    JobStatus,
    Phase,
    Platform,
    Verdict,
    WebhookStatus,
)
from webapp.webhooks.callback_url import DESCRIPTION as CALLBACK_DESCRIPTION

RowStatus = Literal["pending", "processing", "completed", "failed", "expired", "rejected"]


class BatchRowInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    handle: StrictStr = Field(description="Handle, @handle or profile URL", max_length=4096)
    platform: StrictStr | None = Field(
        default=None,
        max_length=64,
        description="instagram, tiktok or youtube; default: the URL's platform, else the batch's",
    )


class BatchRequest(BaseModel):
    """Either `rows` or `text` (pasted lines), not both."""

    model_config = ConfigDict(extra="forbid")

    rows: list[BatchRowInput] | None = Field(default=None, description="One account a row")
    text: StrictStr | None = Field(
        default=None,
        description=(
            "Pasted lines: each a handle, @handle, profile URL, or handle,platform (comma, tab "
            "or semicolon); blank lines and lines starting with # are skipped"
        ),
    )
    platform: Platform = Field(
        default=Platform.INSTAGRAM, description="The platform of a line that names none"
    )
    refresh: StrictBool = Field(
        default=False, description="Start new analyses even where recent reports exist"
    )
    callback_url: CallbackUrl | None = Field(default=None, description=CALLBACK_DESCRIPTION)

    @model_validator(mode="after")
    def _one_source(self) -> BatchRequest:
        if (self.rows is None) == (self.text is None):
            raise ValueError("send either rows or text")
        return self


class LineErrorData(BaseModel):
    code: str = Field(description="invalid_handle, invalid_platform, queue_full, ...")
    message: str


class BatchRowAccepted(BaseModel):
    line: int = Field(description="1-based line of the text or CSV file, or index of the row")
    input: str = Field(description="The line as sent (first 200 characters)")
    platform: Platform | None
    handle: str | None = Field(description="Canonical handle; None for a bad line")
    job_id: str | None = Field(description="The line's job; None for a bad line")
    deduplicated: bool = Field(
        description="The job is shared: an earlier line of the batch, or an existing job"
    )
    error: LineErrorData | None = Field(description="Why the line was rejected")


class BatchAccepted(BaseModel):
    batch_id: str
    rows: list[BatchRowAccepted]
    accepted: int = Field(description="Lines with a job")
    rejected: int = Field(description="Lines with an error")


class BandData(BaseModel):
    tier: str
    low: float
    typical: float
    high: float


class EngagementSummary(BaseModel):
    rate: float | None = Field(description="Median engagement rate, percent")
    band: BandData | None = Field(description="The tier's published band, percent")
    position: Literal["below", "within", "above"] | None = Field(
        description="Where the rate sits against the band"
    )


class AudienceSummary(BaseModel):
    genuine_share: float | None = Field(description="Share of genuine followers, percent")
    interval: tuple[float, float] | None = Field(description="Its 95 % interval")
    metric: str = Field(description="The report metric it comes from")


class PriceSummary(BaseModel):
    low: float | None = Field(description="Fair price per post, low end, USD")
    high: float | None = Field(description="Fair price per post, high end, USD")
    cost_per_genuine_viewer: float | None = Field(description="USD")


class RowSummary(BaseModel):
    """A completed job's headline for batch tables, computed from its report once."""

    score: float | None
    verdict: Verdict | None
    veto: str | None = Field(description="The first veto rule; the verdict is then avoid")
    is_demo: bool
    source: str
    followers: int | None
    engagement: EngagementSummary | None
    audience: AudienceSummary | None
    price: PriceSummary | None


class BatchRowStatus(BatchRowAccepted):
    status: RowStatus = Field(
        description="The job's status; expired when its job is gone, rejected for a bad line"
    )
    phase: Phase | None
    percent: Annotated[int, Field(ge=0, le=100)] | None
    message: str | None = Field(description="What the job is doing, in one line")
    error_code: ErrorCode | None = Field(description="Why the job failed")
    error_message: str | None
    report_url: str | None = Field(description="The report (JSON); set once completed")
    score: float | None = None
    verdict: Verdict | None = None
    veto: str | None = None
    is_demo: bool | None = None
    followers: int | None = None
    engagement: EngagementSummary | None = None
    audience: AudienceSummary | None = None
    price: PriceSummary | None = None


class BatchCounts(BaseModel):
    pending: int = 0
    processing: int = 0
    completed: int = 0
    failed: int = 0
    expired: int = 0


class BatchProgress(BaseModel):
    """The batch as a whole: also the data of the batch event stream's progress and end."""

    batch_id: str
    status: Literal["running", "completed"] = Field(
        description="completed once every line's job has ended (completed, failed or expired)"
    )
    total: int = Field(description="Lines with a job")
    rejected: int
    counts: BatchCounts
    percent: Annotated[int, Field(ge=0, le=100)] = Field(
        description="Mean progress of the lines with a job (an ended one counts 100)"
    )
    is_demo: bool = Field(description="Some completed line's figures are synthetic demo data")


class BatchStatusResponse(BatchProgress):
    created_at: str
    expires_at: str
    callback_url: str | None = Field(
        description="The callback URL's origin (scheme://host[:port]): its path and query, "
        "which may carry a token, are not shown to whoever holds the batch id"
    )
    rows: list[BatchRowStatus] = Field(description="Every line, in order")
    webhooks: list[WebhookStatus] = Field(
        default_factory=list, description="The callback asked for with callback_url"
    )


class BatchRowEventData(BaseModel):
    """The `row` event of GET /api/batches/{id}/events: one line's job changed."""

    batch_id: str
    line: int
    job_id: str
    status: JobStatus
    phase: Phase
    percent: Annotated[int, Field(ge=0, le=100)]
    message: str
    score: float | None
    verdict: Verdict | None
    error_code: ErrorCode | None
    error_message: str | None
    report_url: str | None
