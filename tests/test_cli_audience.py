"""`python -m webapp audience FILE` as a user runs it: a real subprocess on a temp JSONL file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ANNA = {
    "username": "anna.berg",
    "full_name": "Anna Berg",
    "biography": "Photographer in Oslo",
    "followers": 420,
    "following": 380,
    "posts": 95,
    "has_profile_pic": True,
    "is_private": True,
    "external_url": None,
}
BOT = {
    "username": "user84736251",
    "full_name": "",
    "biography": "",
    "followers": 12,
    "following": 4_100,
    "posts": 0,
    "has_profile_pic": False,
    "is_private": False,
    "external_url": None,
}
STAR = {
    **ANNA,
    "username": "bigshot",
    "followers": 20_000,
    "following": 400,
    "posts": 500,
    "is_private": False,
    "external_url": "https://bigshot.example",
}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "webapp", "audience", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def jsonl(*rows: object) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def test_scores_every_account(tmp_path: Path) -> None:
    path = tmp_path / "followers.jsonl"
    # A blank line is skipped; an extra field (a label for evaluation, say) is ignored.
    path.write_text(jsonl(ANNA, BOT) + "\n" + jsonl({**STAR, "label": "real"}))
    done = run(str(path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["username"] for r in rows] == ["anna.berg", "user84736251", "bigshot"]
    assert [r["is_fake"] for r in rows] == [False, True, False]
    assert [r["audience_type"] for r in rows] == ["real", "suspicious", "influencer"]
    for row in rows:
        assert 0.0 <= row["fake_probability"] <= 1.0
        assert row["fake_probability"] == round(row["fake_probability"], 4)
    assert rows[0]["fake_probability"] < 0.05
    assert rows[1]["fake_probability"] > 0.99


def test_reads_stdin_and_accepts_missing_or_null_fields() -> None:
    done = run("-", stdin=jsonl({"username": "someone", "full_name": None, "followers": None}))
    assert done.returncode == 0, done.stderr
    (row,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert row["username"] == "someone"
    assert isinstance(row["is_fake"], bool)


def test_a_bad_line_names_its_number_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "followers.jsonl"
    path.write_text(jsonl(ANNA, BOT) + jsonl({**BOT, "followers": "lots"}))
    done = run(str(path))
    assert done.returncode == 2
    assert done.stdout == ""  # nothing half-printed
    assert "line 3" in done.stderr
    assert "followers" in done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_json_and_non_objects_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text(jsonl(ANNA) + "{not json\n")
    done = run(str(path))
    assert done.returncode == 2
    assert "line 2: not valid JSON" in done.stderr


def test_hostile_json_lines_exit_2_without_a_traceback(tmp_path: Path) -> None:
    for line in ('{"followers": ' + "9" * 5000 + "}", "[" * 100_000 + "]" * 100_000):
        path = tmp_path / "hostile.jsonl"
        path.write_text(jsonl(ANNA) + line + "\n")
        done = run(str(path))
        assert done.returncode == 2
        assert "line 2: not usable JSON" in done.stderr
        assert "Traceback" not in done.stderr
    assert "Traceback" not in done.stderr
    done = run("-", stdin="[1, 2]\n")
    assert done.returncode == 2
    assert "stdin, line 1: expected a JSON object" in done.stderr
    done = run("-", stdin=jsonl({"followers": 3}))
    assert done.returncode == 2
    assert "line 1: username" in done.stderr


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    done = run(str(tmp_path / "absent.jsonl"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr
    assert "Traceback" not in done.stderr
