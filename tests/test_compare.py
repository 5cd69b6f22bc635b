"""/compare and /api/compare through the real app, on SQLite and on Redis: 2-4 completed
reports side by side, and every bad request a clear 4xx."""

from __future__ import annotations

import re
import uuid

import pytest

from conftest import RunApp, Running

BOTH_BACKENDS = True

ERROR_PAGE = re.compile(r'<p class="eyebrow">Error (\d+)</p>')


async def _completed(app: Running, handle: str, platform: str = "instagram") -> str:
    job_id = await app.submit(handle, platform)
    await app.wait_for_status(job_id, "completed")
    return job_id


async def test_the_api_compares_three_reports_and_marks_the_better_values(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        ids = [await _completed(app, h) for h in ("demo.authentic", "demo.bought", "demo.rising")]
        by_commas = await app.client.get("/api/compare", params={"jobs": ",".join(ids)})
        repeated = await app.client.get("/api/compare", params=[("jobs", i) for i in ids])
        mixed = await app.client.get(f"/api/compare?jobs={ids[0]},{ids[1]}&jobs={ids[2]}")
    assert by_commas.status_code == 200, by_commas.text
    assert by_commas.headers["content-type"] == "application/json"
    body = by_commas.json()
    assert repeated.json() == body == mixed.json(), "every spelling of the list is the same"
    assert [a["job_id"] for a in body["accounts"]] == ids, "in the order asked"
    assert [a["handle"] for a in body["accounts"]] == [
        "@demo.authentic",
        "@demo.bought",
        "@demo.rising",
    ]
    assert body["any_demo"] is True
    assert all(a["is_demo"] for a in body["accounts"])
    assert "genuine share" in body["price_method"]
    figures = {f["key"]: f for f in body["figures"]}
    assert {
        "score",
        "verdict",
        "vetoes",
        "engagement",
        "genuine_share",
        "fake_share",
        "comments",
        "growth",
        "sponsored_share",
        "fair_price",
        "price_per_genuine_viewer",
    } <= set(figures)
    for figure in body["figures"]:
        best = [v for v in figure["values"] if v["best"]]
        assert len(best) == (1 if figure["marked"] else 0), figure["key"]
        if figure["better"] is None:
            assert not figure["marked"]
            assert figure["unmarked_reason"] is None
        elif not figure["marked"]:
            assert figure["unmarked_reason"], figure["key"]
    # The audience shares are estimated from a sample: each value carries its interval.
    for value in figures["genuine_share"]["values"]:
        assert value["interval"] is not None
        assert value["interval"][0] <= value["value"]
    # Figures without an eligibility rule: the marked one is the extreme value.
    for key in ("engagement", "genuine_share", "fake_share", "price_per_genuine_viewer"):
        figure = figures[key]
        values = [v["value"] for v in figure["values"] if v["value"] is not None]
        if figure["marked"]:
            best = next(v["value"] for v in figure["values"] if v["best"])
            assert best == (max(values) if figure["better"] == "higher" else min(values)), key
    # The bought audience's fake share is not the lowest.
    fake = figures["fake_share"]["values"]
    assert not fake[1]["best"]


async def test_costs_per_view_and_per_person_are_not_marked_against_each_other(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        ids = [
            await _completed(app, "demo.authentic", "instagram"),
            await _completed(app, "demo.authentic", "tiktok"),
        ]
        body = (await app.client.get("/api/compare", params={"jobs": ",".join(ids)})).json()
    price = next(f for f in body["figures"] if f["key"] == "price_per_genuine_viewer")
    assert not price["marked"]
    assert "different units" in price["unmarked_reason"]
    texts = [v["text"] for v in price["values"]]
    assert texts[0].endswith("per genuine person reached")
    assert texts[1].endswith("per genuine view")


async def test_the_page_shows_the_reports_side_by_side(run_app: RunApp) -> None:
    async with run_app() as app:
        ids = [await _completed(app, h) for h in ("demo.authentic", "demo.bought", "demo.pod")]
        response = await app.client.get("/compare", params=[("jobs", i) for i in ids])
        body = (await app.client.get("/api/compare", params={"jobs": ",".join(ids)})).json()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for handle in ("@demo.authentic", "@demo.bought", "@demo.pod"):
        assert handle in html
    assert 'class="demo-banner demo-banner--page"' in html
    assert "synthetic demo data" in html
    assert html.count('<th scope="col" class="compare__account">') == 3
    marked = sum(1 for f in body["figures"] if f["marked"])
    assert html.count("compare__cell--best") == marked > 0
    assert html.count('class="best-mark"') >= marked
    for job_id in ids:
        assert f'href="/reports/{job_id}"' in html
    assert 'href="/accounts/instagram/demo.bought"' in html
    # Follower growth overlaid: one line per account, in one server-rendered SVG.
    chart = re.search(r'<svg[^>]*class="chart chart--growth-overlay".*?</svg>', html, re.S)
    assert chart is not None
    for index in range(3):
        assert f"chart__series--{index}" in chart.group()
    assert "chart__series--3" not in chart.group()
    assert "How the price per genuine viewer is worked out" in html
    assert ' style="' not in html, "no inline styles (CSP)"
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, "no inline script (CSP)"


def _malformed_cases() -> list[tuple[str, str]]:
    one = str(uuid.uuid4())
    many = ",".join(str(uuid.uuid4()) for _ in range(5))
    return [
        ("", "none was given"),
        ("jobs=", "none was given"),
        (f"jobs={one}", "1 different was given"),
        (f"jobs={one},{one}", "1 different was given"),
        (f"jobs={many}", "5 different were given"),
        ("jobs=not-a-job," + one, "'not-a-job' is not a job id"),
        ("jobs=" + ",".join(["x"] * 17), "17 were given"),
        ("jobs=%3Cscript%3E," + one, "is not a job id"),
    ]


@pytest.mark.parametrize(("query", "message"), _malformed_cases())
async def test_a_malformed_list_is_a_422_page_and_json(
    run_app: RunApp, query: str, message: str
) -> None:
    async with run_app() as app:
        page = await app.client.get(f"/compare?{query}")
        api = await app.client.get(f"/api/compare?{query}")
    assert page.status_code == api.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert ERROR_PAGE.search(page.text) is not None
    assert message in page.text.replace("&#39;", "'")
    assert "<script>" not in page.text
    error = api.json()["error"]
    assert error["code"] == "invalid_input"
    assert message in error["message"]
    assert error["details"]["field"] == "jobs"


async def test_unknown_expired_unfinished_and_failed_jobs_are_named(run_app: RunApp) -> None:
    async with run_app(job_ttl_seconds=600) as app:
        old = await _completed(app, "old.creator")
        app.clock.advance(601)
        good = await _completed(app, "good.creator")
        other = await _completed(app, "other.creator")
        failed = await app.submit("demo.notfound")
        await app.wait_for_status(failed, "failed")
        waiting = await app.submit("demo.down")  # fails, then waits for its retry
        await app.wait_for_status(waiting, "pending", "processing")
        unknown = str(uuid.uuid4())
        answers = {
            name: (
                await app.client.get(f"/api/compare?jobs={good},{job}"),
                await app.client.get(f"/compare?jobs={good},{job}"),
            )
            for name, job in {
                "unknown": unknown,
                "expired": old,
                "failed": failed,
                "waiting": waiting,
            }.items()
        }
        everything = await app.client.get(f"/api/compare?jobs={unknown},{failed},{waiting},{other}")
    for name, code, status in (
        ("unknown", "not_found", 404),
        ("expired", "not_found", 404),
        ("failed", "job_failed", 409),
        ("waiting", "job_not_finished", 409),
    ):
        api, page = answers[name]
        assert api.status_code == page.status_code == status, name
        assert api.json()["error"]["code"] == code, name
        assert ERROR_PAGE.search(page.text).group(1) == str(status)  # type: ignore[union-attr]
    assert "@demo.notfound&#39;s analysis failed" in answers["failed"][1].text
    assert "@demo.down&#39;s analysis is still" in answers["waiting"][1].text
    assert (
        f"{unknown} is unknown or has expired" in answers["unknown"][0].json()["error"]["message"]
    )
    # Several problems: each is named; an unknown one makes it a 404.
    assert everything.status_code == 404
    problems = everything.json()["error"]["details"]["problems"]
    assert [(p["job_id"], p["problem"]) for p in problems] == [
        (unknown, "not_found"),
        (failed, "failed"),
        (waiting, "not_finished"),
    ]


async def test_the_jobs_list_lets_completed_reports_be_picked(run_app: RunApp) -> None:
    async with run_app() as app:
        done = await _completed(app, "picked.creator")
        failed = await app.submit("demo.notfound")
        await app.wait_for_status(failed, "failed")
        html = (await app.client.get("/jobs")).text
    assert '<form class="compare-pick" id="compare-form" method="get" action="/compare"' in html
    assert f'name="jobs" value="{done}"' in html
    assert f'name="jobs" value="{failed}"' not in html, "only completed reports can be compared"
    assert '<script src="/static/js/compare-select.js" defer></script>' in html
    assert "Compare selected" in html
