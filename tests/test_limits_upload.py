"""What one account can carry (issue 11 item 1): an upload over a file limit is a 422 naming the
list, the limit and the count; within it, the analysis keeps the newest posts and comments, the
report says so, and the report JSON, page and CSV stay bounded whatever the file holds."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from big_uploads import ISSUE_ROWS, dated_rows_csv, many_rows_csv, worst_json

from webapp.models import Platform
from webapp.pipeline.scraping.limits import (
    MAX_COMMENTS,
    MAX_COMMENTS_PER_POST,
    MAX_FOLLOWER_HISTORY,
    MAX_FOLLOWER_SAMPLE,
    MAX_POSTS,
    UPLOAD_MAX_COMMENTS,
    UPLOAD_MAX_FOLLOWER_HISTORY,
    UPLOAD_MAX_FOLLOWER_SAMPLE,
    UPLOAD_MAX_POSTS,
    within_limits,
)
from webapp.pipeline.scraping.result import (
    AccountStub,
    Comment,
    FollowerCount,
    Post,
    Profile,
    ScrapeResult,
)
from webapp.report_view import POSTS_SHOWN

from conftest import START, RunApp, Running

UPLOAD = "/api/analyze/upload"
CSV_FIELDS = {"platform": "instagram", "handle": "big.account", "followers": "250000"}

# Bounds for the biggest report any upload can make (tests/big_uploads.py's worst_json, measured
# at ~0.7 MB of JSON, ~0.5 MB of page and ~0.4 MB of CSV); before the limits, the issue's file
# made a 75 MB report and a 157 MB page.
REPORT_JSON_BOUND = 1_000_000
PAGE_BOUND = 1_000_000
CSV_BOUND = 500_000


async def _upload(app: Running, content: bytes, **fields: str) -> httpx.Response:
    return await app.client.post(
        UPLOAD, data=fields, files={"file": ("export", content, "application/octet-stream")}
    )


async def _completed(app: Running, response: httpx.Response) -> str:
    assert response.status_code == 202, response.text
    job_id = str(response.json()["job_id"])
    await app.wait_for_status(job_id, "completed", timeout=60)
    return job_id


def _error(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    return dict(response.json()["error"])


# --- the issue's file ----------------------------------------------------------------------------


async def test_the_issues_349522_row_csv_is_refused_naming_the_limit(run_app: RunApp) -> None:
    content = many_rows_csv()
    async with run_app() as app:
        assert len(content) <= app.settings.max_upload_bytes, "the file passes the size limit"
        response = await _upload(app, content, **CSV_FIELDS)
        error = _error(response)
        assert app.count_jobs() == 0

    assert error["code"] == "invalid_upload"
    assert error["message"] == (
        f"The CSV has {ISSUE_ROWS:,} posts; an upload takes at most {UPLOAD_MAX_POSTS:,} (the "
        f"analysis reads only the newest {MAX_POSTS}). Upload the newest {MAX_POSTS} posts."
    )
    assert error["details"]["path"] == "posts"
    assert error["details"]["limit"] == UPLOAD_MAX_POSTS
    assert error["details"]["given"] == ISSUE_ROWS
    assert error["details"]["analysed"] == MAX_POSTS


async def test_the_form_shows_the_limit_next_to_the_file_field(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post(
            "/",
            data=CSV_FIELDS,
            files={"file": ("posts.csv", many_rows_csv(), "text/csv")},
            headers={"HX-Request": "true"},
        )
        assert app.count_jobs() == 0
    assert response.status_code == 422
    error = re.search(r'<p class="field__error" id="file-error">(.*?)</p>', response.text, re.S)
    assert error is not None
    assert f"The CSV has {ISSUE_ROWS:,} posts; an upload takes at most 10,000" in error.group(1)


# --- over a file limit: a 422 before any model is built ------------------------------------------


def _scrape_result(**lists: list[Any]) -> dict[str, Any]:
    return {
        "platform": "instagram",
        "profile": {"handle": "big.account", "followers": 1000, "post_count": 1},
        "source": "export",
        **lists,
    }


@pytest.mark.parametrize(
    ("field", "limit", "noun", "analysed"),
    [
        ("posts", UPLOAD_MAX_POSTS, "posts", "only the newest 500"),
        ("comments", UPLOAD_MAX_COMMENTS, "comments", "the newest 5,000, at most 200 a post"),
        ("follower_sample", UPLOAD_MAX_FOLLOWER_SAMPLE, "accounts", "the first 1,000"),
        ("follower_history", UPLOAD_MAX_FOLLOWER_HISTORY, "days", "the newest 1,096 days"),
    ],
)
async def test_a_json_list_over_its_file_limit_is_refused_naming_it(
    run_app: RunApp, field: str, limit: int, noun: str, analysed: str
) -> None:
    # Empty objects: were they validated first, the message would be about a missing field.
    data = _scrape_result(**{field: [{}] * (limit + 1)})
    content = json.dumps(data, indent=1).encode()
    async with run_app() as app:
        error = _error(await _upload(app, content, platform="instagram"))
        assert app.count_jobs() == 0
    assert error["message"].startswith(
        f"The file's {field} has {limit + 1:,} {noun}; an upload takes at most {limit:,} "
        f"(the analysis reads {analysed})."
    )
    assert error["details"]["path"] == field
    assert error["details"]["limit"] == limit
    assert error["details"]["given"] == limit + 1
    assert error["details"]["line"] == 9, "the line where the list starts"


async def test_too_many_coverage_notes_are_refused(run_app: RunApp) -> None:
    content = json.dumps(_scrape_result(coverage=["n"] * 51)).encode()
    async with run_app() as app:
        error = _error(await _upload(app, content, platform="instagram"))
    assert error["message"].startswith(
        "The file's coverage has 51 notes; an upload takes at most 50"
    )
    assert error["details"]["limit"] == 50


# --- text fields ---------------------------------------------------------------------------------


async def test_a_csv_cell_over_its_length_is_refused_with_line_and_column(run_app: RunApp) -> None:
    url = "https://www.instagram.com/p/" + "a" * 600
    content = (
        f"published_at,likes,comments,url\n2026-11-20,1,1,https://x.test/\n2026-11-21,1,1,{url}\n"
    )
    async with run_app() as app:
        error = _error(await _upload(app, content.encode(), **CSV_FIELDS))
    assert error["message"] == (
        f"Line 3, column url: the text is {len(url):,} characters long; a url holds at most 512. "
        "Shorten it."
    )
    assert error["details"] == {
        "field": "file",
        "line": 3,
        "column": "url",
        "limit": 512,
        "given": len(url),
    }


@pytest.mark.parametrize(
    ("path", "value", "limit"),
    [
        (("posts", 0, "id"), "p" * 129, 128),
        (("comments", 0, "author"), "a" * 129, 128),
        (("follower_sample", 0, "username"), "f" * 129, 128),
        (("posts", 0, "caption"), "c" * 10_001, 10_000),
        (("source",), "s" * 101, 100),
    ],
)
async def test_a_json_text_over_its_length_is_refused_naming_the_field(
    run_app: RunApp, path: tuple[str | int, ...], value: str, limit: int
) -> None:
    data = _scrape_result(
        posts=[{"id": "p1", "published_at": "2026-11-20T00:00Z", "kind": "photo"}],
        comments=[{"post_id": "p1", "author": "a", "published_at": "2026-11-20T01:00Z"}],
        follower_sample=[{"username": "f"}],
    )
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    async with run_app() as app:
        error = _error(await _upload(app, json.dumps(data).encode(), platform="instagram"))
    dotted = ".".join(str(part) for part in path)
    assert f"field {dotted}: String should have at most {limit} characters" in error["message"]


async def test_a_csv_with_thousands_of_unknown_columns_names_a_few(run_app: RunApp) -> None:
    extra = [f"column_{index}_{'x' * 60}" for index in range(5_000)]
    header = ",".join(["published_at", "likes", "comments", *extra])
    rows = [f"2026-11-2{day},10,1" + "," * len(extra) for day in range(3)]
    content = "\n".join([header, *rows]).encode()
    async with run_app() as app:
        job_id = await _completed(app, await _upload(app, content, **CSV_FIELDS))
        report = (await app.client.get(f"/api/report/{job_id}")).json()
    (note,) = [note for note in report["coverage"] if note.startswith("unknown CSV columns")]
    assert note.endswith(", and 4,990 more")
    assert len(note) < 1_000


# --- within the file limits: the newest are kept, and the report says so -------------------------


async def test_a_csv_over_the_analysis_limit_keeps_its_newest_posts(run_app: RunApp) -> None:
    newest = START - timedelta(hours=1)
    rows = MAX_POSTS + 100
    async with run_app() as app:
        job_id = await _completed(
            app, await _upload(app, dated_rows_csv(rows, newest), **CSV_FIELDS)
        )
        report = (await app.client.get(f"/api/report/{job_id}")).json()
        page = (await app.client.get(f"/reports/{job_id}")).text
        csv = (await app.client.get(f"/api/report/{job_id}.csv")).text

    posts = report["posts"]
    assert len(posts) == MAX_POSTS
    assert posts[0]["published_at"] == "2026-11-28T11:00:00.000Z"
    # Rows are an hour apart, newest first: the 500th newest is 499 hours (20 days 19 hours)
    # older.
    assert posts[-1]["published_at"] == "2026-11-07T16:00:00.000Z"
    assert report["profile"]["posts"] == rows, "the account's post count is the file's"
    assert (
        f"analysed the newest {MAX_POSTS} of {rows} posts; older posts were left out (the "
        f"analysis reads at most {MAX_POSTS})" in report["coverage"]
    )
    assert csv.count("\r\n") == MAX_POSTS + 1, "the CSV export holds every analysed post"

    table = re.search(r'<table class="evidence__table posts__table">(.*?)</table>', page, re.S)
    assert table is not None
    assert table.group(1).count("<tr>") == POSTS_SHOWN + 1  # with the header row
    assert (
        f"Showing the newest {POSTS_SHOWN} of {MAX_POSTS} posts; every post is in the "
        f'<a href="/api/report/{job_id}.csv" download>CSV export</a>.'
    ) in page
    assert f"analysed the newest {MAX_POSTS} of {rows} posts" in page


async def test_the_biggest_upload_gives_a_bounded_report_page_and_csv(run_app: RunApp) -> None:
    # Every list over the analysis limit, every id and link as long as allowed, within 5 MiB.
    content = worst_json(START, posts=1_200, comments=6_000, followers=2_000, days=2_000)
    async with run_app() as app:
        assert len(content) <= app.settings.max_upload_bytes
        response = await _upload(app, content, platform="instagram")
        job_id = await _completed(app, response)
        report_json = (await app.client.get(f"/api/report/{job_id}")).content
        page = (await app.client.get(f"/reports/{job_id}")).content
        job_page = (await app.client.get(f"/jobs/{job_id}")).content
        csv = (await app.client.get(f"/api/report/{job_id}.csv")).content

    assert len(report_json) < REPORT_JSON_BOUND
    assert len(page) < PAGE_BOUND
    assert len(job_page) < PAGE_BOUND
    assert len(csv) < CSV_BOUND
    report = json.loads(report_json)
    assert len(report["posts"]) == MAX_POSTS
    assert len(report["follower_history"]) <= MAX_FOLLOWER_HISTORY + 1  # and today's count
    coverage = report["coverage"]
    assert f"analysed the newest {MAX_POSTS} of 1,200 posts" in coverage[-4]
    assert coverage[-3] == f"analysed the newest {MAX_COMMENTS:,} of 6,000 comments"
    assert coverage[-2] == f"analysed the first {MAX_FOLLOWER_SAMPLE:,} of 2,000 sampled followers"
    assert coverage[-1] == (
        f"analysed the newest {MAX_FOLLOWER_HISTORY:,} of 2,000 daily follower counts"
    )
    audience = {s["key"]: s for s in report["sections"]}["audience"]
    sizes = {entry["metric"]["sample_size"] for entry in audience["metrics"]}
    assert max(sizes) == MAX_FOLLOWER_SAMPLE


# --- the cut itself ------------------------------------------------------------------------------


def _post(index: int) -> Post:
    return Post(id=f"p{index}", published_at=START - timedelta(hours=index), kind="photo")


def _comment(post: int, minutes: int) -> Comment:
    return Comment(
        post_id=f"p{post}",
        author=f"fan{minutes}",
        published_at=START - timedelta(minutes=minutes),
    )


def _result(**lists: Any) -> ScrapeResult:
    return ScrapeResult(
        platform=Platform.INSTAGRAM,
        profile=Profile(handle="big.account", followers=1000, post_count=1000),
        source="export",
        **lists,
    )


def test_an_account_within_the_limits_is_left_as_it_is() -> None:
    result = _result(
        posts=[_post(i) for i in range(MAX_POSTS)],
        comments=[_comment(0, i) for i in range(MAX_COMMENTS_PER_POST)],
        follower_sample=[AccountStub(username=f"f{i}") for i in range(MAX_FOLLOWER_SAMPLE)],
    )
    assert within_limits(result) is result


def test_the_newest_posts_are_kept_and_comments_on_the_others_dropped() -> None:
    # Listed oldest first, so "the first 500" would be the wrong ones.
    posts = [_post(i) for i in reversed(range(MAX_POSTS + 20))]
    comments = [_comment(0, 1), _comment(MAX_POSTS + 5, 2), _comment(999_999, 3)]
    cut = within_limits(_result(posts=posts, comments=comments, coverage=["from the export"]))

    assert {post.id for post in cut.posts} == {f"p{i}" for i in range(MAX_POSTS)}
    assert [post.id for post in cut.posts[-2:]] == ["p1", "p0"], "the file's order is kept"
    # The comment on a dropped post goes; one naming no post of the file stays as it was.
    assert [comment.post_id for comment in cut.comments] == ["p0", "p999999"]
    assert cut.coverage == [
        "from the export",
        f"analysed the newest {MAX_POSTS} of {MAX_POSTS + 20} posts; older posts were left out "
        f"(the analysis reads at most {MAX_POSTS})",
        f"left out 1 comments on posts older than the newest {MAX_POSTS}",
    ]


def test_comments_keep_the_newest_of_each_post_then_the_newest_overall() -> None:
    posts = [_post(i) for i in range(40)]
    # Post 0: 300 comments (100 over its limit); posts 1-39: 150 each, 6,150 in all.
    comments = [_comment(0, minutes) for minutes in range(300)]
    comments += [_comment(post, 1_000 * post + m) for post in range(1, 40) for m in range(150)]
    cut = within_limits(_result(posts=posts, comments=comments))

    assert len(cut.comments) == MAX_COMMENTS
    on_first = [c for c in cut.comments if c.post_id == "p0"]
    assert len(on_first) == MAX_COMMENTS_PER_POST
    assert max(c.published_at for c in on_first) == START
    newest_dropped = max(
        c.published_at for c in comments if c not in cut.comments and c.post_id != "p0"
    )
    assert newest_dropped < min(c.published_at for c in cut.comments), "the oldest went"
    assert cut.coverage == [
        f"analysed the newest {MAX_COMMENTS_PER_POST} comments of each of 1 posts with more",
        f"analysed the newest {MAX_COMMENTS:,} of 6,050 comments",
    ]


def test_the_follower_sample_keeps_its_first_and_the_history_its_newest_days() -> None:
    sample = [AccountStub(username=f"f{i}") for i in range(MAX_FOLLOWER_SAMPLE + 1)]
    days = MAX_FOLLOWER_HISTORY + 10
    history = [
        FollowerCount(day=(START - timedelta(days=days - i)).date(), followers=i)
        for i in range(days)
    ]
    cut = within_limits(_result(follower_sample=sample, follower_history=history))

    assert cut.follower_sample == sample[:MAX_FOLLOWER_SAMPLE]
    assert cut.follower_history == history[10:]
