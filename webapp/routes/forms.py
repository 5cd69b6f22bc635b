"""The analysis form: what the marketer typed, kept as typed, and what is wrong with it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import Message

from webapp.digits import parse_digits
from webapp.errors import (
    AppError,
    InvalidHandle,
    InvalidInput,
    PayloadTooLarge,
)
from webapp.models import AnalyzeRequest, Platform

# Fields an error can be shown next to.
FIELDS = ("handle", "platform", "file", "followers")


@dataclass(frozen=True, slots=True)
class AnalyzeForm:
    """What the marketer typed, kept as typed, and what is wrong with it."""

    handle: str = ""
    platform: str = Platform.INSTAGRAM.value
    refresh: bool = False
    followers: str = ""  # only used with a file; kept as typed
    errors: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None  # a problem with no single field (a full queue, say)

    @classmethod
    def from_form(cls, data: FormData) -> AnalyzeForm:
        handle, platform = data.get("handle"), data.get("platform")
        followers = data.get("followers")
        return cls(
            handle=handle if isinstance(handle, str) else "",
            platform=platform if isinstance(platform, str) else Platform.INSTAGRAM.value,
            refresh=data.get("refresh") is not None,
            followers=followers if isinstance(followers, str) else "",
        )

    def to_request(self) -> AnalyzeRequest:
        try:
            return AnalyzeRequest.model_validate(
                {"handle": self.handle, "platform": self.platform, "refresh": self.refresh}
            )
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            name = str(first["loc"][0]) if first["loc"] else "handle"
            message = (
                "Choose Instagram, TikTok or YouTube."
                if name == "platform"
                else f"The handle is too long: {first['msg'].lower()}."
            )
            raise InvalidInput(message, details={"field": name}) from None

    def with_error(self, exc: AppError) -> AnalyzeForm:
        name = field_of(exc)
        if name in FIELDS:
            return replace(self, errors={name: exc.message})
        return replace(self, error=exc.message)


def field_of(exc: AppError) -> str | None:
    if isinstance(exc.details, dict) and isinstance(exc.details.get("field"), str):
        return str(exc.details["field"])
    return "handle" if isinstance(exc, InvalidHandle) else None


async def read_form(
    request: Request, limit: int, *, max_files: int = 0, too_large: str | None = None
) -> FormData:
    """`request.form()`, refusing bodies over `limit` bytes before parsing them."""
    too_large_error = PayloadTooLarge(
        too_large or f"The form is over {limit // 1024} KiB; shorten the handle."
    )
    declared = request.headers.get("content-length")
    size = parse_digits(declared) if declared is not None else None
    if size is not None and size > limit:
        raise too_large_error
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large_error
        return message

    return await Request(request.scope, receive).form(max_files=max_files, max_fields=16)
