import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.errors import InvalidHandle
from webapp.handles import dedup_key, handle_pattern, normalise_handle
from webapp.models import Platform

IG, TT, YT = Platform.INSTAGRAM, Platform.TIKTOK, Platform.YOUTUBE


@pytest.mark.parametrize(
    ("platform", "raw", "expected"),
    [
        (IG, "natgeo", "natgeo"),
        (IG, "  @NatGeo  ", "natgeo"),
        (IG, "https://www.instagram.com/natgeo/", "natgeo"),
        (IG, "instagram.com/NatGeo?hl=en", "natgeo"),
        (IG, "http://m.instagram.com/nat.geo_/reels/", "nat.geo_"),
        (TT, "@Khaby.Lame", "khaby.lame"),
        (TT, "https://www.tiktok.com/@khaby.lame?lang=en", "khaby.lame"),
        (TT, "tiktok.com/@khaby.lame/video/123", "khaby.lame"),
        (YT, "@MrBeast", "mrbeast"),
        (YT, "https://www.youtube.com/@MrBeast/videos", "mrbeast"),
        (YT, "UCX6OQ3DkcsbYNE6H8uQQuVA", "UCX6OQ3DkcsbYNE6H8uQQuVA"),
        (
            YT,
            "https://youtube.com/channel/UCX6OQ3DkcsbYNE6H8uQQuVA",
            "UCX6OQ3DkcsbYNE6H8uQQuVA",
        ),
        (YT, "some-channel.name", "some-channel.name"),
    ],
)
def test_normalise_accepts_handles_and_profile_urls(
    platform: Platform, raw: str, expected: str
) -> None:
    assert normalise_handle(platform, raw) == expected


@pytest.mark.parametrize(
    ("platform", "raw", "fragment"),
    [
        (IG, "", "Enter a handle"),
        (IG, "   ", "Enter a handle"),
        (IG, "@", "not a valid Instagram handle"),
        (IG, "a" * 31, "1-30 characters"),
        (IG, ".natgeo", "not starting or ending with a period"),
        (IG, "nat..geo", "not a valid Instagram handle"),
        (IG, "nat geo", "not a valid Instagram handle"),
        (IG, "<img src=x onerror=alert(1)>", "not a valid Instagram handle"),
        (IG, "https://www.instagram.com/p/Cxyz123/", "Could not find an account"),
        (IG, "https://www.tiktok.com/@khaby.lame", "This is a TikTok address"),
        (IG, "https://example.com/natgeo", "is not an Instagram, TikTok or YouTube address"),
        (IG, "https://user:pw@instagram.com/natgeo", "Remove the user name or password"),
        (IG, "https://user@www.instagram.com/natgeo", "Remove the user name or password"),
        (IG, "https://@instagram.com/natgeo", "Remove the user name or password"),
        (IG, "https://evil.com\\@instagram.com/natgeo", "Remove the user name or password"),
        (TT, "http://a:b@tiktok.com/@khaby.lame", "Remove the user name or password"),
        (IG, "https://instagram.com@evil.com/natgeo", "Remove the user name or password"),
        (IG, "ftp://instagram.com/natgeo", "are not profile URLs"),
        (IG, "javascript://instagram.com/natgeo", "are not profile URLs"),
        (TT, "a", "2-24 characters"),
        (TT, "khaby.", "not ending with a period"),
        (TT, "khaby-lame", "not a valid TikTok handle"),
        (YT, "ab", "3-30 characters"),
        (YT, "https://www.youtube.com/watch?v=abc", "Could not find an account"),
    ],
)
def test_normalise_rejects_with_a_message_that_says_what_is_allowed(
    platform: Platform, raw: str, fragment: str
) -> None:
    with pytest.raises(InvalidHandle) as caught:
        normalise_handle(platform, raw)
    assert fragment in caught.value.message


def test_dedup_key_joins_platform_and_canonical_handle() -> None:
    handle = normalise_handle(IG, "https://instagram.com/NatGeo/")
    assert dedup_key(IG, handle) == dedup_key(IG, normalise_handle(IG, "@natgeo"))
    assert dedup_key(IG, handle) == "instagram:natgeo"
    assert dedup_key(TT, handle) != dedup_key(IG, handle)


@settings(max_examples=400, database=None, deadline=None)
@given(data=st.data(), platform=st.sampled_from(list(Platform)))
def test_every_string_the_documented_pattern_matches_is_accepted(
    data: st.DataObject, platform: Platform
) -> None:
    """The OpenAPI document's pattern promises acceptance: nothing it matches is refused."""
    text = data.draw(st.from_regex(handle_pattern(platform)))
    normalise_handle(platform, text)


@pytest.mark.parametrize(
    ("platform", "text"),
    [
        (IG, "a..b"),
        (IG, "instagram.com/p/"),
        (IG, "https://user:pw@instagram.com/natgeo"),
        (IG, "https://instagram.com:8080/natgeo"),
        (IG, "x" * 31),
        (TT, "https://www.tiktok.com/khaby.lame"),
        (YT, "ab"),
        (YT, "https://www.instagram.com/natgeo/"),
    ],
)
def test_the_documented_pattern_leaves_out_what_is_refused(platform: Platform, text: str) -> None:
    assert re.search(handle_pattern(platform), text) is None
    with pytest.raises(InvalidHandle):
        normalise_handle(platform, text)
