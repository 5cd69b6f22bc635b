"""Method and assumptions: every threshold and published figure the analysis uses, with its source.

Each note reads its value from the module that uses it, so the report's method section stays true
when a value changes. `source` is the publication we looked up (publisher or authors, title, year,
figure); None marks an assumption of ours, said as such in the statement. The research behind the
sources is summarised in the README's "Method and assumptions".
"""

from __future__ import annotations

from webapp.models import MethodNote, Platform
from webapp.pipeline.analysis import (
    audience,
    benford,
    comment_words,
    commenters,
    comments,
    content,
    engagement,
    fake_account,
    growth,
    prevalence,
    pricing,
    promotion,
    ratings,
    score,
    sponsorship,
    tiers,
)
from webapp.pipeline.analysis.benchmarks import (
    CPM,
    FREQUENCY,
    INSTAGRAM_REACH_SHARE,
    INSTAGRAM_REACH_SOURCE,
    VIEW_RATE_TOP,
    engagement_band,
)

_FTC_2017 = (
    "US Federal Trade Commission, warning letters to Instagram influencers and business blog, "
    "April 2017: a disclosure should sit within the first three lines, before 'more'; one buried "
    "in a string of hashtags is unlikely to be noticed"
)
_HYPEAUDITOR_TYPES = (
    "HypeAuditor help centre, 'How to read Audience Type' (undated page read 2026): mass "
    "followers follow more than 1,500 accounts; influencers have more than 5,000 followers"
)
_IGLEWICZ_HOAGLIN = (
    "Iglewicz and Hoaglin (1993), How to Detect and Handle Outliers, ASQC: modified z-score "
    "0.6745 (x - median) / MAD, outlier when |M| > 3.5"
)
_GOLBECK = (
    "Golbeck (2015), Benford's Law Applies to Online Social Networks, PLOS ONE 10(8): e0135169: "
    "follower and friend counts follow Benford's first-digit law"
)


def method_notes(platform: Platform) -> list[MethodNote]:
    """The thresholds and figures behind a report on `platform`, each sourced or marked assumed."""
    return [
        *_tier_notes(platform),
        *_reach_and_price_notes(platform),
        *_engagement_notes(platform),
        *_audience_notes(),
        *_comment_notes(),
        *_content_notes(),
        *_growth_notes(),
        *_disclosure_notes(),
        *_score_notes(),
    ]


def _by_views_statement(platform: Platform) -> str:
    per_view = VIEW_RATE_TOP.get(platform)
    if per_view is None:
        return ""
    limit = engagement.VIEWS_IMPLAUSIBLE_MULTIPLE * per_view.top
    strong = engagement.VIEWS_STRONG_UP_TO * per_view.top
    return (
        f" Where {platform.label} posts show their views"
        + (" (reels only)" if platform is Platform.INSTAGRAM else "")
        + ", on at least "
        f"{engagement.MIN_VIEWS_SHARE:.0%} of the recent posts with likes (and at least "
        f"{engagement.MIN_POSTS}), the test reads the median rate by views instead: above "
        f"{limit:g}% of views ({engagement.VIEWS_IMPLAUSIBLE_MULTIPLE:g}x the top of the "
        f"published per-view range, {per_view.top:g}%) it is implausible; up to {strong:g}% a "
        "rate above the band is reach beyond the followers and scores as strong, falling to "
        f"half at {limit:g}%. The multiples are ours: the spread per view is far narrower than "
        "per follower."
    )


def _by_views_source(platform: Platform) -> str | None:
    per_view = VIEW_RATE_TOP.get(platform)
    return None if per_view is None else per_view.source


def _tier_notes(platform: Platform) -> list[MethodNote]:
    denominator = "subscribers" if platform is Platform.YOUTUBE else "followers"
    notes = [
        MethodNote(
            topic="Follower tiers",
            statement=(
                f"Accounts are sized as {tiers.TIER_BANDS}. Published tables disagree on the "
                "edges; the report states the ones it uses."
            ),
            source=None,
        )
    ]
    for tier in tiers.Tier:
        band = engagement_band(platform, tier)
        notes.append(
            MethodNote(
                topic=f"Engagement band, {tier.value}",
                statement=(
                    f"A {tier.value} {platform.label} account's median (likes + comments) per "
                    f"post is usual between {band.low:g}% and {band.high:g}% of its "
                    f"{denominator} (typical {band.typical:g}%); below the range the engagement "
                    "part of the score falls towards 0, above it scores 95."
                ),
                source=band.source,
            )
        )
    return notes


