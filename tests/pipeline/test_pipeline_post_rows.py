"""Per-post rows and follower points against hand-computed expectations."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from webapp.models import FollowerPoint, Platform, PostRow
from webapp.pipeline.analysis.growth import growth
from webapp.pipeline.analysis.post_rows import follower_points, post_rows
from webapp.pipeline.analysis.promotion import read_caption
from webapp.pipeline.analysis.sponsorship import promotions
from webapp.pipeline.scraping.result import FollowerCount, Post, Profile, ScrapeResult

NOW = datetime(2026, 5, 10, 12, 0, tzinfo=UTC)


def post(index: int, days_ago: float, caption: str = "", **extra: object) -> Post:
    return Post.model_validate(
        {
            "id": f"p{index}",
            "url": f"https://www.instagram.com/p/p{index}/",
            "published_at": NOW - timedelta(days=days_ago),
            "kind": "photo",
            "caption": caption,
            "likes": 100,
            "comments": 10,
            **extra,
        }
    )


def scrape(posts: list[Post], followers: int = 2_000, **extra: object) -> ScrapeResult:
    return ScrapeResult.model_validate(
        {
            "platform": Platform.INSTAGRAM,
            "profile": Profile(handle="creator", followers=followers, post_count=len(posts)),
            "posts": posts,
            "source": "upload",
            **extra,
        }
    )


def rows_of(result: ScrapeResult) -> list[PostRow]:
    captions = [read_caption(post) for post in result.posts]
    return post_rows(result, promotions(result, captions), captions, NOW)


def test_rows_are_newest_first_with_their_engagement_rate() -> None:
    result = scrape([post(1, 10.0), post(2, 2.0, likes=50, comments=None), post(3, 5.0)])
    rows = rows_of(result)
    assert [row.id for row in rows] == ["p2", "p3", "p1"]
    # (50 + 0) / 2,000 * 100 and (100 + 10) / 2,000 * 100
    assert [row.engagement_rate for row in rows] == [2.5, 5.5, 5.5]
    assert rows[0].published_at == "2026-05-08T12:00:00.000Z"
    assert rows[0].url == "https://www.instagram.com/p/p2/"


def test_hidden_likes_or_no_followers_give_no_rate() -> None:
    assert rows_of(scrape([post(1, 1.0, likes=None)]))[0].engagement_rate is None
    assert rows_of(scrape([post(1, 1.0)], followers=0))[0].engagement_rate is None


def test_only_the_12_latest_posts_of_the_last_90_days_count_toward_the_rate() -> None:
    # 14 posts a week apart: the 12 latest count, except those older than 90 days (13 weeks).
    posts = [post(i, 7.0 * i + 1) for i in range(14)]
    counted = {row.id for row in rows_of(scrape(posts)) if row.in_engagement_rate}
    assert counted == {f"p{i}" for i in range(12) if 7 * i + 1 <= 90}
    assert "p12" not in counted  # 85 days old, but the 13th newest
    hidden = [post(0, 1.0, likes=None), *(post(i, float(i + 1)) for i in range(1, 13))]
    rows = {row.id: row for row in rows_of(scrape(hidden))}
    assert not rows["p0"].in_engagement_rate  # hidden likes are left out of the rate


def test_sponsorship_disclosure_and_brand_safety_flags() -> None:
    posts = [
        post(1, 1.0, "Loving my new shoes from @shoebrand! Code SAVE20 for 20% off"),
        post(2, 2.0, "#ad Loving my new shoes from @shoebrand"),
        post(3, 3.0, "Sunday brunch with a glass of wine and a casino night after"),
        post(4, 4.0, "Just a walk in the park"),
        post(5, 5.0, "Thanks @shoebrand #sp"),
    ]
    rows = {row.id: row for row in rows_of(scrape(posts))}
    assert rows["p1"].sponsored
    assert rows["p1"].disclosure == "undisclosed"
    assert rows["p2"].sponsored
    assert rows["p2"].disclosure == "clear"
    assert rows["p3"].brand_safety == ["gambling", "alcohol"]
    assert not rows["p3"].sponsored
    assert rows["p3"].disclosure is None
    assert rows["p4"].brand_safety == []
    assert rows["p5"].disclosure == "weak"


def test_rows_are_valid_models() -> None:
    rows = rows_of(scrape([post(1, 1.0, "#ad @brand code SAVE20"), post(2, 2.0, likes=None)]))
    for row in rows:
        assert PostRow.model_validate(row.model_dump()) == row
        assert list(row.model_dump()) == list(PostRow.model_fields)


def test_follower_points_mark_the_spike_days() -> None:
    start = date(2026, 4, 1)
    counts = [10_000 + 10 * day for day in range(30)]
    counts[20:] = [count + 8_000 for count in counts[20:]]  # 8,000 bought on day 20
    history = [
        FollowerCount(day=start + timedelta(days=day), followers=count)
        for day, count in enumerate(counts)
    ]
    result = scrape([], followers=counts[-1], follower_history=history)
    now = datetime(2026, 4, 30, 12, 0, tzinfo=UTC)
    points = follower_points(growth(result, [], now))
    assert [point.day for point in points if point.spike] == ["2026-04-21"]
    assert points[0] == FollowerPoint(day="2026-04-01", followers=10_000, spike=False)
    assert points[-1].followers == counts[-1]
    assert len(points) == 30


def test_each_row_carries_a_one_line_caption_excerpt() -> None:
    long = "Sunrise  over the\n\nbay,\twith " + "waves " * 30
    rows = {
        row.id: row
        for row in rows_of(scrape([post(1, 1.0, long), post(2, 2.0, "  Short\ncaption ")]))
    }
    assert rows["p2"].caption == "Short caption"
    excerpt = rows["p1"].caption
    assert excerpt.startswith("Sunrise over the bay, with waves")
    assert len(excerpt) <= 80
    assert excerpt.endswith("\u2026")
    assert "\n" not in excerpt
    assert "  " not in excerpt
