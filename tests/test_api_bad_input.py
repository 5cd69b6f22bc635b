"""Bad input gets a 4xx in the one error shape and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import RunApp

LONG = "x" * 20_000


@pytest.mark.parametrize(
    ("body", "status", "code", "mentions"),
    [
        pytest.param({}, 422, "invalid_input", "handle: is required", id="missing-handle"),
        pytest.param({"handle": ""}, 422, "invalid_handle", "Enter a handle", id="empty-handle"),
        pytest.param({"handle": "   "}, 422, "invalid_handle", "Enter a handle", id="blank"),
        pytest.param(
            {"handle": "nat geo!"}, 422, "invalid_handle", "letters, numbers", id="bad-chars"
        ),
        pytest.param({"handle": "a" * 31}, 422, "invalid_handle", "1-30 characters", id="too-long"),
        pytest.param(
            {"handle": "ab", "platform": "youtube"},
            422,
            "invalid_handle",
            "3-30 characters",
            id="too-short-for-youtube",
        ),
        pytest.param(
            {"handle": "natgeo", "platform": "myspace"},
            422,
            "invalid_input",
            "platform: Input should be 'instagram', 'tiktok' or 'youtube'",
            id="unknown-platform",
        ),
        pytest.param(
            {"handle": "https://user:pw@instagram.com/natgeo"},
            422,
            "invalid_handle",
            "user name or password",
            id="credentials-in-url",
        ),
        pytest.param({"handle": 42}, 422, "invalid_input", "handle:", id="handle-number"),
        pytest.param({"handle": ["a"]}, 422, "invalid_input", "handle:", id="handle-list"),
        pytest.param({"handle": None}, 422, "invalid_input", "handle:", id="handle-null"),
        pytest.param(
            {"handle": "natgeo", "platform": 1}, 422, "invalid_input", "platform:", id="plat-num"
        ),
        pytest.param(
            {"handle": "natgeo", "refresh": "yes"}, 422, "invalid_input", "refresh:", id="refresh"
        ),
        pytest.param(
            {"handle": "natgeo", "extra": 1}, 422, "invalid_input", "not a known field", id="extra"
        ),
        pytest.param(["natgeo"], 422, "invalid_input", "JSON object", id="array-body"),
        pytest.param("natgeo", 422, "invalid_input", "JSON object", id="string-body"),
        pytest.param(b"{not json", 400, "malformed_json", "not valid JSON", id="malformed"),
        pytest.param(b"", 400, "malformed_json", "not valid JSON", id="empty-body"),
        pytest.param(b"\xff\xfe", 400, "malformed_json", "not valid JSON", id="not-utf8"),
        pytest.param(
            {"handle": "natgeo", "pad": LONG}, 413, "payload_too_large", "16 KiB", id="over-16k"
        ),
    ],
)
async def test_analyze_rejects_bad_input_and_writes_nothing(
    run_app: RunApp, body: Any, status: int, code: str, mentions: str
) -> None:
    async with run_app() as app:
        if isinstance(body, bytes):
            response = await app.client.post(
                "/api/analyze", content=body, headers={"content-type": "application/json"}
            )
        else:
            response = await app.client.post("/api/analyze", json=body)
        assert response.status_code == status, response.text
        error = response.json()["error"]
        assert error["code"] == code
        assert mentions in error["message"]
        assert set(error) == {"code", "message", "details"}
        assert app.rows("SELECT count(*) FROM jobs") == [(0,)]


async def test_body_over_limit_without_content_length_is_413(run_app: RunApp) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b" " * 1024

    async with run_app() as app:
        response = await app.client.post(
            "/api/analyze", content=chunks(), headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert app.rows("SELECT count(*) FROM jobs") == [(0,)]


@pytest.mark.parametrize(
    "path",
    [
        "/api/status/not-a-uuid",
        "/api/status/00000000-0000-4000-8000-000000000000",
        "/api/report/not-a-uuid",
        "/api/report/00000000-0000-4000-8000-000000000000",
        "/api/status/%3Cscript%3E",
        "/api/no/such/route",
    ],
)
async def test_unknown_or_malformed_ids_are_404_in_the_error_shape(
    run_app: RunApp, path: str
) -> None:
    async with run_app() as app:
        response = await app.client.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


async def test_wrong_method_is_405_in_the_error_shape(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.get("/api/analyze")
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"
        assert "POST" in response.headers["allow"]
