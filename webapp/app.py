"""create_app(settings) -> Starlette: routes, error handlers, and the lifespan owning resources."""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from webapp.access_log import AccessLog, AccessLogWriter
from webapp.api_keys import ApiKeys
from webapp.backend import open_backend
from webapp.clock import Clock, SystemClock
from webapp.errors import AppError, MethodNotAllowed, NotFound, StoreUnavailable
from webapp.jobs.hub import LocalHub
from webapp.jobs.store import StoreError
from webapp.limits import Limits, StreamSlots
from webapp.loop_lag import LoopLagMonitor
from webapp.openapi import openapi_document
from webapp.pipeline.scraping.adapter import Adapter
from webapp.rate_limit import make_rate_limiter
from webapp.routes import (
    accounts,
    api,
    batch_pages,
    batches,
    compare,
    page_streams,
    pages,
    share,
    streams,
)
from webapp.routes.shared_frames import SharedFrames
from webapp.security_headers import HEADERS as SECURITY_HEADERS
from webapp.security_headers import SecurityHeaders
from webapp.settings import Settings
from webapp.sharing import ShareLinkSource
from webapp.shutdown import watch_server_exit
from webapp.state import AppState
from webapp.templating import make_templates

logger = logging.getLogger(__name__)

GIL_SWITCH_SECONDS = 0.001
# Allocations before a young collection, and how many of each generation before the next one
# (CPython's defaults: 700, 10, 10).
GC_THRESHOLDS = (20_000, 20, 20)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    adapter: Adapter | None = None,
    hub: LocalHub | None = None,
    frames: SharedFrames | None = None,
) -> Starlette:
    """Build the app. Tests pass a fake clock, a seeded random source, their own hub (this
    process's fan-out; with Redis, events from every process reach it) or their own shared
    frames (to count renders)."""
    settings = settings if settings is not None else Settings.from_env()
    clock = clock if clock is not None else SystemClock()
    rng = rng if rng is not None else random.Random()
    hub = hub if hub is not None else LocalHub()
    frames = frames if frames is not None else SharedFrames()
    document = openapi_document()
    templates = make_templates(PROJECT_ROOT / "templates")
    access_log = AccessLogWriter() if settings.access_log else None

    def _restarting() -> None:
        if hub.closing is None:
            hub.shutdown("The server is restarting; reconnect to follow the job.")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        # SQLite runs in worker threads that hand each result back through the GIL. While the loop
        # fans an event out to thousands of streams, the default 5 ms switch interval makes every
        # hand-off wait up to 5 ms (a commit takes several), delaying the job's next state.
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_SECONDS))
        async with open_backend(
            settings, clock=clock, rng=rng, adapter=adapter, hub=hub
        ) as backend:
            logger.info("Serving with the %s", backend.description)
            # What start-up built (modules, schemas, templates) lives as long as the
            # process: keep it out of the garbage collector's full scans, and scan less
            # often (every job allocates thousands of objects but hardly any cycles), so
            # collections stop walking the queued jobs again and again.
            gc.freeze()
            thresholds = gc.get_threshold()
            gc.set_threshold(*GC_THRESHOLDS)
            limits = Limits(
                jobs=make_rate_limiter(
                    limit=settings.rate_limit_jobs,
                    window_seconds=settings.rate_limit_window_seconds,
                    redis_url=settings.redis_url,
                    clock=clock,
                ),
                streams=StreamSlots(settings.max_streams_per_client),
            )
            loop_lag = LoopLagMonitor()
            watchers = [
                asyncio.create_task(watch_server_exit(_restarting)),
                asyncio.create_task(loop_lag.run()),
                asyncio.create_task(_keep_alive(hub, clock, settings.stream_ping_seconds)),
            ]
            try:
                yield {
                    "app": AppState(
                        settings=settings,
                        service=backend.service,
                        loop_lag=loop_lag,
                        templates=templates,
                        frames=frames,
                        share=ShareLinkSource(settings, backend.service),
                        limits=limits,
                        batches=backend.batches,
                    )
                }
            finally:
                await limits.jobs.close()
                gc.set_threshold(*thresholds)
                gc.unfreeze()
                for watcher in watchers:
                    watcher.cancel()
                _restarting()
                if access_log is not None:
                    access_log.flush()

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    return Starlette(
        routes=[
            *api.routes,
            *batches.routes,
            *streams.routes,
            Route("/openapi.json", openapi, methods=["GET"]),
            # Before the pages: /jobs/stream must not be taken for a job id.
            *page_streams.routes,
            *batch_pages.routes,
            *pages.routes,
            *share.routes,
            *compare.routes,
            *accounts.routes,
            Mount("/static", app=StaticFiles(directory=PROJECT_ROOT / "static"), name="static"),
        ],
        lifespan=lifespan,
        exception_handlers=_error_handlers(templates),
        middleware=_middleware(settings, templates, access_log),
    )


