"""A batch's line as the batch page shows it: the JSON status row, worded for people, with the
values its table sorts and filters by."""

from __future__ import annotations

from dataclasses import dataclass

from webapp.batches.models import BatchProgress, BatchRowStatus
from webapp.handles import shown_handle
from webapp.pipeline.analysis.pricing import money_text
from webapp.report_view import VERDICT_LABELS
from webapp.routes.job_view import short_reason

DASH = "\u2013"
_STATUS_LABELS = {
    "pending": "Queued",
    "processing": "Running",
    "completed": "Completed",
    "failed": "Failed",
    "expired": "Expired",
    "rejected": "Not analysed",
}
_POSITION_LABELS = {"below": "below", "within": "within", "above": "above"}


def _percent(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _money(value: float) -> str:
    return f"${value:,.0f}" if value >= 100 else money_text(value)


@dataclass(frozen=True, slots=True)
class BatchRowView:
    row: BatchRowStatus

    @property
    def line(self) -> int:
        return self.row.line

    @property
    def job_id(self) -> str | None:
        return self.row.job_id

    @property
    def status(self) -> str:
        return self.row.status

    @property
    def status_label(self) -> str:
        return _STATUS_LABELS[self.row.status]

    @property
    def running(self) -> bool:
        return self.row.status in ("pending", "processing")

    @property
    def completed(self) -> bool:
        return self.row.status == "completed"

    @property
    def percent(self) -> int:
        return self.row.percent or 0

    @property
    def phase(self) -> str:
        return self.row.phase.value if self.row.phase else ""

    @property
    def handle(self) -> str:
        if self.row.handle and self.row.platform:
            return shown_handle(self.row.handle, self.row.platform)
        return self.row.input

    @property
    def platform(self) -> str:
        return self.row.platform.label if self.row.platform else ""

    @property
    def platform_value(self) -> str:
        return self.row.platform.value if self.row.platform else ""

    @property
    def is_demo(self) -> bool:
        return bool(self.row.is_demo)

    @property
    def reason(self) -> str | None:
        """Why a failed (or expired) row has no figures, in a few words."""
        if self.row.status == "failed":
            return short_reason(self.row.error_message or "The analysis failed.")
        if self.row.status == "expired":
            return self.row.message
        return None

    @property
    def score(self) -> str:
        return "" if self.row.score is None else str(round(self.row.score))

    @property
    def score_sort(self) -> str:
        return "" if self.row.score is None else f"{self.row.score:.2f}"

    @property
    def verdict(self) -> str:
        return self.row.verdict or ""

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.row.verdict] if self.row.verdict else ""

    @property
    def veto(self) -> str | None:
        """The rule that makes the verdict avoid whatever the score."""
        return self.row.veto

    @property
    def engagement(self) -> str:
        e = self.row.engagement
        return "" if e is None or e.rate is None else f"{e.rate:.2f} %"

    @property
    def engagement_sort(self) -> str:
        e = self.row.engagement
        return "" if e is None or e.rate is None else f"{e.rate:.4f}"

    @property
    def band(self) -> str:
        """Where the rate sits on the band, such as "within 0.39-2.61 % (micro)"."""
        e = self.row.engagement
        if e is None or e.band is None:
            return ""
        where = _POSITION_LABELS.get(e.position or "", "")
        span = f"{_percent(e.band.low)}{DASH}{_percent(e.band.high)} %"
        return f"{where} {span} ({e.band.tier})".strip()

    @property
    def position(self) -> str:
        e = self.row.engagement
        return (e.position or "") if e else ""

    @property
    def audience(self) -> str:
        a = self.row.audience
        if a is None or a.genuine_share is None:
            return ""
        return f"{_percent(a.genuine_share)} %"

    @property
    def audience_interval(self) -> str:
        a = self.row.audience
        if a is None or a.interval is None:
            return ""
        return f"95 % CI {_percent(a.interval[0])}{DASH}{_percent(a.interval[1])} %"

    @property
    def audience_sort(self) -> str:
        a = self.row.audience
        return "" if a is None or a.genuine_share is None else f"{a.genuine_share:.2f}"

    @property
    def price(self) -> str:
        p = self.row.price
        if p is None or p.low is None or p.high is None:
            return ""
        return f"{_money(p.low)}{DASH}{_money(p.high)}"

    @property
    def price_sort(self) -> str:
        p = self.row.price
        return "" if p is None or p.low is None else f"{p.low:.2f}"

    @property
    def per_viewer(self) -> str:
        p = self.row.price
        if p is None or p.cost_per_genuine_viewer is None:
            return ""
        return f"{money_text(p.cost_per_genuine_viewer)} a genuine viewer"


@dataclass(frozen=True, slots=True)
class ProgressView:
    progress: BatchProgress

    @property
    def done(self) -> int:
        c = self.progress.counts
        return c.completed + c.failed + c.expired

    @property
    def label(self) -> str:
        return "Completed" if self.progress.status == "completed" else "Running"
