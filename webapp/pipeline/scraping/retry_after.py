"""Reading a platform's Retry-After header (RFC 9110, section 10.2.3)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait (>= 0), or None when the header is absent or unreadable.

    The header is either a number of seconds or an HTTP date; a date is measured from `now`
    (timezone-aware), so tests and servers with skewed clocks agree. A date already past, or a
    negative number, means "retry now": 0.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        # RFC 9110 allows only whole seconds; some servers send "1.5", which is just as clear.
        seconds = float(text)
    except ValueError:
        return _seconds_until_date(text, now)
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _seconds_until_date(text: str, now: datetime) -> float | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        # "-0000" yields a naive datetime; HTTP dates are always GMT.
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())
