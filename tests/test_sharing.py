"""Sharing a report: a read-only link that survives restarts and expires with the report, and
the one-page summary PDF (from the API, the report page and the shared link)."""

from __future__ import annotations

import gc
import io
import re
import warnings
from html.parser import HTMLParser

from pypdf import PdfReader

from webapp.models import ReportResponse
from webapp.report_pdf import find_font_dir, summary_pdf

from conftest import RunApp, Running

BOTH_BACKENDS = True
SHARE_URL = re.compile(r'value="http://test(/share/([A-Za-z0-9_-]+))"')


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.add(tag)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag == "meta" and values.get("name"):
            self.meta[str(values["name"])] = str(values.get("content"))


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def pdf_text(body: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(body))
    return len(reader.pages), reader.pages[0].extract_text()


async def completed(app: Running, handle: str = "demo.bought") -> tuple[str, dict[str, object]]:
    job_id = await app.submit(handle)
    await app.wait_for_status(job_id, "completed")
    report = (await app.client.get(f"/api/report/{job_id}")).json()
    return job_id, dict(report)


async def share_path(app: Running, job_id: str) -> str:
    page = await app.client.get(f"/reports/{job_id}")
    assert page.status_code == 200
    match = SHARE_URL.search(page.text)
    assert match, "the report page shows its share link"
    assert f'href="/api/report/{job_id}.pdf"' in page.text  # "Download summary (PDF)"
    assert "Download summary (PDF)" in page.text
    return match.group(1)


