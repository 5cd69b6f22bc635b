"""Word lists the comment analysis reads, kept short and documented so a marketer can audit them.

Generic praise: the phrases engagement pods and comment bots post because they fit any post
(see the examples in HypeAuditor's and Modash's public guides to spotting engagement pods), plus
a vocabulary for the rule "at most three words, all praise or filler". Purchase intent: the
questions shoppers ask under a post, in English, German, Spanish, French, Italian, Portuguese and
Polish. Every entry is matched as whole words after folding case and accents (keywords.fold), so
entries are written without accents.
"""

from __future__ import annotations

# Whole comments that say nothing about the post (compared after folding and removing
# punctuation and emoji).
GENERIC_PHRASES = frozenset(
    {
        "nice", "great post", "love this", "love it", "nice pic", "nice one", "nice shot",
        "great content", "amazing content", "great shot", "keep it up", "keep going",
        "keep up the good work", "well done", "so inspiring", "this is everything",
        "so true", "love your content", "love your feed", "great job", "awesome post",
        "amazing post", "beautiful post", "great work", "nice work", "nice content",
    }
)  # fmt: skip

# At most GENERIC_MAX_WORDS words, every one from PRAISE or FILLER, at least one from PRAISE.
GENERIC_MAX_WORDS = 3
PRAISE = frozenset(
    {
        "amazing", "awesome", "beautiful", "brilliant", "cool", "cute", "dope", "excellent",
        "fab", "fabulous", "fantastic", "fire", "good", "gorgeous", "great", "incredible",
        "inspiring", "legend", "lit", "love", "lovely", "magnificent", "nice", "obsessed",
        "perfect", "pretty", "stunning", "superb", "wonderful", "wow", "goals", "bravo",
        "super", "toll", "schon", "wunderschon", "genial", "hermoso", "hermosa", "precioso",
        "preciosa", "bonito", "bonita", "increible", "magnifique", "superbe", "bellissimo",
        "bellissima", "bello", "bella", "lindo", "linda", "maravilhoso", "piekne", "pieknie",
    }
)  # fmt: skip
FILLER = frozenset(
    {
        "so", "such", "very", "really", "this", "that", "it", "is", "its", "one", "pic",
        "picture", "photo", "shot", "post", "content", "video", "reel", "as", "always",
        "the", "a", "what", "omg", "everything", "work", "job", "well", "done", "keep", "up",
        "just", "wie", "immer", "que", "muy", "tres", "molto", "muito", "i", "you",
    }
)  # fmt: skip

# Questions without a question mark still start with one of these.
QUESTION_STARTS = frozenset(
    {
        "how", "what", "where", "when", "why", "who", "which", "wo", "wie", "warum",
        "donde", "cuando", "dove", "perche", "onde", "gdzie",
    }
)  # fmt: skip

PURCHASE_INTENT = (
    # English
    "where can i buy", "where to buy", "where can i get", "where did you get", "where is it from",
    "link?", "link please", "link pls", "link plz", "how much", "price", "price?", "cost?",
    "want this", "need this", "i want one", "is it available", "do you ship", "dm price",
    "where can i order", "how can i order",
    # German
    "wo kann ich", "wo gibt es", "wo bekomme ich", "wie viel", "wieviel", "was kostet", "preis",
    "link bitte", "will ich haben", "brauch ich",
    # Spanish
    "donde lo compro", "donde comprar", "donde lo consigo", "cuanto cuesta", "precio", "lo quiero",
    "link porfa", "enlace porfa",
    # French
    "ou acheter", "ou l'acheter", "combien", "prix", "je le veux", "je la veux", "lien svp",
    # Italian
    "dove lo compro", "dove comprare", "quanto costa", "prezzo", "lo voglio", "link per favore",
    # Portuguese
    "onde compro", "onde comprar", "quanto custa", "preco", "eu quero", "quero um", "quero uma",
    # Polish
    "gdzie kupic", "ile kosztuje", "cena", "chce to",
)  # fmt: skip
