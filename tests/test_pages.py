"""The browser pages and their HTML event streams, through the real app in-process."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import TypeVar

import httpx
import pytest

from webapp.models import Metric
from webapp.routes.job_view import SHORT_REASON_CHARS, short_reason
from webapp.routes.shared_frames import SharedFrames
from webapp.templating import metric_value

from conftest import RunApp, Running, wait_until

# Job-core tests: each runs on SQLite and on Redis (with a SAQ worker).
BOTH_BACKENDS = True


HOSTILE = "<img src=x onerror=alert(1)>"
JOB_PATH = re.compile(r"^/jobs/([0-9a-f-]{36})$")
HTMX = {"HX-Request": "true"}
T = TypeVar("T")


async def html_events(response: httpx.Response) -> AsyncIterator[tuple[str, str]]:
    """(event, data) pairs of a text/event-stream whose data may span several lines."""
    event, data = "message", []
    async for line in response.aiter_lines():
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith("event:"):
            event = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data.append(line.removeprefix("data:").removeprefix(" "))


async def read_html_stream(app: Running, path: str) -> list[tuple[str, str]]:
    async with app.client.stream("GET", path) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return [item async for item in html_events(response)]


async def with_clock_running(app: Running, task: asyncio.Task[T]) -> T:
    """Move the fake clock past each demo step until `task` is done; return its result."""
    while not task.done():
        await wait_until(lambda: app.clock.sleeping() > 0 or task.done(), what="a demo step")
        app.clock.advance(5.0)
    return await task


async def completed_job(app: Running, handle: str = "page.creator") -> str:
    job_id = await app.submit(handle)
    await app.wait_for_status(job_id, "completed")
    return job_id


def percent_of(html: str) -> int:
    match = re.search(r'role="progressbar"[^>]*aria-valuenow="(\d+)"', html, re.S)
    assert match is not None, html
    return int(match.group(1))


async def test_the_form_has_labelled_fields(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<label class="field__label" for="handle">Handle or profile URL</label>' in html
    assert 'id="handle" name="handle"' in html
    assert 'placeholder="@natgeo or a profile URL"' in html
    assert "<legend" in html
    assert "Platform</legend>" in html
    for value, label in (("instagram", "Instagram"), ("tiktok", "TikTok"), ("youtube", "YouTube")):
        assert re.search(rf'value="{value}"[^>]*>\s*<span>{label}</span>', html), label
    assert '<label for="refresh">Refresh even if a recent report exists</label>' in html
    assert '<button class="button button--primary" type="submit">' in html
    assert 'src="/static/vendor/htmx.min.js"' in html


async def test_a_bad_handle_is_refused_inline_with_what_was_typed(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            "/", data={"handle": "not a handle!", "platform": "tiktok", "refresh": "on"}
        )
        assert response.status_code == 422
        assert response.headers["vary"] == "HX-Request"
        html = response.text
        assert "<html" in html
        assert 'value="not a handle!"' in html
        assert 'aria-invalid="true" aria-describedby="handle-error handle-hint"' in html
        error = re.search(r'<p class="field__error" id="handle-error">(.*?)</p>', html, re.S)
        assert error is not None
        assert "is not a valid TikTok handle" in error.group(1)
        assert re.search(r'value="tiktok"\s*checked', html)
        assert 'id="refresh" name="refresh" value="on" checked' in html
        assert app.count_jobs() == 0


async def test_a_handle_over_the_length_limit_is_refused_inline(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post("/", data={"handle": "a" * 2049})
        assert app.count_jobs() == 0
    assert response.status_code == 422
    assert re.search(r'id="handle-error">.*The handle is too long', response.text, re.S)


async def test_htmx_gets_the_form_alone_and_a_redirect_header(run_app: RunApp) -> None:
    async with run_app() as app:
        refused = await app.client.post("/", data={"handle": "a b"}, headers=HTMX)
        accepted = await app.client.post("/", data={"handle": "natgeo"}, headers=HTMX)
    assert refused.status_code == 422
    assert "<html" not in refused.text
    assert '<form class="card analyze-form"' in refused.text
    assert 'id="handle-error"' in refused.text
    assert refused.headers["vary"] == "HX-Request"
    assert accepted.status_code == 200
    assert JOB_PATH.match(accepted.headers["hx-redirect"])
    assert accepted.headers["vary"] == "HX-Request"


async def test_a_hostile_handle_is_refused_and_echoed_inert(run_app: RunApp) -> None:
    async with run_app() as app:
        posted = await app.client.post("/", data={"handle": HOSTILE, "platform": "instagram"})
        prefilled = await app.client.get("/", params={"handle": HOSTILE})
        assert app.count_jobs() == 0
    assert posted.status_code == 422
    for response in (posted, prefilled):
        assert "<img" not in response.text
        assert 'value="&lt;img src=x onerror=alert(1)&gt;"' in response.text
    assert "&#39;&lt;img src=x onerror=alert(1)&gt;&#39; is not a valid" in posted.text


async def test_a_good_submission_redirects_to_its_job_page(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post("/", data={"handle": "@NatGeo", "platform": "instagram"})
        assert response.status_code == 303
        match = JOB_PATH.match(response.headers["location"])
        assert match is not None
        job_id = match.group(1)
        assert app.stored_account(job_id) == ("natgeo", "instagram")
        await app.wait_for_status(job_id, "completed")

        again = await app.client.post("/", data={"handle": "natgeo"})
        assert again.headers["location"] == f"/jobs/{job_id}?existing=1"
        page = await app.client.get(again.headers["location"])
        assert "This account was analysed recently" in page.text

        fresh = await app.client.post("/", data={"handle": "natgeo", "refresh": "on"})
        assert fresh.headers["location"] != f"/jobs/{job_id}"


async def test_a_body_over_the_limit_is_refused_on_the_form(run_app: RunApp) -> None:
    async with run_app(max_body_bytes=1024) as app:
        response = await app.client.post("/", data={"handle": "x" * 2000})
        assert response.status_code == 413
        assert 'id="form-error"' in response.text
        assert app.count_jobs() == 0


async def test_a_completed_job_page_shows_the_report_and_the_demo_label(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await completed_job(app)
        response = await app.client.get(f"/jobs/{job_id}")
    assert response.status_code == 200
    html = response.text
    assert "@page.creator" in html
    assert percent_of(html) == 100
    assert html.count("step--done") == 3
    assert '<span class="badge badge--demo">Demo data</span>' in html
    assert "These figures are synthetic" in html
    assert 'class="report"' in html
    assert "Engagement rate (median)" in html
    assert re.search(r'class="metric__value">\d+\.\d\d %<', html)
    assert re.search(r'class="metric__value">\d+(\.\d)? posts/week<', html)
    assert "Coverage notes" in html
    # Finished: no live stream and no refreshing.
    assert "sse-connect" not in html
    assert 'http-equiv="refresh"' not in html


async def test_an_unfinished_job_page_refreshes_without_javascript(run_app: RunApp) -> None:
    # The fake clock never moves here, so the demo adapter waits at its first step.
    async with run_app(demo_delay_seconds=5.0) as app:
        job_id = await app.submit("slow.creator")
        await wait_until(lambda: app.clock.sleeping() > 0, what="the adapter to wait")
        response = await app.client.get(f"/jobs/{job_id}")
    html = response.text
    assert response.status_code == 200
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert f'<a href="/jobs/{job_id}">Reload now</a>' in html
    assert f'hx-ext="sse" sse-connect="/jobs/{job_id}/stream" sse-close="end"' in html
    assert 'sse-swap="progress"' in html
    assert 'sse-swap="report"' in html
    assert 'aria-live="polite"' in html
    assert percent_of(html) < 100
    assert 'aria-current="step"' in html
    assert 'class="report"' not in html


async def test_the_jobs_list_shows_recent_jobs_with_links(run_app: RunApp) -> None:
    async with run_app() as app:
        first = await completed_job(app, "first.creator")
        second = await completed_job(app, "second.creator")
        response = await app.client.get("/jobs")
    html = response.text
    assert response.status_code == 200
    assert html.index("@second.creator") < html.index("@first.creator"), "newest first"
    for job_id in (first, second):
        assert f'id="job-row-{job_id}" data-status="completed"' in html
        assert f'href="/reports/{job_id}"' in html
    assert html.count("badge--demo") == 2
    assert "sse-connect" not in html, "nothing left to follow"


async def test_the_jobs_list_leaves_out_expired_jobs(run_app: RunApp) -> None:
    async with run_app(job_ttl_seconds=600) as app:
        old = await completed_job(app, "old.creator")
        app.clock.advance(601)
        new = await completed_job(app, "new.creator")
        html = (await app.client.get("/jobs")).text
    assert f"job-row-{new}" in html
    assert f"job-row-{old}" not in html, "expired, even before the sweeper deletes it"


async def test_the_jobs_list_follows_unfinished_jobs(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=5.0) as app:
        job_id = await app.submit("waiting.creator")
        page = await app.client.get("/jobs")
        assert f'sse-connect="/jobs/stream?job_id={job_id}"' in page.text
        assert f'sse-swap="job-{job_id}"' in page.text

        streamed = asyncio.create_task(read_html_stream(app, f"/jobs/stream?job_id={job_id}"))
        events = await with_clock_running(app, streamed)
    names = [name for name, _ in events]
    assert names[-1] == "end"
    rows = [data for name, data in events if name == f"job-{job_id}"]
    assert 'data-status="completed"' in rows[-1]
    assert "badge--demo" in rows[-1]
    running = [percent_of(row) for row in rows[:-1]]
    assert running == sorted(running)
    # The finished row swaps its progress bar for the verdict.
    assert 'role="progressbar"' not in rows[-1]
    assert "Quality score and verdict: " in rows[-1]


def row_of(html: str, job_id: str) -> str:
    """The markup of one job's row in the list."""
    start = html.index(f'id="job-row-{job_id}"')
    end = html.find('<div class="job-row"', start)
    return html[start : end if end >= 0 else len(html)]


