"""Sponsored posts, the disclosure audit and brand-safety keywords on hand-written captions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webapp.models import Platform
from webapp.pipeline.analysis.brand_safety import CATEGORIES, brand_safety
from webapp.pipeline.analysis.disclosure import Finding, disclosure_audit, finding
from webapp.pipeline.analysis.promotion import read_promotion
from webapp.pipeline.analysis.sponsorship import (
    promotional_share,
    promotions,
    sponsored_engagement_ratio,
    sponsored_share,
)
from webapp.pipeline.scraping.result import Post, Profile, ScrapeResult

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def post(
    caption: str,
    likes: int | None = 100,
    sponsored: bool = False,
    mentions: list[str] | None = None,
    hashtags: list[str] | None = None,
    i: int = 0,
) -> Post:
    return Post(
        id=f"p{i}",
        published_at=NOW - timedelta(days=i + 1),
        kind="photo",
        caption=caption,
        likes=likes,
        comments=0 if likes is not None else None,
        sponsored=sponsored,
        mentions=mentions or [],
        hashtags=hashtags or [],
    )


def scrape(posts: list[Post], business: bool = False) -> ScrapeResult:
    return ScrapeResult(
        platform=Platform.INSTAGRAM,
        profile=Profile(
            handle="creator", followers=1_000, post_count=len(posts), business=business
        ),
        posts=[p.model_copy(update={"id": f"p{i}"}) for i, p in enumerate(posts)],
        source="upload",
    )


@pytest.mark.parametrize(
    "caption",
    [
        "#ad New season",
        "Sponsored by @brand",
        "Paid partnership with @brand",
        "#Anzeige Neue Saison",
        "Werbung | Neue Saison",
        "#publicidad nueva temporada",
        "Publicidad: nueva temporada",
        "#sponsorisé Nouvelle saison",
        "Publicité - nouvelle saison",
        "#pubblicità nuova stagione",
        "#patrocinado nova temporada",
        "#reklama nowy sezon",
        "Ad: new season",
    ],
)
def test_strong_markers_in_each_language_are_clear(caption: str) -> None:
    promo = read_promotion(post(caption), "creator")
    assert promo.clear_markers, caption
    assert promo.sponsored
    assert finding(promo, business=False) is Finding.CLEAR


@pytest.mark.parametrize("tag", ["#sp", "#spon", "#ambassador", "#gifted"])
def test_weak_markers_that_admit_a_deal_are_weak(tag: str) -> None:
    promo = read_promotion(post(f"Loving this jacket {tag}"), "creator")
    assert promo.weak_markers == [tag]
    assert not promo.clear_markers
    assert finding(promo, business=False) is Finding.WEAK


@pytest.mark.parametrize("tag", ["#collab", "#partner", "#thanks"])
def test_a_vague_tag_alone_admits_no_deal_but_is_weak_beside_a_code(tag: str) -> None:
    alone = read_promotion(post(f"Duo ranked with my friend {tag}"), "creator")
    assert alone.weak_markers == [tag]
    assert finding(alone, business=False) is None
    coded = read_promotion(post(f"Loving this jacket, code GLOW15 {tag}"), "creator")
    assert finding(coded, business=False) is Finding.WEAK


def test_link_in_bio_beside_a_collaborator_sells_nothing() -> None:
    own = read_promotion(post("New single out Friday, link in bio 🎧 prod. @beatsbyjules"), "x")
    assert own.brand_mentions == ["beatsbyjules"]
    assert finding(own, business=False) is None
    pitch = read_promotion(post("Shop now: the new drop from @brand, link in bio"), "x")
    assert finding(pitch, business=False) is Finding.UNDISCLOSED


def test_words_inside_other_words_are_not_markers() -> None:
    promo = read_promotion(post("Road trip with my dad, no adverts #adventure #spa"), "creator")
    assert promo.clear_markers == promo.buried_markers == promo.weak_markers == []
    assert finding(promo, business=False) is None


def test_disclosure_after_line_three_is_buried() -> None:
    caption = "New jacket from @brand\nSo warm\nPerfect for hiking\nSee you soon\n#ad"
    promo = read_promotion(post(caption), "creator")
    assert promo.buried_markers == ["#ad"]
    assert finding(promo, business=False) is Finding.BURIED


def test_disclosure_in_the_closing_hashtag_pile_is_buried() -> None:
    buried = read_promotion(post("Sunset hike #travel #hiking #ad #outdoors"), "creator")
    assert buried.buried_markers == ["#ad"]
    # Two trailing hashtags are not yet a pile.
    clear = read_promotion(post("Sunset hike #travel #ad"), "creator")
    assert clear.clear_markers == ["#ad"]
    # The platform's own label is clear wherever the tag sits.
    labelled = read_promotion(post("Sunset #a #b #ad", sponsored=True), "creator")
    assert finding(labelled, business=False) is Finding.CLEAR


def test_codes_and_affiliate_links() -> None:
    promo = read_promotion(post("Use code SAVE10 at checkout, code for you, use my code"), "c")
    assert promo.codes == ["SAVE10", "use my code"]
    links = read_promotion(
        post(
            "amzn.to/3xYz https://rstyle.me/n/abc https://shop.example.com/p?ref=anna "
            "https://www.amazon.de/dp/B0?tag=anna-21 https://bit.ly/abc https://example.com/?aff=9"
        ),
        "c",
    )
    assert links.affiliate_links == [
        "amzn.to/3xyz",
        "https://rstyle.me/n/abc",
        "https://shop.example.com/p?ref=anna",
        "https://www.amazon.de/dp/b0?tag=anna-21",
        "https://example.com/?aff=9",
    ]


def test_undisclosed_code_and_brand_pitch() -> None:
    code = read_promotion(post("My skincare routine, code GLOW15 for 15% off"), "creator")
    assert finding(code, business=False) is Finding.UNDISCLOSED
    pitch = read_promotion(post("Shop the new drop", mentions=["brand"]), "creator")
    assert pitch.brand_mentions == ["brand"]
    assert finding(pitch, business=False) is Finding.UNDISCLOSED
    # A business selling its own products with its own code endorses nobody.
    assert finding(code, business=True) is None
    # Mentioning yourself is not a brand mention.
    assert read_promotion(post("Shop @creator"), "creator").brand_mentions == []


@pytest.mark.parametrize(
    ("handle", "caption", "needs"),
    [
        ("anna.smith", "New tees! Code ANNA10 at https://www.anna-smith.shop", False),
        ("anna.smith", "New tees! Code ANNA10 at annasmith.com/tees", False),
        ("anna_smith", "Code LAUNCH20 at annasmith.co.uk", False),
        ("anna_smith", "Code LAUNCH20 at https://annasmith.myshopify.com", False),
        ("annasmith.travels", "Code LAUNCH20 at annasmith.com", False),
        ("anna_smith", "Code LAUNCH20 at https://anna.com", True),  # too short to be a name
        ("anna_smith", "Code LAUNCH20 at https://shop.co.uk", True),
        ("anna.smith", "New tees! Code ANNA10 at https://glowbrand.com", True),
        ("anna.smith", "New tees! Code ANNA10 at anna-smith.shop with @glowbrand", True),
        ("anna.smith", "Code ANNA10 at https://anna-smith.shop/?ref=123", True),  # affiliate
    ],
)
def test_a_code_for_the_creators_own_site_endorses_nobody(
    handle: str, caption: str, needs: bool
) -> None:
    promo = read_promotion(post(caption), handle)
    assert (finding(promo, business=False) is not None) is needs


def test_disclosure_audit_counts_by_hand() -> None:
    result = scrape(
        [
            post("Use code SAVE10 at @brand"),  # sponsored by shape, undisclosed
            post("Morning run #spon"),  # weak
            post("Hike #travel #hiking #ad #outdoors"),  # buried
            post("#ad Hike with @brand"),  # clear
            post("Just a walk"),  # needs nothing
        ]
    )
    audit = disclosure_audit(promotions(result), result.profile.business)
    assert audit.undisclosed_posts.value == 1
    assert [e.ref for e in audit.undisclosed_posts.evidence] == ["p0"]
    assert audit.undisclosed_posts.evidence[0].note == "no disclosure; code SAVE10, @brand"
    assert audit.weak_disclosures.value == 1
    assert audit.weak_disclosures.evidence[0].ref == "p1"
    assert audit.buried_disclosures.value == 1
    assert audit.buried_disclosures.evidence[0].ref == "p2"
    assert audit.undisclosed_posts.explanation == (
        "1 of the 4 paid or paid-looking posts have no disclosure at all (5 posts checked)."
    )
    empty = disclosure_audit([], business=False)
    assert empty.undisclosed_posts.value is None
    assert empty.buried_disclosures.explanation.startswith("Not enough data (n=0): ")


def test_sponsored_and_promotional_shares() -> None:
    result = scrape(
        [
            post("Summer look", sponsored=True),  # platform flag
            post("#werbung Sommer"),  # marker
            post("With @brand, code SUN20"),  # brand mention + code
            post("Link in bio to shop"),  # promotional only
            post("Lazy Sunday"),
        ]
    )
    read = promotions(result)
    sponsored = sponsored_share(read)
    assert sponsored.value == pytest.approx(60.0)
    assert [e.note for e in sponsored.evidence] == [
        "platform's paid-partnership label",
        "marker #werbung",
        "@brand with SUN20",
    ]
    assert promotional_share(read).value == pytest.approx(80.0)
    assert sponsored_share([]).value is None


def test_sponsored_vs_organic_engagement_ratio() -> None:
    paid = [post("#ad one", likes=n) for n in (100, 200, 300)]
    organic = [post("day", likes=n) for n in (400, 500, 600, 700)]
    hidden = [post("#ad hidden", likes=None)]
    metric = sponsored_engagement_ratio(promotions(scrape(paid + organic + hidden)))
    # median 200 over median 550
    assert metric.value == pytest.approx(round(200 / 550, 2))
    assert metric.sample_size == 7
    assert len(metric.evidence) == 3
    short = sponsored_engagement_ratio(promotions(scrape(paid[:2] + organic)))
    assert short.value is None
    assert short.explanation == (
        "Not enough data (n=6): 2 sponsored and 4 organic posts with visible likes; "
        "at least 3 of each are needed."
    )


@pytest.mark.parametrize(
    ("category", "caption"),
    [
        ("adult", "Link to my OnlyFans in bio"),
        ("gambling", "Big night at the Casino"),
        ("alcohol", "Tequila sunrise on the beach"),
        ("drugs", "420 friendly, weed garden tour"),
        ("violence", "Guns and ammo haul"),
        ("hate", "nazi symbols spotted"),
        ("politics", "Go vote in the election!"),
    ],
)
def test_brand_safety_categories(category: str, caption: str) -> None:
    posts = [post(caption), post("Sunrise over the harbour", hashtags=["photoshoot"])]
    report = brand_safety(scrape(posts).posts)
    metric = getattr(report, category)
    assert metric.value == 1
    assert metric.evidence[0].ref == "p0"
    assert metric.sample_size == 2
    others = [c for c in CATEGORIES if c != category and getattr(report, c).value]
    assert others == []


def test_brand_safety_whole_words_and_hashtags() -> None:
    posts = [
        post("Drugstore versus luxury, a wonderful gingerbread"),  # no whole-word hit
        post("Friday", hashtags=["Cocktails"]),
    ]
    report = brand_safety(scrape(posts).posts)
    assert report.drugs.value == 0
    assert report.alcohol.value == 1
    assert report.alcohol.evidence[0].note == "uses cocktails"
    assert brand_safety([]).politics.value is None
