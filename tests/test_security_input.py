"""Hostile input (issue 11 item 5): deep nesting, huge numbers and numbers the analysis cannot
handle are a 4xx in the error shape at the door; a bug of ours fails the job once, unretried."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import RunApp, Running

UPLOAD = "/api/analyze/upload"

PROFILE = {"handle": "big.numbers", "followers": 2000, "following": 10, "post_count": 3}
POST = {"id": "p1", "published_at": "2026-11-20T12:00:00Z", "kind": "photo", "likes": 10}


def _scrape_result(**profile: Any) -> bytes:
    return json.dumps(
        {
            "platform": "instagram",
            "profile": {**PROFILE, **profile},
            "posts": [POST],
            "source": "export",
        }
    ).encode()


def _deep(levels: int) -> bytes:
    return b'{"handle": ' + b"[" * levels + b"]" * levels + b"}"


async def _post_json(app: Running, body: bytes) -> dict[str, Any]:
    response = await app.client.post(
        "/api/analyze", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == "malformed_json"
    assert app.rows("SELECT count(*) FROM jobs") == [(0,)]
    return dict(error)


async def test_json_nested_8000_deep_in_16_kib_is_400(run_app: RunApp) -> None:
    body = _deep(8000)
    assert len(body) <= 16 * 1024
    async with run_app() as app:
        error = await _post_json(app, body)
    assert "more than 64 levels deep" in error["message"]


async def test_nesting_inside_strings_is_text_not_depth(run_app: RunApp) -> None:
    brackets = "[" * 200
    async with run_app() as app:
        response = await app.client.post("/api/analyze", json={"handle": brackets})
        assert response.status_code == 422  # an invalid handle, not a nesting refusal
        assert response.json()["error"]["code"] == "invalid_handle"


async def test_a_5000_digit_integer_is_400(run_app: RunApp) -> None:
    async with run_app() as app:
        error = await _post_json(app, b'{"handle": ' + b"7" * 5000 + b"}")
    assert "a number of 5,000 digits" in error["message"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
async def test_non_standard_json_constants_are_400(run_app: RunApp, constant: str) -> None:
    async with run_app() as app:
        error = await _post_json(
            app, b'{"handle": "natgeo", "refresh": ' + constant.encode() + b"}"
        )
    assert f"{constant} is not a number" in error["message"]


async def _refused_upload(
    app: Running, content: bytes, fields: dict[str, str], status: int = 422
) -> dict[str, Any]:
    response = await app.client.post(
        UPLOAD, data=fields, files={"file": ("export.json", content, "application/json")}
    )
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert app.rows("SELECT count(*) FROM jobs") == [(0,)]
    assert app.rows("SELECT count(*) FROM uploads") == [(0,)]
    return dict(error)


async def test_an_upload_nested_100k_deep_is_422(run_app: RunApp) -> None:
    content = b"[" * 100_000 + b"]" * 100_000
    async with run_app() as app:
        error = await _refused_upload(app, content, {"platform": "instagram"})
    assert error["code"] == "invalid_upload"
    assert error["message"] == "The file nests arrays or objects more than 64 levels deep."


@pytest.mark.parametrize(
    ("content", "path"),
    [
        pytest.param(_scrape_result(followers=10**400), None, id="followers-10^400"),
        pytest.param(_scrape_result(followers=10**12 + 1), "profile.followers", id="just-over"),
        pytest.param(_scrape_result(following=10**15), "profile.following", id="following"),
    ],
)
async def test_counts_beyond_what_the_analysis_handles_are_422_at_the_door(
    run_app: RunApp, content: bytes, path: str | None
) -> None:
    async with run_app() as app:
        error = await _refused_upload(app, content, {"platform": "instagram"})
    assert error["code"] == "invalid_upload"
    if path is None:  # 401 digits: refused while parsing, before the schema
        assert "a number of 401 digits" in error["message"]
    else:
        assert error["details"]["path"] == path
        assert "less than or equal to 1000000000000" in error["message"]


async def test_the_largest_count_accepted_still_runs(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            UPLOAD,
            data={"platform": "instagram"},
            files={"file": ("a.json", _scrape_result(followers=10**12), "application/json")},
        )
        assert response.status_code == 202, response.text
        done = await app.wait_for_status(response.json()["job_id"], "completed")
    assert done["attempt"] == 1


async def test_a_csv_count_over_the_limit_is_422_naming_line_and_limit(run_app: RunApp) -> None:
    csv = "published_at,likes,comments\n2026-11-20,5,1\n2026-11-21," + "9" * 400 + ",1\n"
    fields = {"platform": "instagram", "handle": "csv.creator", "followers": "100"}
    async with run_app() as app:
        error = await _refused_upload(app, csv.encode(), fields)
    assert error["code"] == "invalid_upload"
    assert error["details"]["line"] == 3
    assert "above the largest count accepted, 1,000,000,000,000" in error["message"]


async def test_form_followers_over_the_limit_are_422(run_app: RunApp) -> None:
    csv = b"published_at,likes,comments\n2026-11-20,5,1\n"
    fields = {"platform": "instagram", "handle": "csv.creator", "followers": "1" + "0" * 400}
    async with run_app() as app:
        error = await _refused_upload(app, csv, fields)
    assert error["details"] == {"field": "followers"}
    assert error["message"] == "Followers must be at most 1,000,000,000,000."