def outcome_of(score: dict[str, object] | None) -> str:
    """What a row should say for a report's score: "72 · Recommended", or "No verdict"."""
    labels = {"recommended": "Recommended", "review": "Review first", "avoid": "Avoid"}
    if score is None or score["verdict"] is None:
        return "No verdict"
    label = labels[str(score["verdict"])]
    value = score["value"]
    return label if value is None else f"{round(float(str(value)))} · {label}"


async def test_the_jobs_list_shows_the_verdict_and_why_jobs_failed(run_app: RunApp) -> None:
    async with run_app(max_attempts=1) as app:
        recommended = await completed_job(app, "demo.authentic")
        avoided = await completed_job(app, "demo.bought")
        scores = {
            job_id: (await app.client.get(f"/api/report/{job_id}")).json()["score"]
            for job_id in (recommended, avoided)
        }
        missing = await app.submit("demo.notfound")
        down = await app.submit("demo.down")
        for job_id in (missing, down):
            await app.wait_for_status(job_id, "failed")
        html = (await app.client.get("/jobs")).text

    for job_id, score in scores.items():
        row = row_of(html, job_id)
        assert score is not None
        assert score["verdict"] is not None, "the demo archetypes get a verdict"
        assert f"{outcome_of(score)}</span>" in row
        assert f"job-row__verdict--{score['verdict']}" in row
        assert 'role="progressbar"' not in row
    assert re.search(
        r">\d{1,3} · (Recommended|Review first|Avoid)</span>", row_of(html, recommended)
    )
    missing_row = row_of(html, missing)
    assert "No Instagram account @demo.notfound exists.</span>" in missing_row
    assert 'class="job-row__reason"' in missing_row
    down_row = row_of(html, down)
    assert "Instagram could not be reached (Instagram answered HTTP 503 Service Unavailable)." in (
        down_row
    )
    assert "check" not in down_row.lower()


