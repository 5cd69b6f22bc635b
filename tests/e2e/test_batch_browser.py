"""A batch in a real browser: paste ten handles, watch the table fill in live over one stream,
sort by score, filter, compare three rows side by side and open one's history; and the table
on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

BATCH_URL = re.compile(r"/batches/[0-9a-f-]{36}$")
TIMEOUT_MS = 30_000

NewContext = Callable[..., BrowserContext]

HANDLES = [
    "demo.authentic",
    "demo.bought",
    "demo.pod",
    "demo.rising",
    "demo.brand",
    "e2e_batch.one",
    "e2e_batch.two",
    "https://www.tiktok.com/@e2e_batch.three",
    "youtube.com/@e2e-batch-four",
    "demo.notfound",
]


def paste(page: Page, lines: list[str]) -> None:
    page.goto("/batches/new")
    page.get_by_label("Handles or profile URLs, one a line").fill("\n".join(lines))
    page.get_by_label("Refresh even where a recent report exists").check()
    page.get_by_role("button", name="Analyse the list").click()
    page.wait_for_url(BATCH_URL)


def column(page: Page, key: str) -> list[str]:
    return list(
        page.eval_on_selector_all(
            f'#batch-table tbody tr:not([hidden]) [data-col="{key}"]',
            "cells => cells.map(c => c.getAttribute('data-value'))",
        )
    )


def test_paste_ten_handles_live_table_sort_compare_three_then_history(
    page: Page, screenshots: Path
) -> None:
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    paste(page, [*HANDLES, "not a handle!"])
    rows = page.locator("#batch-table tbody tr")
    expect(rows).to_have_count(10)
    expect(page.locator(".bad-lines")).to_contain_text("not a handle!")

    # Live: some row is seen running with its own bar before the batch ends.
    page.wait_for_function(
        """() => [...document.querySelectorAll('#batch-table [data-col=status]')]
              .some(c => c.dataset.value === 'processing')""",
        timeout=TIMEOUT_MS,
    )
    expect(page.locator("#batch-table progress").first).to_be_attached()
    page.screenshot(path=screenshots / "batch-running-desktop.png", full_page=True)

    expect(page.locator("#batch-progress")).to_contain_text("10 of 10 done", timeout=TIMEOUT_MS)
    expect(page.locator('#batch-table [data-col="status"][data-value="completed"]')).to_have_count(
        9
    )
    expect(page.locator('#batch-table [data-col="status"][data-value="failed"]')).to_have_count(1)
    expect(page.locator("#batch-demo")).to_be_visible()
    # No reload: the table changed over the stream alone.
    assert len([url for url in navigations if BATCH_URL.search(url)]) == 1

    page.get_by_role("button", name="Score").click()
    expect(page.locator("th[aria-sort=descending]")).to_have_text("Score")
    scores = [float(v) for v in column(page, "score") if v]
    assert len(scores) == 9
    assert scores == sorted(scores, reverse=True)
    assert column(page, "score")[-1] == "", "the failed row (no score) sorts last"
    page.get_by_role("button", name="Score").click()
    ascending = [float(v) for v in column(page, "score") if v]
    assert ascending == sorted(ascending)

    page.get_by_label("Show").select_option("failed")
    expect(page.locator("#batch-table tbody tr:not([hidden])")).to_have_count(1)
    expect(page.locator("#batch-shown")).to_have_text("1 of 10 rows shown.")
    page.get_by_label("Show").select_option("")
    page.get_by_placeholder("Filter by handle").fill("e2e_batch")
    expect(page.locator("#batch-table tbody tr:not([hidden])")).to_have_count(3)
    page.get_by_placeholder("Filter by handle").fill("")
    page.screenshot(path=screenshots / "batch-done-desktop.png", full_page=True)

    # Compare three of the rows, then open one account's history: the marketer's whole path.
    boxes = page.locator('#batch-table input[name="jobs"]')
    expect(boxes).to_have_count(9)
    ids = [boxes.nth(i).get_attribute("value") for i in range(3)]
    page.get_by_role("button", name="Compare selected").click()
    expect(page.locator("#batch-shown")).to_contain_text("Pick 2 to 4")
    for i in range(3):
        boxes.nth(i).check()
    page.get_by_role("button", name="Compare selected").click()
    page.wait_for_url(re.compile(r"/compare\?jobs="))
    assert page.url.endswith("/compare?jobs=" + ",".join(str(i) for i in ids))
    expect(page.get_by_role("heading", level=1)).to_have_text("3 reports side by side")
    expect(page.locator(".compare__account")).to_have_count(3)
    for job_id in ids:
        expect(page.locator(f'a.compare__handle[href="/reports/{job_id}"]')).to_be_visible()
    expect(page.locator(".compare__cell--best").first).to_be_visible()
    page.screenshot(path=screenshots / "batch-compare-desktop.png", full_page=True)

    first = page.locator("a.compare__handle").first
    handle = first.inner_text().removeprefix("@")
    first_id = (first.get_attribute("href") or "").removeprefix("/reports/")
    page.get_by_role("link", name=f"History of @{handle}").click()
    page.wait_for_url(re.compile(rf"/accounts/[a-z]+/{re.escape(handle)}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"@{handle}")
    expect(page.locator(f'.history-table tr[data-job="{first_id}"]')).to_be_visible()
    page.screenshot(path=screenshots / "batch-history-desktop.png", full_page=True)


def test_the_batch_table_reads_on_a_phone(new_context: NewContext, screenshots: Path) -> None:
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    paste(page, ["demo.authentic", "demo.bought", "e2e_phone.one", "bad handle!"])
    expect(page.locator("#batch-progress")).to_contain_text("3 of 3 done", timeout=TIMEOUT_MS)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the batch page overflows by {overflow} px"
    # Each row is a card whose cells carry their column's name.
    label = page.eval_on_selector(
        '#batch-table tbody tr [data-col="score"]',
        "cell => getComputedStyle(cell, '::before').content",
    )
    assert label == '"Score"'
    page.screenshot(path=screenshots / "batch-phone.png", full_page=True)
    page.goto("/batches/new")
    page.screenshot(path=screenshots / "batch-form-phone.png", full_page=True)
