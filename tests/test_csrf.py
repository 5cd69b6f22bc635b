"""Other web sites cannot start jobs: the page form checks where a POST comes from, and the JSON
API takes only application/json (with each key once)."""

from __future__ import annotations

import pytest

from conftest import RunApp

FORM = {"handle": "csrf.target", "platform": "instagram"}


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example", "sec-fetch-site": "cross-site"},
        {"origin": "https://evil.example"},  # an older browser: Origin only
        {"sec-fetch-site": "same-site"},  # a sibling subdomain is another site's page too
        {"origin": "null"},  # a sandboxed frame or a file:// page
    ],
)
async def test_a_cross_site_form_post_is_refused_and_starts_nothing(
    run_app: RunApp, headers: dict[str, str]
) -> None:
    async with run_app() as app:
        response = await app.client.post("/", data=FORM, headers=headers)
        assert response.status_code == 403
        assert "another web site" in response.text
        assert "<html" in response.text  # the error page, not a traceback
        assert app.count_jobs() == 0


async def test_the_own_page_and_non_browser_clients_may_post(run_app: RunApp) -> None:
    async with run_app() as app:
        same = await app.client.post(
            "/", data=FORM, headers={"origin": "http://test", "sec-fetch-site": "same-origin"}
        )
        assert same.status_code == 303
        scripted = await app.client.post("/", data={**FORM, "handle": "curl.user"})
        assert scripted.status_code == 303
        assert app.count_jobs() == 2


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None]
)
async def test_the_json_api_takes_only_json(run_app: RunApp, content_type: str | None) -> None:
    body = b'{"handle": "plain.text"}'
    headers = {"content-type": content_type} if content_type else {}
    async with run_app() as app:
        response = await app.client.post("/api/analyze", content=body, headers=headers)
        assert response.status_code == 415
        error = response.json()["error"]
        assert error["code"] == "unsupported_media_type"
        assert "Content-Type: application/json" in error["message"]
        assert app.count_jobs() == 0


async def test_json_with_a_parameter_is_json(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            "/api/analyze",
            content=b'{"handle": "charset.user"}',
            headers={"content-type": "application/json; charset=utf-8"},
        )
        assert response.status_code == 202


async def test_a_key_sent_twice_is_refused(run_app: RunApp) -> None:
    body = b'{"handle": "first.one", "handle": "second.one"}'
    async with run_app() as app:
        response = await app.client.post(
            "/api/analyze", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert "'handle' appears twice" in response.json()["error"]["message"]
        assert app.count_jobs() == 0
