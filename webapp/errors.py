"""Domain errors and the one JSON error shape they map to.

Every error a user can cause is an `AppError` with an HTTP status, a stable code and a message a
marketer can act on. `app.py` installs one handler that renders them all.
"""

from __future__ import annotations


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        details: object = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}

    def body(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class MalformedJSON(AppError):
    status_code = 400
    code = "malformed_json"


class MalformedRequest(AppError):
    """Not valid HTTP at all (answered by `http_protocol`, before the app sees it)."""

    status_code = 400
    code = "malformed_request"


class InvalidInput(AppError):
    status_code = 422
    code = "invalid_input"


class InvalidHandle(InvalidInput):
    code = "invalid_handle"


class InvalidPlatform(InvalidInput):
    code = "invalid_platform"


class InvalidUpload(InvalidInput):
    """The uploaded file cannot be read; details name the line and column at fault."""

    code = "invalid_upload"


class EmptyUpload(InvalidInput):
    code = "empty_upload"


class TooManyRows(InvalidInput):
    """A batch over its row limit; details name the limit and the count."""

    code = "too_many_rows"


class NoValidRows(InvalidInput):
    """A batch none of whose lines can be analysed; details list each line's error."""

    code = "no_valid_rows"


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class JobNotFinished(AppError):
    status_code = 409
    code = "job_not_finished"


class JobFailed(AppError):
    status_code = 409
    code = "job_failed"


class MethodNotAllowed(AppError):
    status_code = 405
    code = "method_not_allowed"


class RequestTimeout(AppError):
    status_code = 408
    code = "request_timeout"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"


class CrossSiteRequest(AppError):
    status_code = 403
    code = "cross_site_request"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "unsupported_media_type"


class UnsupportedUpload(AppError):
    status_code = 415
    code = "unsupported_upload"


class QueueFull(AppError):
    status_code = 503
    code = "queue_full"


class StoreUnavailable(AppError):
    status_code = 503
    code = "store_unavailable"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class TooManyRequests(AppError):
    """A per-client limit; `Retry-After` (seconds) says when to try again."""

    status_code = 429
    code = "too_many_requests"
