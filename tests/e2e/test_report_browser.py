"""The report in Chromium: the verdict in the first viewport on desktop and phone, reasons that
jump to their evidence, charts drawn at a readable size, no page-wide horizontal scroll, the CSV
download, a short printed PDF whose first page carries the verdict, and the job page that brings
the verdict into view when the report arrives."""

from __future__ import annotations

import re
import time
import zlib
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
    expect(summary.locator(".verdict__label")).to_have_text(re.compile(r"^Avoid"))
    assert top(page, ".summary") < top(page, "#section-engagement")
    reason = page.locator(".reasons a").first
    expect(reason).to_contain_text(re.compile("audience", re.IGNORECASE))
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


@pytest.fixture(scope="module")
def authentic_report(base_url: str) -> str:
    return finished_report(base_url, "demo.authentic")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_verdict_is_in_the_first_viewport(
    new_context: NewContext, authentic_report: str, screenshots: Path, width: int
) -> None:
    height = 900 if width > 400 else 844
    page = new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(authentic_report)
    verdict = page.locator(".verdict")
    expect(verdict.locator(".verdict__label")).to_have_text("Recommended")
    box = verdict.bounding_box()
    assert box is not None
    assert box["y"] + 100 <= height, box  # score and verdict show without scrolling
    assert top(page, ".summary") < top(page, "#section-engagement")
    assert_no_horizontal_overflow(page)
    # Tables scroll inside their box on a phone, never the page.
    page.locator("#posts summary").click()
    expect(page.locator(".posts__table")).to_be_visible()
    assert_no_horizontal_overflow(page)
    page.screenshot(path=screenshots / f"report-first-screen-{width}.png")


class PdfPages:
    """Text of each page of a PDF Chromium wrote: its pages, their fonts' ToUnicode maps and the
    strings shown with Tj / TJ. Enough for Chromium's (Skia's) output, not a general reader."""

    OBJECT = re.compile(rb"(\d+) 0 obj(.*?)(?:(stream\r?\n)|endobj)", re.S)

    def __init__(self, pdf: bytes) -> None:
        self.objects: dict[int, tuple[bytes, bytes]] = {}
        for match in self.OBJECT.finditer(pdf):
            head, data = match.group(2), b""
            if match.group(3):
                length = re.search(rb"/Length (\d+)", head)
                assert length is not None
                data = pdf[match.end() : match.end() + int(length.group(1))]
                if b"/FlateDecode" in head:
                    data = zlib.decompress(data)
            self.objects[int(match.group(1))] = (head, data)

    def texts(self) -> list[str]:
        return [
            self._text(head)
            for head, _ in self.objects.values()
            if re.match(rb"\s*<<\s*/Type /Page\b(?!s)", head)
        ]

    def _text(self, page: bytes) -> str:
        maps = {
            name: self._unicode(int(ref)) for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", page)
        }
        contents = re.search(rb"/Contents (\d+) 0 R", page)
        assert contents is not None
        words: list[str] = []
        font: dict[int, str] = {}
        for token in re.finditer(
            rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)>|(ET)", self.objects[int(contents.group(1))][1]
        ):
            if token.group(1):
                font = maps.get(token.group(1), {})
            elif token.group(3):
                words.append(" ")
            else:
                raw = bytes.fromhex(token.group(2).decode())
                words.extend(
                    font.get(int.from_bytes(raw[i : i + 2]), "") for i in range(0, len(raw), 2)
                )
        return "".join(words)

    def _unicode(self, font: int) -> dict[int, str]:
        ref = re.search(rb"/ToUnicode (\d+) 0 R", self.objects[font][0])
        if ref is None:
            return {}
        data = self.objects[int(ref.group(1))][1]
        table: dict[int, str] = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for low, high, dst in re.findall(rb"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
                for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                    table[code] = chr(int(dst, 16) + offset)
        return table


def test_printing_gives_a_short_pdf_with_the_verdict_on_page_one(
    context: BrowserContext, authentic_report: str, screenshots: Path
) -> None:
    page = context.new_page()
    page.goto(authentic_report)
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".report-toc")).to_be_hidden()
    expect(page.locator(".demo-banner")).to_be_visible()  # demo stays labelled on paper
    # Evidence tables stay on screen; a printed line says where to see them.
    expect(page.locator("#m-engagement-rate_median table")).to_be_hidden()
    expect(page.locator(".print-note")).to_contain_text("evidence tables")
    expect(page.locator(".posts__table tbody tr:visible")).to_have_count(8)
    score = page.locator(".verdict__value").inner_text().split("/")[0].strip()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    (screenshots / "report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 2 <= pages <= 5, pages
    texts = PdfPages(pdf).texts()
    assert len(texts) == pages
    assert "Recommended" in texts[0]
    assert score in texts[0]
    assert "Followers over time" in texts[0]  # the first screen's chart, on page one
    assert "Recommended" not in "".join(texts[1:])


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


def test_the_job_page_scrolls_the_verdict_into_view_when_the_report_arrives(
    new_context: NewContext, base_url: str
) -> None:
    # A phone: the progress card fills the first screen, so the report lands below the fold.
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    response = httpx.post(
        base_url + "/api/analyze",
        json={"handle": "e2e_scroll_live", "platform": "instagram", "refresh": True},
        timeout=10,
    )
    page.goto(f"/jobs/{response.json()['job_id']}")
    assert page.evaluate("window.scrollY") == 0
    summary = page.locator("#job-report .summary")
    expect(summary).to_be_visible(timeout=JOB_TIMEOUT_MS)
    # The card's top reaches the top of the window (smoothly, so wait for it to get there).
    # A function, not an expression: Playwright evaluates a bare expression with eval, which
    # the page's Content-Security-Policy forbids.
    page.wait_for_function(
        "() => Math.abs(document.querySelector('#job-report .summary')"
        ".getBoundingClientRect().top) <= 2 && window.scrollY > 0",
        timeout=5_000,
    )
    expect(summary.locator(".verdict")).to_be_in_viewport()
