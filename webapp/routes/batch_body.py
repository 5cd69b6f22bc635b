"""Reading a batch from a request: JSON (`rows` or `text`) or a form (pasted `text` and/or a
CSV `file`), into rows with their line errors. The API and the page read forms the same way."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData
from starlette.requests import Request

from webapp.batches.batch import MAX_ROWS, BatchRow
from webapp.batches.lines import rows_from_csv, rows_from_pairs, rows_from_text
from webapp.batches.models import BatchRequest
from webapp.errors import InvalidInput, TooManyRows
from webapp.models import Platform
from webapp.routes.body import read_model
from webapp.routes.forms import read_form
from webapp.routes.upload_body import file_bytes, is_multipart
from webapp.state import app_state
from webapp.webhooks.callback_url import check_callback_url

# 500 lines of long profile URLs with room to spare; a batch's body is refused over this.
MAX_BATCH_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class BatchInput:
    rows: list[BatchRow]
    refresh: bool
    callback_url: str | None


async def read_batch(request: Request) -> BatchInput:
    """The API's body: JSON, or multipart/form-data with a CSV file (field `file`)."""
    allow_private = app_state(request).settings.webhook_allow_private
    if is_multipart(request):
        form = await read_batch_form(request)
        try:
            return await batch_from_form(form, allow_private=allow_private)
        finally:
            await form.close()
    body = await read_model(request, BatchRequest, limit=MAX_BATCH_BYTES)
    callback_url = check_callback_url(body.callback_url, allow_private=allow_private)
    if body.rows is not None:
        rows = rows_from_pairs([(r.handle, r.platform) for r in body.rows], body.platform)
    else:
        rows = rows_from_text(body.text or "", body.platform)
    return BatchInput(rows, body.refresh, callback_url)


async def read_batch_form(request: Request) -> FormData:
    return await read_form(
        request,
        MAX_BATCH_BYTES,
        max_files=1,
        too_large=f"The batch is over {MAX_BATCH_BYTES // 1024} KiB; send at most 500 lines.",
    )


async def batch_from_form(form: FormData, *, allow_private: bool) -> BatchInput:
    """Fields: `text` (pasted lines) and/or `file` (a CSV), `platform` (for lines that name
    none), `refresh`, `callback_url`. The file's lines follow the text's."""
    default = _platform(form.get("platform"))
    text = form.get("text")
    text = text if isinstance(text, str) else ""
    data = await file_bytes(form, MAX_BATCH_BYTES)
    if not text.strip() and data is None:
        raise InvalidInput(
            "Paste some handles or profile URLs, one a line, or choose a CSV file.",
            details={"field": "text"},
        )
    rows = rows_from_text(text, default) if text.strip() else []
    if data is not None:
        # Numbered after the pasted text's lines, so every row's line is unique.
        offset = len(text.splitlines()) if text.strip() else 0
        rows += [_shifted(row, offset) for row in rows_from_csv(data, default)]
        if len(rows) > MAX_ROWS:
            raise TooManyRows(
                f"A batch takes at most {MAX_ROWS} lines; the text and the file have "
                f"{len(rows)} together.",
                details={"limit": MAX_ROWS, "rows": len(rows)},
            )
    callback = form.get("callback_url")
    callback_url = check_callback_url(
        callback if isinstance(callback, str) and callback else None, allow_private=allow_private
    )
    return BatchInput(rows, form.get("refresh") is not None, callback_url)


def _shifted(row: BatchRow, offset: int) -> BatchRow:
    if not offset:
        return row
    return BatchRow(
        row.line + offset,
        row.input,
        row.platform,
        row.handle,
        row.job_id,
        row.deduplicated,
        row.error,
    )


def _platform(value: object) -> Platform:
    if value is None or value == "":
        return Platform.INSTAGRAM
    if isinstance(value, str) and value in {p.value for p in Platform}:
        return Platform(value)
    raise InvalidInput(
        "Choose the platform: instagram, tiktok or youtube.", details={"field": "platform"}
    )
