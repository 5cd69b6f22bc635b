"""How the pipeline tells the job runner whether a failure is worth retrying."""

from __future__ import annotations


class PipelineError(Exception):
    """A failure with a message a marketer can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransientError(PipelineError):
    """Rate limits, 5xx answers, timeouts: the same request may succeed later."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(PipelineError):
    """Not found, private, auth, quota: retrying cannot help."""
