"""The verdict on hand-made accounts shaped like real creators (tests/account_shapes.py).

    .venv/bin/python bench/verdict_cases.py

One row per case: the verdict a marketer should read, the verdict and score the analysis gives,
the rules that fired, and the figures each case is about (engagement, spikes, price, the parts
the score could not measure). Not a timing benchmark: the before/after table of the verdicts.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from account_shapes import CASES, NOW

from webapp.models import Metric, QualityScore, ReportSection
from webapp.pipeline.report import full_report


def _metric(sections: list[ReportSection], section: str, key: str) -> Metric | None:
    for found in sections:
        if found.key == section:
            for item in found.metrics:
                if item.key == key:
                    return item.metric
    return None


def _figure(metric: Metric | None, unit: str = "") -> str:
    if metric is None or metric.value is None:
        return "n/a"
    return f"{metric.value:g}{unit}"


def _rules(score: QualityScore) -> str:
    vetoes = [f"veto: {flag.rule}" for flag in getattr(score, "vetoes", [])]
    flags = [f"flag: {flag.rule}" for flag in getattr(score, "red_flags", [])]
    return "; ".join(vetoes + flags) or "-"


def main() -> None:
    for case in CASES:
        report = full_report("case", case.build(), [], NOW)
        score = report.score
        assert score is not None
        sections = report.sections
        disclosure = next((s for s in score.sub_scores if s.label == "Disclosure"), None)
        unmeasured = [reason.section for reason in getattr(score, "unmeasured", [])]
        print(f"## {case.name}")
        print(f"   expected: {case.expected}")
        value = "none" if score.value is None else f"{score.value:g}"
        print(f"   verdict:  {score.verdict} (score {value})")
        print(f"   rules:    {_rules(score)}")
        print(
            "   figures:  engagement "
            f"{_figure(_metric(sections, 'engagement', 'rate_median'), ' %')}, spikes "
            f"{_figure(_metric(sections, 'growth', 'spikes'))}, price "
            f"${_figure(_metric(sections, 'pricing', 'price_low'))}-"
            f"{_figure(_metric(sections, 'pricing', 'price_high'))}, per genuine viewer "
            f"${_figure(_metric(sections, 'pricing', 'cost_per_genuine_viewer'))}, disclosure "
            f"part {'n/a' if disclosure is None or disclosure.value is None else disclosure.value}"
        )
        print(f"   reasons:  {[reason.text[:90] for reason in score.reasons]}")
        print(f"   unmeasured: {unmeasured or '-'}")


if __name__ == "__main__":
    main()
