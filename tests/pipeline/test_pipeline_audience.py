"""Fake-account score and audience metrics against hand-computed expectations on hand-made stubs."""

from __future__ import annotations

import math
from statistics import fmean

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.audience import AudienceType, audience, audience_type
from webapp.pipeline.analysis.fake_account import (
    contributions,
    fake_probability,
    is_fake,
    reasons,
)
from webapp.pipeline.scraping.result import AccountStub, Profile, ScrapeResult

# Every fitted feature at a known value: 11-letter username, no bio, 99 followers and 99
# following, 0 posts, a profile picture, public. Log-odds, term by term (weight * (x - neutral)):
#   intercept                        0.4133
#   following:followers  1.3118 * (ln(100/100) - 1.7281)  = -2.266922
#   posts               -0.8485 * (ln(1) - 1.9034)         =  1.615035
#   no profile picture   2.0948 * (0 - 0.2040)             = -0.427339
#   private             -2.0338 * (0 - 0.5247)             =  1.067135
#   bio length          -0.0046 * (ln(1) - 1.4805)         =  0.006810
#   username length     -0.0278 * (11 - 11.2302)           =  0.006400
#   username digits      2.6401 * (0 - 0.0872)             = -0.230217
#   sum 0.184202 -> probability 1 / (1 + exp(-0.184202)) = 0.545921
BASE = AccountStub(
    username="abcdefghijk", followers=99, following=99, posts=0, has_profile_pic=True
)


def log_odds(stub: AccountStub) -> float:
    p = fake_probability(stub)
    return math.log(p / (1 - p))


def effect(**change: object) -> float:
    """How much the change moves the log-odds away from BASE."""
    return log_odds(BASE.model_copy(update=change)) - log_odds(BASE)


def test_base_account_probability_by_hand() -> None:
    assert log_odds(BASE) == pytest.approx(0.184202, abs=1e-5)
    assert fake_probability(BASE) == pytest.approx(0.545921, abs=1e-5)
    assert is_fake(BASE)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # 1.3118 * ln((999 + 1) / (99 + 1)) = 1.3118 * 2.302585
        ({"following": 999}, 3.020531),
        # Unknown followers: the ratio term drops to 0 from -2.266922.
        ({"followers": None}, 2.266922),
        # -0.8485 * ln(1 + 99) = -0.8485 * 4.605170
        ({"posts": 99}, -3.907487),
        ({"has_profile_pic": False}, 2.0948),
        # Unknown picture: the term drops to 0 from -0.427339.
        ({"has_profile_pic": None}, 0.427339),
        ({"private": True}, -2.0338),
        # -0.0046 * ln(1 + 99)
        ({"bio": "b" * 99}, -0.021184),
        # -0.0278 * (21 - 11)
        ({"username": "abcdefghijklmnopqrstu"}, -0.278),
        # 2.6401 * 4/11 digits
        ({"username": "abcdefg1234"}, 0.960036),
        # Hand-set: a first and last name, or a link, each -0.5; one word or none, nothing.
        ({"full_name": "Anna Berg"}, -0.5),
        ({"full_name": "Anna Maria Berg"}, -0.5),
        ({"full_name": "Anna"}, 0.0),
        ({"external_url": "https://anna.example"}, -0.5),
    ],
)
def test_each_feature_moves_the_log_odds_by_its_weight(
    change: dict[str, object], expected: float
) -> None:
    assert effect(**change) == pytest.approx(expected, abs=1e-5)


def test_unknown_counts_push_neither_way() -> None:
    stub = AccountStub(username="abcdefghijk")
    parts = contributions(stub)
    for name in ("following_followers", "posts", "no_profile_pic", "full_name", "external_url"):
        assert parts[name] == 0.0
    # What is left: intercept + private + bio + username terms of BASE = 0.4133 + 1.067135
    # + 0.006810 + 0.006400 - 0.230217.
    assert log_odds(stub) == pytest.approx(1.263428, abs=1e-5)


