"""Turn what a marketer typed (a handle, @handle or profile URL) into a platform's canonical handle.

The canonical form is the dedup key's second half, so two spellings of one account share one job.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from webapp.errors import InvalidHandle
from webapp.models import Platform

# Hosts whose URLs we accept for each platform (any leading www. or m. is dropped first).
_HOSTS: dict[str, Platform] = {
    "instagram.com": Platform.INSTAGRAM,
    "instagr.am": Platform.INSTAGRAM,
    "tiktok.com": Platform.TIKTOK,
    "youtube.com": Platform.YOUTUBE,
}

# First path segments of Instagram URLs that are not profiles (posts, reels, stories, ...).
_INSTAGRAM_NON_PROFILE_PATHS = frozenset(
    {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct"}
)

# Instagram: 1-30 letters, digits, periods, underscores; no leading/trailing or doubled period.
_INSTAGRAM = re.compile(r"(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)")
# TikTok: 2-24 letters, digits, underscores, periods; must not end with a period.
_TIKTOK = re.compile(r"[a-z0-9._]{2,24}(?<!\.)")
# YouTube handles: 3-30 letters, digits, underscores, hyphens, periods.
_YOUTUBE_HANDLE = re.compile(r"[a-z0-9._-]{3,30}")
# YouTube channel ids: "UC" and 22 URL-safe base64 characters; case matters.
_YOUTUBE_CHANNEL = re.compile(r"UC[A-Za-z0-9_-]{22}")
# A URL's scheme, at the very start ("natgeo?next=https://..." is no URL).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")

RULES: dict[Platform, str] = {
    Platform.INSTAGRAM: (
        "Instagram usernames have 1-30 characters: letters, numbers, periods and underscores, "
        "not starting or ending with a period"
    ),
    Platform.TIKTOK: (
        "TikTok usernames have 2-24 characters: letters, numbers, underscores and periods, "
        "not ending with a period"
    ),
    Platform.YOUTUBE: (
        "YouTube handles have 3-30 characters: letters, numbers, underscores, hyphens and "
        "periods; a channel id starts with UC and has 24 characters"
    ),
}


def normalise_handle(platform: Platform, raw: str) -> str:
    text = raw.strip()
    if not text:
        raise InvalidHandle("Enter a handle, such as @natgeo, or a profile URL.")
    if _looks_like_url(text):
        text = _handle_from_url(platform, text)
    text = text.removeprefix("@").strip()
    if platform is Platform.YOUTUBE and _YOUTUBE_CHANNEL.fullmatch(text):
        return text
    folded = text.lower()
    if not _pattern(platform).fullmatch(folded):
        raise InvalidHandle(
            f"{text[:60]!r} is not a valid {platform.label} handle. {RULES[platform]}.",
            details={"field": "handle", "platform": platform.value},
        )
    return folded


def url_platform(raw: str) -> Platform | None:
    """The platform a profile URL names (instagram.com/..., tiktok.com/@...), None for a bare
    handle or an address of no platform we know (normalising it then says what is wrong)."""
    text = raw.strip()
    if not _looks_like_url(text):
        return None
    try:
        host = (urlsplit(text if "://" in text else "https://" + text).hostname or "").lower()
    except ValueError:  # "http://[" and the like
        return None
    return _HOSTS.get(host.removeprefix("www.").removeprefix("m."))


def shown_handle(handle: str, platform: Platform) -> str:
    """A handle as people read it: with @, except a YouTube channel id, which is not a handle."""
    if platform is Platform.YOUTUBE and handle.startswith("UC") and len(handle) == 24:
        return handle
    return f"@{handle}"


def dedup_key(platform: Platform, handle: str) -> str:
    return f"{platform.value}:{handle}"


def upload_dedup_key(platform: Platform, handle: str, digest: str) -> str:
    """The same uploaded data for the same account; never equal to a scraping job's key."""
    return f"{dedup_key(platform, handle)}:upload:{digest[:16]}"


def _pattern(platform: Platform) -> re.Pattern[str]:
    if platform is Platform.INSTAGRAM:
        return _INSTAGRAM
    if platform is Platform.TIKTOK:
        return _TIKTOK
    return _YOUTUBE_HANDLE


def _looks_like_url(text: str) -> bool:
    lowered = text.lower()
    return _SCHEME.match(text) is not None or any(
        lowered.removeprefix("www.").removeprefix("m.").startswith(host + "/") for host in _HOSTS
    )


