"""The upload adapter: replays the ScrapeResult parsed from the marketer's file.

The file was parsed and stored with the job when it arrived, so this adapter contacts nothing
and can run any number of times (retries, recovery after a restart) with the same result.
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import ValidationError

from webapp.pipeline.errors import PermanentError
from webapp.pipeline.scraping.adapter import ScrapeProgress, ScrapeRequest
from webapp.pipeline.scraping.result import ScrapeResult

logger = logging.getLogger(__name__)


class UploadAdapter:
    name = "upload"

    def __init__(self, stored_json: str | None) -> None:
        # None: the job says it has an upload but the store has none (deleted by hand, say).
        self._stored_json = stored_json

    async def fetch(self, request: ScrapeRequest, progress: ScrapeProgress) -> ScrapeResult:
        await progress(0.0, "Reading the uploaded file")
        if self._stored_json is None:
            # Our own storage lost it, not the marketer's file that was wrong.
            raise PermanentError(
                "The uploaded file is no longer stored; upload it again.", code="internal"
            )
        try:
            # Up to a few MB of JSON (limits.py): parsed off the event loop.
            result = await asyncio.to_thread(ScrapeResult.model_validate_json, self._stored_json)
        except ValidationError:
            # Only a newer app's stored format could get here: retrying cannot help.
            logger.exception("Stored upload of @%s cannot be read", request.handle)
            raise PermanentError(
                "The stored upload cannot be read by this version of the app; upload the file "
                "again.",
                code="invalid_data",
            ) from None
        await progress(1.0, f"Read {len(result.posts)} posts from the uploaded file")
        return result
