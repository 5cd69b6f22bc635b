"""The OpenAPI 3.1 document, built from the pydantic models the routes really use."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from webapp.account_history import AccountHistoryResponse
from webapp.batches.batch import MAX_ROWS
from webapp.batches.export import COLUMNS as BATCH_COLUMNS
from webapp.batches.models import (
    BatchAccepted,
    BatchProgress,
    BatchRequest,
    BatchRowEventData,
    BatchStatusResponse,
)
from webapp.comparison import MAX_REPORTS, MIN_REPORTS, ComparisonResponse
from webapp.handles import RULES, handle_pattern
from webapp.models import (
    AnalyzeAccepted,
    AnalyzeRequest,
    ErrorResponse,
    HealthResponse,
    JobEventData,
    JobStatusResponse,
    Platform,
    ReportResponse,
)
from webapp.pipeline.scraping.result import ScrapeResult
from webapp.pipeline.scraping.upload_csv import OPTIONAL, REQUIRED
from webapp.report_csv import COLUMNS
from webapp.webhooks.callback_url import DESCRIPTION as CALLBACK_DESCRIPTION
from webapp.webhooks.callback_url import MAX_LENGTH as CALLBACK_MAX_LENGTH
from webapp.webhooks.callback_url import PATTERN as CALLBACK_PATTERN

_REF = "#/components/schemas/{model}"
# One job id (a lowercase UUID, as the API gives them out), or several joined by commas.
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_JOB_IDS_PATTERN = f"^{_UUID}(,{_UUID})*$"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json(model: type[BaseModel], description: str, **extra: Any) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref(model)}},
        **extra,
    }


def _error(description: str, **extra: Any) -> dict[str, Any]:
    return _json(ErrorResponse, description, **extra)


_JOB_ID = {
    "name": "job_id",
    "in": "path",
    "required": True,
    "description": "The job id returned by POST /api/analyze (anything else is a 404)",
    "schema": {"type": "string", "format": "uuid"},
}
_RETRY_AFTER = {
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait",
            "schema": {"type": "integer", "minimum": 0},
        }
    }
}
_MALFORMED_HTTP = (
    "the request is not valid HTTP, such as a negative Content-Length (code malformed_request, "
    "answered before routing)"
)
_STORE_UNAVAILABLE = "The job store cannot be used right now (code store_unavailable)"
_UNAUTHORIZED = (
    "An API key is needed (the server sets WEBAPP_API_KEYS) and the request has none or a "
    "wrong one: send Authorization: Bearer <key>"
)


def _responses(**by_status: dict[str, Any]) -> dict[str, Any]:
    """An operation's responses: the ones given plus the ones every route can answer."""
    common = {
        "400": _error(_MALFORMED_HTTP[:1].upper() + _MALFORMED_HTTP[1:]),
        "503": _error(_STORE_UNAVAILABLE, **_RETRY_AFTER),
    }
    return {**common, **{status.removeprefix("s"): body for status, body in by_status.items()}}


def _api_responses(**by_status: dict[str, Any]) -> dict[str, Any]:
    """Responses of a /api/ route, which API keys guard when they are configured."""
    return _responses(s401=_error(_UNAUTHORIZED), **by_status)


def _handle_schema(platform: Platform, max_length: int, *, blank: bool) -> dict[str, Any]:
    return {
        "type": "string",
        "maxLength": max_length,
        "pattern": (r"^\s*$|" if blank else "") + handle_pattern(platform),
        "description": (
            f"For {platform.label}: a handle, @handle or profile URL "
            f"(https://{_PROFILE_EXAMPLES[platform]}). {RULES[platform]}."
        ),
    }


_PROFILE_EXAMPLES = {
    Platform.INSTAGRAM: "www.instagram.com/<username>/",
    Platform.TIKTOK: "www.tiktok.com/@<username>",
    Platform.YOUTUBE: "www.youtube.com/@<handle> or /channel/<UC... id>",
}


def _handle_by_platform(max_length: int, *, blank: bool = False) -> dict[str, Any]:
    """The handle's rules depend on the platform field (absent means Instagram): JSON Schema
    if/then/else, so a schema-valid body is one the API accepts. `blank`: an empty handle
    counts as none (the upload form)."""

    def when(platform: Platform) -> dict[str, Any]:
        return {
            "properties": {"platform": {"const": platform.value}},
            "required": ["platform"],
        }

    def then(platform: Platform) -> dict[str, Any]:
        return {"properties": {"handle": _handle_schema(platform, max_length, blank=blank)}}

    return {
        "if": when(Platform.TIKTOK),
        "then": then(Platform.TIKTOK),
        "else": {
            "if": when(Platform.YOUTUBE),
            "then": then(Platform.YOUTUBE),
            "else": then(Platform.INSTAGRAM),
        },
    }


