"""The Instagram adapters against a fake Instagram on loopback, in the documented shapes."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from webapp.models import Platform
from webapp.pipeline.errors import PermanentError, TransientError
from webapp.pipeline.scraping.adapter import ScrapeRequest
from webapp.pipeline.scraping.http import HttpClient, HttpSettings, make_client
from webapp.pipeline.scraping.instagram import InstagramGraphAdapter, InstagramGraphConfig
from webapp.pipeline.scraping.instagram_web import InstagramWebAdapter, InstagramWebConfig
from webapp.pipeline.scraping.result import ScrapeResult

from fake_instagram import (
    ACCESS_TOKEN,
    IG_USER_ID,
    NOW,
    WEB_APP_ID,
    FakeInstagram,
    graph_error,
)
from loopback import serving


@pytest.fixture
async def instagram() -> AsyncIterator[FakeInstagram]:
    fake = FakeInstagram()
    async with serving(fake.app()) as url:
        fake.base_url = url
        yield fake


@dataclass
class Harness:
    """Runs an adapter the way the pipeline does, recording the HTTP layer's waits and the
    adapter's progress."""

    client: httpx.AsyncClient
    fake: FakeInstagram
    slept: list[float] = field(default_factory=list)
    fractions: list[float] = field(default_factory=list)

    def http(self) -> HttpClient:
        async def sleep(seconds: float) -> None:
            self.slept.append(seconds)

        return HttpClient(
            self.client, HttpSettings(), sleep=sleep, rng=random.Random(1), now=lambda: NOW
        )

    async def progress(self, fraction: float, message: str) -> None:
        self.fractions.append(fraction)

    async def graph(self, handle: str, **config: Any) -> ScrapeResult:
        adapter = InstagramGraphAdapter(
            self.http(),
            InstagramGraphConfig(
                access_token=config.pop("access_token", ACCESS_TOKEN),
                user_id=IG_USER_ID,
                graph_base=self.fake.graph_base,
                **config,
            ),
            now=lambda: NOW,
        )
        return await adapter.fetch(self.request(handle), self.progress)

    async def web(self, handle: str) -> ScrapeResult:
        adapter = InstagramWebAdapter(self.http(), InstagramWebConfig(web_base=self.fake.base_url))
        return await adapter.fetch(self.request(handle), self.progress)

    def request(self, handle: str) -> ScrapeRequest:
        return ScrapeRequest(platform=Platform.INSTAGRAM, handle=handle, attempt=1)


@pytest.fixture
async def harness(instagram: FakeInstagram) -> AsyncIterator[Harness]:
    client = make_client(HttpSettings())
    yield Harness(client, instagram)
    await client.aclose()


# -- Graph API Business Discovery ---------------------------------------------------------------


async def test_business_discovery_over_three_media_pages(
    instagram: FakeInstagram, harness: Harness
) -> None:
    result = await harness.graph("fixturecreator")

    assert instagram.count("graph") == 3  # 50 + 50 + 20 posts
    fields = [params["fields"] for _, params, _ in instagram.requests]
    assert fields[0] == (
        "business_discovery.username(fixturecreator){username,name,biography,website,"
        "followers_count,follows_count,media_count,profile_picture_url,media.limit(50)"
        "{id,caption,comments_count,like_count,media_type,media_product_type,permalink,"
        "timestamp}}"
    )
    assert "media.after(QVFI50).limit(50){" in fields[1]
    assert "media.after(QVFI100).limit(50){" in fields[2]
    assert "followers_count" not in fields[1], "later pages ask for media only"
    assert all(params["access_token"] == ACCESS_TOKEN for _, params, _ in instagram.requests)

    assert result.platform is Platform.INSTAGRAM
    assert result.source == "instagram"
    profile = result.profile
    assert (profile.handle, profile.display_name) == ("fixturecreator", "Fixture Creator")
    assert (profile.followers, profile.following, profile.post_count) == (48_000, 310, 120)
    assert profile.external_url == "https://fixture.example"
    assert profile.business is True

    assert len(result.posts) == 120
    newest = result.posts[0]
    assert newest.id == "179000000000000"
    assert newest.published_at == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert (newest.likes, newest.comments, newest.views) == (1200, 40, None)
    assert newest.url == "https://www.instagram.com/p/SC00000/"
    assert [post.kind for post in result.posts[:3]] == ["reel", "photo", "carousel"]
    assert newest.hashtags == ["lisbon0", "travel"]
    assert newest.mentions == ["studio.lx"], "no trailing period, no e-mail address"
    assert (result.posts[7].likes, result.posts[7].comments) == (1200 + 15 * 7, 41)
    assert [i for i, post in enumerate(result.posts) if post.likes is None] == [4, 9]

    assert "Likes hidden on 2 of 120 posts; they are left out of engagement." in result.coverage
    assert "Follower list not available from the Graph API." in result.coverage
    assert not any("most recent of" in note for note in result.coverage)
    assert harness.fractions == [0.0, 0.25, 0.5, 0.75]
    assert harness.slept == []


