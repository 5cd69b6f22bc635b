"""The stylesheets parse: every block is closed, so no rule swallows the ones after it (an
unclosed `@media print {` once hid every phone-width rule that followed it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

STYLESHEETS = sorted((Path(__file__).parent.parent / "static" / "css").glob("*.css"))


@pytest.mark.parametrize("path", STYLESHEETS, ids=lambda path: path.name)
def test_every_block_is_closed_where_it_should_be(path: Path) -> None:
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.DOTALL)
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        # A rule or at-rule starting at the left margin must start at the top level.
        if line and not line[0].isspace() and line[0] not in "}@" and line.rstrip().endswith("{"):
            assert depth == 0, f"{path.name}: line {number} opens a rule inside a block"
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{path.name}: line {number} closes a block that is not open"
    assert depth == 0, f"{path.name}: {depth} block(s) left open"


def test_there_are_stylesheets() -> None:
    assert {path.name for path in STYLESHEETS} >= {"app.css", "scale.css"}
