"""The quality score on the demo archetypes, and the report sections built from the families."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis import analyse
from webapp.pipeline.analysis.families import TITLES, analyse_families, metrics_of, sections_of
from webapp.pipeline.analysis.score import quality_score
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.pipeline.scraping.result import ScrapeResult

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class StillClock:
    def now(self) -> datetime:
        return NOW

    async def sleep(self, seconds: float) -> None:
        raise AssertionError("no delay, no sleep")


async def demo(handle: str, platform: Platform) -> ScrapeResult:
    async def progress(fraction: float, message: str) -> None:
        pass

    request = ScrapeRequest(platform=platform, handle=handle, attempt=1)
    return await DemoAdapter(StillClock(), 0.0).fetch(request, progress)


@pytest.mark.parametrize("platform", list(Platform))
async def test_authentic_is_recommended_bought_and_pod_are_avoided(platform: Platform) -> None:
    verdicts = {}
    reasons = {}
    for handle in ("demo.authentic", "demo.bought", "demo.pod"):
        score = quality_score(analyse_families(await demo(handle, platform), [], NOW))
        verdicts[handle] = score.verdict
        reasons[handle] = [(reason.section, reason.metric) for reason in score.reasons]
        assert score.value is not None
        assert 0 <= score.value <= 100
        assert 1 <= len(score.reasons) <= 3
    assert verdicts == {
        "demo.authentic": "recommended",
        "demo.bought": "avoid",
        "demo.pod": "avoid",
    }
    # The right reasons are named first: the fake audience, and the pod's comments.
    assert reasons["demo.bought"][0] == ("audience", "quality_audience_share")
    assert reasons["demo.pod"][0] == ("comments", "recurring_comment_share")


async def test_sub_scores_weigh_to_one_and_the_score_is_their_weighted_mean() -> None:
    score = quality_score(analyse_families(await demo("demo.authentic", Platform.YOUTUBE), [], NOW))
    assert sum(sub.weight for sub in score.sub_scores) == pytest.approx(1.0)
    parts = [sub for sub in score.sub_scores if sub.value is not None]
    total = sum(sub.weight for sub in parts)
    expected = sum(sub.weight * (sub.value or 0) for sub in parts) / total
    assert score.value == pytest.approx(expected, abs=0.06)


async def test_a_dormant_account_is_not_recommended() -> None:
    score = quality_score(analyse_families(await demo("demo.dormant", Platform.INSTAGRAM), [], NOW))
    assert score.verdict != "recommended"
    activity = next(sub for sub in score.sub_scores if sub.label == "Activity")
    assert activity.value == 0


async def test_sections_cover_every_family_with_unique_metric_keys() -> None:
    families = analyse_families(await demo("demo.brand", Platform.INSTAGRAM), [], NOW)
    sections = sections_of(families)
    assert [section.key for section in sections] == list(TITLES)
    for section in sections:
        keys = [entry.key for entry in section.metrics]
        assert keys, section.key
        assert len(keys) == len(set(keys)), section.key
    content = next(section for section in sections if section.key == "content")
    keys = {entry.key for entry in content.metrics}
    assert {"disclosure.undisclosed_posts", "brand_safety.alcohol"} <= keys
    engagement = next(section for section in sections if section.key == "engagement")
    position = next(entry.metric for entry in engagement.metrics if entry.key == "position")
    assert "benchmark" in position.label


async def test_the_headline_metrics_from_the_families_equal_the_first_cut_ones() -> None:
    for handle in ("demo.authentic", "demo.dormant", "demo.brand"):
        for platform in Platform:
            result = await demo(handle, platform)
            families = analyse_families(result, [], NOW)
            assert metrics_of(families) == analyse(result, [], NOW), (handle, platform)


async def test_reasons_support_the_verdict_and_never_praise_an_avoided_account() -> None:
    for handle in ("demo.authentic", "demo.bought", "demo.pod", "demo.dormant"):
        for platform in Platform:
            score = quality_score(analyse_families(await demo(handle, platform), [], NOW))
            assert score.reasons, (handle, platform)
            rules = [flag.rule for flag in [*score.vetoes, *score.red_flags]]
            for reason in score.reasons:
                if any(reason.text.startswith(f"{rule}: ") for rule in rules):
                    # A rule that fired: a veto for avoid, a capping flag for review.
                    assert score.verdict != "recommended", (handle, platform, reason.text)
                    continue
                part = next(
                    sub.value
                    for sub in score.sub_scores
                    if sub.key == reason.section and reason.text.startswith(f"{sub.label}: ")
                )
                assert part is not None, "a part without data is never a reason"
                if score.verdict == "recommended":
                    assert part >= 70, (handle, platform, reason.text)
                else:
                    assert part < 70, (handle, platform, reason.text)


async def test_two_posts_and_nothing_else_get_no_score_and_say_why() -> None:
    authentic = await demo("demo.authentic", Platform.INSTAGRAM)
    sparse = authentic.model_copy(
        update={
            "posts": sorted(authentic.posts, key=lambda p: p.published_at)[-2:],
            "comments": [],
            "follower_sample": [],
            "follower_history": [],
        }
    )
    score = quality_score(analyse_families(sparse, [], NOW))
    assert score.value is None
    assert score.verdict is None
    (reason,) = score.reasons
    assert reason.text.startswith("Not enough data for a score: engagement, audience, comments")
    assert (reason.section, reason.metric) == ("engagement", "position")
    assert "Not enough recent posts (n=2)" in reason.text


async def test_a_veto_still_means_avoid_when_there_is_too_little_for_a_score() -> None:
    bought = await demo("demo.bought", Platform.INSTAGRAM)
    sparse = bought.model_copy(
        update={"posts": sorted(bought.posts, key=lambda p: p.published_at)[-2:]}
    )
    score = quality_score(analyse_families(sparse, [], NOW))
    assert score.value is None
    assert score.verdict == "avoid"
    assert [(r.section, r.metric) for r in score.reasons] == [
        ("audience", "quality_audience_share"),
        ("engagement", "position"),
    ]
