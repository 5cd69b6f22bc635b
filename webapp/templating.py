"""Jinja2 templates for the pages and their fragments, and the filters that format for people."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import jinja2
from starlette.templating import Jinja2Templates

from webapp.clock import parse_iso
from webapp.handles import shown_handle
from webapp.links import web_link
from webapp.models import Metric, Platform
from webapp.pipeline.analysis.pricing import money_text
from webapp.report_view import metric_anchor

# The event after which a live page closes its EventSource, so the browser does not reconnect.
END_EVENT = "end"


def make_templates(directory: Path) -> Jinja2Templates:
    """Templates with autoescaping always on (whatever the file name) and loud undefined names."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        at=at,
        number=number,
        metric_value=metric_value,
        when=when,
        web_link=web_link,
        percent=percent,
    )
    env.globals.update(platforms=list(Platform), END_EVENT=END_EVENT, metric_anchor=metric_anchor)
    return Jinja2Templates(env=env)


# --- formatting for people -------------------------------------------------------------------


def percent(value: float | None) -> int:
    """A position or width as a whole percent, 0 to 100, for the `at-N` and `span-N` classes of
    static/css/scale.css (the Content-Security-Policy allows no `style=""` attributes)."""
    if value is None or value != value:  # None or NaN: nothing to show
        return 0
    return min(100, max(0, round(value)))


def number(value: int) -> str:
    return f"{value:,}"


def trimmed(value: float) -> str:
    """One decimal, without a useless `.0` (2.0 -> "2", 1.46 -> "1.5")."""
    return f"{value:.1f}".removesuffix(".0")


# A number as an explanation writes it: 1,234 or 0.36 or 88.0, optionally signed.
_NUMBER = re.compile(r"(?<![\w.,])[-+]?\d+(?:,\d{3})*(?:\.\d+)?")


def as_written(metric: Metric, suffix: str = "") -> str | None:
    """The metric's value the way its own explanation writes it (so headline and sentence never
    disagree: 88.0 % above "88.0% of ..."), or None when the sentence does not show it."""
    value = metric.value
    if value is None:
        return None
    for match in _NUMBER.finditer(metric.explanation):
        if suffix and not metric.explanation[match.end() :].lstrip().startswith(suffix):
            continue
        text = match.group()
        decimals = len(text.partition(".")[2])
        if abs(float(text.replace(",", "")) - value) <= 0.5 * 10**-decimals + 1e-9:
            return text.lstrip("+")
    return None


def metric_value(metric: Metric) -> str:
    value = metric.value
    if value is None:
        return "Not enough data"
    if metric.unit == "percent":
        return f"{as_written(metric, '%') or f'{value:.2f}'} %"
    if metric.unit == "ratio":
        return as_written(metric) or f"{value:.1f}"
    if metric.unit == "posts_per_week":
        return f"{trimmed(value)} posts/week"
    if metric.unit == "days":
        return "1 day" if trimmed(value) == "1" else f"{trimmed(value)} days"
    if metric.unit == "count":
        return f"{value:,.0f}"
    if metric.unit == "per_day":
        return f"{value:,.0f} a day"
    if metric.unit == "usd":
        return f"${value:,.0f}" if value >= 100 else money_text(value)
    if metric.unit == "p_value":
        return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"  # never "p = 0.000"
    return f"{trimmed(value)} / 100"  # score


def when(moment: str | datetime) -> str:
    moment = parse_iso(moment) if isinstance(moment, str) else moment.astimezone(UTC)
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


def at(handle: str, platform: Platform) -> str:
    return shown_handle(handle, platform)