def _handle_from_url(platform: Platform, text: str) -> str:
    try:
        url = urlsplit(text if _SCHEME.match(text) else "https://" + text)
    except ValueError:  # "https://[instagram.com/x": an unclosed IPv6 bracket
        raise InvalidHandle(
            "This address cannot be read; paste the profile URL or type the handle.",
            details={"field": "handle"},
        ) from None
    if url.scheme.lower() not in {"http", "https"}:
        raise InvalidHandle(
            f"{url.scheme[:20]!r} addresses are not profile URLs; paste an https:// address "
            "or type the handle.",
            details={"field": "handle"},
        )
    if "@" in url.netloc:
        # "https://user:pw@instagram.com/x": a profile URL never carries a user name or
        # password, and the part before "@" is how links disguise the host they lead to.
        raise InvalidHandle(
            "Remove the user name or password from the address (the part before '@'); "
            "paste the profile URL as the platform shows it, or type the handle.",
            details={"field": "handle"},
        )
    if url.hostname is not None and url.netloc.lower() != url.hostname:
        raise InvalidHandle(
            "Remove the port from the address; paste the profile URL as the platform shows "
            "it, or type the handle.",
            details={"field": "handle"},
        )
    host = (url.hostname or "").removeprefix("www.").removeprefix("m.")
    url_platform = _HOSTS.get(host)
    if url_platform is None:
        raise InvalidHandle(
            f"{host or text!r} is not an Instagram, TikTok or YouTube address.",
            details={"field": "handle"},
        )
    if url_platform is not platform:
        raise InvalidHandle(
            f"This is a {url_platform.label} address, but the platform is {platform.label}. "
            f"Choose {url_platform.label} or enter a {platform.label} handle.",
            details={"field": "handle", "platform": platform.value},
        )
    parts = [part for part in url.path.split("/") if part]
    if platform is Platform.YOUTUBE and len(parts) >= 2 and parts[0] == "channel":
        return parts[1]
    if platform is not Platform.INSTAGRAM and parts and not parts[0].startswith("@"):
        parts = []  # TikTok and YouTube profile URLs name the account as /@handle
    if parts and parts[0].lower() in _INSTAGRAM_NON_PROFILE_PATHS:
        parts = []
    if not parts:
        raise InvalidHandle(
            f"Could not find an account in this {platform.label} address; "
            f"paste the profile URL or type the handle.",
            details={"field": "handle", "platform": platform.value},
        )
    return parts[0]


# What normalise_handle accepts, as one regular expression per platform for the OpenAPI
# document (JSON Schema `pattern`: ECMA-262 syntax, which Python reads the same way here, so
# tests can check it against normalise_handle). Every string it matches is accepted: a handle
# or @handle, or a profile URL on the platform's host, with blanks around. It leaves out a few
# odd spellings that are also accepted (a doubled "www.", spaces inside a URL).
def _run_of(characters: str, low: int, high: int) -> str:
    """Lookahead: the run of handle characters starting here is `low` to `high` long."""
    return rf"(?=[{characters}]{{{low},{high}}}(?![{characters}]))"


# Without a leading, trailing or doubled period (Instagram), or a trailing one (TikTok).
_NAME = {
    Platform.INSTAGRAM: _run_of("A-Za-z0-9._", 1, 30) + r"[A-Za-z0-9_](?:\.?[A-Za-z0-9_]){0,29}",
    Platform.TIKTOK: _run_of("A-Za-z0-9._", 2, 24) + r"[A-Za-z0-9._]{1,23}[A-Za-z0-9_]",
    Platform.YOUTUBE: _run_of("A-Za-z0-9._-", 3, 30) + r"[A-Za-z0-9._-]{3,30}",
}


def _any_case(word: str) -> str:
    """`word` in any letter case, for a pattern language without a case-insensitive flag."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in word)


def _profile_path(platform: Platform) -> str:
    name = _NAME[platform]
    if platform is Platform.INSTAGRAM:
        reserved = "|".join(_any_case(path) for path in sorted(_INSTAGRAM_NON_PROFILE_PATHS))
        return rf"(?!(?:{reserved})(?:[/?#]|\s*$))@?{name}"
    if platform is Platform.TIKTOK:
        return f"@{name}"
    return rf"(?:@{name}|channel/+{name})"


def handle_pattern(platform: Platform) -> str:
    hosts = "|".join(_any_case(host) for host, owner in _HOSTS.items() if owner is platform)
    url = (
        rf"(?:{_any_case('http')}[sS]?://)?(?:{_any_case('www.')}|{_any_case('m.')})?"
        rf"(?:{hosts})/+{_profile_path(platform)}(?:[/?#].*)?"
    )
    return rf"^\s*(?:(?:@\s*)?{_NAME[platform]}|{url})\s*$"
