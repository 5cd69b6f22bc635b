"""The batch pages: the list form, submitting it (CSRF-checked), and a batch's table."""

from __future__ import annotations

import re

from conftest import RunApp, Running, wait_until

SAME_SITE = {"Sec-Fetch-Site": "same-origin", "Origin": "http://test"}


async def submit(app: Running, text: str, **fields: str) -> str:
    response = await app.client.post(
        "/batches", data={"text": text, "platform": "instagram", **fields}, headers=SAME_SITE
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/batches/[0-9a-f-]{36}", location)
    return location


async def finished_page(app: Running, location: str) -> str:
    html = ""

    async def done() -> bool:
        nonlocal html
        response = await app.client.get(location)
        assert response.status_code == 200
        html = response.text
        return "sse-connect" not in html

    await wait_until(done, timeout=20, what="the batch page to show the finished batch")
    return html


def assert_no_inline_code(html: str) -> None:
    """A strict CSP is coming: no inline script, handlers or style attributes."""
    assert " style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None
    assert re.search(r"\son[a-z]+=", html) is None


async def test_the_form_pages_offer_a_list_and_a_csv(run_app: RunApp) -> None:
    async with run_app() as app:
        page = await app.client.get("/batches/new")
        assert page.status_code == 200
        assert 'name="text"' in page.text
        assert 'type="file"' in page.text
        assert 'action="/batches"' in page.text
        assert_no_inline_code(page.text)
        index = await app.client.get("/")
        assert 'href="/batches/new"' in index.text
        assert 'id="analyze-form"' in index.text  # the one-account form is still there


async def test_a_pasted_list_opens_its_live_table_then_the_figures(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0, max_concurrency=1) as app:
        location = await submit(app, "page.alpha\n@page.alpha\npage.beta\nnot a handle!")
        running = await app.client.get(location)
        assert running.status_code == 200
        html = running.text
        assert_no_inline_code(html)
        batch_id = location.rsplit("/", 1)[1]
        assert f'sse-connect="/batches/{batch_id}/stream?since=' in html
        assert 'sse-swap="row-1"' in html
        assert 'sse-swap="batch-progress"' in html
        assert 'src="/static/js/batch.js"' in html
        assert "Line 4" in html
        assert "not a handle!" in html
        assert "1 line was not analysed" in html
        assert 'href="/api/batches/' + batch_id + '.csv"' in html
        assert 'action="/compare"' in html

        for _ in range(3):  # let the three jobs through the fake clock's demo delays
            app.clock.advance(5)
        html = await finished_page_with_clock(app, location)
        assert_no_inline_code(html)
        assert html.count('name="jobs"') == 3  # a compare box per completed line
        assert "Demo data" in html
        assert 'data-col="score" data-value="' in html
        assert "Recommended" in html or "Review first" in html or "Avoid" in html
        assert "a genuine viewer" in html
        assert "3 of 3 done" in html


async def finished_page_with_clock(app: Running, location: str) -> str:
    html = ""

    async def done() -> bool:
        nonlocal html
        app.clock.advance(5)
        html = (await app.client.get(location)).text
        return "sse-connect" not in html

    await wait_until(done, timeout=20, what="the batch to finish")
    return html


async def test_a_csv_file_on_the_form_makes_a_batch(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            "/batches",
            data={"text": "", "platform": "tiktok"},
            files={"file": ("list.csv", b"handle\nform.csv.one\nform.csv.two\n", "text/csv")},
            headers=SAME_SITE,
        )
        assert response.status_code == 303
        html = await finished_page(app, response.headers["location"])
        assert "@form.csv.one" in html
        assert "TikTok" in html
        assert app.count_jobs() == 2


async def test_a_list_with_no_good_line_comes_back_with_each_lines_error(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        response = await app.client.post(
            "/batches", data={"text": "bad one!\nfoo,myspace"}, headers=SAME_SITE
        )
        assert response.status_code == 422
        html = response.text
        assert "None of the lines" in html
        assert "Line 1" in html
        assert "Line 2" in html
        assert "myspace" in html
        assert "bad one!" in html  # what was typed is kept
        empty = await app.client.post("/batches", data={"text": "  "}, headers=SAME_SITE)
        assert empty.status_code == 422
        assert "Paste some handles" in empty.text
        assert app.count_jobs() == 0


async def test_a_list_posted_from_another_site_is_refused(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            "/batches",
            data={"text": "csrf.one"},
            headers={"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        )
        assert response.status_code == 403
        assert app.count_jobs() == 0


async def test_an_unknown_batch_page_is_404(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.get("/batches/00000000-0000-4000-8000-000000000000")
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        stream = await app.client.get("/batches/nope/stream")
        assert stream.status_code == 404
