"""The HTML report: a first screen with the verdict, vetoes and red flags, key figures and the
followers chart; reasons that link to their evidence; a section per family with its charts,
ratings, folded families that found nothing, evidence rows that name their posts; the method;
the CSV link; and old reports still readable."""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from contextlib import closing
from html.parser import HTMLParser
from typing import Any

from webapp.models import Flag, MethodNote, Reason, ReportResponse
from webapp.templating import metric_value

from conftest import RunApp, Running

DASH = "\u2013"  # between the ends of a range
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


def first_screen(html: str) -> str:
    """The summary card: everything above the first section."""
    return html[html.index('class="card summary"') : html.index('class="report-section"')]


def card_of(html: str, anchor: str) -> str:
    """A metric's card, from its `<li` to its end."""
    start = html.rindex("<li", 0, html.index(f'id="{anchor}"'))
    return html[start : html.index("</li>", start)]


def store(app: Running, job_id: str, body: str) -> None:
    """Replace a stored report's JSON, as a newer analysis (or an older one) would have left it."""
    with closing(sqlite3.connect(app.settings.database)) as db, db:
        db.execute("UPDATE reports SET body = ? WHERE job_id = ?", (body, job_id))


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
    assert 'class="verdict verdict--avoid' in html
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
    # The followers chart is on the first screen, with the bought followers on its history.
    summary = first_screen(html)
    assert summary.count("<svg") == 1
    assert "chart__spike" in summary
    assert "Followers over time" in summary


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
        store(app, job_id, ReportResponse.model_validate(old).model_dump_json())
        page = await app.client.get(f"/reports/{job_id}")
    assert page.status_code == 200
    assert 'id="metric-engagement_rate_median"' in page.text
    assert "<svg" not in page.text
    assert 'class="verdict' not in page.text


VETO = Flag(
    rule="Under 50 % of sampled followers look real",
    text="12 % of 50 sampled followers (6) look real",
    section="audience",
    metric="quality_audience_share",
)
RED_FLAG = Flag(
    rule="Follower spike over 5 robust z",
    text="+68,628 on 2026-10-25",
    section="growth",
    metric="spikes",
)


def with_new_fields(report: ReportResponse) -> ReportResponse:
    """The report as the reworked analysis will fill it: vetoes, red flags, unmeasured parts,
    an interval and ratings, and method notes."""
    assert report.score is not None
    sections = []
    for section in report.sections:
        metrics = []
        for entry in section.metrics:
            metric = entry.metric
            if entry.key in ("quality_audience_share", "fake_share"):
                metric = metric.model_copy(update={"interval": (7.5, 24.3), "rating": "bad"})
            elif entry.key == "rate_median":
                metric = metric.model_copy(update={"rating": "watch"})
            elif entry.key == "rate_mean":
                metric = metric.model_copy(update={"rating": None})
            metrics.append(entry.model_copy(update={"metric": metric}))
        sections.append(section.model_copy(update={"metrics": metrics}))
    score = report.score.model_copy(
        update={
            "vetoes": [VETO],
            "red_flags": [RED_FLAG],
            "unmeasured": [
                Reason(text="Comment sentiment: comments hidden", section="comments", metric=None)
            ],
        }
    )
    method = [
        MethodNote(
            topic="Engagement band", statement="Mid accounts engage 1-2 %.", source="IMH 2024"
        ),
        MethodNote(topic="Spike threshold", statement="A spike is over 5 robust z.", source=None),
    ]
    return report.model_copy(update={"score": score, "sections": sections, "method": method})


def metric_of(report: dict[str, Any], section_key: str, key: str) -> dict[str, Any]:
    return dict(
        next(
            entry["metric"]
            for section in report["sections"]
            if section["key"] == section_key
            for entry in section["metrics"]
            if entry["key"] == key
        )
    )