def _reach_and_price_notes(platform: Platform) -> list[MethodNote]:
    cpm = CPM[platform]
    notes = [
        MethodNote(
            topic="Price per 1,000 impressions",
            statement=(
                f"A {platform.label} post is priced at ${cpm.low:g}-${cpm.high:g} per 1,000 "
                "impressions, the low end of published ranges (a Nordic booking platform "
                "publishes several times more)."
            ),
            source=cpm.source,
        )
    ]
    notes.append(
        MethodNote(
            topic="Fair price",
            statement=(
                "Fair price = genuine impressions / 1,000 x the CPM range; genuine impressions "
                "keep the quality-audience share of the follower sample (all of them when it "
                "could not be measured, and the report says so)."
            ),
            source=None,
        )
    )
    if platform is Platform.INSTAGRAM:
        shares = ", ".join(f"{t.value} {s:.1%}" for t, s in INSTAGRAM_REACH_SHARE.items())
        notes += [
            MethodNote(
                topic="Instagram reach",
                statement=f"A post reaches this share of the followers, by tier: {shares}.",
                source=INSTAGRAM_REACH_SOURCE,
            ),
            MethodNote(
                topic="Reach follows engagement",
                statement=(
                    "The tier's reach share is scaled by the account's median engagement over "
                    "the tier's typical rate, capped at "
                    f"{pricing.MAX_ENGAGEMENT_FACTOR:g}x. Our assumption."
                ),
                source=None,
            ),
            MethodNote(
                topic="Instagram frequency",
                statement=(
                    f"Assumed {FREQUENCY:g} impressions per person reached; no published "
                    "organic figure was found. Instagram only."
                ),
                source=None,
            ),
        ]
    else:
        notes.append(
            MethodNote(
                topic="Impressions",
                statement=(
                    f"{platform.label} publishes views per video; the price counts each view as "
                    "one impression (no reach or frequency estimate)."
                ),
                source=None,
            )
        )
    return notes


def _engagement_notes(platform: Platform) -> list[MethodNote]:
    return [
        MethodNote(
            topic="Engagement window",
            statement=(
                f"Engagement reads the {engagement.RECENT_POSTS} newest posts of the last "
                f"{engagement.WINDOW_DAYS} days and needs at least {engagement.MIN_POSTS}; the "
                "window most engagement benchmarks use (HypeAuditor: latest 12 Instagram posts)."
                f" The {engagement.WINDOW_DAYS}-day limit is ours; recency itself is scored by "
                "Activity, so older posts never count as 0 %."
            ),
            source=(
                "HypeAuditor help centre, 'What is Engagement Rate' (undated page read 2026): "
                "ER over the latest 12 posts"
            ),
        ),
        MethodNote(
            topic="Like spread",
            statement=(
                f"Over at least {engagement.MIN_SPREAD_POSTS} posts, a coefficient of variation "
                f"of likes under {engagement.EVEN_BELOW:g}% reads as even, over "
                f"{engagement.UNEVEN_ABOVE:g}% as very uneven (giveaways, one viral post). Our "
                "thresholds, set against the InstaFake accounts' spread; not scored."
            ),
            source=None,
        ),
        MethodNote(
            topic="Implausible engagement",
            statement=(
                f"A median rate above {engagement.IMPLAUSIBLE_MULTIPLE:g}x the top of the tier's "
                "band is implausible for an organic audience: the engagement part scores 0 and "
                "the verdict is at most review. Our threshold. Under "
                f"{engagement.SMALL_BELOW:,} followers, below every published cohort, only a "
                f"rate above {engagement.SMALL_IMPLAUSIBLE:g}% is, the 99th percentile of "
                "InstaFake's 600 real accounts of that size (median 23 %, maximum 97 %; Akyon & "
                "Kalfaoglu 2019; bench/engagement_small.py); from "
                f"{engagement.SMALL_BELOW:,} to {engagement.SMALL_TAPER_TO:,} followers the limit "
                "eases to the band's on a log scale (our derivation)."
                + _by_views_statement(platform)
            ),
            source=_by_views_source(platform),
        ),
        MethodNote(
            topic="Sponsored engagement",
            statement=(
                "Sponsored and organic posts are compared by their median engagement, with at "
                f"least {sponsorship.MIN_POSTS} posts in each group."
            ),
            source=None,
        ),
    ]


