"""Fake-account score and audience metrics against hand-computed expectations on hand-made stubs."""

from __future__ import annotations

import math
import random
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
from webapp.pipeline.analysis.prevalence import fake_share_estimate, wilson_interval
from webapp.pipeline.scraping.demo_people import fake_stub, genuine_stub
from webapp.pipeline.scraping.result import AccountStub, Profile, ScrapeResult

# Every fitted feature at a known value: 11-letter username without digits, 99 followers and 99
# following, 0 posts, a profile picture. Log-odds, term by term (weight * (x - neutral)):
#   intercept                         0.4620
#   one-sided following  1.1881 * (max(0, ln(100/100)) - 1.7926)  = -2.129788
#   posts               -0.5041 * (ln(1) - 2.3096)                 =  1.164269
#   no profile picture   1.5238 * (0 - 0.1213)                     = -0.184837
#   username digits      3.1122 * (0 - 0.0888)                     = -0.276363
#   sum -0.964719 -> probability 1 / (1 + exp(0.964719)) = 0.275934
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
    assert log_odds(BASE) == pytest.approx(-0.964719, abs=1e-5)
    assert fake_probability(BASE) == pytest.approx(0.275934, abs=1e-5)
    assert not is_fake(BASE)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # 1.1881 * ln((999 + 1) / (99 + 1)) = 1.1881 * 2.302585
        ({"following": 999}, 2.735701),
        # Followed by more than it follows: the one-sided term stays at 0, not below.
        ({"followers": 999}, 0.0),
        # Unknown followers: the term drops to 0 from -2.129788.
        ({"followers": None}, 2.129788),
        # -0.5041 * ln(1 + 99) = -0.5041 * 4.605170
        ({"posts": 99}, -2.321466),
        ({"has_profile_pic": False}, 1.5238),
        # Unknown picture: the term drops to 0 from -0.184837.
        ({"has_profile_pic": None}, 0.184837),
        # Left out: its direction flips between InstaFake and SRF. Bio and name length too.
        ({"private": True}, 0.0),
        ({"bio": "b" * 99}, 0.0),
        ({"username": "abcdefghijklmnopqrstu"}, 0.0),
        # 3.1122 * 4/11 digits
        ({"username": "abcdefg1234"}, 1.131709),
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
    for name in ("one_sided_following", "posts", "no_profile_pic", "full_name", "external_url"):
        assert parts[name] == 0.0
    # What is left: intercept + the username term = 0.4620 - 0.276363.
    assert log_odds(stub) == pytest.approx(0.185637, abs=1e-5)


def test_an_empty_low_follower_account_that_follows_few_is_fake() -> None:
    # The kind a model that learned "fakes mass-follow" misses: it follows only 40 accounts.
    empty = AccountStub(
        username="mx84736", followers=3, following=40, posts=0, has_profile_pic=False
    )
    assert is_fake(empty)
    assert fake_probability(empty) > 0.95
    # Even with a picture and a name without digits, nothing posted and no one following back
    # is enough.
    assert is_fake(empty.model_copy(update={"username": "mxkrtab", "has_profile_pic": True}))


def test_a_private_person_with_a_picture_and_some_posts_is_real() -> None:
    person = AccountStub(
        username="lena.mueller",
        followers=180,
        following=250,
        posts=12,
        has_profile_pic=True,
        private=True,
    )
    assert not is_fake(person)
    assert fake_probability(person) < 0.2
    # Being private counts for nothing either way.
    public = person.model_copy(update={"private": False})
    assert fake_probability(public) == fake_probability(person)


def test_probability_stays_in_range_for_extreme_accounts() -> None:
    bot = AccountStub(username="x1234567890", followers=0, following=10**9, posts=0)
    star = AccountStub(username="star", followers=10**9, following=0, posts=10**6, private=True)
    assert 0.0 <= fake_probability(star) < 1e-3
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
        "20.0% (95 % interval 8-42 %) of the 20 sampled followers (4) look fake "
        "(fake probability >= 0.5)."
    )
    assert report.quality_audience_share.explanation == (
        "60.0% (95 % interval 39-78 %) of the 20 sampled followers (12) are real people or "
        "influencers; 4 are suspicious (fake probability 0.5 or more) and 4 are mass followers "
        "(following over 1,500 accounts, so a post rarely reaches their feed)."
    )
    # Wilson's interval of 4/20 and of 12/20, in percent.
    assert report.suspicious_share.interval == pytest.approx((8.07, 41.6), abs=0.01)
    assert report.quality_audience_share.interval == pytest.approx((38.66, 78.12), abs=0.01)


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
    # The 4 bots are near 1 and the rest low: a little above 4/20 = 20%.
    assert report.mean_fake_probability.value == pytest.approx(round(expected, 2))
    assert 19.5 < expected < 23.0
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


