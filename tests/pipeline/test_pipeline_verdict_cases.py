"""The verdict on accounts shaped like real creators (tests/account_shapes.py): each case of the
issue that made a marketer pay on a wrong verdict, with the figures it was about."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from account_shapes import (
    NOW,
    _with_history,
    account,
    bot_comments,
    flat_then_jump,
    friends_on_every_post,
    impossible_engagement,
    long_dead,
    monthly_poster,
    mostly_fake_audience,
    nothing_to_disclose,
    own_replies_and_superfan,
    pod,
    shrinking,
    small_personal_account,
    steady_mega,
    third_fake_audience,
    tiktok_bought_likes,
    tiktok_reach,
    tiktok_views,
    tiny_follower_sample,
    undisclosed_deals,
    usernames_only,
    viral_video,
    weak_engagement,
    zero_likes,
)

from webapp.models import Metric, Platform, QualityScore, ReportResponse
from webapp.pipeline.report import full_report
from webapp.pipeline.scraping.result import AccountStub, Comment, ScrapeResult


def report_of(result: ScrapeResult) -> ReportResponse:
    return full_report("case", result, [], NOW)


def metric(report: ReportResponse, section: str, key: str) -> Metric:
    found = next(s for s in report.sections if s.key == section)
    return next(item.metric for item in found.metrics if item.key == key)


def score_of(report: ReportResponse) -> QualityScore:
    assert report.score is not None
    return report.score


def part(score: QualityScore, label: str) -> float | None:
    return next(sub.value for sub in score.sub_scores if sub.label == label)


def test_a_healthy_account_is_recommended_with_no_rule_fired() -> None:
    report = report_of(account())
    score = score_of(report)
    assert score.verdict == "recommended"
    assert score.vetoes == []
    assert score.red_flags == []


def test_a_50m_account_growing_steadily_has_no_spike_and_a_projection() -> None:
    report = report_of(steady_mega())
    assert metric(report, "growth", "spikes").value == 0
    assert metric(report, "growth", "projection_30d").value == pytest.approx(50_600_000, rel=0.01)
    score = score_of(report)
    assert part(score, "Growth") == 100
    assert score.verdict == "recommended"


def test_a_flat_account_jumping_75_percent_in_a_day_is_a_spike_that_caps_the_verdict() -> None:
    report = report_of(flat_then_jump())
    assert metric(report, "growth", "spikes").value == 1
    assert metric(report, "growth", "spike_share").value == pytest.approx(42.86, abs=0.01)
    score = score_of(report)
    assert part(score, "Growth") == 0
    assert score.verdict == "review"
    assert any(flag.metric == "spike_share" for flag in score.red_flags)
    # The cap quotes the spike days; the growth part saying them again is left out.
    spikes = metric(report, "growth", "spikes").explanation
    assert sum(spikes in reason.text for reason in score.reasons) == 1


def test_a_monthly_poster_is_rated_on_its_posts_not_zero() -> None:
    report = report_of(monthly_poster())
    median = metric(report, "engagement", "rate_median")
    assert median.value == pytest.approx(2.5, abs=0.3)
    assert median.sample_size == 12
    assert score_of(report).verdict == "recommended"


def test_posts_nobody_engages_with_are_avoided_and_priced_at_zero() -> None:
    report = report_of(zero_likes())
    score = score_of(report)
    assert score.verdict == "avoid"
    assert [flag.metric for flag in score.vetoes] == ["position"]
    assert metric(report, "pricing", "price_high").value == 0


def test_the_price_follows_the_genuine_audience() -> None:
    honest = report_of(account(followers=30_000, rate=2.5))
    padded = report_of(mostly_fake_audience())
    honest_price = metric(honest, "pricing", "price_high").value
    padded_price = metric(padded, "pricing", "price_high").value
    assert honest_price is not None
    assert padded_price is not None
    quality = metric(padded, "audience", "quality_audience_share").value
    assert quality is not None
    assert quality < 25
    # Same size and engagement: the price keeps only the genuine share.
    assert padded_price < honest_price * 0.3
    viewer = metric(padded, "pricing", "cost_per_genuine_viewer")
    assert "as dear" in viewer.explanation
    assert score_of(padded).verdict == "avoid"


def test_tiktok_views_are_impressions_without_a_frequency_factor() -> None:
    report = report_of(tiktok_views())
    views = metric(report, "pricing", "reach")
    impressions = metric(report, "pricing", "impressions")
    assert views.label == "Views per post"
    assert impressions.value == views.value
    assert "people" not in impressions.explanation
    assert metric(report, "pricing", "cost_per_genuine_viewer").label == "Cost per genuine view"


def test_own_replies_and_one_superfan_are_not_a_pod() -> None:
    report = report_of(own_replies_and_superfan())
    recurring = metric(report, "comments", "recurring_commenters")
    assert recurring.value == 1  # the superfan; the creator's replies are left out
    assert "Not a pod" in metric(report, "comments", "recurring_comment_share").explanation
    score = score_of(report)
    assert score.vetoes == []
    assert score.verdict == "recommended"


def test_impossible_engagement_is_a_red_flag_not_a_top_score() -> None:
    score = score_of(report_of(impossible_engagement()))
    assert part(score, "Engagement") == 0
    assert score.verdict != "recommended"
    assert any("implausible" in flag.rule for flag in score.red_flags)
    assert "implausible" in score.reasons[0].text


def test_followers_won_by_a_viral_video_are_growth_not_a_spike() -> None:
    report = report_of(viral_video())
    score = score_of(report)
    spikes = metric(report, "growth", "spikes")
    assert spikes.value == 0
    assert "2 jumps followed a viral post and are not counted as spikes" in spikes.explanation
    assert part(score, "Growth") == 100
    assert score.verdict == "recommended"


def test_a_jump_beyond_what_the_viral_video_explains_is_still_a_spike() -> None:
    # One more day gaining more followers than the viral post has likes and comments.
    hit = viral_video().posts[3]
    report = report_of(viral_video(extra=(hit.likes or 0) + (hit.comments or 0) + 1))
    assert metric(report, "growth", "spikes").value == 1
    score = score_of(report)
    assert score.verdict == "review"
    assert [flag.metric for flag in score.red_flags] == ["spike_share"]


def test_weak_engagement_on_an_otherwise_sound_account_caps_the_verdict() -> None:
    report = report_of(weak_engagement())
    score = score_of(report)
    assert score.vetoes == []  # above a tenth of the band's low end: not "no engagement"
    [flag] = score.red_flags
    assert flag.rule.startswith("Caps the verdict at review: weak engagement")
    assert score.verdict == "review"
    assert metric(report, "engagement", "rate_median").rating == "bad"
    assert score.reasons[0].metric == "position"


def test_a_third_of_the_audience_fake_caps_the_verdict() -> None:
    report = report_of(third_fake_audience())
    score = score_of(report)
    fake = metric(report, "audience", "fake_share")
    assert fake.value is not None
    assert fake.value > 30
    assert fake.rating == "bad"
    assert score.vetoes == []  # the quality audience's interval is not all under 50 %
    assert [flag.metric for flag in score.red_flags] == ["fake_share"]
    assert score.verdict == "review"


def test_a_follower_list_of_usernames_alone_leaves_the_audience_unmeasured() -> None:
    score = score_of(report_of(usernames_only()))
    assert part(score, "Audience") is None
    assert score.vetoes == []
    assert "audience" in {reason.section for reason in score.unmeasured}
    assert score.verdict == "recommended"


def test_a_small_personal_account_engaging_like_one_is_not_implausible() -> None:
    report = report_of(small_personal_account())
    score = score_of(report)
    assert metric(report, "engagement", "rate_median").value > 28.75  # 5x the nano top
    assert score.red_flags == []
    assert (part(score, "Engagement") or 0) > 70
    assert score.verdict == "recommended"


def test_the_200_follower_account_with_2000_likes_a_post_is_still_implausible() -> None:
    score = score_of(report_of(impossible_engagement()))
    [flag] = score.red_flags
    assert "over 50 % of the followers a post" in flag.rule


def test_a_shrinking_audience_is_not_praised_for_having_no_spike() -> None:
    report = report_of(shrinking())
    score = score_of(report)
    lost = metric(report, "growth", "growth_90d_percent").value
    assert lost == pytest.approx(-4.31, abs=0.01)
    assert part(score, "Growth") == pytest.approx(100 + 10 * lost, abs=0.1)
    growth = next(sub for sub in score.sub_scores if sub.key == "growth")
    assert growth.explanation.startswith("The audience is shrinking: ")
    assert all(reason.section != "growth" for reason in score.reasons)


def test_friends_commenting_on_every_post_about_the_posts_are_no_pod() -> None:
    report = report_of(friends_on_every_post())
    score = score_of(report)
    assert metric(report, "comments", "recurring_commenters").value == 4
    share = metric(report, "comments", "recurring_comment_share")
    assert share.value is not None
    assert share.value > 40  # over the veto's share: only their specific comments clear them
    assert "Not a pod: 0 of their" in share.explanation
    assert score.vetoes == []
    assert score.verdict == "recommended"


def test_hiding_most_deals_caps_the_verdict_one_slip_only_flags() -> None:
    habit = score_of(report_of(undisclosed_deals(24)))
    [flag] = habit.red_flags
    assert flag.rule.startswith("Caps the verdict at review: most paid posts lack a clear")
    assert flag.text.startswith("24 of the 24 posts that are surely paid")
    assert habit.verdict == "review"
    slip = score_of(report_of(undisclosed_deals(2)))
    assert [f.rule for f in slip.red_flags] == ["Paid-looking posts without a disclosure"]
    assert slip.verdict == "recommended"


def test_comments_from_bots_cap_the_verdict() -> None:
    report = report_of(bot_comments())
    score = score_of(report)
    suspicious = metric(report, "comments", "suspicious_commenter_share")
    assert suspicious.value is not None
    assert suspicious.value > 25
    assert suspicious.rating == "bad"
    assert "suspicious_commenter_share" in [flag.metric for flag in score.red_flags]
    assert score.verdict == "review"


@pytest.mark.parametrize(
    "tail", [" #skincare #glow #routine #morning #ad", " #sp"], ids=["buried", "ambiguous"]
)
def test_a_habit_of_buried_or_ambiguous_disclosures_caps_too(tail: str) -> None:
    result = undisclosed_deals(24)
    posts = [
        p.model_copy(update={"caption": p.caption + tail}) if "@glowbrand" in p.caption else p
        for p in result.posts
    ]
    score = score_of(report_of(result.model_copy(update={"posts": posts})))
    [flag] = score.red_flags
    assert flag.rule.startswith("Caps the verdict at review: most paid posts lack a clear")
    assert score.verdict == "review"


@pytest.mark.parametrize(
    "caption",
    [
        "New single out Friday, link in bio 🎧 prod. @beatsbyjules",
        "Marathon done! #thanks",
        "Duo ranked with @streamer.sam #collab",
    ],
)
def test_posts_that_only_look_promotional_never_cap_the_verdict(caption: str) -> None:
    result = account(followers=15_000, rate=3.0)
    posts = [p.model_copy(update={"caption": caption}) for p in result.posts]
    score = score_of(report_of(result.model_copy(update={"posts": posts})))
    assert all(not flag.rule.startswith("Caps") for flag in score.red_flags)
    assert score.verdict == "recommended"


def test_four_fans_under_every_post_of_a_star_are_no_pod() -> None:
    # 30M followers, thousands of comments a post; 9 fetched a post, 4 of them from the same fans.
    result = account(followers=30_000_000, rate=1.0, comments_per_post=5)
    fans = [
        Comment(
            post_id=post.id,
            author=f"fan.page{k}",
            text="❤️",
            published_at=post.published_at + timedelta(minutes=3 + k),
        )
        for post in result.posts
        for k in range(4)
    ]
    posts = [p.model_copy(update={"comments": 5_000}) for p in result.posts]
    report = report_of(
        result.model_copy(update={"posts": posts, "comments": [*result.comments, *fans]})
    )
    share = metric(report, "comments", "recurring_comment_share")
    assert share.value is not None
    assert share.value > 40  # of the fetched comments
    assert "too few to lift them" in share.explanation
    score = score_of(report)
    assert score.vetoes == []
    assert score.verdict == "recommended"


def test_a_handful_of_known_commenters_cannot_cap_the_verdict() -> None:
    # 2 of the 6 commenters whose accounts are known look fake (33 %, interval 10-70 %).
    result = account(followers=40_000, rate=2.0)
    quiet = AccountStub(username="quiet", has_profile_pic=False, posts=0, following=2_000)
    known = {
        c.author: (quiet if i < 2 else AccountStub(username=c.author, posts=50))
        for i, c in enumerate(result.comments[:6])
    }
    comments = [c.model_copy(update={"author_stub": known.get(c.author)}) for c in result.comments]
    report = report_of(result.model_copy(update={"comments": comments}))
    suspicious = metric(report, "comments", "suspicious_commenter_share")
    assert suspicious.sample_size == 6
    assert suspicious.value is not None
    assert suspicious.value > 25
    assert "suspicious_commenter_share" not in [f.metric for f in score_of(report).red_flags]


def test_an_account_that_lost_every_follower_is_scored_not_crashed() -> None:
    # 90 days ago 20,000 followers, today none: the growth change is -100 %.
    counts = [*(20_000 - 200 * d for d in range(90)), 0]
    report = report_of(_with_history(account(gain_per_day=0), counts))
    assert metric(report, "growth", "growth_90d_percent").value == -100
    growth = next(sub for sub in score_of(report).sub_scores if sub.key == "growth")
    assert growth.value == 0


def test_a_purge_is_a_drop_not_a_shrinking_audience() -> None:
    # Growing 20 a day, then a platform purge takes 3,000 (-13 %) in one day.
    counts = [21_000 + 20 * d for d in range(60)]
    counts += [counts[-1] - 3_000 + 20 * d for d in range(1, 32)]
    report = report_of(_with_history(account(gain_per_day=0), counts))
    assert metric(report, "growth", "drops").value == 1
    assert metric(report, "growth", "growth_90d_percent").value < 0
    score = score_of(report)
    growth = next(sub for sub in score.sub_scores if sub.key == "growth")
    assert growth.value == 100
    assert not growth.explanation.startswith("The audience is shrinking")


def test_tiktok_videos_seen_beyond_the_followers_are_reach_not_implausible() -> None:
    report = report_of(tiktok_reach())
    score = score_of(report)
    assert metric(report, "engagement", "rate_median").value > 50  # far above the nano band
    assert part(score, "Engagement") == 95
    assert score.red_flags == []
    assert score.verdict == "recommended"
    assert "reach beyond them" in metric(report, "engagement", "position").explanation


@pytest.mark.parametrize(
    ("per_view", "engagement_part"),
    [(8.0, 95.0), (20.0, 95.0), (25.0, 95 - 45 * (25 - 20) / (30 - 20)), (31.0, 0.0)],
)
def test_youtube_engagement_by_views_is_strong_then_unusual_then_implausible(
    per_view: float, engagement_part: float
) -> None:
    # 100,000 subscribers, 20,000 views a video: by subscribers every rate here is far above
    # the band, so only the rate by views decides (usual top 10 %: strong to 20 %, 0 past 30 %).
    result = account(
        platform=Platform.YOUTUBE,
        followers=100_000,
        rate=per_view * 0.2,
        views_per_follower=0.2,
        comments_per_post=0,
    )
    flat = result.model_copy(
        update={
            "posts": [
                p.model_copy(update={"likes": round(20_000 * per_view / 100), "comments": 0})
                for p in result.posts
            ]
        }
    )
    score = score_of(report_of(flat))
    assert part(score, "Engagement") == pytest.approx(engagement_part, abs=0.1)


def test_tiktok_likes_on_nearly_every_view_are_implausible() -> None:
    report = report_of(tiktok_bought_likes())
    score = score_of(report)
    assert metric(report, "engagement", "rate_by_views").value > 75
    assert part(score, "Engagement") == 0
    assert score.verdict == "review"
    [flag] = score.red_flags
    assert "% of views" in flag.rule
    assert "implausible" in flag.rule


def test_disclosure_with_nothing_to_check_is_left_out_and_never_a_reason() -> None:
    score = score_of(report_of(nothing_to_disclose()))
    assert part(score, "Disclosure") is None
    assert all("0 of the 0" not in reason.text for reason in score.reasons)
    assert all(not reason.text.startswith("Disclosure") for reason in score.reasons)


def test_an_account_silent_for_800_days_is_avoided() -> None:
    report = report_of(long_dead())
    score = score_of(report)
    assert score.verdict == "avoid"
    assert [flag.metric for flag in score.vetoes] == ["days_since_last_post"]
    median = metric(report, "engagement", "rate_median")
    assert median.value is None
    assert median.explanation.startswith("Not enough recent posts")
    # Disclosure had nothing to check; it is not said to lack data.
    assert score.reasons[1].text.startswith(
        "Not enough data for a score: engagement could not be scored (disclosure: nothing to check)"
    )


def test_a_follower_sample_of_three_says_the_audience_is_unmeasured() -> None:
    score = score_of(report_of(tiny_follower_sample()))
    assert part(score, "Audience") is None
    (audience,) = [reason for reason in score.unmeasured if reason.section == "audience"]
    assert audience.text.startswith("Audience not measured: Not enough data (n=3)")
    assert all(reason.section != "audience" for reason in score.reasons)


def test_a_pod_is_a_visible_veto_and_the_reasons_never_praise() -> None:
    score = score_of(report_of(pod()))
    assert score.verdict == "avoid"
    (veto,) = score.vetoes
    assert veto.metric == "recurring_comment_share"
    assert "pod" in veto.rule
    assert "80.0%" in veto.text
    assert score.reasons[0].text.startswith(veto.rule)
    parts = {sub.label: sub.value for sub in score.sub_scores}
    for reason in score.reasons[1:]:
        label = reason.text.split(":")[0]
        assert (parts.get(label) or 0) < 70, reason.text


@pytest.mark.parametrize("platform", list(Platform))
def test_no_part_without_data_is_scored(platform: Platform) -> None:
    bare = account(platform=platform, followers_sampled=0, comments_per_post=0)
    score = score_of(report_of(bare))
    assert part(score, "Audience") is None
    assert part(score, "Comments") is None
    assert {reason.section for reason in score.unmeasured} >= {"audience", "comments"}


@pytest.mark.parametrize(
    ("build", "section", "key", "rating"),
    [
        (account, "engagement", "position", "good"),
        (zero_likes, "engagement", "position", "bad"),
        (impossible_engagement, "engagement", "rate_median", "bad"),
        (mostly_fake_audience, "audience", "quality_audience_share", "bad"),
        (account, "audience", "quality_audience_share", "good"),
        (pod, "comments", "recurring_comment_share", "bad"),
        (own_replies_and_superfan, "comments", "recurring_comment_share", "watch"),
        (flat_then_jump, "growth", "spikes", "bad"),
        (steady_mega, "growth", "spikes", "good"),
        (long_dead, "content", "days_since_last_post", "bad"),
        (nothing_to_disclose, "content", "disclosure.undisclosed_posts", None),
        (account, "pricing", "price_low", None),
    ],
)
def test_each_metric_is_rated_against_the_scores_yardstick(
    build: Callable[[], ScrapeResult], section: str, key: str, rating: str | None
) -> None:
    assert metric(report_of(build()), section, key).rating == rating


def test_a_superfan_writing_half_the_comments_is_no_pod() -> None:
    result = account(followers=20_000, rate=2.8, comments_per_post=1, commenter_pool=2_000)
    fan = [
        comment.model_copy(update={"author": "biggest.fan.ever", "text": "Amazing as always!"})
        for comment in result.comments
    ]
    report = report_of(result.model_copy(update={"comments": [*result.comments, *fan]}))
    share = metric(report, "comments", "recurring_comment_share")
    assert share.value is not None
    assert share.value >= 50
    assert share.rating == "watch"
    score = score_of(report)
    assert score.vetoes == []
    assert part(score, "Comments") == 100  # a fan costs nothing; a pod would cost 1.5 x 50