def _audience_notes() -> list[MethodNote]:
    return [
        MethodNote(
            topic="Audience types",
            statement=(
                f"A sampled follower following more than {audience.MASS_FOLLOWING:,} accounts "
                f"is a mass follower; one with more than {audience.INFLUENCER_FOLLOWERS:,} "
                "followers is an influencer; real and influencer accounts make the quality "
                f"audience. Shares need at least {audience.MIN_SAMPLE} sampled accounts."
            ),
            source=_HYPEAUDITOR_TYPES,
        ),
        MethodNote(
            topic="Fake-account model",
            statement=(
                "Whether a sampled follower looks fake: a logistic model fitted on the InstaFake "
                "and SRF data sets; see bench/audience_eval.py for its features and measured "
                f"accuracy. An account is called fake from probability {fake_account.THRESHOLD:g}."
                " The fake share of the sample is the most likely mix of fake and real given "
                "every account's probability (Saerens et al. 2002), with a 95 % likelihood-ratio "
                "interval widened in case the model is too sure or too unsure on this audience "
                f"(log-odds {prevalence.SLOPE_BAND:g} times too steep or too flat: our "
                "assumption); the audience veto needs the whole interval of the quality audience "
                "under 50 %."
            ),
            source=None,
        ),
        MethodNote(
            topic="Benford test",
            statement=(
                "The first digits of the followers' own follower counts are compared with "
                "Benford's law by a chi-square test "
                f"({benford.DEGREES_OF_FREEDOM} degrees of freedom), from "
                f"{benford.MIN_ACCOUNTS} accounts; under {benford.COCHRAN_ACCOUNTS} the p-value "
                "is called approximate. A departure is a flag, not proof."
            ),
            source=_GOLBECK,
        ),
    ]


def _comment_notes() -> list[MethodNote]:
    return [
        MethodNote(
            topic="Comment shares",
            statement=f"Comment shares need at least {comments.MIN_COMMENTS} comments.",
            source=None,
        ),
        MethodNote(
            topic="Recurring commenters",
            statement=(
                "A commenter recurs when they comment on at least "
                f"{commenters.RECURRING_POST_SHARE:.0%} of the commented posts, with at least "
                f"{commenters.MIN_COMMENTED_POSTS} commented posts; the creator's own replies "
                "are left out. Recurring commenters are a pod only when at least "
                f"{commenters.MIN_POD_MEMBERS} of them recur over {commenters.MIN_POD_POSTS} "
                f"commented posts and {commenters.MIN_POD_COMMENTS} comments (one or two are "
                "fans), and when at least "
                f"{commenters.POD_GENERIC_SHARE * 100:g} % of their comments fit any post "
                "(generic praise, emoji, or a line pasted three times or more): friends and "
                "regulars write "
                "about the post; and only when their comments are at least "
                f"{commenters.POD_MIN_CONVERSATION:.0%} of all the comments those posts have "
                "(their own counts): a few fans under a star's posts lift nothing. Our "
                "thresholds."
            ),
            source=None,
        ),
        MethodNote(
            topic="Suspicious commenters",
            statement=(
                f"A commenter looks fake with at least {commenters.SUSPICIOUS_MIN_FLAGS} of: no "
                f"picture, no posts, following {commenters.MASS_FOLLOWING_MIN:,}+ accounts and "
                f"{commenters.MASS_FOLLOWING_RATIO}x their followers; judged from "
                f"{commenters.MIN_STUBBED_AUTHORS} profiled commenters. Shapes follow InstaFake's "
                "fake accounts; the cut-offs are ours."
            ),
            source=None,
        ),
        MethodNote(
            topic="Generic comments",
            statement=(
                f"A comment of at most {comment_words.GENERIC_MAX_WORDS} words, all praise or "
                "filler with at least one praise word, counts as generic."
            ),
            source=None,
        ),
    ]


