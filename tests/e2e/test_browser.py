"""The pages in a real browser: live progress over SSE, the report swapped in without a reload,
inline validation, inert hostile input, the demo label, a no-JavaScript fallback, and
full-page screenshots of every page at desktop and phone widths."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, expect

JOB_URL = re.compile(r"/jobs/[0-9a-f-]{36}$")
BAR = "#job-progress [role=progressbar]"
REPORT = "#job-report .report"
# A job takes about 2 s with WEBAPP_DEMO_DELAY_SECONDS=2; leave room for a slow machine.
JOB_TIMEOUT_MS = 20_000

NewContext = Callable[..., BrowserContext]


def submit(page: Page, handle: str, platform: str = "Instagram") -> str:
    """Fill in and send the form like a person would; return the job page's URL."""
    page.goto("/")
    page.get_by_label("Handle or profile URL").fill(handle)
    page.get_by_label(platform, exact=True).check()
    page.get_by_label("Refresh even if a recent report exists").check()
    page.get_by_role("button", name="Analyze profile").click()
    page.wait_for_url(JOB_URL)
    return page.url


def percent(page: Page) -> int:
    value = page.locator(BAR).get_attribute("aria-valuenow")
    assert value is not None
    return int(value)


def wait_for_percent_above(page: Page, floor: int) -> None:
    page.wait_for_function(
        """(floor) => {
            const bar = document.querySelector('#job-progress [role=progressbar]');
            return bar !== null && Number(bar.getAttribute('aria-valuenow')) > floor;
        }""",
        arg=floor,
        timeout=JOB_TIMEOUT_MS,
    )


def record_navigations(page: Page) -> list[str]:
    navigations: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    return navigations


def assert_no_horizontal_overflow(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} overflows horizontally by {overflow} px"


def submit_by_api(base_url: str, handle: str) -> str:
    response = httpx.post(
        base_url + "/api/analyze",
        json={"handle": handle, "platform": "instagram", "refresh": True},
        timeout=10,
    )
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def test_progress_rises_and_the_report_appears_without_a_reload(page: Page) -> None:
    url = submit(page, "e2e_live")
    page.evaluate("window.__marker = 'same document'")
    navigations = record_navigations(page)
    # Record every percent the page shows, to check it never goes backwards.
    page.evaluate(
        """() => {
            window.__seen = [];
            const read = () => {
                const bar = document.querySelector('#job-progress [role=progressbar]');
                if (bar) window.__seen.push(Number(bar.getAttribute('aria-valuenow')));
            };
            read();
            new MutationObserver(read).observe(
                document.getElementById('job-progress'), {childList: true, subtree: true});
        }"""
    )
    start = percent(page)
    assert start < 100, "the job finished before the page could watch it"

    wait_for_percent_above(page, start)
    expect(page.locator(REPORT)).to_be_visible(timeout=JOB_TIMEOUT_MS)

    assert percent(page) == 100
    seen: list[int] = page.evaluate("window.__seen")
    assert seen == sorted(seen), seen
    assert any(0 < value < 100 for value in seen), seen
    assert page.evaluate("window.__marker") == "same document"
    assert navigations == []
    assert page.url == url
    expect(page.locator("#job-message")).to_have_text("Report ready")
    expect(page.locator(".step--done")).to_have_count(3)
    expect(page.locator(REPORT).get_by_text("Engagement rate (median)")).to_be_visible()


def test_reload_mid_job_shows_the_current_state(page: Page) -> None:
    submit(page, "e2e_reload")
    wait_for_percent_above(page, 0)
    before = percent(page)

    response = page.reload()

    assert response is not None
    served = re.search(r'aria-valuenow="(\d+)"', response.text())
    assert served is not None
    assert int(served.group(1)) >= before  # rendered by the server, not reset to 0
    assert percent(page) >= before
    expect(page.locator(REPORT)).to_be_visible(timeout=JOB_TIMEOUT_MS)


def test_two_pages_on_one_job_both_reach_the_report(context: BrowserContext) -> None:
    first, second = context.new_page(), context.new_page()
    url = submit(first, "e2e_two_tabs")
    second.goto(url)
    first_navigations = record_navigations(first)
    second_navigations = record_navigations(second)

    for page in (first, second):
        expect(page.locator(REPORT)).to_be_visible(timeout=JOB_TIMEOUT_MS)
        assert percent(page) == 100
    assert first_navigations == second_navigations == []


