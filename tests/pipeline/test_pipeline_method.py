"""Method notes: every threshold of the analysis stated, with its source or marked assumed."""

from __future__ import annotations

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.benchmarks import CPM, FREQUENCY, engagement_band
from webapp.pipeline.analysis.method import method_notes
from webapp.pipeline.analysis.tiers import Tier


@pytest.mark.parametrize("platform", list(Platform))
def test_every_note_has_a_statement_and_a_source_or_none(platform: Platform) -> None:
    notes = method_notes(platform)
    assert notes
    for note in notes:
        assert note.topic.strip()
        assert note.statement.strip()
        assert note.source is None or note.source.strip()


@pytest.mark.parametrize("platform", list(Platform))
def test_each_tier_band_is_stated_with_its_values_and_source(platform: Platform) -> None:
    notes = {n.topic: n for n in method_notes(platform)}
    for tier in Tier:
        band = engagement_band(platform, tier)
        note = notes[f"Engagement band, {tier.value}"]
        assert f"{band.low:g}%" in note.statement
        assert f"{band.high:g}%" in note.statement
        assert note.source == band.source
    price = notes["Price per 1,000 impressions"]
    assert f"${CPM[platform].low:g}-${CPM[platform].high:g}" in price.statement


def test_frequency_is_an_instagram_assumption_only() -> None:
    instagram = {n.topic: n for n in method_notes(Platform.INSTAGRAM)}
    assert instagram["Instagram frequency"].source is None
    assert f"{FREQUENCY:g} impressions" in instagram["Instagram frequency"].statement
    for platform in (Platform.TIKTOK, Platform.YOUTUBE):
        topics = {n.topic for n in method_notes(platform)}
        assert "Instagram frequency" not in topics
        assert "Impressions" in topics


def test_youtube_bands_are_per_subscriber() -> None:
    notes = {n.topic: n for n in method_notes(Platform.YOUTUBE)}
    assert "of its subscribers" in notes["Engagement band, nano"].statement


def test_sourced_and_assumed_notes_are_both_present() -> None:
    notes = method_notes(Platform.INSTAGRAM)
    assert any(n.source is None for n in notes)
    assert any(n.source is not None and "1993" in n.source for n in notes)