def test_probability_stays_in_range_for_extreme_accounts() -> None:
    bot = AccountStub(username="x1234567890", followers=0, following=10**9, posts=0)
    star = AccountStub(username="star", followers=10**9, following=0, posts=10**6, private=True)
    assert 0.0 <= fake_probability(star) < 1e-6
    assert 1 - 1e-6 < fake_probability(bot) <= 1.0


def test_reasons_name_what_pushes_towards_fake() -> None:
    assert reasons(BOT.model_copy(update={"username": "bot"})) == [
        "following 4,100 with 12 followers",
        "no profile picture",
    ]
    assert reasons(REAL) == []


REAL = AccountStub(
    username="anna.berg",
    full_name="Anna Berg",
    bio="Photographer in Oslo",
    followers=420,
    following=380,
    posts=95,
    has_profile_pic=True,
    private=True,
)
BOT = AccountStub(
    username="user84736251", followers=12, following=4_100, posts=0, has_profile_pic=False
)
MASS = AccountStub(
    username="follow.fan",
    followers=1_800,
    following=2_000,
    posts=300,
    has_profile_pic=True,
    private=True,
)
INFLUENCER = AccountStub(
    username="bigshot", followers=20_000, following=400, posts=500, has_profile_pic=True
)


def test_audience_types_and_their_precedence() -> None:
    assert audience_type(REAL) is AudienceType.REAL
    assert audience_type(BOT) is AudienceType.SUSPICIOUS
    assert audience_type(MASS) is AudienceType.MASS_FOLLOWER
    assert audience_type(INFLUENCER) is AudienceType.INFLUENCER
    # Following 2,000 and 10,000 followers: mass follower wins over influencer.
    both = INFLUENCER.model_copy(update={"followers": 10_000, "following": 2_000})
    assert audience_type(both) is AudienceType.MASS_FOLLOWER
    # A fake-looking account with 8,000 followers following 7,000: suspicious wins over both.
    fake_star = BOT.model_copy(update={"followers": 8_000, "following": 7_000})
    assert fake_probability(fake_star) >= 0.5
    assert audience_type(fake_star) is AudienceType.SUSPICIOUS
    # Thresholds are strict: exactly 1,500 following and 5,000 followers do not count.
    edge = REAL.model_copy(update={"following": 1_500, "followers": 5_000})
    assert audience_type(edge) is AudienceType.REAL


def named(stub: AccountStub, prefix: str, count: int) -> list[AccountStub]:
    # Letter suffixes keep the usernames apart without adding digits.
    return [stub.model_copy(update={"username": f"{prefix}{chr(97 + i)}"}) for i in range(count)]


def scrape(sample: list[AccountStub]) -> ScrapeResult:
    return ScrapeResult(
        platform=Platform.INSTAGRAM,
        profile=Profile(handle="creator", followers=50_000, post_count=100),
        follower_sample=sample,
        source="upload",
    )


# 20 followers: 10 real, 4 bots, 4 mass followers, 2 influencers.
SAMPLE = [
    *named(REAL, "anna", 10),
    *named(BOT, "user", 4),
    *named(MASS, "fan", 4),
    *named(INFLUENCER, "big", 2),
]


def test_shares_of_each_audience_type() -> None:
    report = audience(scrape(SAMPLE))
    assert report.real_share.value == pytest.approx(50.0)
    assert report.suspicious_share.value == pytest.approx(20.0)
    assert report.mass_follower_share.value == pytest.approx(20.0)
    assert report.influencer_share.value == pytest.approx(10.0)
    # Quality = real + influencer = 12 of 20.
    assert report.quality_audience_share.value == pytest.approx(60.0)
    for metric in (report.real_share, report.quality_audience_share):
        assert metric.unit == "percent"
        assert metric.sample_size == 20
    assert report.suspicious_share.explanation == (
        "20.0% of the 20 sampled followers (4) look fake (fake probability >= 0.5)."
    )
    assert report.quality_audience_share.explanation == (
        "60.0% of the 20 sampled followers (12) are real people or influencers; "
        "8 are suspicious or mass followers."
    )


