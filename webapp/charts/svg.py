"""SVG markup built as `Markup`: attribute values and text content are always escaped."""

from __future__ import annotations

import functools

from markupsafe import Markup, escape

SVG_NS = "http://www.w3.org/2000/svg"

Child = Markup | str
AttrValue = str | float | None


def num(value: float) -> str:
    """A coordinate with at most one decimal and no trailing zero: 12.0 -> "12", 3.26 -> "3.3".

    A tenth of a user unit is far below a pixel at any size a report shows, and short numbers
    keep four charts a page small.
    """
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


@functools.cache
def _attribute_name(name: str) -> str:
    # Python names stand in for SVG ones: class_ -> class, text_anchor -> text-anchor.
    return name.rstrip("_").replace("_", "-")


def tag(name: str, *children: Child, **attributes: AttrValue) -> Markup:
    """`<name attr="...">children</name>`; plain `str` children are escaped, `Markup` kept."""
    # A report draws a few hundred elements per request, so this stays on plain strings.
    head = name
    for key, value in attributes.items():
        if value is None:
            continue
        text = escape(value) if isinstance(value, str) else num(value)
        head += f' {_attribute_name(key)}="{text}"'
    if not children:
        return Markup(f"<{head}/>")
    body = "".join(child if isinstance(child, Markup) else escape(child) for child in children)
    return Markup(f"<{head}>{body}</{name}>")
