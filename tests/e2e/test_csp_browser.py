"""Every page works under the Content-Security-Policy, in Chromium: the form (with its inline
errors and an upload), a job followed live to its report, the jobs list updating live, the
report permalink and an error page, with no violation reported on the way."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, ConsoleMessage, expect

from .test_browser import (
    JOB_TIMEOUT_MS,
    JOB_URL,
    REPORT,
    percent,
    submit,
    submit_by_api,
    wait_for_percent_above,
)

# Chromium reports a blocked script, style or connection both as a console error ("Refused to
# ...  because it violates the following Content Security Policy directive") and as a
# `securitypolicyviolation` event, which this script (injected by the browser driver, so not
# subject to the policy) writes to the console as well.
REPORT_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error('csp-violation ' + event.violatedDirective + ' ' + event.blockedURI);
});
"""

CSV = b"published_at,likes,comments,views,caption,url\n" + b"".join(
    f"2026-11-{day:02d}T12:00:00Z,{400 + day * 7},{20 + day},{9000 + day * 50},post {day},"
    f"https://www.instagram.com/p/csp{day}/\n".encode()
    for day in range(1, 21)
)


class Violations:
    def __init__(self, context: BrowserContext) -> None:
        self.messages: list[str] = []
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if "csp-violation" in text or "Content Security Policy" in text:
            self.messages.append(f"{message.page.url if message.page else '?'}: {text}")


def test_every_page_works_under_the_policy_without_a_violation(
    context: BrowserContext, base_url: str, screenshots: Path, tmp_path: Path
) -> None:
    violations = Violations(context)
    page = context.new_page()

    # The policy is on, and what it forbids is reported (so a silent page means a clean one).
    headers = httpx.get(base_url + "/", timeout=10).headers
    assert "style-src 'self'" in headers["content-security-policy"]

    # The form: an inline error swapped in by htmx, then a job followed live to its report.
    page.goto("/")
    page.get_by_role("button", name="Analyze profile").click()
    expect(page.locator("#handle-error")).to_be_visible()
    submit(page, "csp_live")
    start = percent(page)
    assert start < 100, "the job finished before the page could watch it"
    wait_for_percent_above(page, start)
    fill = page.locator("#job-progress .bar__fill").bounding_box()
    track = page.locator("#job-progress .bar").bounding_box()
    assert fill is not None
    assert track is not None
    assert 0 < fill["width"] < track["width"]  # the class-based width applies
    page.screenshot(path=screenshots / "csp-job-progress.png")
    expect(page.locator(REPORT)).to_be_visible(timeout=JOB_TIMEOUT_MS)
    assert percent(page) == 100
    expect(page.locator(REPORT).locator(".band__marker")).to_be_visible()
    page.screenshot(path=screenshots / "csp-job-report.png", full_page=False)
    job_url = page.url

    # The jobs list follows a running job live.
    job_id = submit_by_api(base_url, "csp_list")
    page.goto("/jobs")
    row = page.locator(f"#job-row-{job_id}")
    expect(row).to_have_attribute("data-status", "completed", timeout=JOB_TIMEOUT_MS)
    page.screenshot(path=screenshots / "csp-jobs.png", full_page=False)

    # An upload through the form.
    export = tmp_path / "posts.csv"
    export.write_bytes(CSV)
    page.goto("/")
    page.get_by_label("Handle or profile URL").fill("csp_upload")
    page.get_by_text("Or upload an export instead of fetching").click()
    page.get_by_label("File (JSON or CSV)").set_input_files(export)
    page.get_by_label("Followers").fill("12000")
    page.get_by_label("Refresh even if a recent report exists").check()
    page.get_by_role("button", name="Analyze profile").click()
    page.wait_for_url(JOB_URL)
    expect(page.locator(REPORT)).to_be_visible(timeout=JOB_TIMEOUT_MS)

    # The report permalink, with its charts, and an error page.
    page.goto(job_url.replace("/jobs/", "/reports/"))
    expect(page.locator(".report")).to_be_visible()
    expect(page.locator("svg").first).to_be_visible()
    page.screenshot(path=screenshots / "csp-report.png", full_page=False)
    response = page.goto("/jobs/00000000-0000-4000-8000-000000000000")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    assert violations.messages == []

    # The check itself works: an inline style attribute is refused and reported.
    page.goto("/")
    with page.expect_console_message(lambda message: "csp-violation" in message.text) as seen:
        page.evaluate("document.body.setAttribute('style', 'outline: 5px solid red')")
    assert "style-src" in seen.value.text
    assert page.evaluate("getComputedStyle(document.body).outlineStyle") != "solid"
