"""create_app(settings) -> Starlette: routes, error handlers, and the lifespan owning resources."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from webapp.clock import Clock, SystemClock
from webapp.errors import AppError, MethodNotAllowed, NotFound
from webapp.jobs.hub import Hub
from webapp.jobs.runner import JobRunner
from webapp.jobs.service import JobService
from webapp.jobs.sqlite import SQLiteStore
from webapp.jobs.tracker import JobTracker
from webapp.loop_lag import LoopLagMonitor
from webapp.openapi import openapi_document
from webapp.pipeline.scraping.adapter import Adapter
from webapp.pipeline.scraping.demo import DemoAdapter
from webapp.routes import api, streams
from webapp.settings import Settings
from webapp.shutdown import watch_server_exit
from webapp.state import AppState

logger = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    adapter: Adapter | None = None,
    hub: Hub | None = None,
) -> Starlette:
    """Build the app. Tests pass a fake clock, a seeded random source or their own hub."""
    settings = settings if settings is not None else Settings.from_env()
    clock = clock if clock is not None else SystemClock()
    rng = rng if rng is not None else random.Random()
    adapter = adapter if adapter is not None else DemoAdapter(clock, settings.demo_delay_seconds)
    hub = hub if hub is not None else Hub()
    document = openapi_document()

    def _restarting() -> None:
        if hub.closing is None:
            hub.shutdown("The server is restarting; reconnect to follow the job.")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        store = SQLiteStore(settings.database)
        await store.open()
        try:
            tracker = JobTracker(
                store=store, hub=hub, clock=clock, ttl_seconds=settings.job_ttl_seconds
            )
            async with JobRunner(
                store=store,
                tracker=tracker,
                adapter=adapter,
                clock=clock,
                rng=rng,
                max_concurrency=settings.max_concurrency,
                max_attempts=settings.max_attempts,
                retry_base_seconds=settings.retry_base_seconds,
                retry_max_seconds=settings.retry_max_seconds,
                sweep_interval_seconds=settings.sweep_interval_seconds,
            ) as runner:
                await runner.sweep()
                await runner.recover()
                service = JobService(
                    store=store,
                    tracker=tracker,
                    runner=runner,
                    clock=clock,
                    max_queued=settings.max_queued,
                )
                logger.info("Serving with database %s", settings.database)
                loop_lag = LoopLagMonitor()
                watchers = [
                    asyncio.create_task(watch_server_exit(_restarting)),
                    asyncio.create_task(loop_lag.run()),
                ]
                try:
                    yield {
                        "app": AppState(
                            settings=settings,
                            store=store,
                            hub=hub,
                            tracker=tracker,
                            runner=runner,
                            service=service,
                            loop_lag=loop_lag,
                        )
                    }
                finally:
                    for watcher in watchers:
                        watcher.cancel()
                    _restarting()
        finally:
            await store.close()

    async def openapi(request: Request) -> Response:
        return JSONResponse(document)

    return Starlette(
        routes=[*api.routes, *streams.routes, Route("/openapi.json", openapi, methods=["GET"])],
        lifespan=lifespan,
        exception_handlers={
            AppError: _app_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
    )


async def _app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
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
    return JSONResponse(error.body(), status_code=exc.status_code, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    body = {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on our side. Try again in a moment.",
            "details": None,
        }
    }
    return JSONResponse(body, status_code=500)
