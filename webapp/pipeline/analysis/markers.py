"""Marker tables for sponsorship and disclosure, with where each comes from.

All phrases are matched as whole words after folding case and accents (keywords.fold), so
"#Werbung", "#WERBUNG" and "werbung" are one marker and "#sponsorisé" equals "#sponsorise".
"""

from __future__ import annotations

# Clear disclosures, by language. Sources:
# - en: FTC, "Disclosures 101 for Social Media Influencers" (2019) and the Endorsement Guides
#   FAQ (2023): "#ad", "#sponsored", "Advertisement", "Ad:", "Paid partnership"; YouTube's
#   "Includes paid promotion" label. UK CAP/ASA "Influencers' guide" (2020): "#ad", "Advert".
# - de: Die Medienanstalten, "Leitfaden Werbekennzeichnung bei Online-Medien" (2022):
#   "Werbung" or "Anzeige"; Instagram's label "Bezahlte Partnerschaft".
# - es: Autocontrol, "Código de conducta sobre el uso de influencers en la publicidad" (2021):
#   "publicidad", "publi", "patrocinado por"; Instagram's label "Colaboración pagada".
# - fr: Loi n° 2023-451 (influence commerciale), art. 5: "Publicité" or "Collaboration
#   commerciale"; ARPP recommendation: "sponsorisé"; Instagram's label "Partenariat rémunéré".
# - it: IAP "Digital Chart" (2016): "Pubblicità", "Advertising", "Sponsorizzato da", "Promosso da".
# - pt: CONAR (Brazil) "Guia de publicidade por influenciadores" (2021): "publicidade", "publi",
#   "patrocinado"; Instagram's label "Parceria paga".
# - pl: UOKiK recommendations on marking advertising content (2022): "reklama",
#   "materiał reklamowy", "współpraca reklamowa".
# - nl, nordic: Reclamecode Social Media & Influencer Marketing (2022): "#advertentie";
#   Forbrugerombudsmanden (DK) and Forbrukertilsynet (NO): "reklame"; Konsumentverket (SE):
#   "reklam", "annons".
STRONG_DISCLOSURES: dict[str, tuple[str, ...]] = {
    "en": (
        "#ad", "#ads", "#advert", "#advertisement", "advertisement", "#sponsored", "sponsored by",
        "#paidpartnership", "paid partnership", "paid promotion", "includes paid promotion",
        "ad:", "[ad]", "(ad)",
    ),
    "de": ("#anzeige", "anzeige", "#werbung", "werbung", "bezahlte partnerschaft"),
    "es": (
        "#publicidad", "publicidad", "#publi", "#patrocinado", "patrocinado por",
        "colaboracion pagada",
    ),
    "fr": (
        "#sponsorise", "sponsorise par", "#publicite", "publicite", "#collaborationcommerciale",
        "collaboration commerciale", "partenariat remunere",
    ),
    "it": ("#pubblicita", "pubblicita", "#sponsorizzato", "sponsorizzato da", "promosso da"),
    "pt": ("#publicidade", "publicidade", "parceria paga", "patrocinado"),
    "pl": ("#reklama", "reklama", "material reklamowy", "wspolpraca reklamowa"),
    "nl": ("#advertentie", "advertentie", "#gesponsord", "gesponsord door"),
    "nordic": ("#reklame", "reklame", "#reklam", "#annons", "annons"),
}  # fmt: skip

# Ambiguous tags. The FTC's "Disclosures 101" names "#sp", "#spon", "#collab", "#thanks" and
# "#ambassador" as not clear enough; "#partner" is as vague. The ASA accepts "#gifted" only for
# unpaid gifts, so next to a code or a paid deal it is weak too.
WEAK_DISCLOSURES = (
    "#sp", "#spon", "#collab", "#collaboration", "#partner", "#partnership", "#ambassador",
    "#brandambassador", "#thanks", "#gifted",
)  # fmt: skip