async def test_business_discovery_stops_at_max_posts(
    instagram: FakeInstagram, harness: Harness
) -> None:
    instagram.posts = 500
    result = await harness.graph("fixturecreator")
    assert len(result.posts) == 200
    assert instagram.count("graph") == 4
    assert "Analysed the 200 most recent of 500 posts." in result.coverage


async def test_throttling_with_429_and_retry_after_is_waited_out_by_the_http_layer(
    instagram: FakeInstagram, harness: Harness
) -> None:
    instagram.graph_fail.append(
        graph_error(429, 4, "(#4) Application request limit reached", headers={"Retry-After": "7"})
    )
    result = await harness.graph("fixturecreator")
    assert len(result.posts) == 120
    assert harness.slept == [7.0]
    assert instagram.count("graph") == 4  # the throttled try, then three pages


@pytest.mark.parametrize(("status", "code"), [(400, 4), (400, 17), (403, 32), (400, 613)])
async def test_throttling_codes_are_transient_and_the_next_attempt_succeeds(
    instagram: FakeInstagram, harness: Harness, status: int, code: int
) -> None:
    # Graph sends most throttling as a 400/403 with the code in the body: the HTTP layer hands
    # it back, the adapter makes it transient, and the job runner retries after Retry-After.
    instagram.graph_fail.append(
        graph_error(
            status, code, "Application request limit reached", headers={"Retry-After": "30"}
        )
    )
    with pytest.raises(TransientError) as caught:
        await harness.graph("fixturecreator")
    assert caught.value.retry_after == 30.0
    assert f"rate limiting this app (code {code}" in caught.value.message
    assert instagram.count("graph") == 1

    result = await harness.graph("fixturecreator")  # the runner's next attempt
    assert len(result.posts) == 120


async def test_an_invalid_token_points_at_the_setting(
    instagram: FakeInstagram, harness: Harness
) -> None:
    with pytest.raises(PermanentError, match="WEBAPP_INSTAGRAM_ACCESS_TOKEN") as caught:
        await harness.graph("fixturecreator", access_token="expired-token")
    assert "expired-token" not in caught.value.message
    assert instagram.count("graph") == 1


async def test_a_personal_account_gets_a_clear_message(
    instagram: FakeInstagram, harness: Harness
) -> None:
    with pytest.raises(PermanentError) as caught:
        await harness.graph("someonepersonal")
    assert caught.value.message.startswith(
        "@someonepersonal is not a business or creator account (or does not exist), so "
        "Instagram's API cannot read it;"
    )
    assert instagram.count("graph") == 1


async def test_a_permission_error_is_auth_required(
    instagram: FakeInstagram, harness: Harness
) -> None:
    instagram.graph_fail.append(graph_error(403, 10, "(#10) Application does not have permission"))
    with pytest.raises(PermanentError, match=r"code 10: \(#10\) Application does not") as caught:
        await harness.graph("fixturecreator")
    assert caught.value.code == "auth_required"


