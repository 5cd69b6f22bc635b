"""/openapi.json describes every route, and a third-party fuzzer can drive the API with it."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.routing import Route

from webapp.app import create_app
from webapp.settings import Settings

from conftest import RunApp, ServerProcess


async def test_document_lists_every_route_and_resolves_every_reference(
    run_app: RunApp, settings: Settings
) -> None:
    async with run_app() as app:
        response = await app.client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")

    # Every JSON route; the HTML pages are for people, not described here.
    routes = {
        (route.path, method.lower())
        for route in create_app(settings).routes
        if isinstance(route, Route)
        and route.path.startswith(("/api/", "/health", "/openapi", "/schemas/"))
        for method in (route.methods or ()) - {"HEAD"}
    }
    documented = {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }
    assert routes == documented

    schemas = document["components"]["schemas"]
    text = response.text
    for name in (
        "AnalyzeRequest",
        "AnalyzeAccepted",
        "JobStatusResponse",
        "ReportResponse",
        "ErrorResponse",
        "HealthResponse",
    ):
        assert name in schemas
    for reference in set(_references(document)):
        assert reference.removeprefix("#/components/schemas/") in schemas, reference
    assert '"enum":["instagram","tiktok","youtube"]' in text.replace(" ", "")


def _references(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [ref for value in node.values() for ref in _references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _references(value)]
    return []


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_or_contract_violation(
    server_factory: Callable[..., ServerProcess], tmp_path: Path
) -> None:
    # A fuzzer is one client sending thousands of requests: the per-client job limit is off.
    server = server_factory(WEBAPP_DEMO_DELAY_SECONDS="0", WEBAPP_RATE_LIMIT_JOBS="0")
    server.start()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{server.base_url}/openapi.json",
            "--checks",
            "all",
            # Handles are checked per platform beyond what a JSON schema can say, so a
            # schema-valid handle such as "0"*300 is rightly a 422; that check cannot apply.
            "--exclude-checks",
            "positive_data_acceptance",
            # Following every job is an endless stream by design; its filtered form is tested.
            "--exclude-path",
            "/api/events",
            "--max-examples",
            "40",
            "--seed",
            "1",
            "--generation-database",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    tested = re.search(r"Tested: (\d+)", result.stdout)
    assert tested is not None, result.stdout[-2000:]
    assert int(tested.group(1)) >= 4