_SSE_DESCRIPTION = (
    "text/event-stream. The current state comes first, then every change: `id:` is the "
    "job's seq, `event:` is progress, completed, failed or restarting (the server is "
    "shutting down: reconnect), `data:` is a JobEventData JSON object."
)
# One Server-Sent Event, as the fields of its frame (the OpenAPI 3.2 way of describing a
# stream's events; fuzzers that read streams check every event against it). The first frame
# is only a `retry:` hint, and comment frames (pings) carry no event.
_SSE_EVENT = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9]+$", "description": "The job's seq"},
        "event": {"enum": ["progress", "completed", "failed", "restarting"]},
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": _ref(JobEventData),
        },
        "retry": {"type": "integer", "minimum": 0},
    },
}
_SSE_RESPONSE = {
    "description": "An event stream; each data line is a JobEventData object",
    "content": {"text/event-stream": {"schema": _SSE_EVENT}},
}


SCRAPE_RESULT_SCHEMA_PATH = "/schemas/scrape-result.json"


@cache
def scrape_result_schema_document() -> dict[str, Any]:
    """The JSON Schema an uploaded ScrapeResult file must match (the upload's own validator)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCRAPE_RESULT_SCHEMA_PATH,
        **ScrapeResult.model_json_schema(mode="validation"),
    }


_UPLOAD_FORM = {
    "type": "object",
    "required": ["file", "platform"],
    "properties": {
        "file": {
            "type": "string",
            "contentMediaType": "application/octet-stream",
            "description": (
                "A JSON file matching ScrapeResult (schema: " + SCRAPE_RESULT_SCHEMA_PATH + "; "
                "its platform must be the form's, and its profile handle the form's handle when "
                "one is given) or a UTF-8 CSV of posts with a header row: "
                + ", ".join(REQUIRED)
                + " required; "
                + ", ".join(OPTIONAL)
                + " optional; other columns are ignored. A CSV needs the handle and followers "
                "fields. Up to WEBAPP_MAX_UPLOAD_BYTES (5 MiB by default)."
            ),
        },
        "platform": {"type": "string", "enum": [platform.value for platform in Platform]},
        "handle": {
            "type": "string",
            "maxLength": 2048,
            "description": (
                "Required for a CSV; for JSON, optional (blank counts as none) and must match "
                "the file's"
            ),
        },
        "followers": {
            "type": "string",
            "pattern": r"^[0-9]{1,12}$|^[0-9]{1,3}(?:,[0-9]{3}){1,3}$",
            "description": (
                "Follower count, at most 12 digits (commas between thousands allowed); required "
                "for a CSV, overrides the file's for JSON"
            ),
        },
        "refresh": {"type": "string", "description": "Any value: do not reuse a recent report"},
    },
    **_handle_by_platform(2048, blank=True),
}
_UPLOAD_EXAMPLES = {
    "csv": {
        "summary": "A CSV of posts (needs handle and followers)",
        "value": {
            "file": "published_at,likes,comments,views\n2026-11-01T12:00:00Z,1200,45,\n"
            "2026-10-28T09:30:00Z,980,31,\n",
            "platform": "instagram",
            "handle": "natgeo",
            "followers": "250,000",
        },
    }
}
_UPLOAD_ENCODING = {
    "file": {"contentType": "application/json, text/csv"},
}


_LINKS = {
    "links": {
        "status": {
            "operationId": "status",
            "parameters": {"job_id": "$response.body#/job_id"},
            "description": "Poll the job",
        },
        "report": {
            "operationId": "report",
            "parameters": {"job_id": "$response.body#/job_id"},
            "description": "Read the report once the job completed",
        },
        "report_csv": {
            "operationId": "report_csv",
            "parameters": {"job_id": "$response.body#/job_id"},
            "description": "The report's posts as CSV",
        },
        "job_events": {
            "operationId": "job_events",
            "parameters": {"job_id": "$response.body#/job_id"},
            "description": "Follow the job's events",
        },
    }
}
_NOT_FOUND = "Unknown, malformed or expired job id (code not_found)"
_NOT_FINISHED = (
    "The job has not finished (code job_not_finished) or it failed (code job_failed, with the "
    "reason)"
)
_QUEUE_FULL = "Too many jobs are queued (code queue_full); retry later"
_RATE_LIMITED = "This client started too many jobs (code too_many_requests); retry later"
_TOO_MANY_STREAMS = "This client has too many open streams (code too_many_requests)"


def _analyze_request_schema(definition: dict[str, Any]) -> dict[str, Any]:
    return {**definition, **_handle_by_platform(2048)}


def openapi_document() -> dict[str, Any]:
    _, definitions = models_json_schema(
        [
            (AnalyzeRequest, "validation"),
            (AnalyzeAccepted, "serialization"),
            (JobStatusResponse, "serialization"),
            (ReportResponse, "serialization"),
            (HealthResponse, "serialization"),
            (ErrorResponse, "serialization"),
            (JobEventData, "serialization"),
            (ScrapeResult, "validation"),
            (BatchRequest, "validation"),
            (BatchAccepted, "serialization"),
            (BatchStatusResponse, "serialization"),
            (BatchProgress, "serialization"),
            (BatchRowEventData, "serialization"),
            (ComparisonResponse, "serialization"),
            (AccountHistoryResponse, "serialization"),
        ],
        ref_template=_REF,
    )
    schemas = definitions.get("$defs", {})
    schemas["AnalyzeRequest"] = _analyze_request_schema(schemas["AnalyzeRequest"])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Social profile analyzer",
            "version": "1.0.0",
            "description": (
                "Analyse an Instagram, TikTok or YouTube account: submit a job, follow its "
                "progress, read the report. Every error has the shape "
                '{"error": {"code", "message", "details"}}. The JSON API takes bodies only as '
                "application/json (415 otherwise). When the server sets WEBAPP_API_KEYS, every "
                "/api/ route needs Authorization: Bearer <key> (401 otherwise)."
            ),
        },
        "paths": {
            "/api/analyze": {
                "post": {
                    "summary": "Start an analysis (or join an identical one)",
                    "operationId": "analyze",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref(AnalyzeRequest)}},
                    },
                    "responses": _api_responses(
                        s202=_json(AnalyzeAccepted, "Job accepted", **_LINKS),
                        s200=_json(
                            AnalyzeAccepted,
                            "An identical job is running or finished within the TTL; its id "
                            "is returned with deduplicated=true",
                            **_LINKS,
                        ),
                        s400=_error(
                            "The body is not valid JSON (code malformed_json), or "
                            + _MALFORMED_HTTP
                        ),
                        s413=_error("The body is over 16 KiB (code payload_too_large)"),
                        s415=_error(
                            "The body is not sent as application/json (code unsupported_media_type)"
                        ),
                        s422=_error(
                            "A field is missing, repeated, unknown, has the wrong type or is "
                            "invalid (codes invalid_input, invalid_handle); the JSON is nested "
                            "too deep or has a number too long"
                        ),
                        s429=_error(_RATE_LIMITED, **_RETRY_AFTER),
                        s503=_error(_QUEUE_FULL + "; or " + _STORE_UNAVAILABLE, **_RETRY_AFTER),
                    ),
                }
            },
            "/api/analyze/upload": {
                "post": {
                    "summary": "Analyse an uploaded export (ScrapeResult JSON or CSV of posts)",
                    "description": (
                        "The file is checked before anything is stored: a bad file is a 4xx "
                        "whose details name the line and column (or field path) at fault. "
                        "The same data for the same account, while its job runs or within "
                        "the TTL, returns the existing job with deduplicated=true."
                    ),
                    "operationId": "analyze_upload",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": _UPLOAD_FORM,
                                "encoding": _UPLOAD_ENCODING,
                                "examples": _UPLOAD_EXAMPLES,
                            }
                        },
                    },
                    "responses": _api_responses(
                        s202=_json(AnalyzeAccepted, "Job accepted", **_LINKS),
                        s200=_json(
                            AnalyzeAccepted,
                            "The same upload is running or finished within the TTL; its id "
                            "is returned with deduplicated=true",
                            **_LINKS,
                        ),
                        s400=_error("The multipart body cannot be parsed, or " + _MALFORMED_HTTP),
                        s413=_error(
                            "The file is over WEBAPP_MAX_UPLOAD_BYTES (5 MiB by default; code "
                            "payload_too_large)"
                        ),
                        s415=_error(
                            "The body is not multipart/form-data (code unsupported_media_type), "
                            "or the file is neither JSON nor CSV text (code unsupported_upload)"
                        ),
                        s422=_error(
                            "A field is missing or invalid, or the file does not match its "
                            "format or the form (details: field, line, column, path or value)"
                        ),
                        s429=_error(_RATE_LIMITED, **_RETRY_AFTER),
                        s503=_error(_QUEUE_FULL + "; or " + _STORE_UNAVAILABLE, **_RETRY_AFTER),
                    ),
                }
            },
            SCRAPE_RESULT_SCHEMA_PATH: {
                "get": {
                    "summary": "JSON Schema of the ScrapeResult upload format",
                    "operationId": "scrape_result_schema",
                    "responses": _responses(
                        s200={
                            "description": "JSON Schema (draft 2020-12); also in components "
                            "as ScrapeResult",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    ),
                }
            },
            "/api/status/{job_id}": {
                "get": {
                    "summary": "A job's status, phase and percent",
                    "operationId": "status",
                    "parameters": [_JOB_ID],
                    "responses": _api_responses(
                        s200=_json(JobStatusResponse, "The job's current state"),
                        s404=_error(_NOT_FOUND),
                    ),
                }
            },
            "/api/report/{job_id}": {
                "get": {
                    "summary": "The finished report",
                    "operationId": "report",
                    "parameters": [_JOB_ID],
                    "responses": _api_responses(
                        s200=_json(ReportResponse, "The report"),
                        s404=_error(_NOT_FOUND),
                        s409=_error(_NOT_FINISHED),
                    ),
                }
            },
            "/api/report/{job_id}.csv": {
                "get": {
                    "summary": "The report's posts as CSV, one row per post with its flags",
                    "description": (
                        "Columns: " + ", ".join(COLUMNS) + ". Text that a spreadsheet would "
                        "read as a formula (its first visible character is = + - @ or a "
                        "full-width form of one, or it starts with a tab or CR) starts with "
                        "an apostrophe."
                    ),
                    "operationId": "report_csv",
                    "parameters": [_JOB_ID],
                    "responses": _api_responses(
                        s200={
                            "description": "The posts (header row first)",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        s404=_error(_NOT_FOUND),
                        s409=_error(_NOT_FINISHED),
                    ),
                }
            },
            "/api/report/{job_id}.pdf": {
                "get": {
                    "summary": "The report's one-page summary as a PDF",
                    "description": (
                        "One A4 page for a client: account, platform, date, verdict and score, "
                        "vetoes and red flags, engagement against its benchmark band, audience "
                        "quality with its interval, growth, price, the top reasons, a demo "
                        "data label when the report is demo data, and the source and method. "
                        "Also at /share/{token}.pdf for a read-only share link."
                    ),
                    "operationId": "report_pdf",
                    "parameters": [_JOB_ID],
                    "responses": {
                        "200": {
                            "description": "The PDF (as an attachment)",
                            "content": {
                                "application/pdf": {
                                    "schema": {"type": "string", "format": "binary"}
                                }
                            },
                        },
                        "404": _error("Unknown, malformed or expired job id"),
                        "409": _error(
                            "The job has not finished (code job_not_finished) or it failed "
                            "(code job_failed, with the reason)"
                        ),
                    },
                }
            },
            "/api/jobs/{job_id}/events": {
                "get": {
                    "summary": "Live events of one job (Server-Sent Events)",
                    "description": _SSE_DESCRIPTION
                    + " The stream closes after the completed or failed event. Send "
                    "Last-Event-ID with the final seq to get 204 (EventSource then stops "
                    "reconnecting). The same events are sent as JSON text messages by the "
                    "WebSocket /api/jobs/{job_id}/ws, which closes with 1000 after the "
                    "terminal event, 1012 on restart and 4404 for an unknown job.",
                    "operationId": "job_events",
                    "parameters": [
                        _JOB_ID,
                        {
                            "name": "Last-Event-ID",
                            "in": "header",
                            "required": False,
                            "description": "The seq of the last event received; other text is "
                            "ignored",
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": _api_responses(
                        s200=_SSE_RESPONSE,
                        s204={"description": "The job ended and the client has its last event"},
                        s404=_error(_NOT_FOUND),
                        s429=_error(_TOO_MANY_STREAMS, **_RETRY_AFTER),
                    ),
                }
            },
            "/api/events": {
                "get": {
                    "summary": "Live events of every job, or of the jobs named (SSE)",
                    "description": _SSE_DESCRIPTION
                    + " Without job_id the stream follows every job until the server stops; "
                    "with job_id (repeatable) it closes once all of those jobs have ended.",
                    "operationId": "all_events",
                    "parameters": [
                        {
                            "name": "job_id",
                            "in": "query",
                            "required": False,
                            "style": "form",
                            "explode": True,
                            "schema": {
                                "type": "array",
                                "items": {"type": "string", "format": "uuid"},
                            },
                        }
                    ],
                    "responses": _api_responses(
                        s200=_SSE_RESPONSE,
                        s404=_error("A job_id is unknown or expired (code not_found)"),
                        s422=_error("A job_id is not a job id (code invalid_input)"),
                        s429=_error(_TOO_MANY_STREAMS, **_RETRY_AFTER),
                    ),
                }
            },
            **_batch_paths(),
            "/api/compare": {
                "get": {
                    "summary": "Compare 2-4 completed reports: headline figures, best marked",
                    "description": (
                        "Each figure says which way is better (higher or lower; null when it "
                        "is not a quality, such as size or price per post) and marks the best "
                        "value when at least two reports measured it comparably and it is not "
                        "tied. Values estimated from a sample carry their 95 % interval; "
                        "`clear` is false when the best one's interval overlaps the "
                        "runner-up's. `price_method` says how the price per genuine viewer is "
                        "worked out."
                    ),
                    "operationId": "compare",
                    "parameters": [
                        {
                            "name": "jobs",
                            "in": "query",
                            "required": True,
                            "description": (
                                f"{MIN_REPORTS} to {MAX_REPORTS} job ids of completed reports: "
                                "comma-separated, repeated (jobs=a&jobs=b), or both; "
                                "duplicates count once"
                            ),
                            "style": "form",
                            "explode": True,
                            "schema": {
                                "type": "array",
                                "items": {"type": "string", "pattern": _JOB_IDS_PATTERN},
                                "minItems": 1,
                            },
                        }
                    ],
                    "responses": {
                        "200": _json(ComparisonResponse, "The compared figures"),
                        "404": _error("A job is unknown or has expired (details.problems)"),
                        "409": _error(
                            "A job has not finished (code job_not_finished) or failed (code "
                            "job_failed); details.problems names each"
                        ),
                        "422": _error(
                            f"A job id is malformed, or fewer than {MIN_REPORTS} or more than "
                            f"{MAX_REPORTS} different ids were given"
                        ),
                    },
                }
            },
            "/api/accounts/{platform}/{handle}": {
                "get": {
                    "summary": "An account's history: its kept reports and its snapshots",
                    "description": (
                        "Reports (newest first) are the account's jobs that have not expired; "
                        "snapshots (oldest first) are the figures every completed analysis "
                        "leaves, kept after the reports expire: the score and follower trend."
                    ),
                    "operationId": "account_history",
                    "parameters": [
                        {
                            "name": "platform",
                            "in": "path",
                            "required": True,
                            "schema": {
                                "type": "string",
                                "enum": ["instagram", "tiktok", "youtube"],
                            },
                        },
                        {
                            "name": "handle",
                            "in": "path",
                            "required": True,
                            "description": "The handle, with or without @",
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": _json(AccountHistoryResponse, "The account's history"),
                        "404": _error(
                            "Unknown platform, or no report or snapshot of the account is kept"
                        ),
                        "422": _error("The handle is not valid on this platform"),
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Liveness and store check",
                    "operationId": "health",
                    "responses": _responses(
                        s200=_json(HealthResponse, "The service and its store work"),
                        s503=_json(HealthResponse, "The store cannot be used"),
                    ),
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": _responses(
                        s200={
                            "description": "OpenAPI 3.1 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    ),
                }
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "api_key": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Only when the server sets WEBAPP_API_KEYS: then every "
                    "/api/ route needs one of those keys",
                }
            },
        },
    }


_BATCH_ID = {
    "name": "batch_id",
    "in": "path",
    "required": True,
    "description": "The batch id returned by POST /api/batches",
    "schema": {"type": "string", "format": "uuid"},
}
_BATCH_FORM = {
    "type": "object",
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "A CSV with a header row naming a handle column and optionally "
            "platform (other columns are ignored); UTF-8",
        },
        "text": {"type": "string", "description": "Pasted lines, as the JSON body's text"},
        "platform": {
            "type": "string",
            # Empty, as a form's unchosen select sends it, means the default.
            "enum": ["", "instagram", "tiktok", "youtube"],
            "description": "The platform of a line that names none (empty: instagram)",
        },
        "refresh": {"type": "string", "description": "Any value: do not reuse recent reports"},
        "callback_url": {
            "type": "string",
            "maxLength": CALLBACK_MAX_LENGTH,
            "pattern": r"^$|" + CALLBACK_PATTERN,
            "description": "Empty, or: " + CALLBACK_DESCRIPTION,
        },
    },
}


def _batch_paths() -> dict[str, Any]:
    not_found = _error("Unknown, malformed or expired batch id")
    return {
        "/api/batches": {
            "post": {
                "summary": "Analyse many accounts: each line becomes a job",
                "description": (
                    f"At most {MAX_ROWS} lines. Each line is a handle, @handle, profile URL "
                    "(its host names the platform) or handle,platform. Every good line "
                    "becomes a job as POST /api/analyze makes it (a recent report of the "
                    "same account is reused; lines naming the same account share one job). "
                    "A bad line is reported in its row with an error and does not stop the "
                    "others. The free queue capacity is checked first: a batch that needs "
                    "more slots than are free is refused whole (503) and nothing is started; "
                    "a line the queue refuses while the batch is being created (others filled "
                    "it meanwhile) gets the error queue_full."
                ),
                "operationId": "create_batch",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": _ref(BatchRequest)},
                        "multipart/form-data": {"schema": _BATCH_FORM},
                    },
                },
                "responses": {
                    "202": _json(
                        BatchAccepted,
                        "Batch accepted: every line with its job id or its error",
                        headers={
                            "Location": {
                                "description": "The batch's status",
                                "schema": {"type": "string"},
                            }
                        },
                    ),
                    "400": _error("The body is not valid JSON, or the form cannot be parsed"),
                    "413": _error("The body is over 1 MiB"),
                    "415": _error("The body is neither JSON nor multipart/form-data"),
                    "422": _error(
                        "A field is missing or invalid; over the line limit (code "
                        "too_many_rows, details: limit and rows); or no line can be analysed "
                        "(code no_valid_rows, details: each line's error)"
                    ),
                    "503": _error(
                        "The queue has too few free slots for the batch; nothing was started",
                        **_RETRY_AFTER,
                    ),
                },
            }
        },
        "/api/batches/{batch_id}": {
            "get": {
                "summary": "A batch: overall progress and every line with its job's state",
                "description": (
                    "Completed lines carry the report's headline: score, verdict, engagement "
                    "against the tier's band, the genuine audience share with its interval and "
                    "the fair price. status is completed once every line's job has ended."
                ),
                "operationId": "batch_status",
                "parameters": [_BATCH_ID],
                "responses": {
                    "200": _json(BatchStatusResponse, "The batch"),
                    "404": not_found,
                },
            }
        },
        "/api/batches/{batch_id}.csv": {
            "get": {
                "summary": "A batch as CSV, one row per line",
                "description": (
                    "Columns: " + ", ".join(BATCH_COLUMNS) + ". Text that a spreadsheet would "
                    "read as a formula starts with an apostrophe."
                ),
                "operationId": "batch_csv",
                "parameters": [_BATCH_ID],
                "responses": {
                    "200": {
                        "description": "The lines (header row first)",
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    },
                    "404": not_found,
                },
            }
        },
        "/api/batches/{batch_id}/events": {
            "get": {
                "summary": "Live events of a batch (Server-Sent Events)",
                "description": (
                    "One subscription for all the batch's jobs. First the current state: a "
                    "`row` event (data: BatchRowEventData) per line with a live job and a "
                    "`progress` event (data: BatchProgress); then a `row` event per line "
                    "whose job changed and a `progress` event whenever the overall figures "
                    "change; an `end` event (data: BatchProgress) once every line's job has "
                    "ended, and the stream closes. On server shutdown a `restarting` event "
                    "and the stream closes without `end`: reconnect to get the current state."
                ),
                "operationId": "batch_events",
                "parameters": [_BATCH_ID],
                "responses": {
                    "200": _SSE_RESPONSE,
                    "404": not_found,
                },
            }
        },
    }
