"""Brand-safety keywords: which posts touch topics many advertisers avoid.

Categories follow the GARM Brand Safety Floor and Suitability Framework (WFA, 2020: adult and
explicit content, arms and violence, illegal drugs, alcohol and tobacco, hate speech, debated
social and political issues) plus gambling, which advertising codes treat apart (UK CAP Code
section 16). The lists are short and deliberately unambiguous: words that mostly mean something
else in creator captions are left out ("shoot" is a photoshoot, "knife" a kitchen tool, "bet"
slang), and the hate list names extremist terms, not slurs; a real deployment would plug in a
maintained lexicon. A hit is a prompt to look at the post, not a verdict.
"""

from __future__ import annotations

from pydantic import BaseModel

from webapp.models import Evidence, Metric
from webapp.pipeline.analysis.keywords import Keywords, fold
from webapp.pipeline.analysis.share import MAX_EVIDENCE, insufficient
from webapp.pipeline.scraping.result import Post

CATEGORIES: dict[str, tuple[str, ...]] = {
    "adult": (
        "nsfw", "onlyfans", "fansly", "porn", "porno", "xxx", "nude", "nudes", "nudity",
        "18+", "explicit content",
    ),
    "gambling": (
        "casino", "betting", "sportsbook", "poker", "slots", "jackpot", "roulette", "blackjack",
        "gambling", "gamble", "free spins", "parlay", "bookmaker",
    ),
    "alcohol": (
        "beer", "wine", "vodka", "whisky", "whiskey", "tequila", "rum", "gin", "cocktail",
        "cocktails", "champagne", "prosecco", "booze", "drunk", "hangover", "liquor",
    ),
    "drugs": (
        "weed", "cannabis", "marijuana", "cocaine", "mdma", "ecstasy", "lsd", "heroin", "meth",
        "420", "stoned", "thc", "cbd", "vape", "vaping", "shrooms", "psilocybin",
    ),
    "violence": (
        "gun", "guns", "gunfire", "murder", "killing", "stabbing", "massacre", "gore",
        "assault", "weapon", "weapons", "beheading", "bloodshed",
    ),
    "hate": (
        "nazi", "nazis", "neo-nazi", "white power", "white supremacy", "sieg heil", "heil hitler",
        "kkk", "1488", "race war", "ethnic cleansing", "subhuman",
    ),
    "politics": (
        "election", "elections", "vote", "voting", "ballot", "referendum", "democrat",
        "democrats", "republican", "republicans", "parliament", "senate", "congress",
        "politics", "political", "protest", "abortion", "maga",
    ),
}  # fmt: skip
_MATCHERS = {category: Keywords(words) for category, words in CATEGORIES.items()}


class BrandSafety(BaseModel):
    """Posts per category whose caption or hashtags use one of its keywords."""

    adult: Metric
    gambling: Metric
    alcohol: Metric
    drugs: Metric
    violence: Metric
    hate: Metric
    politics: Metric


def _text(post: Post) -> str:
    # Hashtags joined as words, so "#casinonight" stays one word but "#casino" matches "casino".
    return fold(post.caption + " " + " ".join("#" + t for t in post.hashtags))


def _category(category: str, texts: list[tuple[Post, str]]) -> Metric:
    label = f"Brand safety: {category}"
    formula = f"posts whose caption or hashtags contain a {category} keyword (whole words)"
    n = len(texts)
    if n == 0:
        return insufficient(label, "count", 0, "no posts were fetched.", formula)
    matcher = _MATCHERS[category]
    hits = [(post, found) for post, text in texts if (found := matcher.found(text))]
    return Metric(
        label=label,
        value=len(hits),
        unit="count",
        explanation=f"{len(hits)} of {n} posts use {category} keywords.",
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="post", ref=post.id, note="uses " + ", ".join(found))
            for post, found in hits[:MAX_EVIDENCE]
        ],
    )


def brand_safety(posts: list[Post]) -> BrandSafety:
    texts = [(post, _text(post)) for post in posts]
    return BrandSafety(**{category: _category(category, texts) for category in CATEGORIES})


def categories_of(post: Post) -> list[str]:
    """The categories whose keywords one post's caption or hashtags use."""
    text = _text(post)
    return [category for category, matcher in _MATCHERS.items() if matcher.found(text)]