def _middleware(
    settings: Settings, templates: Jinja2Templates, access_log: AccessLogWriter | None
) -> list[Middleware]:
    """Security headers on every response (outermost); the access log when it is on (it sees
    the 401s of the key check); API keys when there are any."""
    stack = [Middleware(SecurityHeaders)]
    if access_log is not None:
        stack.append(Middleware(AccessLog, writer=access_log))
    if settings.keys():
        page = templates.get_template("error.html").render(
            status_code=401,
            title=_ERROR_TITLES[401],
            message="This analyzer needs a key: reload the page and enter it as the password.",
        )
        stack.append(
            Middleware(
                ApiKeys, keys=settings.keys(), pages=settings.pages_need_key, page=page.encode()
            )
        )
    return stack


ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]

_API_PREFIXES = ("/api/", "/health", "/openapi.json", "/schemas/")
_ERROR_TITLES = {
    400: "That request did not work",
    401: "Key needed",
    404: "Not found",
    403: "Refused",
    405: "Not allowed here",
    409: "Not possible yet",
    413: "Too much data",
    415: "Unsupported format",
    422: "Check what you entered",
    429: "Slow down",
    503: "Busy right now",
}


async def _keep_alive(hub: LocalHub, clock: Clock, seconds: float) -> None:
    """One timer for every live stream: each tick makes every stream send a ping."""
    while True:
        await clock.sleep(seconds)
        hub.tick()


def _error_handlers(templates: Jinja2Templates) -> dict[Any, ErrorHandler]:
    """One handler per exception type; each answers the API in JSON and a browser in HTML."""

    def render(request: Request, error: AppError, headers: Mapping[str, str] | None) -> Response:
        if request.url.path.startswith(_API_PREFIXES):
            return JSONResponse(error.body(), status_code=error.status_code, headers=headers)
        context = {
            "status_code": error.status_code,
            "title": _ERROR_TITLES.get(error.status_code, "Something went wrong"),
            "message": error.message,
        }
        return templates.TemplateResponse(
            request, "error.html", context, status_code=error.status_code, headers=headers
        )

    async def app_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, AppError)
        return render(request, exc, exc.headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        """Starlette's own 404/405 answers, in the app's error shape."""
        assert isinstance(exc, HTTPException)
        error: AppError
        if exc.status_code == 404:
            error = NotFound(f"Nothing at {request.url.path}.")
        elif exc.status_code == 405:
            error = MethodNotAllowed(f"{request.method} is not allowed on {request.url.path}.")
        else:
            error = AppError(str(exc.detail))
            error.status_code = exc.status_code
            error.code = "http_error"
        return render(request, error, exc.headers)

    async def store_error(request: Request, exc: Exception) -> Response:
        """The store (SQLite file or Redis) cannot be used: a clear 503, never a traceback."""
        logger.warning("Store unavailable on %s %s: %s", request.method, request.url.path, exc)
        error = StoreUnavailable(
            "The job store is unavailable right now, so nothing was changed. "
            "Try again in a moment.",
            headers={"Retry-After": "5"},
        )
        return render(request, error, error.headers)

    async def unexpected_error(request: Request, exc: Exception) -> Response:
        logger.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        error = AppError("Something went wrong on our side. Try again in a moment.")
        error.status_code = 500
        error.code = "internal_error"
        # Sent from outside the middleware stack: the security headers go along by hand.
        return render(request, error, SECURITY_HEADERS)

    return {
        AppError: app_error,
        HTTPException: http_error,
        StoreError: store_error,
        Exception: unexpected_error,
    }
