"""The report in Chromium: summary first, reasons that jump to their evidence, charts drawn at a
readable size on desktop and phone, the CSV download, and a print layout with every table open."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .test_browser import NewContext, assert_no_horizontal_overflow

JOB_TIMEOUT_MS = 20_000


def finished_report(base_url: str, handle: str) -> str:
    """Submit by API, wait for the job (polling with a deadline), return the report's path."""
    response = httpx.post(
        base_url + "/api/analyze",
        json={"handle": handle, "platform": "instagram"},
        timeout=10,
    )
    assert response.status_code in (200, 202), response.text
    job_id = str(response.json()["job_id"])
    with httpx.Client(base_url=base_url, timeout=10) as client:
        deadline = time.monotonic() + JOB_TIMEOUT_MS / 1000
        while client.get(f"/api/status/{job_id}").json()["status"] != "completed":
            assert time.monotonic() < deadline, f"job {job_id} did not complete"
            time.sleep(0.05)  # polling interval, not a wait in itself
    return f"/reports/{job_id}"


@pytest.fixture(scope="module")
def bought_report(base_url: str) -> str:
    return finished_report(base_url, "demo.bought")


def top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return float(box["y"])


def test_the_summary_comes_first_and_a_reason_jumps_to_its_evidence(
    page: Page, bought_report: str
) -> None:
    page.goto(bought_report)
    summary = page.locator(".summary")
    expect(summary.locator(".verdict__label")).to_have_text("Avoid")
    assert top(page, ".summary") < top(page, "#section-engagement")
    reason = page.locator(".reasons a").first
    expect(reason).to_contain_text("Audience")
    reason.click()
    assert page.url.endswith("#m-audience-quality_audience_share")
    target = page.locator("#m-audience-quality_audience_share")
    expect(target).to_be_in_viewport()
    target.locator("summary").click()
    expect(target.locator("table")).to_be_visible()


def test_the_sub_score_bars_are_as_long_as_their_values(page: Page, bought_report: str) -> None:
    page.goto(bought_report)
    page.get_by_text("How the score is made").click()
    rows = page.locator(".subscore")
    for index in range(rows.count()):
        row = rows.nth(index)
        value = row.locator(".subscore__value").inner_text()
        if not value.isdigit():
            continue  # "not scored": no bar
        track = row.locator(".bar").bounding_box()
        fill = row.locator(".bar__fill").bounding_box()
        assert track is not None
        assert fill is not None
        # The value shown is rounded to a whole number: half a percent either way.
        expected = track["width"] * int(value) / 100
        assert abs(fill["width"] - expected) <= track["width"] * 0.005 + 1, (index, value)


@pytest.mark.parametrize("width", [1280, 390, 360])
def test_charts_are_drawn_readably_at_every_width(
    new_context: NewContext, bought_report: str, screenshots: Path, width: int
) -> None:
    page = new_context(viewport={"width": width, "height": 900}).new_page()
    page.goto(bought_report)
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(4)
    for index in range(4):
        box = charts.nth(index).bounding_box()
        assert box is not None
        assert box["width"] >= min(300, width - 80), (index, box)
        # Text in the charts stays a readable size however the SVG is scaled (the rotated
        # axis title is left out: its box is as tall as the text is long).
        sizes = charts.nth(index).evaluate(
            "svg => [...svg.querySelectorAll('text:not([transform])')].map("
            "t => t.getBoundingClientRect().height)"
        )
        assert sizes, index
        assert min(sizes) >= 7, (index, width, sizes)
        assert max(sizes) <= 30, (index, width, sizes)
    assert_no_horizontal_overflow(page)
    page.screenshot(path=screenshots / f"report-full-{width}.png", full_page=True)


def test_the_posts_csv_downloads_with_a_demo_filename(page: Page, bought_report: str) -> None:
    page.goto(bought_report)
    with page.expect_download() as download:
        page.get_by_role("link", name="Posts as CSV").click()
    name = download.value.suggested_filename
    assert name == "instagram-demo.bought-demo-posts.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("post_id,published_at,")
    assert text.count("\n") > 12


def test_printing_shows_every_evidence_table_and_hides_the_page_chrome(
    context: BrowserContext, bought_report: str, screenshots: Path
) -> None:
    page = context.new_page()
    page.goto(bought_report)
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    closed_table = page.locator("#m-audience-quality_audience_share table")
    expect(closed_table).to_be_hidden()
    page.emulate_media(media="print")
    expect(closed_table).to_be_visible()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".report-toc")).to_be_hidden()
    expect(page.locator(".demo-banner")).to_be_visible()  # demo stays labelled on paper
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages >= 3
    (screenshots / "report.pdf").write_bytes(pdf)


def test_the_live_job_page_gets_the_full_report(page: Page, base_url: str) -> None:
    response = httpx.post(
        base_url + "/api/analyze",
        json={"handle": "e2e_full_live", "platform": "tiktok", "refresh": True},
        timeout=10,
    )
    job_id = response.json()["job_id"]
    page.goto(f"/jobs/{job_id}")
    report = page.locator("#job-report .report")
    expect(report).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(report.locator(".verdict")).to_be_visible()
    expect(report.locator("svg.chart")).to_have_count(4)
    expect(report.get_by_role("button", name="Print or save as PDF")).to_be_visible()
