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

from collections.abc import Sequence

from pydantic import BaseModel

from webapp.models import Evidence, Metric
from webapp.pipeline.analysis.keywords import Keywords, fold, words
from webapp.pipeline.analysis.promotion import Caption
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
_MATCHERS = {category: Keywords(keywords) for category, keywords in CATEGORIES.items()}
# Every category at once, only to rule a post out with one test before asking each category.
_ANY = Keywords(keyword for keywords in CATEGORIES.values() for keyword in keywords)


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


def _found(post: Post, caption: Caption | None = None) -> dict[str, list[str]]:
    """The keywords the post uses, by category; categories it does not touch are left out.
    `caption` is the post's `read_caption`, when the caller has it: its words are those of
    `_text(post)`, which is only built when some keyword may occur."""
    text_words = words(_text(post)) if caption is None else caption.words
    if not _ANY.may_occur(text_words):
        return {}
    text = _text(post)
    return {
        category: found
        for category, matcher in _MATCHERS.items()
        if (found := matcher.found_in(text, text_words))
    }


def _category(category: str, found: list[tuple[Post, dict[str, list[str]]]]) -> Metric:
    label = f"Brand safety: {category}"
    article = "an" if category[0] in "aeiou" else "a"
    formula = f"posts whose caption or hashtags contain {article} {category} keyword (whole words)"
    n = len(found)
    if n == 0:
        return insufficient(label, "count", 0, "no posts were fetched.", formula)
    hits = [(post, used[category]) for post, used in found if category in used]
    return Metric(
        label=label,
        value=len(hits),
        unit="count",
        explanation=f"{len(hits)} of {n} posts use {category} keywords.",
        formula=formula,
        sample_size=n,
        evidence=[
            Evidence(kind="post", ref=post.id, note="uses " + ", ".join(keywords))
            for post, keywords in hits[:MAX_EVIDENCE]
        ],
    )


def brand_safety(posts: list[Post], captions: Sequence[Caption] | None = None) -> BrandSafety:
    """Brand-safety keywords per category; `captions` are the posts' `read_caption`, when the
    caller has them already."""
    if captions is None:
        found = [(post, _found(post)) for post in posts]
    else:
        found = [(post, _found(post, c)) for post, c in zip(posts, captions, strict=True)]
    return BrandSafety(**{category: _category(category, found) for category in CATEGORIES})


def categories_of(post: Post, caption: Caption | None = None) -> list[str]:
    """The categories whose keywords one post's caption or hashtags use; `caption` is the post's
    `read_caption` when the caller has it already."""
    return list(_found(post, caption))