def test_a_bad_handle_is_explained_next_to_the_field_and_kept(page: Page) -> None:
    page.goto("/")
    field = page.get_by_label("Handle or profile URL")
    field.fill("not a handle!")
    page.get_by_role("button", name="Analyze profile").click()

    error = page.locator("#handle-error")
    expect(error).to_contain_text("is not a valid Instagram handle")
    expect(field).to_have_value("not a handle!")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", re.compile(r"\bhandle-error\b"))
    expect(field).to_be_focused()
    assert page.url.endswith("/")


def test_a_hostile_handle_stays_inert(page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = "<img src=x onerror=alert(1)>"

    page.goto("/")
    page.get_by_label("Handle or profile URL").fill(hostile)
    page.get_by_role("button", name="Analyze profile").click()
    expect(page.locator("#handle-error")).to_contain_text(hostile)
    expect(page.get_by_label("Handle or profile URL")).to_have_value(hostile)
    assert page.locator("img").count() == 0

    # The same text arriving through the URL (the "try again" link) is inert too.
    page.goto("/?" + httpx.QueryParams({"handle": hostile}).__str__())
    expect(page.get_by_label("Handle or profile URL")).to_have_value(hostile)
    assert page.locator("img").count() == 0
    assert dialogs == []


def test_demo_data_is_labelled_on_the_job_the_report_and_the_list(page: Page) -> None:
    url = submit(page, "e2e_demo_label")
    expect(page.locator(REPORT)).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(page.locator(".demo-banner")).to_contain_text("synthetic")
    expect(page.locator(".demo-banner .badge--demo")).to_have_text("Demo data")

    job_id = url.rsplit("/", 1)[1]
    page.goto(f"/reports/{job_id}")
    expect(page.locator(".demo-banner .badge--demo")).to_be_visible()

    page.goto("/jobs")
    expect(page.locator(f"#job-row-{job_id} .badge--demo")).to_have_text("Demo data")


def test_the_jobs_list_follows_running_jobs_live(page: Page, base_url: str) -> None:
    job_id = submit_by_api(base_url, "e2e_list_live")
    page.goto("/jobs")
    row = page.locator(f"#job-row-{job_id}")
    navigations = record_navigations(page)

    expect(row).to_have_attribute("data-status", "completed", timeout=JOB_TIMEOUT_MS)
    expect(row.get_by_role("link", name=re.compile("^Report"))).to_be_visible()
    expect(row.locator(".badge--demo")).to_be_visible()
    assert navigations == []


def test_without_javascript_the_job_page_refreshes_until_the_report(
    new_context: NewContext,
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    submit(page, "e2e_no_script")  # a plain POST answered with 303
    expect(page.locator("#job-report .report")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(page.locator(".badge--demo").first).to_be_visible()


@pytest.mark.parametrize(
    ("size", "viewport"),
    [
        ("desktop", {"width": 1280, "height": 800}),
        ("phone", {"width": 390, "height": 844}),
        ("narrow", {"width": 360, "height": 740}),  # the narrowest phone we support
    ],
)
def test_screenshots_of_every_page(
    new_context: NewContext, screenshots: Path, size: str, viewport: dict[str, Any]
) -> None:
    page = new_context(viewport=viewport).new_page()

    def shoot(name: str) -> None:
        assert_no_horizontal_overflow(page)
        page.screenshot(path=screenshots / f"{name}-{size}.png", full_page=True)

    page.goto("/")
    shoot("form")

    page.get_by_label("Handle or profile URL").fill("https://example.com/natgeo")
    page.get_by_role("button", name="Analyze profile").click()
    expect(page.locator("#handle-error")).to_be_visible()
    shoot("form-error")

    url = submit(page, f"e2e_shots_{size}")
    wait_for_percent_above(page, 0)
    shoot("job-progress")

    expect(page.locator(REPORT)).to_be_visible(timeout=JOB_TIMEOUT_MS)
    shoot("job-report")

    page.goto("/jobs")
    shoot("jobs")

    page.goto("/reports/" + url.rsplit("/", 1)[1])
    shoot("report")

    submit(page, "demo.notfound")  # the demo adapter's account that does not exist
    expect(page.locator("#job-progress .alert--error")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    shoot("job-failed")

    page.goto("/jobs/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    shoot("not-found")
