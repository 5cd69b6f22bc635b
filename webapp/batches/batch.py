"""A batch: many lines a marketer pasted or uploaded, each a job (shared by duplicate lines) or
the reason it could not be one. Written once when the batch is created; the jobs hold the
progress, so a batch never changes afterwards."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from webapp.clock import isoformat, parse_iso

# More lines than this in one batch is refused (422) before anything is created.
MAX_ROWS = 500


@dataclass(frozen=True, slots=True)
class LineError:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class BatchRow:
    line: int  # 1-based, in what was sent (a text's line, a CSV's line, or the rows' index)
    input: str  # as sent, cut to 200 characters
    platform: str | None  # None when the line named no platform we know
    handle: str | None  # canonical; None when the line is bad
    job_id: str | None = None
    deduplicated: bool = False
    error: LineError | None = None


@dataclass(frozen=True, slots=True)
class Batch:
    id: str
    created_at: datetime
    expires_at: datetime
    rows: tuple[BatchRow, ...]
    callback_url: str | None = None

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    @property
    def job_ids(self) -> list[str]:
        """Each job once, in the order of its first line."""
        return list(dict.fromkeys(row.job_id for row in self.rows if row.job_id is not None))

    @property
    def accepted(self) -> int:
        return sum(1 for row in self.rows if row.job_id is not None)

    @property
    def rejected(self) -> int:
        return len(self.rows) - self.accepted

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "created_at": isoformat(self.created_at),
                "expires_at": isoformat(self.expires_at),
                "callback_url": self.callback_url,
                "rows": [_row_dict(row) for row in self.rows],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> Batch:
        data = json.loads(raw)
        return cls(
            id=data["id"],
            created_at=parse_iso(data["created_at"]),
            expires_at=parse_iso(data["expires_at"]),
            callback_url=data.get("callback_url"),
            rows=tuple(_row_of(row) for row in data["rows"]),
        )


def _row_dict(row: BatchRow) -> dict[str, Any]:
    return {
        "line": row.line,
        "input": row.input,
        "platform": row.platform,
        "handle": row.handle,
        "job_id": row.job_id,
        "deduplicated": row.deduplicated,
        "error": None
        if row.error is None
        else {"code": row.error.code, "message": row.error.message},
    }


def _row_of(data: dict[str, Any]) -> BatchRow:
    error = data.get("error")
    return BatchRow(
        line=data["line"],
        input=data["input"],
        platform=data.get("platform"),
        handle=data.get("handle"),
        job_id=data.get("job_id"),
        deduplicated=bool(data.get("deduplicated")),
        error=None if error is None else LineError(error["code"], error["message"]),
    )
