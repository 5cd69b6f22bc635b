"""The headline of a metric and its sentence say the same number (88.0 %, not 88.00 % above
"88.0%"), and money never shows a small amount as $0."""

from __future__ import annotations

import pytest
from account_shapes import CASES, NOW, Case

from webapp.models import Metric
from webapp.pipeline.report import full_report
from webapp.templating import metric_value


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_the_headline_number_is_the_one_in_the_sentence(case: Case) -> None:
    report = full_report("case", case.build(), [], NOW)
    checked = 0
    for section in report.sections:
        for item in section.metrics:
            metric = item.metric
            if metric.value is None or metric.unit not in ("percent", "ratio"):
                continue
            number = metric_value(metric).removesuffix(" %")
            assert number in metric.explanation, (item.key, number, metric.explanation)
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    ("value", "shown"), [(0.0041, "$0.0041"), (0.0, "$0"), (27.48, "$27.48"), (1234.5, "$1,234")]
)
def test_money_is_never_rounded_to_zero(value: float, shown: str) -> None:
    metric = Metric(
        label="Price", value=value, unit="usd", explanation="", formula="", sample_size=1
    )
    assert metric_value(metric) == shown