def _content_notes() -> list[MethodNote]:
    return [
        MethodNote(
            topic="Posting cadence",
            statement=(
                f"Posts per week over the last {content.CADENCE_WINDOW_DAYS} days (at least "
                f"{content.MIN_CADENCE_POSTS} posts). Gaps between posts with a coefficient of "
                f"variation under {content.REGULAR_CV:g} read as regular, over "
                f"{content.BURSTY_CV:g} as bursty (1 is the spread of random, unplanned posting)."
            ),
            source=None,
        ),
    ]


def _growth_notes() -> list[MethodNote]:
    return [
        MethodNote(
            topic="Follower spikes",
            statement=(
                "Daily growth is judged as a share of the followers the day before. A gain is "
                f"a spike when its modified z-score exceeds +{growth.Z_LIMIT:g} (from "
                f"{growth.MIN_Z_GAINS} daily gains; when MAD is 0 the scale is "
                f"{growth.MEAN_AD_SCALE} x the mean absolute deviation) and it adds at least "
                f"{growth.MIN_Z_SHARE:.0%} of the followers more than the median day. A gain "
                f"over {growth.JUMP_SHARE:.0%} in a day is a spike too, unless the z-test finds "
                f"it ordinary for this account (then over {growth.ALWAYS_JUMP_SHARE:.0%}: a young "
                "account that grows 10 % every day)."
            ),
            source=_IGLEWICZ_HOAGLIN,
        ),
        MethodNote(
            topic="One-day jump",
            statement=(
                f"A gain of more than {growth.JUMP_SHARE:.0%} of the followers in one day is a "
                f"spike even without history; changes under {growth.MIN_DAY_CHANGE} followers "
                "never are. Our thresholds."
            ),
            source=None,
        ),
        MethodNote(
            topic="Viral posts",
            statement=(
                f"A jump from the day before a post with {growth.VIRAL_MULTIPLE:g}x the median "
                f"likes + comments (over at least {growth.VIRAL_MIN_POSTS} posts) to "
                f"{growth.VIRAL_LAG_DAYS} days after it is the post's doing, not a spike (the day "
                "before for day boundaries and time zones), as long "
                f"as the followers it gained stay within {growth.VIRAL_FOLLOW_SHARE:.0%} of the "
                "post's likes + comments (far fewer people follow after a post than like it) and "
                "those are plausible for its views and its comments (likes without views, or "
                "over 5x the account's usual likes per comment, are bought). A giveaway "
                "or contest never explains a jump: its followers come for the prize. Our "
                "thresholds and word list."
            ),
            source=None,
        ),
        MethodNote(
            topic="Follower drops",
            statement=(
                f"A loss of {growth.DROP_SHARE:.0%} of the followers in one day is a drop, the "
                "size of a platform's purge of fake accounts; drops are not spikes."
            ),
            source=(
                "Instagram's December 2014 purge: the 100 most-followed accounts lost about 7 % "
                "on average (Search Factory, 22 Dec 2014, from Zach Allia's figures)"
            ),
        ),
        MethodNote(
            topic="Growth part and spikes",
            statement=(
                f"The growth part scores 100 - {score.POINTS_PER_SPIKE:g} per spike day and at "
                f"most 100 - {score.POINTS_PER_SPIKE_SHARE:g} x the percent of today's "
                f"followers gained on spike days; {score.SPIKE_SHARE_CAP:g} % or more caps the "
                f"verdict at review. A shrinking audience scores at most 100 - "
                f"{score.POINTS_PER_PERCENT_LOST:g} x the percent lost over 90 days (30 with "
                "less history), drop days (purges, reported apart) not counted. Our thresholds."
            ),
            source=None,
        ),
        MethodNote(
            topic="Growth projection",
            statement=(
                f"The follower count is projected {growth.PROJECTION_DAYS} days ahead from at "
                f"least {growth.MIN_PROJECTION_GAINS} daily gains."
            ),
            source=None,
        ),
    ]