def test_a_row_shows_the_first_sentence_of_a_failure_cut_at_a_word() -> None:
    assert short_reason("No account @a.b exists. Check the handle.") == "No account @a.b exists."
    long = "The platform answered " + "with a very long explanation " * 10 + "at last."
    short = short_reason(long)
    assert len(short) <= SHORT_REASON_CHARS
    assert short.endswith(" long…")
    assert long.startswith(short.removesuffix("…"))
    assert short_reason("One sentence without a stop") == "One sentence without a stop"


async def test_a_live_row_of_a_job_that_fails_shows_why(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0) as app:
        job_id = await app.submit("demo.private")
        streamed = asyncio.create_task(read_html_stream(app, f"/jobs/stream?job_id={job_id}"))
        events = await with_clock_running(app, streamed)
    rows = [data for name, data in events if name == f"job-{job_id}"]
    assert 'data-status="failed"' in rows[-1]
    assert "The Instagram account @demo.private is private and cannot be analysed." in rows[-1]


async def test_the_jobs_stream_ends_at_once_with_nothing_to_follow(run_app: RunApp) -> None:
    async with run_app() as app:
        events = await read_html_stream(
            app, "/jobs/stream?job_id=00000000-0000-4000-8000-000000000000"
        )
        refused = await app.client.get("/jobs/stream", params={"job_id": "nope"})
    assert events == [("end", "done")]
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("text/html")


