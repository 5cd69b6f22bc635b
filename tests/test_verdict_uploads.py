"""Accounts shaped like real creators, uploaded as a marketer would (JSON export through the real
app): the report's verdict, the rules that fired and the parts left unmeasured."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from account_shapes import NOW, impossible_engagement, long_dead, own_replies_and_superfan, pod

from webapp.pipeline.scraping.result import ScrapeResult

from conftest import FakeClock, RunApp


@pytest.fixture
def clock() -> FakeClock:
    # The shapes are dated relative to NOW: the app must analyse them at that time.
    return FakeClock(NOW)


@pytest.mark.parametrize(
    ("build", "verdict", "vetoes", "flagged"),
    [
        (pod, "avoid", ["recurring_comment_share"], []),
        (long_dead, "avoid", ["days_since_last_post"], []),
        (impossible_engagement, "review", [], ["position"]),
        (own_replies_and_superfan, "recommended", [], []),
    ],
)
async def test_an_uploaded_account_gets_the_verdict_its_shape_deserves(
    run_app: RunApp,
    build: Callable[[], ScrapeResult],
    verdict: str,
    vetoes: list[str],
    flagged: list[str],
) -> None:
    export = build().model_dump_json().encode()
    async with run_app() as app:
        response = await app.client.post(
            "/api/analyze/upload",
            data={"platform": "instagram"},
            files={"file": ("export.json", export, "application/json")},
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()
    score = report["score"]
    assert score["verdict"] == verdict
    assert [flag["metric"] for flag in score["vetoes"]] == vetoes
    assert [flag["metric"] for flag in score["red_flags"]] == flagged
    for flag in score["vetoes"] + score["red_flags"]:
        assert flag["rule"]
        assert flag["text"]
    # Every part without data says so; none is scored.
    unscored = {sub["key"] for sub in score["sub_scores"] if sub["value"] is None}
    assert {reason["section"] for reason in score["unmeasured"]} == unscored
    assert report["method"], "the report states its method and assumptions"
