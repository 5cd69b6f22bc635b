"""Schemathesis drives the API from /openapi.json against a real server: every request it makes,
valid by the document or not, gets an answer that the document describes, and no 500.

Phases: the document's examples, coverage (boundary values, every documented status, wrong
methods), fuzzing (positive and negative data from the schemas) and stateful sequences that
follow the document's links (submit a job, then poll it, read its report and its events).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ServerProcess

# Examples per operation and phase. Fifteen operations make well over 1,000 cases (the run prints
# the count) in about a minute on one core.
MAX_EXAMPLES = 150
MIN_CASES = 1_000

# Every check schemathesis has, with these adjustments that are not exemptions from a rule:
# - a body over the size limit is refused with 413 before it is read; schemathesis's list of
#   "rejected" statuses lacks 413, though it is a rejection like the others.
# - an upload's file must agree with the form (its platform, its handle; a CSV needs the handle
#   and followers fields): JSON Schema cannot tie a form field to the content of a file, so a
#   request valid by the document can still be refused there, with a 422 that says why.
CONFIG = f"""
# Upload files that are well-formed JSON or CSV exports (tests/schemathesis_hooks.py).
hooks = "schemathesis_hooks"
seed = 1
workers = 1
max-failures = 50

[generation]
database = "none"
max-examples = {MAX_EXAMPLES}

[checks.negative_data_rejection]
expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429]

[[operations]]
include-operation-id = "analyze_upload"
checks.positive_data_acceptance.enabled = false

# The same for a batch's CSV file: its content is not something a schema can describe.
[[operations]]
include-operation-id = "create_batch"
checks.positive_data_acceptance.enabled = false

# A handle's rules depend on the platform in another path parameter, which a path parameter's
# schema cannot refer to (the JSON bodies say it with if/then); and 2-4 ids may come as one
# comma-separated value or several, so the count is not a schema's to check.
[[operations]]
include-operation-id = "account_history"
checks.positive_data_acceptance.enabled = false

[[operations]]
include-operation-id = "compare"
checks.positive_data_acceptance.enabled = false

# Following every job is an endless stream by design; the filtered form (job_id=...) and the
# per-job stream are covered, and tests/test_streams.py checks how streams end.
[[operations]]
include-operation-id = "all_events"
enabled = false
"""


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_or_contract_violation(
    server_factory: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    # A fuzzer is one client sending thousands of requests: the per-client limits are off.
    server = server_factory(
        WEBAPP_DEMO_DELAY_SECONDS="0",
        WEBAPP_LOG_LEVEL="WARNING",
        WEBAPP_RATE_LIMIT_JOBS="0",
        WEBAPP_MAX_STREAMS_PER_CLIENT="0",
    )
    server.start()
    (tmp_path / "schemathesis.toml").write_text(CONFIG)
    report = tmp_path / "report.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(tmp_path / "schemathesis.toml"),
            "run",
            f"{server.base_url}/openapi.json",
            "--report",
            "json",
            "--report-json-path",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    summary = json.loads(report.read_text())
    generated = summary["test_cases"]["generated"]
    print(f"schemathesis: {generated} test cases over {summary['operations']['tested']} operations")
    warnings = {kind: found for kind, found in summary["warnings"].items() if found}
    if warnings:
        print(f"schemathesis warnings (not failures): {warnings}")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert summary["failures"] == []
    assert summary["errors"] == []
    # Every documented operation but the endless stream.
    assert summary["operations"]["tested"] == summary["operations"]["selected"] >= 15
    assert {phase["status"] for phase in summary["phases"].values()} == {"success"}
    assert generated >= MIN_CASES
