"""Schemathesis hooks (loaded by tests/test_schemathesis.py): upload files worth analysing.

The document says an upload's file is application/json (a ScrapeResult) or text/csv, but a
file's content is bytes to a fuzzer, so without this every generated upload would be refused
as neither. With it, most CSV parts are well-formed exports with varied numbers, text and
column orders, so fuzzing reaches the parser, the job and the analysis; the rest are raw bytes.
(A strategy for application/json would replace the generation of every JSON request body, so
JSON files come from the document's schema as generated text, and from unit tests.)
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import schemathesis
from hypothesis import strategies as st

COUNT = st.integers(min_value=0, max_value=10**12)
TEXT = st.text(max_size=40)
WHEN = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(UTC)
)


@st.composite
def csv_exports(draw: st.DrawFn) -> bytes:
    optional = draw(st.lists(st.sampled_from(["views", "caption", "url"]), unique=True))
    columns = draw(st.permutations(["published_at", "likes", "comments", *optional]))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for _ in range(draw(st.integers(min_value=1, max_value=30))):
        values = {
            "published_at": draw(WHEN).isoformat(),
            "likes": str(draw(COUNT)),
            "comments": str(draw(COUNT)),
            "views": draw(st.sampled_from(["", str(draw(COUNT))])),
            "caption": draw(TEXT),
            "url": draw(st.sampled_from(["", "https://example.com/p/1", draw(TEXT)])),
        }
        writer.writerow([values[column] for column in columns])
    return out.getvalue().encode()


schemathesis.openapi.media_type("text/csv", csv_exports() | st.binary(max_size=200))
