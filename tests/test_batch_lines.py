"""Reading a batch's lines: platforms from URLs, columns, headers, comments and line numbers."""

from __future__ import annotations

import pytest

from webapp.batches.lines import rows_from_csv, rows_from_pairs, rows_from_text
from webapp.errors import InvalidInput, TooManyRows
from webapp.models import Platform


def summary(rows: list) -> list[tuple[int, str | None, str | None, str | None]]:
    return [(r.line, r.platform, r.handle, r.error.code if r.error else None) for r in rows]


def test_text_lines_keep_their_numbers_and_take_the_urls_platform() -> None:
    text = (
        "Handle\tPlatform\n"
        "\n"
        "  @Mixed.Case  \n"
        "# skipped\n"
        "https://m.tiktok.com/@tok.user?lang=en\n"
        "www.youtube.com/@tube-user\n"
        "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv\n"
        "someone;youtube\n"
        "https://example.com/someone\n"
        "https://www.instagram.com/p/abc/\n"
        "https://www.tiktok.com/@tok.user,instagram\n"
    )
    assert summary(rows_from_text(text, Platform.INSTAGRAM)) == [
        (3, "instagram", "mixed.case", None),
        (5, "tiktok", "tok.user", None),
        (6, "youtube", "tube-user", None),
        (7, "youtube", "UCabcdefghijklmnopqrstuv", None),
        (8, "youtube", "someone", None),
        (9, "instagram", None, "invalid_handle"),
        (10, "instagram", None, "invalid_handle"),
        # The line names Instagram but the URL is TikTok's: said, not guessed.
        (11, "instagram", None, "invalid_handle"),
    ]


def test_a_bare_handle_takes_the_default_platform_and_a_long_line_is_refused() -> None:
    rows = rows_from_text("plain\n" + "x" * 3000, Platform.TIKTOK)
    assert summary(rows) == [(1, "tiktok", "plain", None), (2, None, None, "invalid_handle")]
    assert len(rows[1].input) == 200


def test_json_rows_are_numbered_in_order() -> None:
    rows = rows_from_pairs(
        [("a.one", None), ("b.two", "YouTube"), ("c", "vine")], Platform.INSTAGRAM
    )
    assert summary(rows) == [
        (1, "instagram", "a.one", None),
        (2, "youtube", "b.two", None),
        (3, None, None, "invalid_platform"),
    ]


def test_csv_columns_are_found_by_header_or_taken_in_order() -> None:
    with_header = b'\xef\xbb\xbfnote,Platform,handle\n"two\nlines",tiktok,first.one\n,,second.one\n'
    assert summary(rows_from_csv(with_header, Platform.YOUTUBE)) == [
        (3, "tiktok", "first.one", None),  # the line its record ends on
        (4, "youtube", "second.one", None),
    ]
    without = b"alpha.one,tiktok\nbeta.two\n"
    assert summary(rows_from_csv(without, Platform.INSTAGRAM)) == [
        (1, "tiktok", "alpha.one", None),
        (2, "instagram", "beta.two", None),
    ]


def test_over_the_limit_and_unreadable_files_are_refused_whole() -> None:
    with pytest.raises(TooManyRows) as too_many:
        rows_from_text("\n".join(f"h{i}" for i in range(501)), Platform.INSTAGRAM)
    assert too_many.value.details == {"limit": 500, "rows": 501}
    assert len(rows_from_text("\n".join(f"h{i}" for i in range(500)), Platform.INSTAGRAM)) == 500
    with pytest.raises(InvalidInput, match="UTF-8"):
        rows_from_csv(b"handle\n\xff", Platform.INSTAGRAM)
