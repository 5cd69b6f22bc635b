"""/accounts/{platform}/{handle} and its JSON through the real app, on SQLite and on Redis:
the account's kept reports, newest first, and its snapshots' score and follower trend, which
outlive the reports."""

from __future__ import annotations

import re

import pytest

from conftest import RunApp, Running

BOTH_BACKENDS = True

ERROR_PAGE = re.compile(r'<p class="eyebrow">Error (\d+)</p>')


async def _completed(
    app: Running, handle: str, platform: str = "instagram", **extra: object
) -> str:
    job_id = await app.submit(handle, platform, **extra)
    await app.wait_for_status(job_id, "completed")
    return job_id


async def test_the_history_lists_the_accounts_reports_and_draws_its_trend(run_app: RunApp) -> None:
    async with run_app() as app:
        first = await _completed(app, "history.creator")
        app.clock.advance(3600)
        second = await _completed(app, "history.creator", refresh=True)
        other = await _completed(app, "history.creator", "tiktok")
        api = await app.client.get("/api/accounts/instagram/history.creator")
        page = await app.client.get("/accounts/instagram/history.creator")
        spelled = await app.client.get("/api/accounts/instagram/@History.Creator")
        statuses = [await app.status(i) for i in (first, second)]
    assert api.status_code == 200
    body = api.json()
    assert spelled.json() == body, "the handle is normalised like the form's"
    assert (body["platform"], body["handle"], body["shown_handle"]) == (
        "instagram",
        "history.creator",
        "@history.creator",
    )
    assert [r["job_id"] for r in body["reports"]] == [second, first], "newest first"
    assert other not in api.text, "the same handle on another platform is another account"
    assert all(r["status"] == "completed" for r in body["reports"])
    assert all(r["url"] == f"/reports/{r['job_id']}" for r in body["reports"])
    assert [s["job_id"] for s in body["snapshots"]] == [first, second], "oldest first"
    for snapshot in body["snapshots"]:
        report = next(r for r in body["reports"] if r["job_id"] == snapshot["job_id"])
        assert snapshot["score"] == report["score"] is not None
        assert snapshot["verdict"] == report["verdict"]
        assert snapshot["is_demo"] is True
    assert body["any_demo"] is True
    assert [s["completed_at"] for s in statuses] == [
        r["completed_at"] for r in body["reports"][::-1]
    ]

    html = page.text
    assert page.status_code == 200
    assert "@history.creator" in html
    assert 'class="demo-banner demo-banner--page"' in html
    assert html.index(f'data-job="{second}"') < html.index(f'data-job="{first}"')
    assert re.search(r'<svg[^>]*class="chart chart--score-trend"', html)
    assert re.search(r'<svg[^>]*class="chart chart--followers-trend"', html)
    assert ' style="' not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


async def test_the_trend_stays_after_the_reports_expire(run_app: RunApp) -> None:
    async with run_app(job_ttl_seconds=600) as app:
        first = await _completed(app, "fading.creator")
        app.clock.advance(60)  # snapshots taken at the same instant have no order
        second = await _completed(app, "fading.creator", refresh=True)
        app.clock.advance(601)
        api = await app.client.get("/api/accounts/instagram/fading.creator")
        page = await app.client.get("/accounts/instagram/fading.creator")
    assert api.status_code == page.status_code == 200
    body = api.json()
    assert body["reports"] == []
    assert [s["job_id"] for s in body["snapshots"]] == [first, second]
    assert "No report of this account is kept any more" in page.text
    assert "chart--score-trend" in page.text


async def test_a_single_analysis_says_the_trend_needs_more(run_app: RunApp) -> None:
    async with run_app() as app:
        await _completed(app, "once.creator")
        failed = await app.submit("demo.notfound")
        await app.wait_for_status(failed, "failed")
        page = await app.client.get("/accounts/instagram/once.creator")
        failed_page = await app.client.get("/api/accounts/instagram/demo.notfound")
    assert "Not enough data (n=1): the trend needs a quality score from at least 2" in page.text
    assert failed_page.status_code == 200, "a failed job is still one of the account's jobs"
    reports = failed_page.json()["reports"]
    assert [(r["job_id"], r["status"], r["url"]) for r in reports] == [
        (failed, "failed", f"/jobs/{failed}")
    ]
    assert failed_page.json()["snapshots"] == []


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("instagram/never.analysed", 404, "not_found"),
        ("myspace/someone", 404, "not_found"),
        ("instagram/bad..handle", 422, "invalid_handle"),
        ("tiktok/x", 422, "invalid_handle"),
    ],
)
async def test_unknown_accounts_and_bad_paths_are_clear_4xx(
    run_app: RunApp, path: str, status: int, code: str
) -> None:
    async with run_app() as app:
        page = await app.client.get(f"/accounts/{path}")
        api = await app.client.get(f"/api/accounts/{path}")
    assert page.status_code == api.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    match = ERROR_PAGE.search(page.text)
    assert match is not None
    assert match.group(1) == str(status)
    assert api.json()["error"]["code"] == code


async def test_pages_link_to_the_history(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await _completed(app, "linked.creator")
        report = (await app.client.get(f"/reports/{job_id}")).text
        job = (await app.client.get(f"/jobs/{job_id}")).text
        jobs = (await app.client.get("/jobs")).text
    link = 'href="/accounts/instagram/linked.creator"'
    assert link in report
    assert link in job
    assert link in jobs
