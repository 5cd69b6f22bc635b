"""The batch API: creating a batch from pasted lines, JSON rows or a CSV file; its status, CSV
export and expiry. Each test runs on SQLite and on Redis (with a SAQ worker)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import redis

from conftest import RunApp, Running, wait_until

BOTH_BACKENDS = True

MIXED = "\n".join(
    [
        "handle,platform",  # 1: a header, skipped
        "batch.alpha",  # 2
        "@Batch.Alpha",  # 3: the same account as line 2
        "https://www.tiktok.com/@batch.beta",  # 4: the URL names TikTok
        "youtube.com/@batch.gamma",  # 5
        "",  # 6: blank
        "# a comment",  # 7
        "not a handle!",  # 8: bad
        "batch.delta,myspace",  # 9: bad platform
        "batch.delta\ttiktok",  # 10: a spreadsheet's two columns
        '=HYPERLINK("http://evil")',  # 11: bad, and a formula to a spreadsheet
    ]
)


async def create(app: Running, **body: Any) -> dict[str, Any]:
    response = await app.client.post("/api/batches", json=body)
    assert response.status_code == 202, response.text
    data: dict[str, Any] = response.json()
    assert response.headers["location"] == f"/api/batches/{data['batch_id']}"
    return data


async def wait_for_batch(app: Running, batch_id: str) -> dict[str, Any]:
    latest: dict[str, Any] = {}

    async def ended() -> bool:
        nonlocal latest
        response = await app.client.get(f"/api/batches/{batch_id}")
        assert response.status_code == 200, response.text
        latest = response.json()
        return latest["status"] == "completed"

    await wait_until(ended, timeout=20, what=f"batch {batch_id} to complete")
    return latest


def by_line(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {row["line"]: row for row in rows}


async def test_pasted_lines_make_one_job_per_account_and_report_bad_lines(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        created = await create(app, text=MIXED, platform="instagram")
        rows = by_line(created["rows"])
        assert sorted(rows) == [2, 3, 4, 5, 8, 9, 10, 11]
        assert (created["accepted"], created["rejected"]) == (5, 3)

        assert rows[2]["platform"] == "instagram"
        assert rows[2]["handle"] == "batch.alpha"
        assert rows[2]["deduplicated"] is False
        # Two spellings of one account: one job, both lines kept.
        assert rows[3]["job_id"] == rows[2]["job_id"]
        assert rows[3]["deduplicated"] is True
        assert (rows[4]["platform"], rows[4]["handle"]) == ("tiktok", "batch.beta")
        assert (rows[5]["platform"], rows[5]["handle"]) == ("youtube", "batch.gamma")
        assert (rows[10]["platform"], rows[10]["handle"]) == ("tiktok", "batch.delta")
        for line, code in ((8, "invalid_handle"), (9, "invalid_platform"), (11, "invalid_handle")):
            assert rows[line]["job_id"] is None
            assert rows[line]["error"]["code"] == code
            assert rows[line]["error"]["message"]
        assert "myspace" in rows[9]["error"]["message"]
        assert app.count_jobs() == 4


async def test_json_rows_take_their_own_platform_or_the_default(run_app: RunApp) -> None:
    async with run_app() as app:
        created = await create(
            app,
            rows=[
                {"handle": "rows.one"},
                {"handle": "rows.two", "platform": "TikTok"},
                {"handle": "https://www.youtube.com/@rows.three"},
                {"handle": "", "platform": "youtube"},
            ],
            platform="youtube",
        )
        rows = by_line(created["rows"])
        assert [rows[i]["platform"] for i in (1, 2, 3)] == ["youtube", "tiktok", "youtube"]
        assert rows[4]["error"]["code"] == "invalid_handle"
        assert created["accepted"] == 3


async def test_a_csv_file_is_read_by_its_header(run_app: RunApp) -> None:
    async with run_app() as app:
        data = "followers,platform,handle\n10,tiktok,csv.one\n,,csv.two\n5,instagram,bad..handle\n"
        response = await app.client.post(
            "/api/batches",
            files={"file": ("list.csv", data.encode(), "text/csv")},
            data={"platform": "youtube"},
        )
        assert response.status_code == 202, response.text
        rows = by_line(response.json()["rows"])
        assert (rows[2]["platform"], rows[2]["handle"]) == ("tiktok", "csv.one")
        assert (rows[3]["platform"], rows[3]["handle"]) == ("youtube", "csv.two")
        assert rows[4]["error"]["code"] == "invalid_handle"

        not_utf8 = await app.client.post(
            "/api/batches", files={"file": ("list.csv", b"handle\n\xff\xfe", "text/csv")}
        )
        assert not_utf8.status_code == 422
        assert "UTF-8" in not_utf8.json()["error"]["message"]
        assert app.count_jobs() == 2


async def test_an_account_analysed_before_is_reused_and_refresh_runs_it_again(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        earlier = await app.submit("reused.creator")
        await app.wait_for_status(earlier, "completed")
        created = await create(app, text="reused.creator\nfresh.creator")
        rows = by_line(created["rows"])
        assert rows[1]["job_id"] == earlier
        assert rows[1]["deduplicated"] is True
        assert rows[2]["deduplicated"] is False
        assert app.count_jobs() == 2

        refreshed = await create(app, text="reused.creator", refresh=True)
        assert refreshed["rows"][0]["job_id"] != earlier
        assert app.count_jobs() == 3


async def test_over_500_lines_is_refused_whole_and_500_are_taken(run_app: RunApp) -> None:
    async with run_app() as app:
        too_many = await app.client.post(
            "/api/batches", json={"text": "\n".join(f"limit.{i}" for i in range(501))}
        )
        assert too_many.status_code == 422
        error = too_many.json()["error"]
        assert error["code"] == "too_many_rows"
        assert error["details"] == {"limit": 500, "rows": 501}
        assert "500" in error["message"]
        assert app.count_jobs() == 0

        # 500 lines are within the limit (the same account: one job, 500 lines).
        created = await create(app, text="\n".join(["limit.same"] * 500))
        assert created["accepted"] == 500
        assert len({row["job_id"] for row in created["rows"]}) == 1
        assert app.count_jobs() == 1


async def test_a_batch_with_no_good_line_is_refused_listing_each_line(run_app: RunApp) -> None:
    async with run_app() as app:
        response = await app.client.post("/api/batches", json={"text": "bad handle\n\nfoo,myspace"})
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "no_valid_rows"
        assert [(d["line"], d["code"]) for d in error["details"]] == [
            (1, "invalid_handle"),
            (3, "invalid_platform"),
        ]
        for body in ({"text": "  \n# only a comment\n"}, {"rows": []}):
            empty = await app.client.post("/api/batches", json=body)
            assert empty.status_code == 422
            assert empty.json()["error"]["code"] == "no_valid_rows"
        for body in ({}, {"text": "a", "rows": [{"handle": "b"}]}, {"text": "a", "extra": 1}):
            wrong = await app.client.post("/api/batches", json=body)
            assert wrong.status_code == 422, body
            assert wrong.json()["error"]["code"] == "invalid_input"
        bad_callback = await app.client.post(
            "/api/batches", json={"text": "ok.handle", "callback_url": "javascript:alert(1)"}
        )
        assert bad_callback.status_code == 422
        assert app.count_jobs() == 0


async def test_a_batch_needing_more_slots_than_are_free_starts_nothing(run_app: RunApp) -> None:
    async with run_app(demo_delay_seconds=4.0, max_concurrency=1, max_queued=2) as app:
        response = await app.client.post(
            "/api/batches", json={"text": "slot.one\nslot.two\nslot.three"}
        )
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "queue_full"
        assert error["details"] == {"needed": 3, "free": 2}
        assert int(response.headers["retry-after"]) > 0
        assert app.count_jobs() == 0
        # Duplicates need no slot of their own.
        created = await create(app, text="slot.one\n@slot.one\nslot.two")
        assert created["accepted"] == 3


async def test_status_shows_progress_then_each_line_with_its_report_headline(
    run_app: RunApp,
) -> None:
    async with run_app() as app:
        created = await create(app, text="status.one\nstatus.two\n@status.one\ndemo.notfound\nbad!")
        status = await wait_for_batch(app, created["batch_id"])
        assert status["batch_id"] == created["batch_id"]
        assert status["total"] == 4
        assert status["rejected"] == 1
        assert status["counts"] == {
            "pending": 0,
            "processing": 0,
            "completed": 3,
            "failed": 1,
            "expired": 0,
        }
        assert status["percent"] == 100
        assert status["is_demo"] is True
        assert status["callback_url"] is None
        rows = by_line(status["rows"])
        done = rows[1]
        assert done["status"] == "completed"
        assert done["percent"] == 100
        report = (await app.client.get(done["report_url"])).json()
        assert done["score"] == report["score"]["value"]
        assert done["verdict"] == report["score"]["verdict"]
        assert done["is_demo"] is True
        assert done["followers"] == report["profile"]["followers"]
        band = report["benchmark"]
        assert done["engagement"]["band"] == {
            k: band[k] for k in ("tier", "low", "typical", "high")
        }
        rate = done["engagement"]["rate"]
        expected = "below" if rate < band["low"] else "above" if rate > band["high"] else "within"
        assert done["engagement"]["position"] == expected
        audience = {m["key"]: m["metric"] for s in report["sections"] for m in s["metrics"]}
        fake = audience["fake_share"]
        assert done["audience"]["genuine_share"] == round(100 - fake["value"], 2)
        assert done["audience"]["interval"] == [
            round(100 - fake["interval"][1], 2),
            round(100 - fake["interval"][0], 2),
        ]
        assert done["price"]["low"] == audience["price_low"]["value"]
        assert done["price"]["high"] == audience["price_high"]["value"]
        assert rows[3]["score"] == done["score"]
        assert rows[3]["deduplicated"] is True
        failed = rows[4]
        assert failed["status"] == "failed"
        assert failed["error_code"] == "not_found"
        assert failed["error_message"]
        assert failed["score"] is None
        assert failed["report_url"] is None
        assert rows[5]["status"] == "rejected"
        assert rows[5]["error"]["code"] == "invalid_handle"

        # Summaries were computed once and cached beside the jobs.
        assert count_summaries(app) == 2


def count_summaries(app: Running) -> int:
    if not app.settings.redis_url:
        return int(app.rows("SELECT count(*) FROM job_summaries")[0][0])
    with redis.Redis.from_url(app.settings.redis_url) as client:
        return sum(1 for _ in client.scan_iter(match="jobs:*:summary"))


def batch_stored(app: Running, batch_id: str) -> bool:
    if not app.settings.redis_url:
        return bool(app.rows("SELECT count(*) FROM batches WHERE id = ?", (batch_id,))[0][0])
    with redis.Redis.from_url(app.settings.redis_url) as client:
        return (
            bool(client.exists(f"batches:{batch_id}"))
            or client.zscore("batches:expiry", batch_id) is not None
        )


async def test_csv_export_has_every_line_with_formulas_defused(run_app: RunApp) -> None:
    async with run_app() as app:
        created = await create(app, text=MIXED)
        status = await wait_for_batch(app, created["batch_id"])
        response = await app.client.get(f"/api/batches/{created['batch_id']}.csv")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert "-demo.csv" in response.headers["content-disposition"]
        table = list(csv.DictReader(io.StringIO(response.text)))
        assert [int(r["line"]) for r in table] == [row["line"] for row in status["rows"]]
        lines = {int(r["line"]): r for r in table}
        first = by_line(status["rows"])[2]
        assert lines[2]["score"] == f"{first['score']:g}"
        assert lines[2]["verdict"] == first["verdict"]
        assert lines[2]["engagement_vs_band"] == first["engagement"]["position"]
        assert lines[2]["data"] == "demo (synthetic)"
        assert lines[3]["deduplicated"] == "yes"
        assert lines[11]["input"].startswith("'=")
        assert lines[11]["status"] == "rejected"
        assert lines[11]["error_code"] == "invalid_handle"


async def test_unknown_or_malformed_batch_ids_are_404(run_app: RunApp) -> None:
    async with run_app() as app:
        for batch_id in ("00000000-0000-4000-8000-000000000000", "nope", "x" * 300):
            for suffix in ("", ".csv", "/events"):
                response = await app.client.get(f"/api/batches/{batch_id}{suffix}")
                assert response.status_code == 404, (batch_id, suffix)
                assert response.json()["error"]["code"] == "not_found"


async def test_batches_expire_with_the_job_ttl_and_the_sweep_deletes_them(
    run_app: RunApp,
) -> None:
    async with run_app(job_ttl_seconds=600, sweep_interval_seconds=60) as app:
        created = await create(app, text="expiry.one\nexpiry.two")
        batch_id = created["batch_id"]
        await wait_for_batch(app, batch_id)
        assert batch_stored(app, batch_id)

        app.clock.advance(599)
        assert (await app.client.get(f"/api/batches/{batch_id}")).status_code == 200
        app.clock.advance(2)
        for suffix in ("", ".csv", "/events"):
            response = await app.client.get(f"/api/batches/{batch_id}{suffix}")
            assert response.status_code == 404
            assert "expired" in response.json()["error"]["message"]

        def swept() -> bool:
            app.clock.advance(60)  # keep the sweeper's interval coming round
            return not batch_stored(app, batch_id) and app.count_jobs() == 0

        await wait_until(swept, what="the sweep to delete the expired batch")
        assert count_summaries(app) == 0


async def test_a_line_whose_job_expired_shows_as_expired(run_app: RunApp) -> None:
    async with run_app(job_ttl_seconds=600) as app:
        old = await app.submit("old.creator")
        await app.wait_for_status(old, "completed")
        app.clock.advance(300)
        created = await create(app, text="old.creator\nnew.creator")
        await wait_for_batch(app, created["batch_id"])
        app.clock.advance(301)  # the old job's TTL is over; the batch's is not
        status = (await app.client.get(f"/api/batches/{created['batch_id']}")).json()
        rows = by_line(status["rows"])
        assert rows[1]["status"] == "expired"
        assert rows[1]["score"] is None
        assert rows[2]["status"] == "completed"
        assert status["counts"]["expired"] == 1
        assert status["status"] == "completed"
        events = await app.client.get(f"/api/batches/{created['batch_id']}/events")
        assert events.status_code == 200
        frames = parse_sse(events.text)
        assert [name for name, _ in frames] == ["progress", "end"]
        assert json.loads(frames[-1][1])["counts"]["expired"] == 1


def parse_sse(text: str) -> list[tuple[str, str]]:
    """(event, data) of each frame of a whole text/event-stream body."""
    frames = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        fields = dict(
            line.split(": ", 1) for line in block.split("\n") if ": " in line and line[0] != ":"
        )
        if "data" in fields:
            frames.append((fields.get("event", "message"), fields["data"]))
    return frames
