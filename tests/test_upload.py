"""Uploads: a ScrapeResult JSON file or a CSV of posts becomes a job that runs like any other."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx
import pytest

from webapp.jobs.job import Job
from webapp.jobs.sqlite import SQLiteStore
from webapp.models import JobStatus, Phase, Platform
from webapp.pipeline.scraping.upload_parse import (
    NO_COMMENTS,
    NO_FOLLOWERS,
    UploadRequest,
    parse_upload,
)
from webapp.settings import Settings

from conftest import FakeClock, RunApp, Running, wait_until

UPLOAD = "/api/analyze/upload"

# Four posts for 10,000 followers; the clock's now is 2026-11-28T12:00Z.
# Engagement (likes + comments) / followers: 5.2 %, 3.1 %, 8.4 %, 1.05 % -> median 4.15 %,
# mean 4.4375 %. Likes per comment: sum 1700 / sum 75 = 22.67. Newest post 2.5 days ago.
# Views only on the second post: 310 / 5000 = 6.2 % of views, but one post is too few.
POSTS_CSV = (
    "published_at,likes,comments,views,caption,url,mood\n"
    "2026-11-20,500,20,,first,https://www.instagram.com/p/1/,happy\n"
    "2026-11-22T10:00:00Z,300,10,5000,second,https://www.instagram.com/p/2/,calm\n"
    '2026-11-24,800,40,,"third, with a comma",,calm\n'
    "2026-11-26T00:00:00+00:00,100,5,,fourth,,sad\n"
)

# Three TikTok videos for 2,000 followers: 100/2000 = 5 %, 210/2000 = 10.5 %, 320/2000 = 16 %
# -> median 10.5 %, mean 10.5 %.
SCRAPE_RESULT: dict[str, Any] = {
    "platform": "tiktok",
    "profile": {
        "handle": "JSON.Creator",
        "display_name": "Jay Son",
        "followers": 2000,
        "following": 150,
        "post_count": 40,
        "verified": True,
    },
    "posts": [
        {
            "id": f"v{index}",
            "published_at": f"2026-11-{20 + index}T12:00:00Z",
            "kind": "video",
            "likes": likes,
            "comments": comments,
            "views": views,
        }
        for index, (likes, comments, views) in enumerate(
            [(100, 0, 4000), (200, 10, 5000), (300, 20, 8000)]
        )
    ],
    "comments": [
        {"post_id": "v1", "author": "fan.one", "text": "great", "published_at": "2026-11-21T13:00Z"}
    ],
    "source": "tiktok",
    "coverage": ["shares hidden on 3 videos"],
}


def _json_file(data: dict[str, Any] | None = None) -> bytes:
    return json.dumps(data if data is not None else SCRAPE_RESULT, indent=2).encode()


async def _upload(
    app: Running,
    content: bytes,
    *,
    filename: str = "export.csv",
    **fields: str,
) -> httpx.Response:
    return await app.client.post(
        UPLOAD, data=fields, files={"file": (filename, content, "application/octet-stream")}
    )


async def _report(app: Running, job_id: str) -> dict[str, Any]:
    response = await app.client.get(f"/api/report/{job_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _value(report: dict[str, Any], metric: str) -> float | None:
    value = report["metrics"][metric]["value"]
    return None if value is None else float(value)


# --- bad uploads ---------------------------------------------------------------------------------

_BAD_SCHEMA = json.loads(json.dumps(SCRAPE_RESULT))
_BAD_SCHEMA["posts"][1]["likes"] = -5
_FUTURE_POST = json.loads(json.dumps(SCRAPE_RESULT))
_FUTURE_POST["posts"][2]["published_at"] = "2027-01-05T09:00:00Z"
_CSV_BAD_LIKES = POSTS_CSV + "2026-11-27,5,1,,x,,\n2026-11-27,abc,1,,x,,\n"  # line 7


@pytest.mark.parametrize(
    ("content", "fields", "overrides", "status", "code", "details", "mentions"),
    [
        pytest.param(
            b'{"platform": "tiktok",\n  "profile": }',
            {"platform": "tiktok"},
            {},
            422,
            "invalid_upload",
            {"line": 2, "column": 14},
            "not valid JSON",
            id="malformed-json",
        ),
        pytest.param(
            _json_file(_BAD_SCHEMA),
            {"platform": "tiktok"},
            {},
            422,
            "invalid_upload",
            # indent=2: line 1 "{", profile spans lines 3-10, posts[1] starts at line 20.
            {"path": "posts.1.likes", "line": 24, "column": 16},
            "posts.1.likes",
            id="json-against-the-schema",
        ),
        pytest.param(
            b'["not", "an", "object"]',
            {"platform": "tiktok"},
            {},
            422,
            "invalid_upload",
            {"line": 1, "column": 1},
            "(the whole file)",
            id="json-array",
        ),
        pytest.param(
            b"published_at,likes,views\n2026-11-20,5,6\n",
            {"platform": "instagram", "handle": "csv.creator", "followers": "100"},
            {},
            422,
            "invalid_upload",
            {"line": 1, "column": "comments"},
            "the header has no comments column",
            id="csv-missing-column",
        ),
        pytest.param(
            _CSV_BAD_LIKES.encode(),
            {"platform": "instagram", "handle": "csv.creator", "followers": "100"},
            {},
            422,
            "invalid_upload",
            {"line": 7, "column": "likes", "value": "abc"},
            "Line 7, column likes: 'abc' is not a whole number.",
            id="csv-bad-number",
        ),
        pytest.param(
            b"published_at,likes,comments\n2026-11-20,5,1\nyesterday,5,1\n",
            {"platform": "instagram", "handle": "csv.creator", "followers": "100"},
            {},
            422,
            "invalid_upload",
            {"line": 3, "column": "published_at", "value": "yesterday"},
            "Line 3, column published_at: 'yesterday' is not a date",
            id="csv-bad-date",
        ),
        pytest.param(
            _json_file(_FUTURE_POST),
            {"platform": "tiktok"},
            {},
            422,
            "invalid_upload",
            {"path": "posts[2].published_at", "value": "2027-01-05T09:00:00+00:00"},
            "posts[2].published_at: 2027-01-05T09:00:00+00:00 is in the future",
            id="json-future-post",
        ),
        pytest.param(
            b"published_at,likes,comments\n2026-11-20,5,1\n2026-12-01,5,1\n",
            {"platform": "instagram", "handle": "csv.creator", "followers": "100"},
            {},
            422,
            "invalid_upload",
            {"line": 3, "column": "published_at", "value": "2026-12-01T00:00:00+00:00"},
            "Line 3, column published_at: 2026-12-01T00:00:00+00:00 is in the future (now is "
            "2026-11-28 12:00 UTC). Check the export's dates.",
            id="csv-future-post",
        ),
        pytest.param(
            b"published_at,likes,comments\n2026-11-20,-5,1\n",
            {"platform": "instagram", "handle": "csv.creator", "followers": "100"},
            {},
            422,
            "invalid_upload",
            {"line": 2, "column": "likes", "value": "-5"},
            "Line 2, column likes: '-5' is not a whole number.",
            id="csv-negative-likes",
        ),
        pytest.param(
            b"published_at,likes,comments\n",
            {"platform": "instagram", "handle": "csv.creator", "followers": "100"},
            {},
            422,
            "invalid_upload",
            {"line": 2},
            "no posts",
            id="csv-header-only",
        ),
        pytest.param(
            POSTS_CSV.encode(),
            {"platform": "instagram", "handle": "csv.creator"},
            {},
            422,
            "invalid_input",
            {"field": "followers"},
            "follower count",
            id="csv-without-followers",
        ),
        pytest.param(
            POSTS_CSV.encode(),
            {"platform": "instagram", "followers": "100"},
            {},
            422,
            "invalid_input",
            {"field": "handle"},
            "enter the handle",
            id="csv-without-handle",
        ),
        pytest.param(
            POSTS_CSV.encode(),
            {"platform": "instagram", "handle": "csv.creator", "followers": "lots"},
            {},
            422,
            "invalid_input",
            {"field": "followers"},
            "whole number",
            id="followers-not-a-number",
        ),
        pytest.param(
            POSTS_CSV.encode(),
            {"platform": "instagram", "handle": "not a handle!", "followers": "100"},
            {},
            422,
            "invalid_handle",
            {"field": "handle"},
            "is not a valid Instagram handle",
            id="bad-handle",
        ),
        pytest.param(
            _json_file(),
            {"platform": "tiktok", "handle": "someone.else"},
            {},
            422,
            "invalid_input",
            {"field": "handle"},
            "The file is for @json.creator",
            id="json-for-another-handle",
        ),
        pytest.param(
            _json_file(),
            {"platform": "youtube"},
            {},
            422,
            "invalid_input",
            {"field": "platform"},
            "The file is a TikTok account",
            id="json-for-another-platform",
        ),
        pytest.param(
            POSTS_CSV.encode(),
            {"platform": "myspace", "handle": "csv.creator", "followers": "1"},
            {},
            422,
            "invalid_input",
            {"field": "platform"},
            "Choose the platform",
            id="unknown-platform",
        ),
        pytest.param(
            b"  \n",
            {"platform": "instagram"},
            {},
            422,
            "empty_upload",
            {"line": 1, "column": 1},
            "The file is empty",
            id="empty-file",
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            {"platform": "instagram"},
            {},
            415,
            "unsupported_upload",
            {"line": 1},
            "not UTF-8 text",
            id="binary-file",
        ),
        pytest.param(
            b"Dear team,\nhere are the numbers you asked for.\n",
            {"platform": "instagram", "handle": "csv.creator", "followers": "100"},
            {},
            415,
            "unsupported_upload",
            {"line": 1},
            "neither a ScrapeResult JSON file nor a CSV",
            id="plain-text",
        ),
        pytest.param(
            (POSTS_CSV * 20).encode(),
            {"platform": "instagram", "handle": "csv.creator", "followers": "100"},
            {"max_upload_bytes": 1024},
            413,
            "payload_too_large",
            {"field": "file"},
            "The file is over 1 KiB",
            id="over-the-size-limit",
        ),
    ],
)
async def test_bad_uploads_are_refused_and_write_nothing(
    run_app: RunApp,
    content: bytes,
    fields: dict[str, str],
    overrides: dict[str, Any],
    status: int,
    code: str,
    details: dict[str, Any],
    mentions: str,
) -> None:
    async with run_app(**overrides) as app:
        response = await _upload(app, content, **fields)
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details"}
        assert error["code"] == code
        assert mentions in error["message"]
        assert details.items() <= error["details"].items(), error["details"]
        assert app.rows("SELECT count(*) FROM jobs") == [(0,)]
        assert app.rows("SELECT count(*) FROM uploads") == [(0,)]


async def test_an_upload_needs_a_file_and_a_multipart_body(run_app: RunApp) -> None:
    async with run_app() as app:
        no_file = await app.client.post(UPLOAD, data={"platform": "instagram", "handle": "x.y"})
        as_json = await app.client.post(UPLOAD, json={"platform": "instagram"})
        assert app.rows("SELECT count(*) FROM jobs") == [(0,)]
    assert no_file.status_code == 415  # a form without a file is sent url-encoded
    assert no_file.json()["error"]["code"] == "unsupported_media_type"
    assert as_json.status_code == 415


async def test_a_multipart_form_without_its_file_is_422(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            UPLOAD,
            data={"platform": "instagram"},
            files={"other": ("x.csv", b"a,b\n", "text/csv")},
        )
        assert app.rows("SELECT count(*) FROM jobs") == [(0,)]
    assert response.status_code == 422
    assert response.json()["error"]["details"] == {"field": "file"}


# --- uploads that work ---------------------------------------------------------------------------


async def test_a_csv_upload_completes_with_the_figures_of_its_posts(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await _upload(
            app, POSTS_CSV.encode(), platform="instagram", handle="@CSV.Creator", followers="10,000"
        )
        assert response.status_code == 202, response.text
        body = response.json()
        assert body["status"] == "accepted"
        assert body["deduplicated"] is False
        job_id = body["job_id"]
        await app.wait_for_status(job_id, "completed")
        report = await _report(app, job_id)
        assert app.rows("SELECT has_upload FROM jobs WHERE id = ?", (job_id,)) == [(1,)]
        assert app.rows("SELECT count(*) FROM uploads WHERE job_id = ?", (job_id,)) == [(1,)]

    assert report["source"] == "upload"
    assert report["is_demo"] is False
    assert report["handle"] == "csv.creator"
    assert report["profile"]["followers"] == 10_000
    assert report["profile"]["posts"] == 4
    assert _value(report, "engagement_rate_median") == pytest.approx(4.15)
    assert _value(report, "engagement_rate_mean") == pytest.approx(4.44, abs=0.01)
    assert _value(report, "likes_comments_ratio") == pytest.approx(1700 / 75, abs=0.05)
    assert _value(report, "days_since_last_post") == pytest.approx(2.5)
    assert _value(report, "engagement_rate_by_views") is None
    assert report["metrics"]["engagement_rate_median"]["sample_size"] == 4
    assert NO_COMMENTS in report["coverage"]
    assert NO_FOLLOWERS in report["coverage"]
    assert "unknown CSV columns ignored: mood" in report["coverage"]


async def test_empty_csv_cells_are_counts_the_platform_hides(run_app: RunApp) -> None:
    # Likes hidden on every post, comments turned off on one: the export leaves them empty.
    hidden = (
        "published_at,likes,comments\n2026-11-20,,20\n2026-11-22,,\n2026-11-24,,40\n2026-11-26,,5\n"
    )
    async with run_app() as app:
        response = await _upload(
            app, hidden.encode(), platform="instagram", handle="hidden.likes", followers="10000"
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        await app.wait_for_status(job_id, "completed")
        report = await _report(app, job_id)
    assert [(p["likes"], p["comments"]) for p in report["posts"]] == [
        (None, 5),
        (None, 40),
        (None, None),
        (None, 20),
    ]
    median = report["metrics"]["engagement_rate_median"]
    assert median["value"] is None
    assert median["explanation"].startswith(
        "Not enough data (n=0): 4 of the 4 most recent posts hide their likes;"
    )


async def test_a_json_upload_completes_with_the_figures_of_its_posts(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await _upload(app, _json_file(), filename="export.json", platform="tiktok")
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        await app.wait_for_status(job_id, "completed")
        report = await _report(app, job_id)

    assert report["source"] == "upload"
    assert report["is_demo"] is False
    assert report["platform"] == "tiktok"
    assert report["handle"] == "json.creator"
    assert report["profile"]["display_name"] == "Jay Son"
    assert report["profile"]["followers"] == 2000
    assert report["profile"]["verified"] is True
    assert _value(report, "engagement_rate_median") == pytest.approx(10.5)
    assert _value(report, "engagement_rate_mean") == pytest.approx(10.5)
    # (100+0)/4000 = 2.5 %, 210/5000 = 4.2 %, 320/8000 = 4 % of views -> median 4 %.
    assert _value(report, "engagement_rate_by_views") == pytest.approx(4.0)
    assert "shares hidden on 3 videos" in report["coverage"]
    assert "uploaded file; its data came from 'tiktok'" in report["coverage"]
    assert NO_FOLLOWERS in report["coverage"]
    assert NO_COMMENTS not in report["coverage"], "the file has comments"


async def test_the_same_upload_joins_the_existing_job(run_app: RunApp) -> None:
    async with run_app() as app:
        fields = {"platform": "instagram", "handle": "csv.creator", "followers": "10000"}
        first = await _upload(app, POSTS_CSV.encode(), **fields)
        job_id = first.json()["job_id"]
        while_active = await _upload(app, POSTS_CSV.encode(), **fields)
        await app.wait_for_status(job_id, "completed")
        after = await _upload(app, POSTS_CSV.encode(), **{**fields, "handle": "@CSV.Creator"})
        other_followers = await _upload(app, POSTS_CSV.encode(), **{**fields, "followers": "9"})
        scraping = await app.submit("csv.creator")
        refreshed = await _upload(app, POSTS_CSV.encode(), **fields, refresh="on")

        for response in (while_active, after):
            assert response.status_code == 200
            assert response.json() == {
                "job_id": job_id,
                "status": "accepted",
                "deduplicated": True,
            }
        assert other_followers.status_code == 202
        assert other_followers.json()["job_id"] != job_id
        assert scraping not in (job_id, other_followers.json()["job_id"])
        assert refreshed.status_code == 202
        keys = [key for (key,) in app.rows("SELECT dedup_key FROM jobs WHERE has_upload = 1")]
        assert all(key.startswith("instagram:csv.creator:upload:") for key in keys)


async def test_the_sweeper_deletes_an_expired_upload_with_its_job(run_app: RunApp) -> None:
    async with run_app(job_ttl_seconds=60, sweep_interval_seconds=30) as app:
        response = await _upload(app, _json_file(), platform="tiktok")
        job_id = response.json()["job_id"]
        await app.wait_for_status(job_id, "completed")
        assert app.rows("SELECT count(*) FROM uploads") == [(1,)]
        app.clock.advance(61)
        await wait_until(
            lambda: app.rows("SELECT count(*) FROM uploads") == [(0,)], what="the sweep"
        )
        assert app.rows("SELECT count(*) FROM jobs") == [(0,)]


async def test_an_unfinished_upload_job_resumes_at_start_up(
    run_app: RunApp, settings: Settings, clock: FakeClock
) -> None:
    result = parse_upload(
        UploadRequest(
            platform=Platform.INSTAGRAM,
            handle="resumed.csv",
            followers=10_000,
            data=POSTS_CSV.encode(),
        ),
        clock.now(),
    )
    job = replace(
        Job.new(
            platform=Platform.INSTAGRAM,
            handle="resumed.csv",
            dedup_key="instagram:resumed.csv:upload:0123456789abcdef",
            now=clock.now(),
            has_upload=True,
        ),
        status=JobStatus.PROCESSING,
        phase=Phase.ANALYSIS,
        percent=40,
    )
    # Written as a process killed mid-analysis would have left it.
    store = SQLiteStore(settings.database)
    await store.open()
    await store.claim(job, refresh=True, now=clock.now(), upload_json=result.model_dump_json())
    await store.close()

    async with run_app() as app:
        done = await app.wait_for_status(job.id, "completed")
        report = await _report(app, job.id)
    assert done["attempt"] == 2
    assert report["source"] == "upload"
    assert report["handle"] == "resumed.csv"
    assert _value(report, "engagement_rate_median") == pytest.approx(4.15)


# --- the schema ----------------------------------------------------------------------------------


async def test_the_scrape_result_schema_is_published(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.get("/schemas/scrape-result.json")
        document = (await app.client.get("/openapi.json")).json()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    schema = response.json()
    assert schema["$id"] == "/schemas/scrape-result.json"
    assert schema["title"] == "ScrapeResult"
    assert set(schema["required"]) == {"platform", "profile", "source"}
    assert schema["additionalProperties"] is False
    assert {"Profile", "Post", "Comment", "AccountStub"} <= set(schema["$defs"])
    upload = document["paths"]["/api/analyze/upload"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file", "platform"]
    # A file of bytes (OpenAPI 3.1 spells it contentMediaType, not format: binary).
    assert form["properties"]["file"]["contentMediaType"] == "application/octet-stream"
    assert "ScrapeResult" in document["components"]["schemas"]
