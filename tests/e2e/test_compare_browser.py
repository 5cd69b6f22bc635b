"""The marketer's flow in a real browser: the jobs list filtered by handle and platform, three
reports ticked and compared, then one account's history; screenshots at desktop and phone
widths."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

NewContext = Callable[..., BrowserContext]
HANDLES = ("e2e_cmp_alpha", "e2e_cmp_bravo", "e2e_cmp_charlie")
JOB_TIMEOUT_S = 30.0


def _submit(base_url: str, handle: str, platform: str) -> str:
    response = httpx.post(
        base_url + "/api/analyze",
        json={"handle": handle, "platform": platform, "refresh": True},
        timeout=10,
    )
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


@pytest.fixture(scope="module")
def compared_jobs(base_url: str) -> list[str]:
    """Three completed Instagram reports (the first account analysed twice, so its history
    has a trend), and a TikTok one the filter must leave out."""
    deadline = time.monotonic() + JOB_TIMEOUT_S

    def completed(job_ids: list[str]) -> list[str]:
        for job_id in job_ids:
            while httpx.get(f"{base_url}/api/status/{job_id}").json()["status"] != "completed":
                assert time.monotonic() < deadline, f"job {job_id} did not complete"
                time.sleep(0.1)  # polling interval while waiting, not a wait in itself
        return job_ids

    completed([_submit(base_url, HANDLES[0], "instagram")])
    ids = [_submit(base_url, handle, "instagram") for handle in HANDLES]
    ids.append(_submit(base_url, HANDLES[0], "tiktok"))
    return completed(ids)[:3]


def _no_page_overflow(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} overflows horizontally by {overflow} px"


@pytest.mark.parametrize(
    ("size", "viewport"),
    [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_filter_pick_three_compare_and_open_a_history(
    new_context: NewContext,
    screenshots: Path,
    compared_jobs: list[str],
    size: str,
    viewport: dict[str, Any],
) -> None:
    page = new_context(viewport=viewport).new_page()
    page.goto("/jobs")
    page.get_by_label("Handle").fill("E2E_CMP")
    page.get_by_label("Platform").select_option("instagram")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/jobs\?q=E2E_CMP&platform=instagram"))
    rows = page.locator(".job-row")
    expect(rows).to_have_count(4)
    button = page.get_by_role("button", name="Compare selected")
    expect(button).to_be_disabled()
    _no_page_overflow(page)
    page.screenshot(path=screenshots / f"jobs-filtered-{size}.png", full_page=True)

    for handle in HANDLES:  # the newest report of each account
        page.get_by_label(f"Compare @{handle} on Instagram").first.check()
    expect(page.locator("#compare-status")).to_have_text("3 selected.")
    expect(button).to_be_enabled()
    page.screenshot(path=screenshots / f"jobs-picked-{size}.png", full_page=True)
    button.click()

    page.wait_for_url(re.compile(r"/compare\?jobs="))
    expect(page.get_by_role("heading", level=1)).to_have_text("3 reports side by side")
    expect(page.locator(".compare__account")).to_have_count(3)
    for job_id in compared_jobs:
        expect(page.locator(f'a.compare__handle[href="/reports/{job_id}"]')).to_be_visible()
    expect(page.locator(".compare__cell--best").first).to_be_visible()
    expect(page.locator(".demo-banner")).to_be_visible()
    expect(page.locator("svg.chart--growth-overlay")).to_be_visible()
    expect(page.locator("svg.chart--growth-overlay path.chart__series-line")).to_have_count(3)
    _no_page_overflow(page)
    page.screenshot(path=screenshots / f"compare-{size}.png", full_page=True)

    scroller = page.locator(".compare-scroll")
    label = page.locator("#figure-score .compare__label")
    before = label.bounding_box()
    assert before is not None
    scroller.evaluate("node => { node.scrollLeft = node.scrollWidth; }")
    after = label.bounding_box()
    assert after is not None
    if size == "phone":
        assert scroller.evaluate("node => node.scrollWidth > node.clientWidth"), "scrolls"
        assert scroller.evaluate("node => node.scrollLeft") > 0
        page.screenshot(path=screenshots / f"compare-scrolled-{size}.png")
    assert abs(after["x"] - before["x"]) < 1, "the figure names stay put when the table scrolls"

    # The list is newest first, so is the comparison: the first ticked is the last column.
    handles = page.locator("a.compare__handle").all_inner_texts()
    assert handles == [f"@{handle}" for handle in reversed(HANDLES)]
    page.get_by_role("link", name=f"History of @{HANDLES[0]}").click()
    page.wait_for_url(re.compile(rf"/accounts/instagram/{HANDLES[0]}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"@{HANDLES[0]}")
    expect(page.locator(f'tr[data-job="{compared_jobs[0]}"]')).to_be_visible()
    expect(page.locator(".history-charts svg")).to_have_count(2)
    expect(page.locator(".history-table tbody tr").first).to_have_attribute(
        "data-job", compared_jobs[0]
    )
    _no_page_overflow(page)
    page.screenshot(path=screenshots / f"history-{size}.png", full_page=True)


def test_without_javascript_the_picked_reports_are_still_compared(
    new_context: NewContext, compared_jobs: list[str]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/jobs?q=e2e_cmp&platform=instagram")
    page.get_by_label(f"Compare @{HANDLES[0]} on Instagram").first.check()
    page.get_by_role("button", name="Compare selected").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what you entered")
    expect(page.locator("main")).to_contain_text("Pick 2 to 4 completed reports")
