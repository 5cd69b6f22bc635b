"""The jobs list's search and filters through the real app, on SQLite and on Redis; bad values
are a 422 page, and the filtered list still follows its running jobs."""

from __future__ import annotations

import re

import pytest

from conftest import RunApp, Running

BOTH_BACKENDS = True

ROW = re.compile(r'id="job-row-([0-9a-f-]{36})"')


async def _rows(app: Running, query: str) -> list[str]:
    response = await app.client.get(f"/jobs?{query}")
    assert response.status_code == 200, response.text
    return ROW.findall(response.text)


async def test_search_and_filters_narrow_the_list(run_app: RunApp) -> None:
    async with run_app() as app:
        alice = await app.submit("alice.cooks")
        await app.wait_for_status(alice, "completed")
        app.clock.advance(1)  # newest first: jobs created at the same instant have no order
        bob = await app.submit("bob.malice", "tiktok")
        await app.wait_for_status(bob, "completed")
        app.clock.advance(1)
        failed = await app.submit("demo.notfound")
        await app.wait_for_status(failed, "failed")
        verdict = (await app.client.get(f"/api/report/{alice}")).json()["score"]["verdict"]

        assert await _rows(app, "") == [failed, bob, alice]
        assert await _rows(app, "q=alice") == [bob, alice], "substring of the handle"
        assert await _rows(app, "q=%40ALICE.") == [alice], "@ and case do not matter"
        assert await _rows(app, "platform=tiktok") == [bob]
        assert await _rows(app, "status=failed") == [failed]
        assert await _rows(app, "status=completed&platform=instagram") == [alice]
        assert alice in await _rows(app, f"verdict={verdict}")
        assert failed not in await _rows(app, f"verdict={verdict}")
        assert await _rows(app, "q=&platform=&status=&verdict=") == [failed, bob, alice]
        empty = await app.client.get("/jobs?q=nobody")
    assert "No analysis matches these filters." in empty.text
    assert '<option value="tiktok">TikTok</option>' in empty.text


async def test_the_form_keeps_what_was_chosen(run_app: RunApp) -> None:
    async with run_app() as app:
        html = (await app.client.get("/jobs?q=%3Cb%3E&platform=youtube&status=failed")).text
    assert 'value="&lt;b&gt;"' in html
    assert '<option value="youtube" selected>YouTube</option>' in html
    assert '<option value="failed" selected>Failed</option>' in html
    assert '<a href="/jobs">Clear</a>' in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("platform=myspace", "platform"),
        ("status=done", "status"),
        ("verdict=great", "verdict"),
        ("platform=tiktok&platform=youtube", "platform"),
        ("q=" + "a" * 65, "q"),
        ("q=a&q=b", "q"),
    ],
)
async def test_bad_filter_values_are_a_422_page(run_app: RunApp, query: str, field: str) -> None:
    async with run_app() as app:
        response = await app.client.get(f"/jobs?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert '<p class="eyebrow">Error 422</p>' in response.text
    assert field in response.text


async def test_a_filtered_list_follows_its_running_jobs(run_app: RunApp) -> None:
    async with run_app() as app:
        done = await app.submit("done.creator")
        await app.wait_for_status(done, "completed")
        waiting = await app.submit("demo.down")  # waits for its retry
        await app.wait_for_status(waiting, "pending")
        html = (await app.client.get("/jobs?q=demo")).text
        done_only = (await app.client.get("/jobs?status=completed")).text
    assert f'sse-connect="/jobs/stream?job_id={waiting}"' in html
    assert f'sse-swap="job-{waiting}"' in html
    assert done not in html
    assert "sse-connect" not in done_only, "nothing listed is running"
