"""The resources the lifespan creates, handed to every request as `request.state.app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from starlette.requests import HTTPConnection

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from webapp.batches.service import BatchService
    from webapp.jobs.service import JobService
    from webapp.limits import Limits
    from webapp.loop_lag import LoopLagMonitor
    from webapp.routes.shared_frames import SharedFrames
    from webapp.settings import Settings
    from webapp.sharing import ShareLinkSource


@dataclass(frozen=True, slots=True)
class AppState:
    settings: Settings
    service: JobService
    loop_lag: LoopLagMonitor
    templates: Jinja2Templates
    frames: SharedFrames  # what the job pages' streams render, shared between them
    share: ShareLinkSource
    limits: Limits
    batches: BatchService


def app_state(connection: HTTPConnection) -> AppState:
    return cast(AppState, connection.state.app)