def test_followers_known_only_by_username_are_left_out_not_called_fake() -> None:
    # Instagram's own data export lists followers by username alone.
    names = [AccountStub(username=f"anna.meier{chr(97 + i)}") for i in range(20)]
    report = audience(scrape(names))
    assert report.quality_audience_share.value is None
    assert report.fake_share.value is None
    assert report.fake_share.explanation == (
        "Not enough data (n=0): 0 sampled followers show their counts; 20 show only a username "
        "(no posts, followers or following), which says little about whether an account is "
        "fake; at least 10 with counts are needed."
    )
    # A followers dialog adds the picture, which alone still says little.
    pictured = [stub.model_copy(update={"has_profile_pic": True}) for stub in names]
    assert audience(scrape(pictured)).fake_share.value is None


def test_username_only_followers_are_left_out_of_a_measured_sample() -> None:
    names = [AccountStub(username=f"anna.meier{chr(97 + i)}") for i in range(5)]
    report = audience(scrape([*SAMPLE, *names]))
    assert report.quality_audience_share.value == pytest.approx(60.0)  # 12 of the 20 profiles
    assert report.quality_audience_share.sample_size == 20
    assert report.quality_audience_share.explanation.endswith(
        " 5 sampled accounts showing only a username (no counts) left out."
    )


def test_wilson_interval_by_hand() -> None:
    # 0 of 10: (0, z^2 / (n + z^2)) = (0, 3.841459 / 13.841459).
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.277533), abs=1e-6)
    # 4 of 20: centre (0.2 + 0.096036) / 1.192073, half-width 0.167680.
    assert wilson_interval(4, 20) == pytest.approx((0.080658, 0.416017), abs=1e-6)
    assert wilson_interval(10, 10)[1] == 1.0
    with pytest.raises(ValueError, match="at least one observation"):
        wilson_interval(0, 0)


def test_fake_share_is_the_mixture_share_with_its_interval() -> None:
    report = audience(scrape(SAMPLE))
    assert next(iter(report.model_dump())) == "fake_share"  # first field
    share = report.fake_share
    # The estimate of every sampled follower's probability (prevalence.py, tested by hand there).
    expected, bounds = fake_share_estimate([fake_probability(stub) for stub in SAMPLE])
    assert share.value == pytest.approx(round(expected * 100, 2))
    assert share.interval == pytest.approx((round(bounds[0] * 100, 2), round(bounds[1] * 100, 2)))
    assert share.unit == "percent"
    assert share.sample_size == 20
    low, high = share.interval
    assert 0.0 <= low <= share.value <= high <= 100.0
    assert share.explanation == (
        f"{expected * 100:.0f} % (95 % interval {low:.0f}-{high:.0f} %) of 20 sampled followers "
        "look fake: estimated from every account's fake probability (4 at 0.5 or more)."
    )
    assert [e.ref for e in share.evidence] == ["usera", "userb", "userc", "userd"]
    assert share.rating is None  # the lead's score sets it


def test_fake_share_interval_narrows_with_the_sample() -> None:
    small = audience(scrape(SAMPLE)).fake_share
    large = audience(scrape([*SAMPLE] * 10)).fake_share
    assert small.value == large.value
    assert small.interval is not None
    assert large.interval is not None
    assert large.interval[0] > small.interval[0]
    assert large.interval[1] < small.interval[1]
    assert large.interval[0] <= large.value <= large.interval[1]


@pytest.mark.parametrize("fake_rate", [0.0, 0.2, 0.5])
def test_fake_share_of_a_sample_of_known_composition(fake_rate: float) -> None:
    # 400 demo accounts (InstaFake-shaped genuine and fake stubs), every one made from its own
    # seed, a known number of them fake.
    fakes = round(400 * fake_rate)
    sample = [
        fake_stub(random.Random(i)) if i < fakes else genuine_stub(random.Random(i))
        for i in range(400)
    ]
    share = audience(scrape(sample)).fake_share
    assert share.value is not None
    assert share.interval is not None
    assert share.value == pytest.approx(fake_rate * 100, abs=6.0)
    assert share.interval[0] <= fake_rate * 100 <= share.interval[1]


def test_fake_share_needs_ten_followers() -> None:
    share = audience(scrape(SAMPLE[:9])).fake_share
    assert share.value is None
    assert share.interval is None
    assert share.explanation == (
        "Not enough data (n=9): 9 sampled followers; at least 10 are needed."
    )


def test_a_tiny_benford_p_value_never_prints_as_zero() -> None:
    # 100 followers who all have 5 followers: the first digits could not depart further.
    batch = [
        REAL.model_copy(
            update={"username": f"p{chr(97 + i // 26)}{chr(97 + i % 26)}", "followers": 5}
        )
        for i in range(100)
    ]
    p = audience(scrape(batch)).benford_p_value
    assert p.value is not None
    assert 0.0 < p.value < 0.0001
    assert p.explanation.startswith("p < 0.0001 over 100 follower counts")
    assert "0.0000" not in p.explanation
