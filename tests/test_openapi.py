"""/openapi.json describes every route, and a third-party fuzzer can drive the API with it."""

from __future__ import annotations

from starlette.routing import Route

from webapp.app import create_app
from webapp.handles import handle_pattern
from webapp.models import Platform
from webapp.settings import Settings

from conftest import RunApp


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


async def test_handle_rules_and_upload_formats_are_in_the_document(run_app: RunApp) -> None:
    async with run_app() as app:
        document = (await app.client.get("/openapi.json")).json()
    request = document["components"]["schemas"]["AnalyzeRequest"]
    # The handle's pattern depends on the platform (absent: Instagram), as the API checks it.
    assert request["if"]["properties"]["platform"] == {"const": "tiktok"}
    tiktok = request["then"]["properties"]["handle"]
    instagram = request["else"]["else"]["properties"]["handle"]
    assert tiktok["pattern"] == handle_pattern(Platform.TIKTOK)
    assert instagram["pattern"] == handle_pattern(Platform.INSTAGRAM)
    assert instagram["maxLength"] == 2048
    assert "1-30 characters" in instagram["description"]

    upload = document["paths"]["/api/analyze/upload"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]
    assert form["encoding"]["file"]["contentType"] == "application/json, text/csv"
    assert "/schemas/scrape-result.json" in form["schema"]["properties"]["file"]["description"]
    assert set(upload["responses"]) >= {"200", "202", "400", "401", "413", "415", "422", "429"}
    analyze = document["paths"]["/api/analyze"]["post"]["responses"]
    assert set(analyze) >= {"200", "202", "400", "401", "413", "415", "422", "429", "503"}
    assert set(document["paths"]["/api/report/{job_id}"]["get"]["responses"]) >= {
        "200",
        "404",
        "409",
        "503",
    }
    # Every error response has the one error shape.
    for path in document["paths"].values():
        for operation in path.values():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and path is not document["paths"]["/health"]:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}


async def test_the_upload_example_is_accepted(run_app: RunApp) -> None:
    async with run_app() as app:
        document = (await app.client.get("/openapi.json")).json()
        form = document["paths"]["/api/analyze/upload"]["post"]["requestBody"]["content"]
        example = form["multipart/form-data"]["examples"]["csv"]["value"]
        fields = {name: value for name, value in example.items() if name != "file"}
        response = await app.client.post(
            "/api/analyze/upload",
            data=fields,
            files={"file": ("posts.csv", example["file"].encode(), "text/csv")},
        )
    assert response.status_code == 202, response.text
