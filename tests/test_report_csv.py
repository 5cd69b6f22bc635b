"""The posts CSV on its own: formula-looking text is defused, filenames are safe, demo is said."""

from __future__ import annotations

import csv
import io

import pytest

from webapp.models import Platform, PostRow, ProfileFigures, ReportMetrics, ReportResponse
from webapp.report_csv import COLUMNS, csv_filename, posts_csv

from conftest import FakeClock


def _metric_free_report(**changes: object) -> ReportResponse:
    blank = {
        "label": "x",
        "value": None,
        "unit": "percent",
        "explanation": "Not enough data (n=0).",
        "formula": "f",
        "sample_size": 0,
    }
    report = ReportResponse(
        job_id="job-1",
        handle="some.creator",
        platform=Platform.TIKTOK,
        source="tiktok-web",
        is_demo=False,
        generated_at="2026-11-28T12:00:00.000Z",
        profile=ProfileFigures(
            display_name="Some", followers=10, following=1, posts=1, verified=False, private=False
        ),
        metrics=ReportMetrics.model_validate(dict.fromkeys(ReportMetrics.model_fields, blank)),
        coverage=[],
    )
    return report.model_copy(update=changes)


def _post(**changes: object) -> PostRow:
    row = PostRow(
        id="123",
        url="https://www.tiktok.com/@some.creator/video/123",
        published_at=FakeClock().now().isoformat(),
        kind="short",
        likes=1200,
        comments=None,
        views=50_000,
        engagement_rate=2.5,
        in_engagement_rate=True,
        sponsored=True,
        disclosure="buried",
        brand_safety=["alcohol", "gambling"],
    )
    return row.model_copy(update=changes)


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_row_holds_the_post_and_its_flags() -> None:
    text = posts_csv(_metric_free_report(posts=[_post()]))
    assert text.splitlines()[0] == ",".join(COLUMNS)
    (row,) = _rows(text)
    assert row["likes"] == "1200"
    assert row["comments"] == ""  # hidden, not zero
    assert row["engagement_rate_percent"] == "2.5"
    assert row["in_engagement_rate"] == "yes"
    assert row["disclosure"] == "buried"
    assert row["brand_safety"] == "alcohol;gambling"
    assert row["data_source"] == "tiktok-web"


def test_text_a_spreadsheet_would_run_as_a_formula_is_defused() -> None:
    hostile = _post(id='=HYPERLINK("http://evil")', url="@SUM(1+1)", kind="-2+3")
    (row,) = _rows(posts_csv(_metric_free_report(posts=[hostile])))
    assert row["post_id"] == '\'=HYPERLINK("http://evil")'
    assert row["url"] == ""  # not an http(s) URL: no link, so nothing to defuse
    assert row["kind"] == "'-2+3"


@pytest.mark.parametrize(
    "value",
    [
        " =1+1",
        "\n=1+1",
        "\r\n+1",
        "\t-1",
        "\u00a0\u3000@SUM(A1)",
        "\u200b=1",  # zero-width space
        "\ufeff=1",  # byte-order mark
        '\uff1dHYPERLINK("http://evil")',  # full-width =
        "\uff0b1",  # full-width +
        "\uff0d1",  # full-width -
        "\uff20SUM(A1)",  # full-width @
        "\ufe66cmd",  # small =
        " \uff1d1",
        "\tplain",  # a leading tab or CR is defused on its own
        "\rplain",
        "\0plain",
    ],
)
def test_formula_hidden_behind_blanks_or_full_width_forms_is_defused(value: str) -> None:
    (row,) = _rows(posts_csv(_metric_free_report(posts=[_post(id=value, kind=value)])))
    assert row["post_id"] == "'" + value
    assert row["kind"] == "'" + value


@pytest.mark.parametrize("value", ["123", " 123", "a=b", "x+1", "\u3000text", "", "'=quoted"])
def test_ordinary_text_is_left_alone(value: str) -> None:
    (row,) = _rows(posts_csv(_metric_free_report(posts=[_post(id=value)])))
    assert row["post_id"] == value


def test_demo_reports_say_so_in_every_row_and_the_filename() -> None:
    report = _metric_free_report(posts=[_post(), _post(id="456")], is_demo=True, source="demo")
    assert {row["data_source"] for row in _rows(posts_csv(report))} == {"demo (synthetic)"}
    assert csv_filename(report) == "tiktok-some.creator-demo-posts.csv"


def test_the_filename_keeps_only_safe_characters() -> None:
    report = _metric_free_report(handle='../evil"\r\nname', platform=Platform.YOUTUBE)
    assert csv_filename(report) == "youtube-evil_name-posts.csv"
    assert csv_filename(_metric_free_report(handle="...")) == "tiktok-account-posts.csv"


def test_a_report_without_posts_is_just_the_header() -> None:
    assert posts_csv(_metric_free_report()) == ",".join(COLUMNS) + "\r\n"
