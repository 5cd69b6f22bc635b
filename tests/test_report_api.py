"""The full report through the API: score, verdict and reasons, sections, posts, and the CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from webapp.models import ReportResponse
from webapp.report_csv import COLUMNS

from conftest import RunApp, Running

SECTIONS = ["engagement", "audience", "comments", "growth", "content", "pricing"]


async def finished_report(app: Running, handle: str, platform: str = "instagram") -> dict[str, Any]:
    job_id = await app.submit(handle, platform)
    await app.wait_for_status(job_id, "completed")
    response = await app.client.get(f"/api/report/{job_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def metric(report: dict[str, Any], section: str, key: str) -> dict[str, Any]:
    found = next(s for s in report["sections"] if s["key"] == section)
    return dict(next(m["metric"] for m in found["metrics"] if m["key"] == key))


@pytest.mark.parametrize("platform", ["instagram", "tiktok", "youtube"])
async def test_archetypes_get_the_verdicts_they_deserve_with_the_right_reasons(
    run_app: RunApp, platform: str
) -> None:
    async with run_app() as app:
        authentic = await finished_report(app, "demo.authentic", platform)
        bought = await finished_report(app, "demo.bought", platform)
        pod = await finished_report(app, "demo.pod", platform)

    assert authentic["score"]["verdict"] == "recommended"
    assert authentic["score"]["value"] >= 70

    assert bought["score"]["verdict"] == "avoid"
    first = bought["score"]["reasons"][0]
    assert first["section"] == "audience"
    assert first["metric"] == "quality_audience_share"
    assert metric(bought, "audience", "quality_audience_share")["value"] < 50

    assert pod["score"]["verdict"] == "avoid"
    assert any(
        r["section"] == "comments" and r["metric"] == "recurring_comment_share"
        for r in pod["score"]["reasons"]
    )


async def test_every_reason_points_at_a_metric_in_the_report(run_app: RunApp) -> None:
    async with run_app() as app:
        for handle in ("demo.authentic", "demo.bought", "demo.pod", "demo.dormant"):
            report = await finished_report(app, handle)
            reasons = report["score"]["reasons"]
            assert 1 <= len(reasons) <= 3, handle
            named = [(reason["section"], reason["metric"]) for reason in reasons]
            assert len(named) == len(set(named)), (handle, named)
            for reason in reasons:
                shown = metric(report, reason["section"], reason["metric"])
                assert shown["explanation"], (handle, reason)


async def test_the_report_has_every_family_posts_history_and_a_benchmark(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        report = await finished_report(app, "demo.authentic")
    ReportResponse.model_validate(report)  # the published schema holds
    assert [s["key"] for s in report["sections"]] == SECTIONS
    for section in report["sections"]:
        for entry in section["metrics"]:
            shown = entry["metric"]
            assert shown["formula"], entry["key"]
            assert shown["value"] is not None or "not enough data" in shown["explanation"].lower()
    weights = sum(sub["weight"] for sub in report["score"]["sub_scores"])
    assert weights == pytest.approx(1.0)
    assert report["benchmark"]["low"] < report["benchmark"]["high"]
    assert report["benchmark"]["source"]
    posts = report["posts"]
    assert len(posts) >= 12
    assert [p["published_at"] for p in posts] == sorted(
        (p["published_at"] for p in posts), reverse=True
    )
    # The median over the posts counted in the rate is the reported median.
    counted = sorted(p["engagement_rate"] for p in posts if p["in_engagement_rate"])
    assert 1 <= len(counted) <= 12
    history = report["follower_history"]
    assert len(history) == 91  # today and the 90 days before: 90-day growth can be computed
    assert history[-1]["followers"] == report["profile"]["followers"]
    assert metric(report, "growth", "growth_90d_percent")["value"] is not None


async def test_bought_followers_show_as_spikes_in_the_history(run_app: RunApp) -> None:
    async with run_app() as app:
        report = await finished_report(app, "demo.bought")
    spikes = [point["day"] for point in report["follower_history"] if point["spike"]]
    assert spikes
    spike_metric = metric(report, "growth", "spikes")
    assert spike_metric["value"] == len(spikes)
    assert {e["ref"] for e in spike_metric["evidence"]} <= set(spikes)


async def test_the_csv_has_a_row_per_post_with_its_flags(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await app.submit("demo.authentic")
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()
        response = await app.client.get(f"/api/report/{job_id}.csv")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="instagram-demo.authentic-demo-posts.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0]) == COLUMNS
    assert [row["post_id"] for row in rows] == [post["id"] for post in report["posts"]]
    for row, post in zip(rows, report["posts"], strict=True):
        assert row["likes"] == ("" if post["likes"] is None else str(post["likes"]))
        assert row["sponsored"] == ("yes" if post["sponsored"] else "no")
        assert row["disclosure"] == (post["disclosure"] or "")
        assert row["brand_safety"] == ";".join(post["brand_safety"])
        assert row["data_source"] == "demo (synthetic)"
    # The demo creator takes paid deals, some without a disclosure: the flags are not all "no".
    assert any(row["sponsored"] == "yes" for row in rows)
    assert any(row["disclosure"] == "undisclosed" for row in rows)


async def test_csv_of_unknown_unfinished_and_failed_jobs_is_refused(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=600.0) as app:
        unknown = await app.client.get("/api/report/00000000-0000-4000-8000-000000000000.csv")
        assert unknown.status_code == 404
        assert unknown.json()["error"]["code"] == "not_found"
        running = await app.submit("still.running")
        unfinished = await app.client.get(f"/api/report/{running}.csv")
        assert unfinished.status_code == 409
        assert unfinished.json()["error"]["code"] == "job_not_finished"
        malformed = await app.client.get("/api/report/not-a-job.csv")
        assert malformed.status_code == 404


async def test_an_upload_of_two_posts_gets_no_score_and_the_page_says_why(
    run_app: RunApp,
) -> None:
    rows = (
        "id,published_at,likes,comments,caption\n"
        "p1,2026-04-20T10:00:00Z,120,4,Morning run\n"
        "p2,2026-04-25T10:00:00Z,90,2,#ad new shoes from @brand code RUN10\n"
    )
    async with run_app() as app:
        response = await app.client.post(
            "/api/analyze/upload",
            data={"platform": "instagram", "handle": "sparse.runner", "followers": "3000"},
            files={"file": ("posts.csv", rows, "text/csv")},
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()
        page = (await app.client.get(f"/reports/{job_id}")).text
    assert report["score"]["value"] is None
    assert report["score"]["verdict"] is None
    (reason,) = report["score"]["reasons"]
    assert reason["text"].startswith("Not enough data for a score")
    assert "No verdict: not enough data" in page
    assert 'href="#m-engagement-position"' in page
    assert len(report["posts"]) == 2
