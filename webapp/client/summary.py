"""A report as a few lines of text: verdict, score, vetoes, red flags and the top reasons."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

VERDICTS = {"recommended": "Recommended", "review": "Review", "avoid": "Avoid"}
VERDICT_STYLES = {"recommended": "bold green", "review": "bold yellow", "avoid": "bold red"}
PLATFORMS = {"instagram": "Instagram", "tiktok": "TikTok", "youtube": "YouTube"}
DEMO_LABEL = "DEMO DATA: synthetic figures, not the real account's."


def verdict_line(report: dict[str, Any]) -> Text:
    score = report.get("score") or {}
    verdict = str(score.get("verdict"))
    value = score.get("value")
    line = Text("Verdict: ")
    line.append(VERDICTS.get(verdict, "No verdict"), style=VERDICT_STYLES.get(verdict, "bold"))
    line.append("    Score: ")
    line.append(f"{value:.0f}/100" if isinstance(value, int | float) else "none", style="bold")
    return line


def print_summary(console: Console, report: dict[str, Any], report_url: str) -> None:
    score = report.get("score") or {}
    if report.get("is_demo"):
        console.print(DEMO_LABEL, style="bold magenta", markup=False, highlight=False)
    platform = PLATFORMS.get(report.get("platform", ""), report.get("platform", ""))
    followers = (report.get("profile") or {}).get("followers")
    heading = Text(f"{report.get('handle', '')} on {platform}", style="bold")
    if isinstance(followers, int):
        heading.append(f" · {followers:,} followers", style="")
    console.print(heading)
    console.print(verdict_line(report))
    sections = (
        ("Vetoes (avoid whatever the score)", score.get("vetoes") or [], "red"),
        ("Red flags", score.get("red_flags") or [], "yellow"),
    )
    for title, flags, style in sections:
        if flags:
            console.print(f"{title}:", style=f"bold {style}", markup=False, highlight=False)
            for flag in flags:
                line = ": ".join(str(part) for part in (flag.get("rule"), flag.get("text")) if part)
                console.print(f"  - {line}", markup=False, highlight=False)
    reasons = score.get("reasons") or []
    if reasons:
        console.print("Top reasons:", style="bold", markup=False, highlight=False)
        for number, reason in enumerate(reasons, start=1):
            console.print(f"  {number}. {reason.get('text', '')}", markup=False, highlight=False)
    console.print(f"Report: {report_url}", markup=False, highlight=False)
