"""Only http(s) URLs become links: an uploaded `javascript:` post URL stays inert everywhere."""

from __future__ import annotations

import csv
import io
import json

import pytest

from webapp.links import web_link

from conftest import RunApp

HOSTILE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/p/1",
    "/p/1",
    "https://",
    "",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_anything_but_an_absolute_http_url_is_no_link(url: str) -> None:
    assert web_link(url) is None


@pytest.mark.parametrize(
    "url", ["https://www.instagram.com/p/1/", "http://example.com/a?b=c", "HTTPS://x.example/"]
)
def test_http_urls_are_links(url: str) -> None:
    assert web_link(url) == url


async def test_a_javascript_post_url_in_an_upload_never_becomes_a_link(run_app: RunApp) -> None:
    posts = [
        {
            "id": f"p{index}",
            "published_at": f"2026-11-{20 + index}T12:00:00Z",
            "kind": "photo",
            "likes": 100 + index,
            "comments": 5,
            "url": url,
        }
        for index, url in enumerate(["javascript:alert(1)", "https://www.instagram.com/p/ok/"])
    ]
    upload = {
        "platform": "instagram",
        "profile": {
            "handle": "link.test",
            "display_name": "Link",
            "followers": 2000,
            "following": 10,
            "post_count": 2,
        },
        "posts": posts,
        "source": "export",
    }
    async with run_app() as app:
        response = await app.client.post(
            "/api/analyze/upload",
            data={"platform": "instagram"},
            files={"file": ("export.json", json.dumps(upload).encode(), "application/json")},
        )
        assert response.status_code == 202, response.text
        job_id = response.json()["job_id"]
        await app.wait_for_status(job_id, "completed")
        report = (await app.client.get(f"/api/report/{job_id}")).json()
        page = (await app.client.get(f"/reports/{job_id}")).text
        exported = (await app.client.get(f"/api/report/{job_id}.csv")).text
    urls = {row["id"]: row["url"] for row in report["posts"]}
    assert urls == {"p0": "", "p1": "https://www.instagram.com/p/ok/"}
    assert "javascript:" not in page.lower()
    assert 'href="https://www.instagram.com/p/ok/"' in page
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {row["url"] for row in rows} == {"", "https://www.instagram.com/p/ok/"}
