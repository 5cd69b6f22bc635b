"""Sharing in Chromium: the report page's Share link opens a read-only view (no navigation, no
forms) that works on a phone, prints with the verdict and score on page one, and both the report
page and the shared view download the one-page summary PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .test_browser import NewContext, assert_no_horizontal_overflow
from .test_report_browser import finished_report


@pytest.fixture(scope="module")
def pod_report(base_url: str) -> str:
    return finished_report(base_url, "demo.pod")


def pdf_pages(body: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]


def open_shared(page: Page, report: str) -> tuple[str, str]:
    """Follow the report page's Share link; return the shared URL and the page's score."""
    page.goto(report)
    score = page.locator(".verdict__value").inner_text().split("/")[0].strip()
    page.get_by_text("Share", exact=True).click()
    link = page.get_by_label("Read-only link")
    expect(link).to_be_visible()
    url = link.input_value()
    assert "/share/" in url
    assert report.removeprefix("/reports/") not in url
    page.goto(url)
    return url, score


def test_the_shared_view_is_read_only(page: Page, pod_report: str, screenshots: Path) -> None:
    url, score = open_shared(page, pod_report)
    assert page.url == url
    expect(page.locator(".verdict__value")).to_contain_text(score)
    expect(page.locator(".demo-banner")).to_be_visible()
    expect(page.get_by_text("Shared report · read-only")).to_be_visible()
    expect(page.locator("form")).to_have_count(0)
    expect(page.locator("input, select, textarea")).to_have_count(0)
    expect(page.locator('nav[aria-label="Main"]')).to_have_count(0)
    expect(page.locator('a[href^="/jobs"], a[href="/"], a[href^="/reports"]')).to_have_count(0)
    expect(page.locator('meta[name="robots"]')).to_have_attribute("content", "noindex, nofollow")
    page.screenshot(path=screenshots / "share-desktop.png", full_page=False)


def test_the_shared_view_fits_a_phone(
    new_context: NewContext, pod_report: str, screenshots: Path
) -> None:
    page = new_context(viewport={"width": 375, "height": 740}).new_page()
    open_shared(page, pod_report)
    expect(page.locator(".verdict")).to_be_in_viewport()
    assert_no_horizontal_overflow(page)
    page.screenshot(path=screenshots / "share-phone.png", full_page=False)


def test_printing_the_shared_view_puts_the_summary_on_page_one(
    page: Page, pod_report: str, screenshots: Path
) -> None:
    open_shared(page, pod_report)
    verdict = page.locator(".verdict__label").inner_text().split(":")[0]
    score = page.locator(".verdict__value").inner_text().split("/")[0].strip()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    (screenshots / "share-print.pdf").write_bytes(pdf)
    texts = pdf_pages(pdf)
    assert verdict in texts[0]
    assert score in texts[0]
    assert "demo data" in texts[0].lower()  # upper-cased by the stylesheet
    assert "Engagement" in texts[0]  # the key figures, not only the title


@pytest.mark.parametrize("where", ["report", "shared"])
def test_the_summary_pdf_downloads(
    page: Page, pod_report: str, screenshots: Path, where: str
) -> None:
    if where == "shared":
        open_shared(page, pod_report)
        link = page.get_by_role("link", name="Download summary (PDF)")
    else:
        page.goto(pod_report)
        link = page.get_by_role("link", name="Download summary (PDF)").first
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "summary-instagram-demo.pod-demo.pdf"
    body = Path(download.value.path()).read_bytes()
    (screenshots / f"summary-{where}.pdf").write_bytes(body)
    texts = pdf_pages(body)
    assert len(texts) == 1
    assert "Verdict: Avoid" in texts[0]
    assert "DEMO DATA" in texts[0]
