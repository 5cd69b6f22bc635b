"""The largest uploads one account can send, as files: shared by tests/test_limits_upload.py and
bench/big_upload.py (which also runs them against older versions of the app, so this module
imports nothing from webapp)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

# The issue's file: 349,522 rows of 15 bytes, just under the 5 MiB upload limit.
ISSUE_ROWS = 349_522


def many_rows_csv(rows: int = ISSUE_ROWS, newest: str = "2026-11-27") -> bytes:
    """A CSV of `rows` minimal posts (date, likes, comments), all of one day."""
    return b"published_at,likes,comments\n" + f"{newest},1,1\n".encode() * rows


def dated_rows_csv(rows: int, newest: datetime) -> bytes:
    """A CSV of `rows` posts one hour apart, newest first, each with its own likes."""
    lines = ["published_at,likes,comments,views,caption,url"]
    for index in range(rows):
        moment = (newest - timedelta(hours=index)).strftime("%Y-%m-%dT%H:%M:%SZ")
        likes = 100 + index % 997
        lines.append(
            f"{moment},{likes},{index % 31},{likes * 20},post {index} #ad code SAVE{index % 50},"
            f"https://www.instagram.com/p/{index}/"
        )
    return ("\n".join(lines) + "\n").encode()


def _padded(stem: str, length: int) -> str:
    return (stem + "x" * length)[:length]


def worst_json(
    newest: datetime,
    *,
    posts: int = 500,
    comments: int = 5_000,
    followers: int = 1_000,
    days: int = 1_096,
    id_chars: int = 128,
    url_chars: int = 512,
    coverage: int = 50,
) -> bytes:
    """A ScrapeResult JSON upload with every list at the analysis limit and every id and link as
    long as allowed: what makes the biggest report. Captions carry disclosure markers, codes and
    links so that the evidence lists fill up; commenters recur and repeat themselves."""
    post_ids = [_padded(f"post{index:05d}-", id_chars) for index in range(posts)]
    data = {
        "platform": "instagram",
        "profile": {
            "handle": "big.account",
            "display_name": _padded("Big Account ", 256),
            "bio": "link in bio " * 100,
            "followers": 250_000,
            "following": 900,
            "post_count": posts * 4,
        },
        "posts": [
            {
                "id": post_id,
                "url": _padded(f"https://www.instagram.com/p/{index}/?utm=", url_chars),
                "published_at": (newest - timedelta(hours=7 * index)).isoformat(),
                "kind": "photo",
                "caption": (
                    f"Post {index} with @brand{index % 9} use code SAVE{index % 40} at "
                    f"https://amzn.to/{index:x} #ad #sponsored #giveaway #casino #crypto "
                    + "words "
                    * 60
                ),
                "hashtags": ["ad", "sponsored", "giveaway", "casino", "crypto"],
                "mentions": [f"brand{index % 9}"],
                "likes": 2_000 + (index * 7919) % 9_000,
                "comments": 40 + index % 70,
                "views": 20_000 + (index * 104_729) % 90_000,
            }
            for index, post_id in enumerate(post_ids)
        ],
        "comments": [
            {
                "post_id": post_ids[index % min(posts, 50)],
                "author": _padded(f"fan{index % 400:04d}-", id_chars),
                "text": f"great post love it {index % 30} 🔥🔥" if index % 3 else "nice",
                "published_at": (newest - timedelta(minutes=index)).isoformat(),
                "likes": index % 5,
            }
            for index in range(comments)
        ],
        "follower_sample": [
            {
                "username": _padded(f"follower{index:05d}-", id_chars),
                "full_name": _padded("Name ", 64) if index % 2 else "",
                "bio": "" if index % 3 else "follow for follow",
                "followers": (index * 37) % 20_000,
                "following": (index * 53) % 7_500,
                "posts": index % 40,
                "has_profile_pic": index % 4 != 0,
            }
            for index in range(followers)
        ],
        "follower_history": [
            {
                "day": (newest - timedelta(days=days - index)).date().isoformat(),
                "followers": 200_000 + index * 45 + (9_000 if index % 97 == 0 else 0),
            }
            for index in range(days)
        ],
        "source": "export",
        "coverage": [_padded(f"note {index}: ", 1_000) for index in range(coverage)],
    }
    return json.dumps(data).encode()