def test_evidence_names_the_accounts() -> None:
    report = audience(scrape(SAMPLE))
    suspicious = report.suspicious_share.evidence
    assert [e.ref for e in suspicious] == ["usera", "userb", "userc", "userd"]
    assert all(e.kind == "account" for e in suspicious)
    assert suspicious[0].note == (
        "fake probability 1.00: following 4,100 with 12 followers, no profile picture"
    )
    assert [e.ref for e in report.influencer_share.evidence] == ["biga", "bigb"]
    assert report.influencer_share.evidence[0].note == "influencer: 20,000 followers"
    assert report.mass_follower_share.evidence[0].note == "mass follower: following 2,000"
    # The quality share lists what pulls it down: the bots first, then the mass followers.
    quality = [e.ref for e in report.quality_audience_share.evidence]
    assert quality[:4] == ["usera", "userb", "userc", "userd"]
    assert sorted(quality[4:]) == ["fana", "fanb", "fanc", "fand"]


def test_evidence_is_capped_at_ten_most_suspicious() -> None:
    bots = [
        BOT.model_copy(update={"username": f"bot{'x' * i}", "following": 2_000 + 100 * i})
        for i in range(15)
    ]
    report = audience(scrape(bots))
    assert report.suspicious_share.value == pytest.approx(100.0)
    evidence = report.mean_fake_probability.evidence
    assert len(evidence) == 10
    # More following, more suspicious: the 15th bot (most following) comes first.
    assert evidence[0].ref == "bot" + "x" * 14


def test_mean_fake_probability() -> None:
    report = audience(scrape(SAMPLE))
    expected = fmean(fake_probability(s) for s in SAMPLE) * 100
    # The 4 bots are near 1 and the rest near 0: close to 4/20 = 20%.
    assert report.mean_fake_probability.value == pytest.approx(round(expected, 2))
    assert 19.5 < expected < 21.0
    assert report.mean_fake_probability.unit == "percent"
    assert report.mean_fake_probability.explanation.startswith(
        f"On average a sampled follower is {expected:.1f}% likely to be fake, over 20 accounts"
    )


def test_benford_needs_thirty_follower_counts() -> None:
    report = audience(scrape(SAMPLE))
    assert report.benford_chi_square.value is None
    assert report.benford_p_value.value is None
    assert report.benford_p_value.explanation.startswith("Not enough data (n=20)")
    counts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 18, 110, 23, 27, 34, 45, 56, 67, 78]
    counts += [19, 130, 14, 16, 210, 250, 31, 42, 1_100, 1_700]
    wide = [
        REAL.model_copy(
            update={"username": f"p{chr(97 + i // 26)}{chr(97 + i % 26)}", "followers": c}
        )
        for i, c in enumerate(counts)
    ]
    report = audience(scrape(wide))
    assert report.benford_chi_square.sample_size == 30
    assert report.benford_chi_square.value is not None
    assert report.benford_p_value.value is not None
    assert 0.0 <= report.benford_p_value.value <= 1.0


def test_empty_sample_is_not_enough_data() -> None:
    report = audience(scrape([]))
    for metric in report.model_dump().values():
        assert metric["value"] is None
        assert metric["sample_size"] == 0
        assert metric["explanation"].startswith("Not enough data (n=0)")
    assert report.real_share.explanation == (
        "Not enough data (n=0): 0 sampled followers; no follower sample was fetched."
    )


def test_small_sample_is_not_enough_data() -> None:
    report = audience(scrape(SAMPLE[:9]))
    assert report.quality_audience_share.value is None
    assert report.quality_audience_share.explanation == (
        "Not enough data (n=9): 9 sampled followers; at least 10 are needed."
    )
    assert report.mean_fake_probability.value is None