async def test_unknown_pages_answer_html_and_the_api_keeps_json(run_app: RunApp) -> None:
    async with run_app() as app:
        job = await app.client.get("/jobs/00000000-0000-4000-8000-000000000000")
        report = await app.client.get("/reports/not-a-job")
        nowhere = await app.client.get("/no/such/page")
        api = await app.client.get("/api/status/00000000-0000-4000-8000-000000000000")
        api_nowhere = await app.client.get("/api/no/such/thing")
    for response in (job, report, nowhere):
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in response.text
        assert 'href="/"' in response.text
    assert "It may have expired" in job.text
    for response in (api, api_nowhere):
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert response.json()["error"]["code"] == "not_found"


async def test_the_report_permalink(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=5.0) as app:
        waiting = await app.submit("permalink.wait")
        not_ready = await app.client.get(f"/reports/{waiting}")
    assert not_ready.status_code == 409
    assert "The report is not ready yet" in not_ready.text
    assert f'href="/jobs/{waiting}"' in not_ready.text

    async with run_app() as app:
        failed = await app.submit("demo.notfound")
        await app.wait_for_status(failed, "failed")
        failure = await app.client.get(f"/reports/{failed}")
        job_id = await completed_job(app, "permalink.done")
        done = await app.client.get(f"/reports/{job_id}")
    assert failure.status_code == 409
    assert "This analysis failed" in failure.text
    assert "No Instagram account @demo.notfound exists" in failure.text
    assert 'href="/?handle=demo.notfound&amp;platform=instagram"' in failure.text
    assert done.status_code == 200
    assert 'class="report"' in done.text
    assert "Demo data" in done.text
    assert f'href="/jobs/{job_id}"' in done.text