async def test_another_graph_error_is_permanent_with_its_message(
    instagram: FakeInstagram, harness: Harness
) -> None:
    instagram.graph_fail.append(graph_error(400, 100, "(#100) Unsupported get request"))
    with pytest.raises(
        PermanentError, match=r"HTTP 400, code 100\): \(#100\) Unsupported"
    ) as caught:
        await harness.graph("fixturecreator")
    assert caught.value.code == "upstream_unavailable"


# -- public web profile --------------------------------------------------------------------------


async def test_web_profile_with_edge_fields(instagram: FakeInstagram, harness: Harness) -> None:
    result = await harness.web("fixturecreator")

    assert instagram.count("web") == 1
    _, params, headers = instagram.requests[0]
    assert params == {"username": "fixturecreator"}
    assert headers["x-ig-app-id"] == WEB_APP_ID

    profile = result.profile
    assert (profile.followers, profile.following, profile.post_count) == (48_000, 310, 120)
    assert (profile.verified, profile.business, profile.private) == (True, True, False)
    assert len(result.posts) == 12
    newest = result.posts[0]
    assert newest.published_at == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert (newest.kind, newest.likes, newest.comments, newest.views) == ("reel", 1200, 40, 20_000)
    assert newest.url == "https://www.instagram.com/p/SC00000/"
    assert (newest.hashtags, newest.mentions) == (["lisbon0", "travel"], ["studio.lx"])
    # Both names of the like edge are read (odd posts use edge_liked_by).
    assert [post.likes for post in result.posts[:4]] == [1200, 1215, 1230, 1245]
    assert [post.kind for post in result.posts[1:3]] == ["photo", "carousel"]
    assert result.posts[1].views is None
    assert (result.posts[4].likes, result.posts[9].likes) == (None, None)
    assert result.posts[9].views is None, "hidden counts hide views too"
    assert "Comments not fetched from the public profile." in result.coverage
    assert "Likes hidden on 2 of 12 posts; they are left out of engagement." in result.coverage
    assert "Analysed the 12 most recent of 120 posts." in result.coverage
    assert harness.fractions == [0.0, 0.25, 0.5, 0.75]


async def test_web_profile_with_flat_fields(instagram: FakeInstagram, harness: Harness) -> None:
    result = await harness.web("flatcreator")

    profile = result.profile
    assert (profile.handle, profile.display_name) == ("flatcreator", "Flat Creator")
    assert (profile.followers, profile.following, profile.post_count) == (48_000, 310, 120)
    assert (profile.business, profile.external_url) == (True, None)
    assert len(result.posts) == 12
    assert [post.kind for post in result.posts[:3]] == ["reel", "photo", "carousel"]
    assert (result.posts[0].views, result.posts[3].views) == (20_000, 20_300)  # view_count, plays
    assert [post.comments for post in result.posts[:3]] == [40, 41, 42]
    assert result.posts[1].caption == ""  # caption: null
    assert result.posts[1].hashtags == []
    assert result.posts[2].mentions == ["studio.lx"]
    assert result.posts[4].likes is None
    assert result.posts[0].url == "https://www.instagram.com/p/SC00000/"


async def test_a_private_account_fails_permanently(harness: Harness) -> None:
    with pytest.raises(PermanentError, match="the account is private"):
        await harness.web("privatecreator")


async def test_require_login_is_permanent_and_never_retried(
    instagram: FakeInstagram, harness: Harness
) -> None:
    with pytest.raises(PermanentError, match="Instagram requires login for this account"):
        await harness.web("loginwall")
    assert instagram.count("web") == 1
    assert harness.slept == []


@pytest.mark.parametrize("handle", ["nobodyhere", "vanished"])  # a 404, and `user: null`
async def test_a_missing_account_is_not_found(
    instagram: FakeInstagram, harness: Harness, handle: str
) -> None:
    with pytest.raises(PermanentError, match=f"No Instagram account @{handle} exists"):
        await harness.web(handle)
    assert instagram.count("web") == 1
