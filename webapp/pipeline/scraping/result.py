"""The normalised ScrapeResult every adapter returns and the upload format accepts.

The same models are published as the JSON schema for uploads, so every field carries a short
description and unknown fields are rejected rather than silently dropped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from webapp.models import Platform


def _to_utc(moment: datetime) -> datetime:
    # Analysis subtracts these from the clock's UTC time; one zone keeps comparisons exact.
    return moment.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]

# Longest text each field may hold, well above what platforms allow (a username: Instagram 30
# characters; a caption: Instagram 2,200, TikTok 4,000, a YouTube title and description 5,100; a
# YouTube comment 10,000). They bound what one upload can put into a report: an id or a link is
# repeated in evidence, tables and links, so a 5 MiB one would make a report many times that.
# The lists' lengths are bounded in limits.py.
ID_CHARS = 128  # post ids, handles, usernames, comment authors
NAME_CHARS = 256  # display names
POST_URL_CHARS = 512  # a post's link: shown in the report's tables and evidence
URL_CHARS = 2_048  # a profile's link
TEXT_CHARS = 10_000  # captions, comments, bios
SOURCE_CHARS = 100
COVERAGE_NOTES = 50
COVERAGE_CHARS = 1_000
# Assumption: no account has a trillion followers and no post a trillion views (the largest have
# hundreds of millions of followers and tens of billions of views). A bigger count is a typo or an
# attack: refused at the door, it can never overflow the analysis's floating-point arithmetic.
MAX_COUNT = 10**12
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
PostKind = Literal["photo", "video", "carousel", "reel", "short"]


class _Normalised(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Profile(_Normalised):
    handle: str = Field(
        min_length=1, max_length=ID_CHARS, description="Normalised handle, without @"
    )
    display_name: str = Field(
        default="", max_length=NAME_CHARS, description="Name shown on the profile"
    )
    bio: str = Field(default="", max_length=TEXT_CHARS, description="Profile biography text")
    external_url: str | None = Field(
        default=None, max_length=URL_CHARS, description="Link shown on the profile"
    )
    verified: bool = Field(default=False, description="Platform verification badge")
    private: bool = Field(default=False, description="Posts hidden from non-followers")
    business: bool = Field(default=False, description="Business or creator account")
    followers: Count = Field(description="Followers (subscribers on YouTube)")
    following: Count = Field(default=0, description="Accounts this account follows")
    post_count: Count = Field(description="Posts on the account, not just those fetched")


class Post(_Normalised):
    id: str = Field(min_length=1, max_length=ID_CHARS, description="Platform id of the post")
    url: str = Field(default="", max_length=POST_URL_CHARS, description="Link to the post")
    published_at: UtcDatetime = Field(description="Publication time, with a time zone")
    kind: PostKind = Field(description="Format of the post")
    caption: str = Field(default="", max_length=TEXT_CHARS, description="Caption or title text")
    hashtags: list[str] = Field(default_factory=list, description="Hashtags, without #")
    mentions: list[str] = Field(default_factory=list, description="Mentioned handles, without @")
    likes: Count | None = Field(default=None, description="Likes; null when hidden")
    comments: Count | None = Field(default=None, description="Comments; null when hidden")
    views: Count | None = Field(default=None, description="Views or plays; null when not shown")
    shares: Count | None = Field(default=None, description="Shares; null when not shown")
    sponsored: bool = Field(default=False, description="Platform's paid-partnership flag")


class AccountStub(_Normalised):
    username: str = Field(
        min_length=1, max_length=ID_CHARS, description="Handle of the account, without @"
    )
    full_name: str = Field(
        default="", max_length=NAME_CHARS, description="Name shown on the profile"
    )
    bio: str = Field(default="", max_length=TEXT_CHARS, description="Profile biography text")
    followers: Count | None = Field(default=None, description="Followers; null when unknown")
    following: Count | None = Field(default=None, description="Following; null when unknown")
    posts: Count | None = Field(default=None, description="Posts; null when unknown")
    has_profile_pic: bool | None = Field(default=None, description="Has a profile picture")
    private: bool = Field(default=False, description="Posts hidden from non-followers")
    external_url: str | None = Field(
        default=None, max_length=URL_CHARS, description="Link shown on the profile"
    )


class Comment(_Normalised):
    post_id: str = Field(
        min_length=1, max_length=ID_CHARS, description="Id of the post commented on"
    )
    author: str = Field(
        min_length=1, max_length=ID_CHARS, description="Handle of the commenter, without @"
    )
    text: str = Field(default="", max_length=TEXT_CHARS, description="Comment text")
    published_at: UtcDatetime = Field(description="Time of the comment, with a time zone")
    likes: Count | None = Field(default=None, description="Likes on the comment")
    author_stub: AccountStub | None = Field(
        default=None, description="The commenter's account, when known"
    )


class FollowerCount(_Normalised):
    day: date = Field(description="Day of the count (UTC)")
    followers: Count = Field(description="Followers at the end of that day")


class ScrapeResult(_Normalised):
    platform: Platform = Field(description="Platform of the account")
    profile: Profile = Field(description="The account's profile")
    posts: list[Post] = Field(default_factory=list, description="Fetched posts, any order")
    comments: list[Comment] = Field(default_factory=list, description="Fetched comments")
    follower_sample: list[AccountStub] = Field(
        default_factory=list, description="A sample of the account's followers"
    )
    follower_history: list[FollowerCount] = Field(
        default_factory=list,
        description="Daily follower counts, oldest first, when the source keeps them",
    )
    source: str = Field(
        min_length=1,
        max_length=SOURCE_CHARS,
        description="Adapter that produced the data, e.g. 'demo'",
    )
    # An uploaded file may hold COVERAGE_NOTES of them (limits.py); the app adds its own.
    coverage: list[Annotated[str, Field(max_length=COVERAGE_CHARS)]] = Field(
        default_factory=list, description="What could not be fetched, and why"
    )
