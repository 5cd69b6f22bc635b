"""An uploaded file -> the ScrapeResult the upload adapter replays.

Parsing happens when the file arrives, not in the job: a bad file is refused with a 4xx before
anything is stored, and the job only ever reads a result that is known to be valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from webapp.errors import EmptyUpload, InvalidInput, InvalidUpload, UnsupportedUpload
from webapp.handles import normalise_handle
from webapp.models import Platform
from webapp.pipeline.scraping.limits import within_limits
from webapp.pipeline.scraping.result import Profile, ScrapeResult
from webapp.pipeline.scraping.upload_csv import parse_csv
from webapp.pipeline.scraping.upload_json import parse_json

UPLOAD_SOURCE = "upload"
NO_COMMENTS = "comments not included in the upload"
NO_FOLLOWERS = "follower list not available from an upload"
# Assumption: a post dated up to a day ahead is a time-zone slip (a date without a zone is read
# as UTC); later than that, the export's dates are wrong and every recency figure with them.
FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class UploadRequest:
    """An upload as the marketer sent it; `handle` is already normalised when given."""

    platform: Platform
    handle: str | None
    followers: int | None
    data: bytes
    refresh: bool = False


def parse_upload(upload: UploadRequest, now: datetime) -> ScrapeResult:
    """The file's account, cut to what the analysis keeps (limits.py); `now` refuses posts
    dated in the future."""
    text = _text(upload.data)
    if text.lstrip()[:1] in ("{", "["):
        result = _from_json(parse_json(text), upload)
        _refuse_future(result, now, csv=False)
    else:
        result = _from_csv(text, upload)
        _refuse_future(result, now, csv=True)
    return within_limits(result)


def _refuse_future(result: ScrapeResult, now: datetime, *, csv: bool) -> None:
    latest = now + FUTURE_SLACK
    for index, post in enumerate(result.posts):
        if post.published_at <= latest:
            continue
        when = post.published_at.isoformat()
        if csv:
            line = int(post.id.removeprefix("line-"))
            raise InvalidUpload(
                f"Line {line}, column published_at: {when} is in the future (now is "
                f"{now:%Y-%m-%d %H:%M} UTC). Check the export's dates.",
                details={"field": "file", "line": line, "column": "published_at", "value": when},
            )
        raise InvalidUpload(
            f"posts[{index}].published_at: {when} is in the future (now is "
            f"{now:%Y-%m-%d %H:%M} UTC). Check the export's dates.",
            details={"field": "file", "path": f"posts[{index}].published_at", "value": when},
        )


def _text(data: bytes) -> str:
    if not data.strip():
        raise EmptyUpload(
            "The file is empty. Upload a ScrapeResult JSON file or a CSV of posts.",
            details={"field": "file", "line": 1, "column": 1},
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UnsupportedUpload(
            f"The file is not UTF-8 text (line {line}), so it is neither JSON nor CSV. "
            "Export it as UTF-8 CSV or JSON.",
            details={"field": "file", "line": line, "column": None},
        ) from None
    if "\x00" in text:
        raise UnsupportedUpload(
            "The file is binary, not a JSON or CSV text file.",
            details={"field": "file", "line": None, "column": None},
        )
    return text


def _from_json(result: ScrapeResult, upload: UploadRequest) -> ScrapeResult:
    if result.platform is not upload.platform:
        raise InvalidInput(
            f"The file is a {result.platform.label} account, but the platform chosen is "
            f"{upload.platform.label}.",
            details={"field": "platform"},
        )
    handle = normalise_handle(upload.platform, result.profile.handle)
    if upload.handle is not None and upload.handle != handle:
        raise InvalidInput(
            f"The file is for @{handle}, but the handle entered is @{upload.handle}. "
            "Leave the handle empty to use the file's.",
            details={"field": "handle"},
        )
    profile = result.profile.model_copy(update={"handle": handle})
    if upload.followers is not None:
        profile = profile.model_copy(update={"followers": upload.followers})
    coverage = list(result.coverage)
    if result.source != UPLOAD_SOURCE:
        # Keep where the figures came from: the report's source says only "upload".
        coverage.append(f"uploaded file; its data came from {result.source!r}")
    if not result.comments:
        coverage.append(NO_COMMENTS)
    if not result.follower_sample:
        coverage.append(NO_FOLLOWERS)
    return result.model_copy(
        update={"profile": profile, "source": UPLOAD_SOURCE, "coverage": coverage}
    )


def _from_csv(text: str, upload: UploadRequest) -> ScrapeResult:
    parsed = parse_csv(text, upload.platform)
    if upload.handle is None:
        raise InvalidInput(
            "A CSV has no profile: enter the handle of the account the posts belong to.",
            details={"field": "handle"},
        )
    if upload.followers is None:
        raise InvalidInput(
            "A CSV has no profile: enter the account's follower count.",
            details={"field": "followers"},
        )
    coverage = [NO_COMMENTS, NO_FOLLOWERS, "profile details other than followers not in a CSV"]
    if parsed.ignored_columns:
        coverage.append(f"unknown CSV columns ignored: {', '.join(parsed.ignored_columns)}")
    return ScrapeResult(
        platform=upload.platform,
        profile=Profile(
            handle=upload.handle, followers=upload.followers, post_count=len(parsed.posts)
        ),
        posts=parsed.posts,
        source=UPLOAD_SOURCE,
        coverage=coverage,
    )
