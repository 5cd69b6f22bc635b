"""Read a JSON request body into a pydantic model: size limit, syntax, types, in that order."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from webapp.digits import parse_digits
from webapp.errors import InvalidInput, MalformedJSON, PayloadTooLarge, UnsupportedMediaType
from webapp.json_input import JSONInputError, load_json

ModelT = TypeVar("ModelT", bound=BaseModel)

_FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a known field",
}


async def read_model(request: Request, model: type[ModelT], *, limit: int) -> ModelT:
    _require_json(request)
    raw = await _read_limited(request, limit)
    try:
        data = load_json(raw, subject="The request body", object_pairs_hook=_no_duplicates)
    except JSONInputError as exc:
        raise MalformedJSON(
            f"{exc.message} "
            'Send an object such as {"handle": "natgeo", "platform": "instagram"}.',
            details={"line": exc.line, "column": exc.column},
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


def _require_json(request: Request) -> None:
    """Only `application/json` (or a `+json` type). Besides saying what the API takes, this
    keeps other sites out: a cross-site form or a `text/plain` fetch can start no job, since a
    browser sends JSON across origins only after a CORS preflight, which we never grant."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(
            "Send the body as JSON with the header Content-Type: application/json"
            f"{f' (got {media_type!r})' if media_type else ''}.",
            details={"content_type": media_type or None},
        )


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data: dict[str, object] = {}
    for key, value in pairs:
        if key in data:
            raise InvalidInput(
                f"The field {key[:64]!r} appears twice in the JSON body; send it once.",
                details=[{"field": key[:64], "message": "duplicate key"}],
            )
        data[key] = value
    return data


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    size = parse_digits(declared) if declared is not None else None
    if size is not None and size > limit:
        raise PayloadTooLarge(f"The request body is over {limit // 1024} KiB.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body is over {limit // 1024} KiB.")
        chunks.append(chunk)
    return b"".join(chunks)
