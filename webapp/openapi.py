"""The OpenAPI 3.1 document, built from the pydantic models the routes really use."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from webapp.models import (
    AnalyzeAccepted,
    AnalyzeRequest,
    ErrorResponse,
    HealthResponse,
    JobEventData,
    JobStatusResponse,
    ReportResponse,
)

_REF = "#/components/schemas/{model}"


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
    "description": "The job id returned by POST /api/analyze",
    "schema": {"type": "string", "format": "uuid"},
}
_RETRY_AFTER = {
    "headers": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}}
}


_SSE_DESCRIPTION = (
    "text/event-stream. The current state comes first, then every change: `id:` is the "
    "job's seq, `event:` is progress, completed, failed or restarting (the server is "
    "shutting down: reconnect), `data:` is a JobEventData JSON object."
)
_SSE_RESPONSE = {
    "description": "An event stream; each data line is a JobEventData object",
    "content": {"text/event-stream": {"schema": {"type": "string"}}},
}


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
        ],
        ref_template=_REF,
    )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Social profile analyzer",
            "version": "1.0.0",
            "description": (
                "Analyse an Instagram, TikTok or YouTube account: submit a job, follow its "
                "progress, read the report. Every error has the shape "
                '{"error": {"code", "message", "details"}}.'
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
                    "responses": {
                        "202": _json(AnalyzeAccepted, "Job accepted"),
                        "200": _json(
                            AnalyzeAccepted,
                            "An identical job is running or finished within the TTL; its id "
                            "is returned with deduplicated=true",
                        ),
                        "400": _error("The body is not valid JSON"),
                        "413": _error("The body is over 16 KiB"),
                        "422": _error("A field is missing, has the wrong type or is invalid"),
                        "503": _error("Too many jobs are queued; retry later", **_RETRY_AFTER),
                    },
                }
            },
            "/api/status/{job_id}": {
                "get": {
                    "summary": "A job's status, phase and percent",
                    "operationId": "status",
                    "parameters": [_JOB_ID],
                    "responses": {
                        "200": _json(JobStatusResponse, "The job's current state"),
                        "404": _error("Unknown, malformed or expired job id"),
                    },
                }
            },
            "/api/report/{job_id}": {
                "get": {
                    "summary": "The finished report",
                    "operationId": "report",
                    "parameters": [_JOB_ID],
                    "responses": {
                        "200": _json(ReportResponse, "The report"),
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
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": _SSE_RESPONSE,
                        "204": {"description": "The job ended and the client has its last event"},
                        "404": _error("Unknown, malformed or expired job id"),
                    },
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
                    "responses": {
                        "200": _SSE_RESPONSE,
                        "404": _error("A job_id is unknown or expired"),
                        "422": _error("A job_id is not a job id"),
                    },
                }
            },
            "/health": {
                "get": {
                    "summary": "Liveness and store check",
                    "operationId": "health",
                    "responses": {
                        "200": _json(HealthResponse, "The service and its store work"),
                        "503": _json(HealthResponse, "The store cannot be used"),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "responses": {
                        "200": {
                            "description": "OpenAPI 3.1 document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
        "components": {"schemas": definitions.get("$defs", {})},
    }
