"""Word lists for the demo adapter's bios, captions and comments, grouped by niche."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Niche:
    name: str
    bio: str
    captions: tuple[str, ...]
    hashtags: tuple[str, ...]
    brands: tuple[str, ...]


NICHES = (
    Niche(
        name="travel",
        bio="Slow travel, good light and the places in between",
        captions=(
            "Sunrise over the old harbour",
            "Three days, one backpack",
            "The best noodles of the whole trip",
            "Lost the map, found this view",
            "Night train diaries",
        ),
        hashtags=("travel", "wanderlust", "travelgram", "roadtrip", "explore", "solotravel"),
        brands=("northtrailgear", "skyhopair", "staybright"),
    ),
    Niche(
        name="food",
        bio="Home cook sharing weeknight recipes that actually work",
        captions=(
            "Fifteen-minute pasta, no shortcuts",
            "Sourdough attempt number twelve",
            "Sunday brunch for six",
            "The lemon cake you asked for",
            "Street food crawl, part two",
        ),
        hashtags=("food", "recipe", "homecooking", "foodie", "baking", "easyrecipes"),
        brands=("pantryco", "greenbasket", "copperpans"),
    ),
    Niche(
        name="fitness",
        bio="Coach. Strength for busy people. New plan every Monday",
        captions=(
            "Leg day, no excuses",
            "Five moves for a stronger back",
            "Progress, not perfection",
            "Rest day is training too",
            "My morning mobility routine",
        ),
        hashtags=("fitness", "workout", "gym", "strength", "fitfam", "homeworkout"),
        brands=("liftfuel", "stridewear", "corebands"),
    ),
    Niche(
        name="beauty",
        bio="Skincare nerd and everyday make-up, honest reviews",
        captions=(
            "Five-minute everyday look",
            "Empties of the month",
            "This serum surprised me",
            "Get ready with me",
            "Drugstore versus luxury",
        ),
        hashtags=("beauty", "skincare", "makeup", "grwm", "skincareroutine", "glow"),
        brands=("dewlab", "velvetbrush", "puremist"),
    ),
    Niche(
        name="tech",
        bio="Gadgets, desk setups and honest tech reviews",
        captions=(
            "Desk setup tour",
            "Is this laptop worth it?",
            "Three apps I use every day",
            "Unboxing the new phone",
            "Cable management, finally",
        ),
        hashtags=("tech", "gadgets", "setup", "review", "productivity", "desksetup"),
        brands=("voltdock", "clearsound", "pixelforge"),
    ),
)

COMMENTS = (
    "Love this!",
    "So good 😍",
    "Where is this?",
    "Saving this for later",
    "This made my day",
    "Need to try this",
    "Amazing as always",
    "🔥🔥🔥",
    "How do you do it?",
    "Great tip, thanks",
    "Obsessed",
    "Can you share more about this?",
)

# What engagement pods post: praise that fits any post, so members can answer without looking.
GENERIC_COMMENTS = (
    "great post!",
    "🔥🔥",
    "love this",
    "Amazing content 🙌",
    "So inspiring ✨",
    "Keep it up 💯",
    "Nice one!",
    "👏👏👏",
    "Awesome!!",
    "This is everything 😍",
)

# Promotional caption endings: `{shop}` is the account's own site, `{code}` a discount code.
PROMOS = (
    "Shop the collection: {shop}/new",
    "Use code {code} for 20% off at {shop}",
    "Link in bio to shop 🛍️",
    "Free shipping this week only: {shop}/sale",
    "Save 15% with code {code}",
)
PROMO_CODES = ("SPRING20", "WELCOME15", "FREESHIP", "VIP25", "HELLO10")
