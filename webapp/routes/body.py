"""Read a JSON request body into a pydantic model: size limit, syntax, types, in that order."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from webapp.errors import InvalidInput, MalformedJSON, PayloadTooLarge

ModelT = TypeVar("ModelT", bound=BaseModel)

_FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
}


async def read_model(request: Request, model: type[ModelT], *, limit: int) -> ModelT:
    raw = await _read_limited(request, limit)
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        position = (
            f" at line {exc.lineno}, column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        raise MalformedJSON(
            f"The request body is not valid JSON{position}. "
            'Send an object such as {"handle": "natgeo", "platform": "instagram"}.'
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            'The request body must be a JSON object, such as {"handle": "natgeo"}.',
            details=[{"field": None, "message": f"got {type(data).__name__}"}],
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            {
                "field": ".".join(str(part) for part in error["loc"]) or None,
                "message": _FRIENDLY.get(error["type"], error["msg"]),
            }
            for error in exc.errors(include_url=False, include_input=False)
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:3])
        raise InvalidInput(f"Invalid request: {summary}.", details=problems) from None


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The request body is over {limit // 1024} KiB.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body is over {limit // 1024} KiB.")
        chunks.append(chunk)
    return b"".join(chunks)
