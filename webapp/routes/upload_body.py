"""Reading an upload (multipart/form-data: file, platform, handle, followers) into a request.

Used by the API route and by the browser form, so both refuse the same things the same way.
Only the size and the form fields are checked here; the file's content is parsed by the
pipeline's upload parser when the job is submitted.
"""

from __future__ import annotations

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from webapp.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType
from webapp.handles import normalise_handle
from webapp.models import Platform
from webapp.pipeline.scraping.result import MAX_COUNT
from webapp.pipeline.scraping.upload_parse import UploadRequest
from webapp.routes.forms import read_form
from webapp.settings import Settings

# Room for the other fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def is_multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").lower().startswith("multipart/form-data")


async def read_upload_form(request: Request, settings: Settings) -> FormData:
    """The multipart form of an upload, refused early when it is far over the size limit."""
    if not is_multipart(request):
        raise UnsupportedMediaType(
            "Send the upload as multipart/form-data with the fields file, platform and, "
            "as needed, handle and followers."
        )
    return await read_form(
        request,
        settings.max_upload_bytes + FORM_OVERHEAD_BYTES,
        max_files=1,
        too_large=too_large_message(settings.max_upload_bytes),
    )


async def file_bytes(form: FormData, max_bytes: int) -> bytes | None:
    """The uploaded file's bytes; None when the form has no file (or an unchosen one)."""
    file = form.get("file")
    if not isinstance(file, UploadFile):
        return None
    data = await file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PayloadTooLarge(too_large_message(max_bytes), details={"field": "file"})
    if not data and not file.filename:
        return None  # a browser sends an empty part when no file was chosen
    return data


def upload_request(form: FormData, data: bytes) -> UploadRequest:
    return UploadRequest(
        platform=_platform(form.get("platform")),
        handle=_handle(form),
        followers=_followers(form.get("followers")),
        data=data,
        refresh=form.get("refresh") is not None,
    )


def too_large_message(max_bytes: int) -> str:
    if max_bytes >= 1024 * 1024:
        size = f"{max_bytes / (1024 * 1024):g} MiB"
    else:
        size = f"{max_bytes / 1024:g} KiB"
    return f"The file is over {size}. Upload fewer posts, or split the export."


def _platform(value: object) -> Platform:
    if isinstance(value, str) and value in {p.value for p in Platform}:
        return Platform(value)
    raise InvalidInput(
        "Choose the platform: instagram, tiktok or youtube.", details={"field": "platform"}
    )


def _handle(form: FormData) -> str | None:
    value = form.get("handle")
    if not isinstance(value, str) or not value.strip():
        return None
    if len(value) > 2048:
        raise InvalidInput("The handle is too long.", details={"field": "handle"})
    return normalise_handle(_platform(form.get("platform")), value)


def _followers(value: object) -> int | None:
    if not isinstance(value, str) or not value.strip():
        return None
    # People type "12,500" as often as "12500".
    digits = value.strip().replace(",", "").replace("_", "")
    if digits.isascii() and digits.isdigit():
        if len(digits) <= len(str(MAX_COUNT)) and int(digits) <= MAX_COUNT:
            return int(digits)
        raise InvalidInput(
            f"Followers must be at most {MAX_COUNT:,}.", details={"field": "followers"}
        )
    raise InvalidInput(
        f"Followers must be a whole number, such as 12500, not {value.strip()[:40]!r}.",
        details={"field": "followers"},
    )
