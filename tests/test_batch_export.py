"""The batch CSV writes figures a spreadsheet reads back exactly: whole numbers in full."""

from __future__ import annotations

import csv
import io

from webapp.batches.export import batch_csv
from webapp.batches.models import BatchRowStatus, EngagementSummary, PriceSummary
from webapp.models import Phase, Platform


def test_large_and_fractional_figures_are_written_in_full() -> None:
    row = BatchRowStatus(
        line=1,
        input="demo.brand",
        platform=Platform.INSTAGRAM,
        handle="demo.brand",
        job_id="0b8f7c1e-0000-4000-8000-000000000001",
        deduplicated=False,
        error=None,
        status="completed",
        phase=Phase.FINALIZING,
        percent=100,
        message="Report ready",
        error_code=None,
        error_message=None,
        report_url="/api/report/0b8f7c1e-0000-4000-8000-000000000001",
        score=74.0,
        followers=1_083_133,
        engagement=EngagementSummary(rate=0.123456789, band=None, position=None),
        price=PriceSummary(low=1234567.5, high=2469135.25, cost_per_genuine_viewer=0.0312),
    )
    [written] = list(csv.DictReader(io.StringIO(batch_csv([row]))))
    assert written["followers"] == "1083133"
    assert written["score"] == "74"
    assert written["percent"] == "100"
    assert written["engagement_rate_percent"] == "0.123456789"
    assert (written["price_low_usd"], written["price_high_usd"]) == ("1234567.5", "2469135.25")
    assert written["cost_per_genuine_viewer_usd"] == "0.0312"
