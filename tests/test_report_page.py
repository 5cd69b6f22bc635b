"""The HTML report: summary card first, reasons that link to their evidence, a section per family
with its server-rendered charts, evidence tables, the CSV link, and old reports still readable."""

from __future__ import annotations

import re
import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from html.parser import HTMLParser
from typing import Any

from webapp.models import ReportResponse

from conftest import RunApp, Running

SECTIONS = ["engagement", "audience", "comments", "growth", "content", "pricing"]


class Anchors(HTMLParser):
    """Every id on the page, every in-page link, and the position of a few landmarks."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        href = values.get("href") or ""
        if tag == "a" and href.startswith("#"):
            self.links.append(href[1:])


async def report_page(app: Running, handle: str) -> tuple[str, str, dict[str, Any]]:
    job_id = await app.submit(handle)
    await app.wait_for_status(job_id, "completed")
    page = await app.client.get(f"/reports/{job_id}")
    assert page.status_code == 200
    report = (await app.client.get(f"/api/report/{job_id}")).json()
    return job_id, page.text, dict(report)


def reasons_block(html: str) -> str:
    match = re.search(r'<ol class="reasons">(.*?)</ol>', html, re.S)
    assert match, "no reasons on the page"
    return match.group(1)


async def test_the_summary_card_comes_first_with_score_verdict_and_reasons(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        _, html, report = await report_page(app, "demo.bought")
    summary = html.index('class="card summary"')
    assert summary < html.index('id="section-engagement"')
    assert 'class="verdict verdict--avoid"' in html
    assert "Avoid" in html[summary : html.index('id="section-engagement"')]
    assert f">{round(report['score']['value'])}<" in html
    reasons = reasons_block(html)
    assert reasons.count("<li>") == len(report["score"]["reasons"])
    assert 'href="#m-audience-quality_audience_share"' in reasons


async def test_every_in_page_link_has_its_target(run_app: RunApp) -> None:
    async with run_app() as app:
        for handle in ("demo.authentic", "demo.pod"):
            _, html, _ = await report_page(app, handle)
            anchors = Anchors()
            anchors.feed(html)
            assert len(anchors.ids) == len(set(anchors.ids)), "duplicate ids"
            missing = [link for link in anchors.links if link not in anchors.ids]
            assert not missing, (handle, missing)


async def test_a_section_per_family_in_order_with_its_metrics(run_app: RunApp) -> None:
    async with run_app() as app:
        _, html, report = await report_page(app, "demo.authentic")
    positions = [html.index(f'id="section-{key}"') for key in SECTIONS]
    assert positions == sorted(positions)
    for section in report["sections"]:
        for entry in section["metrics"]:
            anchor = f"m-{section['key']}-{entry['key'].replace('.', '-')}"
            assert f'id="{anchor}"' in html, anchor
    assert html.count('class="evidence"') >= 10
    assert html.count("<table") >= 10


async def test_the_four_charts_are_inline_svg(run_app: RunApp) -> None:
    async with run_app() as app:
        _, html, _ = await report_page(app, "demo.bought")
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 4
    for svg in svgs:
        root = ET.fromstring(svg)  # well-formed, so browsers and print agree
        assert root.get("role") == "img"
        assert root.get("aria-labelledby")
    growth = html[html.index('id="section-growth"') : html.index('id="section-content"')]
    assert "<svg" in growth
    assert "chart__spike" in growth  # the bought followers show on the history


async def test_evidence_names_posts_with_links_to_them(run_app: RunApp) -> None:
    async with run_app() as app:
        _, html, report = await report_page(app, "demo.authentic")
    # Engagement's evidence names the recent posts: each links to its post there, not only in
    # the posts table further down.
    engagement = html[html.index('id="section-engagement"') : html.index('id="section-audience"')]
    median = next(
        entry["metric"]
        for section in report["sections"]
        if section["key"] == "engagement"
        for entry in section["metrics"]
        if entry["key"] == "rate_median"
    )
    urls = {post["id"]: post["url"] for post in report["posts"]}
    for evidence in median["evidence"]:
        link = f'<a href="{urls[evidence["ref"]]}" rel="noopener noreferrer nofollow"'
        assert link in engagement, evidence["ref"]


async def test_links_to_the_json_and_the_csv_and_a_print_button(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, html, _ = await report_page(app, "demo.authentic")
    assert f'href="/api/report/{job_id}.csv"' in html
    assert f'href="/api/report/{job_id}"' in html
    assert "data-print" in html
    assert '<script src="/static/js/report.js" defer></script>' in html


async def test_demo_reports_are_labelled_in_the_summary(run_app: RunApp) -> None:
    async with run_app() as app:
        _, html, _ = await report_page(app, "demo.authentic")
    summary = html[html.index('class="card summary"') : html.index('id="section-engagement"')]
    assert "Demo data" in summary
    assert "demo (synthetic)" in summary


async def test_a_report_stored_before_the_families_still_renders(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, _, report = await report_page(app, "old.report")
        old = ReportResponse.model_validate(report).model_dump(
            exclude={"score", "sections", "benchmark", "posts", "follower_history"}
        )
        lean = ReportResponse.model_validate(old).model_dump_json()
        with closing(sqlite3.connect(app.settings.database)) as db, db:
            db.execute("UPDATE reports SET body = ? WHERE job_id = ?", (lean, job_id))
        page = await app.client.get(f"/reports/{job_id}")
    assert page.status_code == 200
    assert 'id="metric-engagement_rate_median"' in page.text
    assert "<svg" not in page.text
    assert 'class="verdict' not in page.text