def _disclosure_notes() -> list[MethodNote]:
    return [
        MethodNote(
            topic="Buried disclosure",
            statement=(
                f"A disclosure after the first {promotion.VISIBLE_LINES} lines of a caption is "
                "buried."
            ),
            source=_FTC_2017,
        ),
        MethodNote(
            topic="Disclosure in a hashtag pile",
            statement=(
                "A disclosure inside a closing block of at least "
                f"{promotion.TRAILING_HASHTAGS_BURY} hashtags is buried; the FTC names the "
                "practice, the count is ours."
            ),
            source=None,
        ),
        MethodNote(
            topic="Own products",
            statement=(
                "A code or shop link of a business account, or one pointing at a site named "
                "after the handle, with no other account mentioned and no affiliate link, sells "
                "the creator's own products and needs no disclosure (no material connection to "
                "another seller). The site-name rule is ours."
            ),
            source=(
                "US FTC, Guides Concerning the Use of Endorsements and Testimonials in "
                "Advertising, 16 CFR Part 255 (2023): disclosure of a material connection "
                "between an endorser and the seller"
            ),
        ),
        MethodNote(
            topic="Hidden sponsorship",
            statement=(
                "When over "
                f"{score.UNDISCLOSED_HABIT_SHARE:.0%} of the surely paid posts (the platform's "
                "paid label, an ad marker, or a code or affiliate link for another seller; at "
                f"least {score.UNDISCLOSED_HABIT_MIN}) lack a clear disclosure (none, buried or "
                "only an ambiguous tag), the verdict is capped at review: hiding deals is then a "
                "habit, and brands answer for their influencers' disclosures too. Posts that "
                "only look promotional never count. Our thresholds."
            ),
            source=(
                "US FTC, Disclosures 101 for Social Media Influencers (2019): disclosures must be "
                "hard to miss and unambiguous; brands and influencers are both responsible"
            ),
        ),
    ]


def _score_notes() -> list[MethodNote]:
    return [
        MethodNote(
            topic="Quality score",
            statement=(
                f"The score is the {score.FORMULA}; it needs the engagement part and at least "
                f"{score.MIN_SCORED_WEIGHT:.0%} of the weight. The weights are ours."
            ),
            source=None,
        ),
        MethodNote(
            topic="Verdict",
            statement=(
                f"Recommended from {score.RECOMMENDED_FROM:g}, review from "
                f"{score.REVIEW_FROM:g}, avoid below. Vetoes (avoid whatever the score): the "
                f"quality audience's whole 95 % interval under {score.MIN_QUALITY_AUDIENCE:g}%, "
                f"over {score.MAX_POD_SHARE:g}% of comments from a pod, engagement under "
                f"{score.NO_ENGAGEMENT_SHARE:.0%} of the band's low end, no post in "
                f"{score.INACTIVE_DAYS:.0f} days. No post in {score.DORMANT_DAYS:.0f} days, "
                "implausible engagement, engagement under "
                f"{score.WEAK_ENGAGEMENT_SHARE:.0%} of the band's low end, an estimated fake "
                f"share over {score.MAX_FAKE_SHARE:g}%, over {score.MAX_SUSPICIOUS_COMMENTERS:g}% "
                "of the commenters looking fake (the whole 95 % interval), most surely paid "
                "posts without a clear disclosure or spikes "
                "bringing "
                f"{score.SPIKE_SHARE_CAP:g}% of the followers cap the verdict at review."
            ),
            source=None,
        ),
        MethodNote(
            topic="Good / watch / bad",
            statement=(
                "Each metric is rated against the score's yardstick: engagement at or above the "
                "band's low end good, down to half of it watch, below (or implausible) bad; "
                f"quality audience {ratings.QUALITY_AUDIENCE[0]:g} % good, "
                f"{ratings.QUALITY_AUDIENCE[1]:g} % watch; shares of fake followers good up to "
                f"{ratings.FAKE_SHARE[0]:g} %, watch up to {ratings.FAKE_SHARE[1]:g} %; generic "
                f"comments up to {ratings.GENERIC_SHARE[0]:g} / {ratings.GENERIC_SHARE[1]:g} %; "
                f"pod comments up to {ratings.POD_SHARE[0]:g} / {ratings.POD_SHARE[1]:g} %; last "
                "post within 30 days good, 90 watch. The watch steps are ours."
            ),
            source=None,
        ),
        MethodNote(
            topic="Activity and disclosure parts",
            statement=(
                "Activity scores 100 up to 14 days since the last post, 75 up to 30, 40 up to "
                f"{score.DORMANT_DAYS:.0f}, then 0. Disclosure scores the share of paid-looking "
                "posts properly disclosed (buried counts half, weak a quarter) and is left out "
                "when no post needs one."
            ),
            source=None,
        ),
    ]