async def test_the_html_stream_of_a_completed_job_sends_the_report_then_closes(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        job_id = await completed_job(app)
        events = await read_html_stream(app, f"/jobs/{job_id}/stream")
    assert [name for name, _ in events] == ["progress", "message", "report", "end"]
    progress, message, report, _ = (data for _, data in events)
    assert percent_of(progress) == 100
    assert message == "Report ready"
    assert '<article class="report" id="report">' in report
    assert "Demo data" in report


async def test_the_html_stream_follows_a_job_to_its_report(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=5.0) as app:
        job_id = await app.submit("live.creator")
        streamed = asyncio.create_task(read_html_stream(app, f"/jobs/{job_id}/stream"))
        events = await with_clock_running(app, streamed)
    names = [name for name, _ in events]
    assert names[-2:] == ["report", "end"]
    percents = [percent_of(data) for name, data in events if name == "progress"]
    assert len(percents) >= 4
    assert percents == sorted(percents)
    assert percents[0] < 30
    assert percents[-1] == 100


async def test_the_html_stream_of_a_failed_job_says_what_to_do(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id = await app.submit("demo.notfound")
        await app.wait_for_status(job_id, "failed")
        events = await read_html_stream(app, f"/jobs/{job_id}/stream")
        page = await app.client.get(f"/jobs/{job_id}")
    assert [name for name, _ in events] == ["progress", "message", "end"]
    progress, message = events[0][1], events[1][1]
    assert message.startswith("The analysis failed: No Instagram account @demo.notfound")
    for html in (progress, page.text):
        assert "The analysis failed" in html
        assert "Check that the handle and the platform are right" in html
        assert "step--failed" in html
        assert 'href="/?handle=demo.notfound&amp;platform=instagram"' in html


@pytest.mark.parametrize(
    ("handle", "advice"),
    [
        ("demo.down", "The platform could not be reached or sent no usable data"),
        ("demo.flaky", "The platform is limiting how fast this app may ask"),
        ("demo.private", "Ask the creator for an export of their posts and upload it."),
    ],
)
async def test_a_failure_that_is_not_the_handle_does_not_blame_the_handle(
    run_app: RunApp, handle: str, advice: str
) -> None:
    async with run_app(max_attempts=1) as app:
        job_id = await app.submit(handle)
        await app.wait_for_status(job_id, "failed")
        job_page = (await app.client.get(f"/jobs/{job_id}")).text
        report_page = (await app.client.get(f"/reports/{job_id}")).text
    for html in (job_page, report_page):
        assert advice in html
        assert "Check that the handle" not in html
        assert "check the handle" not in html.lower()
        assert f'href="/?handle={handle}&amp;platform=instagram"' in html


# --- uploads on the form -------------------------------------------------------------------------

POSTS_CSV = (
    "published_at,likes,comments,views,caption,url\n"
    "2026-11-20,500,20,,first,\n"
    "2026-11-22,300,10,5000,second,\n"
    "2026-11-24,800,40,,third,\n"
)


async def test_the_form_takes_a_file(run_app: RunApp) -> None:
    async with run_app() as app:
        html = (await app.client.get("/")).text
    assert 'enctype="multipart/form-data"' in html
    assert 'hx-encoding="multipart/form-data"' in html
    assert '<label class="field__label" for="file">File (JSON or CSV)</label>' in html
    assert 'id="file" name="file" type="file"' in html
    assert '<label class="field__label" for="followers">Followers</label>' in html
    assert 'href="/schemas/scrape-result.json"' in html


async def test_a_csv_uploaded_on_the_form_becomes_a_report(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            "/",
            data={"handle": "@Form.Upload", "platform": "instagram", "followers": "10,000"},
            files={"file": ("posts.csv", POSTS_CSV.encode(), "text/csv")},
        )
        assert response.status_code == 303
        match = JOB_PATH.match(response.headers["location"])
        assert match is not None
        job_id = match.group(1)
        await app.wait_for_status(job_id, "completed")
        page = await app.client.get(f"/jobs/{job_id}")
    html = page.text
    assert "@form.upload" in html
    assert "badge--demo" not in html
    assert "Source: upload" in html
    # (520 + 310 + 840) / 3 posts: rates 5.2, 3.1, 8.4 % of 10,000 -> median 5.20 %.
    assert 'class="metric__value">5.20 %<' in html
    assert "comments not included in the upload" in html
    assert "follower list not available from an upload" in html


async def test_a_bad_file_on_the_form_is_explained_next_to_the_file_field(
    run_app: RunApp,
) -> None:
    bad = POSTS_CSV + "2026-11-25,many,1,,x,\n"
    async with run_app() as app:
        response = await app.client.post(
            "/",
            data={"handle": "form.upload", "platform": "tiktok", "followers": "1200"},
            files={"file": ("posts.csv", bad.encode(), "text/csv")},
            headers=HTMX,
        )
        assert app.count_jobs() == 0
    assert response.status_code == 422
    html = response.text
    assert "<html" not in html
    error = re.search(r'<p class="field__error" id="file-error">(.*?)</p>', html, re.S)
    assert error is not None
    assert "Line 5, column likes: &#39;many&#39; is not a whole number." in error.group(1)
    assert 'aria-invalid="true" aria-describedby="file-error file-hint"' in html
    assert 'value="form.upload"' in html
    assert 'value="1200"' in html
    assert re.search(r'value="tiktok"\s*checked', html)


async def test_without_a_file_the_form_still_needs_a_handle(run_app: RunApp) -> None:
    async with run_app() as app:
        # What a browser sends when no file was chosen: an empty file part.
        response = await app.client.post(
            "/",
            data={"handle": "", "platform": "instagram", "followers": ""},
            files={"file": ("", b"", "application/octet-stream")},
        )
        accepted = await app.client.post(
            "/",
            data={"handle": "natgeo", "platform": "instagram"},
            files={"file": ("", b"", "application/octet-stream")},
        )
        assert app.count_jobs(has_upload=False) == 1
    assert response.status_code == 422
    assert re.search(r'id="handle-error">.*Enter a handle', response.text, re.S)
    assert accepted.status_code == 303


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        ("percent", 2.4149, "2.41 %"),
        ("ratio", 49.44, "49.4"),
        ("posts_per_week", 2.0, "2 posts/week"),
        ("days", 1.0, "1 day"),
        ("days", 4.25, "4.2 days"),
        ("count", 12345.0, "12,345"),
        ("per_day", 5300.4, "5,300 a day"),
        ("usd", 1250.0, "$1,250"),
        ("p_value", 0.0123, "p = 0.012"),
        ("score", 72.0, "72 / 100"),
    ],
)
def test_every_metric_unit_reads_like_a_person_wrote_it(
    unit: str, value: float, shown: str
) -> None:
    metric = Metric.model_validate(
        {
            "label": "x",
            "value": value,
            "unit": unit,
            "explanation": "x",
            "formula": "x",
            "sample_size": 1,
        }
    )
    assert metric_value(metric) == shown