# Weak tags that admit a deal on their own: a sponsorship or a gift (the FTC treats a free
# product as a material connection). The others ("#collab", "#partner", "#thanks") are a weak
# disclosure next to a paid signal, and no sign of a deal without one.
DEAL_ADMITTING_TAGS = frozenset({"#sp", "#spon", "#ambassador", "#brandambassador", "#gifted"})

# Words that sell. Alone they mean a promotional post (a brand's own shop counts); with a
# mention of another account they mean a post that looks sponsored, except the words that point
# at the creator's own links (SELF_PROMO_WORDS): "new single out, link in bio, prod. @producer"
# promotes the creator's own work.
PROMO_WORDS = (
    "link in bio", "link in my bio", "shop", "shop now", "buy now", "discount", "sale",
    "giveaway", "free shipping", "limited time", "swipe up", "use my link", "promo",
    "rabatt", "gutschein", "descuento", "rebajas", "reduction", "soldes", "sconto", "saldi",
    "desconto", "promocao", "znizka",
)  # fmt: skip

# Giveaways and contests, whose entry rule is usually "follow and tag": the followers they bring
# come for the prize, so a jump after one is not organic growth (growth.py). Our list: the word
# for a giveaway in the languages above (and Turkish, Russian), and the entry rules. Bare
# "contest", "tag a friend" or "give away" are left out: "I won the latte art contest", "tag a
# friend who does this", "I won't give away the ending" are no giveaways. A hashtag that starts
# with one of GIVEAWAY_TAG_STARTS counts too (#giveawayalert, #gewinnspiel2026).
GIVEAWAY_WORDS = (
    "giveaway", "giveaways", "raffle", "sweepstakes", "competition time", "chance to win",
    "enter to win", "to enter", "follow and tag", "follow & tag", "gewinnspiel", "verlosung",
    "wir verlosen", "sorteo", "sorteamos", "concours", "jeu concours", "concorso", "in palio",
    "a gagner", "sorteio", "rozdanie", "konkurs", "weggeefactie", "winactie", "cekilis",
    "розыгрыш",
)  # fmt: skip
GIVEAWAY_TAG_STARTS = (
    "giveaway", "gewinnspiel", "verlosung", "sorteo", "sorteio", "concours", "concorso",
    "rozdanie", "konkurs", "cekilis", "розыгрыш", "weggeef", "winactie",
)  # fmt: skip

SELF_PROMO_WORDS = frozenset({"link in bio", "link in my bio"})

# A discount code named without the code itself.
CODE_PHRASES = (
    "use my code", "with my code", "my discount code", "my promo code", "mit meinem code",
    "mein code", "con mi codigo", "mi codigo", "avec mon code", "mon code", "il mio codice",
    "com meu cupom", "meu cupom", "meu codigo", "z moim kodem", "moj kod",
)  # fmt: skip
# The word before a code such as "SAVE10" (case-insensitive; the code itself is upper case).
CODE_WORDS = (
    "code", "promo code", "promocode", "discount code", "coupon", "coupon code", "rabattcode",
    "gutscheincode", "codigo", "código", "codice", "code promo", "cupom", "cupon", "cupón", "kod",
)  # fmt: skip

# Hosts that only serve affiliate links: Amazon Associates short links, LTK (rewardStyle),
# ShopStyle Collective, ShopMy, ShareASale, Awin, Rakuten Advertising, CJ Affiliate, Skimlinks.
AFFILIATE_HOSTS = (
    "amzn.to", "rstyle.me", "liketk.it", "shopstyle.it", "shopmy.us", "shareasale.com",
    "awin1.com", "click.linksynergy.com", "anrdoezrs.net", "jdoqocy.com", "tkqlhce.com",
    "dpbolvw.net", "go.skimresources.com",
)  # fmt: skip
# Query parameters that carry a referrer id on any host (bit.ly links expand to such URLs).
AFFILIATE_PARAMS = frozenset({"ref", "aff", "aff_id", "affid", "affiliate", "affiliate_id"})
# Amazon's Associates id is the `tag` parameter, on amazon.<tld> only.
AMAZON_TAG_PARAM = "tag"
