"""Numbers as chart labels: compact counts (1.2K, 3.4M) and tick labels that stay exact."""

from __future__ import annotations

from collections.abc import Sequence

_SUFFIXES = ("", "K", "M", "B", "T")


def _scaled(value: float, decimals: int) -> tuple[float, str]:
    size = abs(value)
    index = 0
    # Move up a unit while the rounded figure would read 1000 or more (999,960 -> 1M, not 1000K).
    while index < len(_SUFFIXES) - 1 and round(size, decimals) >= 1000:
        size /= 1000
        index += 1
    return size, _SUFFIXES[index]


def compact(value: float, decimals: int = 1) -> str:
    """999 -> "999", 1200 -> "1.2K", 3_400_000 -> "3.4M", -1500 -> "-1.5K"."""
    size, suffix = _scaled(value, decimals)
    text = f"{size:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    sign = "-" if value < 0 and text != "0" else ""
    return f"{sign}{text}{suffix}"


def _exact(value: float, decimals: int) -> bool:
    size, _ = _scaled(value, decimals)
    return abs(round(size, decimals) - size) <= 1e-9 * max(1.0, size)


def tick_labels(values: Sequence[float]) -> list[str]:
    """Compact labels with the fewest decimals (at most 3) that show every tick exactly.

    Ticks 80,000, 80,250 and 80,500 read "80K", "80.25K", "80.5K" rather than "80.3K".
    """
    for decimals in range(4):
        if all(_exact(value, decimals) for value in values):
            break
    return [compact(value, decimals) for value in values]