async def test_the_shared_link_opens_the_report_read_only(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, report = await completed(app)
        path = await share_path(app, job_id)
        token = path.removeprefix("/share/")
        assert job_id not in token
        assert job_id.replace("-", "") not in token
        page = await app.client.get(path)
        assert page.status_code == 200
        assert page.headers["x-robots-tag"] == "noindex, nofollow"
        assert page.headers["referrer-policy"] == "no-referrer"
        html = page.text
        links = parsed(html)
        assert links.meta["robots"] == "noindex, nofollow"
        # The report is there, labelled demo data...
        assert "Avoid" in html
        assert "Demo data" in html
        assert f"{report['score']['value']:.0f}" in html  # type: ignore[index]
        # ...and nothing of the app around it: no forms, no navigation, no job id.
        assert "form" not in links.tags
        assert "input" not in links.tags
        assert 'aria-label="Main"' not in html
        assert job_id not in html
        app_links = [h for h in links.hrefs if h.startswith("/") and not h.startswith("/share/")]
        assert app_links == []
        assert links.hrefs.count(f"{path}.pdf") == 1


async def test_the_same_link_every_time_and_after_a_restart(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, _ = await completed(app)
        first = await share_path(app, job_id)
        assert await share_path(app, job_id) == first
    # The key was made on first use and kept in the store: a new process knows it.
    async with run_app() as app:
        assert await share_path(app, job_id) == first
        assert (await app.client.get(first)).status_code == 200


async def test_a_configured_secret_makes_the_links(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, _ = await completed(app)
        stored_key_link = await share_path(app, job_id)
    async with run_app(share_secret="a long random string for the links") as app:
        link = await share_path(app, job_id)
        assert link != stored_key_link
        assert (await app.client.get(link)).status_code == 200
        # Links made with another key are not this server's.
        assert (await app.client.get(stored_key_link)).status_code == 404


async def test_a_wrong_token_is_404(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, _ = await completed(app)
        path = await share_path(app, job_id)
        token = path.removeprefix("/share/")
        tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        for bad in (
            f"/share/{tampered}",
            f"/share/{job_id}",  # the job id itself is not a share link
            "/share/x",
            "/share/" + "A" * 500,
            "/share/%C3%A9t%C3%A9",
            f"/share/{tampered}.pdf",
        ):
            response = await app.client.get(bad)
            assert response.status_code == 404, bad
            assert "No such shared report" in response.text
            assert "form" not in parsed(response.text).tags


async def test_an_expired_link_says_so(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, _ = await completed(app)
        path = await share_path(app, job_id)
        app.clock.advance(app.settings.job_ttl_seconds + 1)
        for url in (path, f"{path}.pdf"):
            response = await app.client.get(url)
            assert response.status_code == 410, url
            assert "This shared report has expired" in response.text
            assert "Ask the person who sent the link for a new one" in response.text
            assert response.headers["x-robots-tag"] == "noindex, nofollow"


async def test_the_summary_pdf_is_one_page_with_the_verdict(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, report = await completed(app, "demo.pod")
        path = await share_path(app, job_id)
        score = f"{report['score']['value']:.0f}/100"  # type: ignore[index]
        for url in (f"/api/report/{job_id}.pdf", f"{path}.pdf"):
            response = await app.client.get(url)
            assert response.status_code == 200, url
            assert response.headers["content-type"] == "application/pdf"
            assert (
                'filename="summary-instagram-demo.pod-demo.pdf"'
                in (response.headers["content-disposition"])
            )
            pages, text = pdf_text(response.content)
            assert pages == 1
            flat = " ".join(text.split())
            assert "Verdict: Avoid" in flat
            assert f"Score {score}" in flat
            assert "DEMO DATA" in flat
            assert "Engagement pod" in flat  # the veto
            assert "Top reasons".upper() in flat
        # The shared PDF links to the shared page, not into the app.
        _, shared = pdf_text((await app.client.get(f"{path}.pdf")).content)
        assert job_id not in shared


async def test_the_pdf_of_a_job_without_a_report_is_an_api_error(run_app: RunApp) -> None:
    async with run_app() as app:
        unknown = await app.client.get("/api/report/7d7c3c7e-1d7b-4e55-9a52-000000000000.pdf")
        assert unknown.status_code == 404
        assert unknown.json()["error"]["code"] == "not_found"
        failed = await app.submit("demo.notfound")
        await app.wait_for_status(failed, "failed")
        response = await app.client.get(f"/api/report/{failed}.pdf")
        assert response.status_code == 409
        assert response.json()["error"]["details"]["error_code"] == "not_found"


async def test_every_archetype_fits_one_page_with_either_font(run_app: RunApp) -> None:
    async with run_app() as app:
        for handle in ("demo.authentic", "demo.bought", "demo.dormant", "demo.brand"):
            job_id, _ = await completed(app, handle)
            report = ReportResponse.model_validate_json(
                (await app.client.get(f"/api/report/{job_id}")).text
            )
            for font_dir in (find_font_dir(), None):  # None: the PDF's built-in Helvetica
                pages, text = pdf_text(summary_pdf(report, link="http://x/r", font_dir=font_dir))
                assert pages == 1, (handle, font_dir)
                assert "Verdict:" in text
                assert f"@{handle}" in text


def _overlong_report() -> ReportResponse:
    """A report whose text overflows the page at every type size but the smallest."""
    from webapp.models import Flag, QualityScore, Reason

    base = ReportResponse.model_validate_json(_minimal_report())
    flag = Flag(rule="Rule " * 40, text="Because " * 80, section="audience", metric=None)
    score = QualityScore(
        value=12,
        verdict="avoid",
        reasons=[Reason(text="Reason " * 120, section="growth", metric=None)] * 3,
        sub_scores=[],
        formula="weighted mean " * 30,
        vetoes=[flag] * 6,
        red_flags=[flag] * 6,
    )
    return base.model_copy(update={"score": score, "coverage": ["missing " * 60] * 5})


def test_overlong_text_still_fits_one_page() -> None:
    report = _overlong_report()
    pages, text = pdf_text(summary_pdf(report, font_dir=None))
    assert pages == 1
    assert "Score 12/100" in " ".join(text.split())


def _minimal_report() -> str:
    metric = {
        "label": "Median engagement",
        "value": 1.2,
        "unit": "percent",
        "explanation": "1.2% median",
        "formula": "median",
        "sample_size": 12,
    }
    return ReportResponse.model_validate(
        {
            "job_id": "7d7c3c7e-1d7b-4e55-9a52-000000000000",
            "handle": "someone",
            "platform": "youtube",
            "source": "youtube",
            "is_demo": False,
            "generated_at": "2026-12-01T10:00:00Z",
            "profile": {
                "display_name": "Some One \u2014 \U0001f525 \u65e5\u672c",
                "followers": 1000,
                "following": 10,
                "posts": 40,
                "verified": False,
                "private": False,
            },
            "metrics": {
                key: metric
                for key in (
                    "engagement_rate_median",
                    "engagement_rate_mean",
                    "engagement_rate_by_views",
                    "likes_comments_ratio",
                    "posts_per_week",
                    "days_since_last_post",
                )
            },
            "coverage": [],
        }
    ).model_dump_json()


def test_the_share_secret_is_read_from_the_environment_and_never_shown() -> None:
    from webapp.settings import Settings

    settings = Settings.from_env({"WEBAPP_SHARE_SECRET": "correct horse battery staple"})
    assert settings.share_secret == "correct horse battery staple"
    assert "correct horse" not in repr(settings)


def test_the_pdf_leaves_no_font_file_open() -> None:
    # fontTools reads a font lazily and keeps its file open; left to the garbage collector it
    # warns, which turned a later, unrelated test red.
    font_dir = find_font_dir()
    assert font_dir is not None, "the test set-up installs fonts-dejavu-core"
    # Laid out again in smaller type, so the pages that did not fit are thrown away too.
    report = _overlong_report()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        summary_pdf(report, link="http://x/r", font_dir=font_dir)
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
