"""The normalised ScrapeResult: strict input, UTC times, a documented schema."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from webapp.models import Platform
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult

PARIS_SUMMER = timezone(timedelta(hours=2))


def test_times_are_normalised_to_utc() -> None:
    post = Post(
        id="p1", published_at=datetime(2026, 5, 10, 14, 0, tzinfo=PARIS_SUMMER), kind="reel"
    )
    assert post.published_at == datetime(2026, 5, 10, 12, 0, tzinfo=UTC)
    assert post.published_at.utcoffset() == timedelta(0)


def test_times_without_a_zone_are_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        Post(id="p1", published_at=datetime(2026, 5, 10, 12, 0), kind="photo")


@pytest.mark.parametrize(
    "change",
    [{"likes": -1}, {"kind": "story"}, {"surprise": 1}, {"id": ""}],
)
def test_bad_posts_are_rejected(change: dict[str, Any]) -> None:
    fields: dict[str, Any] = {"id": "p1", "published_at": "2026-05-10T12:00:00Z", "kind": "photo"}
    with pytest.raises(ValidationError):
        Post.model_validate(fields | change)


def test_an_upload_parses_from_json_with_defaults() -> None:
    result = ScrapeResult.model_validate_json(
        """{"platform": "tiktok", "source": "upload",
            "profile": {"handle": "creator", "followers": 10, "post_count": 1},
            "posts": [{"id": "1", "published_at": "2026-05-10T12:00:00Z", "kind": "video"}]}"""
    )
    assert result.platform is Platform.TIKTOK
    assert result.profile == Profile(handle="creator", followers=10, post_count=1)
    assert result.posts[0].likes is None
    assert result.comments == []
    assert result.coverage == []


def _fields_without_description(schema: dict[str, Any]) -> list[str]:
    missing = []
    for name, definition in schema.get("$defs", {}).items():
        for field, spec in definition.get("properties", {}).items():
            if "description" not in spec:
                missing.append(f"{name}.{field}")
    for field, spec in schema["properties"].items():
        if "description" not in spec:
            missing.append(f"ScrapeResult.{field}")
    return missing


def test_every_field_is_described_in_the_schema() -> None:
    schema = ScrapeResult.model_json_schema()
    assert set(schema["$defs"]) >= {"Profile", "Post", "Comment", "AccountStub"}
    assert _fields_without_description(schema) == []
    assert schema["additionalProperties"] is False