async def _watch(app: Running, job_id: str, watchers: int) -> list[list[tuple[str, str]]]:
    streams = [
        asyncio.create_task(read_html_stream(app, f"/jobs/{job_id}/stream"))
        for _ in range(watchers)
    ]
    return list(await asyncio.gather(*streams))


async def test_pages_watching_a_completed_job_share_one_render(run_app: RunApp) -> None:
    frames = SharedFrames()
    async with run_app(frames=frames) as app:
        job_id = await app.submit("shared.render")
        await app.wait_for_status(job_id, "completed")
        seen = await _watch(app, job_id, watchers=8)
    assert frames.renders == 1
    for events in seen:
        assert [name for name, _ in events] == ["progress", "message", "report", "end"]
        assert events == seen[0]
    assert '<article class="report" id="report">' in seen[0][2][1]


async def test_pages_following_a_job_render_each_state_once(run_app: RunApp) -> None:
    frames = SharedFrames()
    watchers = 10
    async with run_app(demo_delay_seconds=5.0, frames=frames) as app:
        job_id = await app.submit("shared.live")
        seen = await with_clock_running(app, asyncio.ensure_future(_watch(app, job_id, watchers)))
        published = app.hub.published
    # One render per state at most (a watcher sees at least its first state and the last:
    # rendering per watcher would take at least 2 x 10).
    assert 1 < frames.renders <= published < 2 * watchers
    for events in seen:
        assert [name for name, _ in events][-2:] == ["report", "end"]
        assert events[-2] == seen[0][-2]
