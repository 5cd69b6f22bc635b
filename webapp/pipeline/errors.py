"""How the pipeline tells the job runner whether a failure is worth retrying, and what kind it is.

Every error carries an `ErrorCode` (the status JSON's `error_code` once the job fails), so a
program can tell "no such account" from "the platform is down" without reading the message.
"""

from __future__ import annotations

from typing import Any

from webapp.models import ErrorCode


class PipelineError(Exception):
    """A failure with a message a marketer can act on, and a code a program can act on."""

    def __init__(self, message: str, *, code: ErrorCode) -> None:
        super().__init__(message)
        self.message = message
        self.code: ErrorCode = code

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross back from analysis worker processes pickled; the default reduction
        # would pass only the message and lose the keyword-only code.
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls: type[PipelineError], state: dict[str, Any]) -> PipelineError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class TransientError(PipelineError):
    """Rate limits, 5xx answers, timeouts: the same request may succeed later.

    The message says what happened, not what comes next: the runner adds "retrying" or, once
    the attempts are used up, that the platform could not be reached and to try later."""

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode = "upstream_unavailable",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class PermanentError(PipelineError):
    """Not found, private, auth, quota: retrying cannot help."""