async def test_the_first_screen_holds_verdict_flags_and_key_figures(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, _, report = await report_page(app, "demo.bought")
        store(app, job_id, with_new_fields(ReportResponse.model_validate(report)).model_dump_json())
        html = (await app.client.get(f"/reports/{job_id}")).text
    summary = first_screen(html)
    # A veto shows as a veto: the verdict names its rule, the score is struck next to it, and
    # the chip carries the rule and the numbers that triggered it.
    assert 'class="verdict verdict--avoid verdict--vetoed"' in summary
    assert f"Avoid: {VETO.rule}" in summary
    assert f"<s>{round(report['score']['value'])}</s>" in summary
    veto = summary[summary.index('class="chip chip--veto"') :]
    assert VETO.rule in veto[: veto.index("</li>")]
    assert VETO.text in veto[: veto.index("</li>")]
    assert 'href="#m-audience-quality_audience_share"' in veto[: veto.index("</li>")]
    red = summary[summary.index('class="chip chip--flag"') :]
    assert RED_FLAG.rule in red[: red.index("</li>")]
    assert 'href="#m-growth-spikes"' in red[: red.index("</li>")]
    assert "Not measured:" in summary
    # Engagement on its band: below the mid band, the marker left of the band's start.
    position = metric_of(report, "engagement", "position")
    assert position["value"] < report["benchmark"]["low"]
    marker = re.search(r'class="band__marker band__marker--below at-(\d+)"', summary)
    band_start = re.search(r'class="band__range at-(\d+) span-\d+"', summary)
    assert marker is not None
    assert band_start is not None
    assert int(marker.group(1)) < int(band_start.group(1))
    assert "Below</strong> the mid band" in summary
    assert 'class="rating rating--watch"' not in summary  # position is not rated
    # Audience quality with its interval, rated.
    assert f"95 % CI 7.5{DASH}24.3 %" in summary
    assert 'class="rating rating--bad">Bad<' in summary
    # The price band, and the cost per genuine viewer.
    low = ReportResponse.model_validate(report).sections[-1].metrics
    prices = {entry.key: metric_value(entry.metric) for entry in low}
    assert f"{prices['price_low']}{DASH}{prices['price_high']}" in summary
    assert prices["cost_per_genuine_viewer"] in summary
    assert "<svg" in summary  # the followers chart


async def test_a_score_without_a_veto_is_not_struck(run_app: RunApp) -> None:
    async with run_app() as app:
        _, html, report = await report_page(app, "demo.authentic")
    summary = first_screen(html)
    assert "<s>" not in summary
    assert "chip--veto" not in summary
    assert 'class="verdict verdict--recommended"' in summary
    assert f">{round(report['score']['value'])}<" in summary
    assert "Within</strong> the macro band" in summary


async def test_a_family_that_found_nothing_folds_into_one_line(run_app: RunApp) -> None:
    async with run_app() as app:
        _, html, report = await report_page(app, "demo.authentic")
    brand = [
        entry
        for section in report["sections"]
        if section["key"] == "content"
        for entry in section["metrics"]
        if entry["key"].startswith("brand_safety.")
    ]
    assert len(brand) == 7
    assert all(entry["metric"]["value"] == 0 for entry in brand)
    posts = brand[0]["metric"]["sample_size"]
    line = re.search(
        r'<details class="folded">\s*<summary>(.*?)</summary>(.*?)</details>\n', html, re.S
    )
    assert line, "no folded family"
    folded = re.findall(
        r'<details class="folded">\s*<summary><strong>Brand safety:</strong> (.*?)</summary>'
        r"(.*?)\n    </details>",
        html,
        re.S,
    )
    assert len(folded) == 1
    text, cards = folded[0]
    assert text.startswith(f"none found in {posts} posts (adult, gambling")
    # The seven cards are still there, behind the toggle, and nowhere else.
    for entry in brand:
        anchor = f'id="m-content-{entry["key"].replace(".", "-")}"'
        assert anchor in cards
        assert html.count(anchor) == 1


async def test_evidence_rows_show_the_date_caption_and_likes_of_their_post(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        _, html, report = await report_page(app, "demo.authentic")
    card = card_of(html, "m-engagement-rate_median")
    posts = {post["id"]: post for post in report["posts"]}
    evidence = metric_of(report, "engagement", "rate_median")["evidence"]
    assert evidence
    rows = re.findall(r"<tr>(.*?)</tr>", card[card.index("<tbody>") :], re.S)
    assert len(rows) == len(evidence)
    for row, item in zip(rows, evidence, strict=True):
        post = posts[item["ref"]]
        assert post["caption"], post["id"]
        assert f">{post['published_at'][:10]}</time>" in row
        assert f"{post['likes']:,}" in row
        caption = post["caption"].replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
        assert caption in row, (caption, row)
        assert f'title="Post {post["id"]}"' in row  # the id is still there, not the label


async def test_ratings_and_the_method_show_when_the_analysis_gives_them(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, html, report = await report_page(app, "demo.bought")
        # The analysis rates its metrics and states its method.
        assert 'class="rating ' in html
        assert 'id="method"' in html
        store(app, job_id, with_new_fields(ReportResponse.model_validate(report)).model_dump_json())
        html = (await app.client.get(f"/reports/{job_id}")).text
    card = card_of(html, "m-engagement-rate_median")
    assert "metric--watch" in card
    assert '<span class="rating rating--watch">Watch</span>' in card
    assert 'class="rating' not in card_of(html, "m-engagement-rate_mean")
    method = html[html.index('id="method"') :]
    assert "Method and assumptions" in method
    assert "Source: IMH 2024" in method
    assert '<span class="method__assumption">Assumption</span>' in method
    assert html.index('id="method"') > html.index('id="posts"')


async def test_a_report_stored_before_vetoes_and_captions_still_renders(run_app: RunApp) -> None:
    async with run_app() as app:
        job_id, _, report = await report_page(app, "demo.pod")
        for key in ("vetoes", "red_flags", "unmeasured"):
            del report["score"][key]
        del report["method"]
        for post in report["posts"]:
            del post["caption"]
        for section in report["sections"]:
            for entry in section["metrics"]:
                del entry["metric"]["interval"]
                del entry["metric"]["rating"]
        store(app, job_id, json.dumps(report))
        page = await app.client.get(f"/reports/{job_id}")
    assert page.status_code == 200
    assert 'class="verdict verdict--' in page.text
    assert "chip--" not in page.text
    assert 'id="method"' not in page.text
