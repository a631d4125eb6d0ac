"""The application factory: the service is the pieces of ``api`` wired to one workspace.

The workspace is compiled once, at start-up (``/readyz`` answers 200 from then on); routes,
dependencies, handlers, middleware and the OpenAPI document each live in their own module and are
only assembled here, with the operator's ``Settings`` (``ACCEDE_*``). CORS is off unless origins
are listed: a browser page on another origin cannot call the service by default.
"""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import schemas
from api.answers import AnswerCache
from api.handlers import HANDLERS
from api.logs import configure
from api.middleware.body_limit import BodyLimit
from api.middleware.conditional import Conditional
from api.middleware.context import RequestContext
from api.routers import ROUTERS
from api.settings import Settings
from api.workers import SWITCH_INTERVAL, Pool
from engine.common.dates import today
from engine.common.limits import BODY_BYTES
from engine.workspace import Workspace

__all__ = ["create_app"]

log = logging.getLogger("accede.api")


def _revision(app: FastAPI) -> str:
    """The world's revision once compiled (before that, a request is answered 503 by /readyz)."""
    ws: Workspace = app.state.workspace
    return str(ws.default.revision) if app.state.ready or ws.compiled else "compiling"


def _decision_log(path: str | None) -> Any:
    """The decision log, when the operator asked for one (``ACCEDE_DECISION_LOG``)."""
    if path is None:
        return None
    from engine.decisions import DecisionLog  # noqa: PLC0415  (only a configured service needs it)

    return DecisionLog(path)


def _compiled(workspace: Workspace, settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        world = workspace.default
        world.as_of(today())  # compile rules and world, project today, once
        # The compiled world is long-lived and immutable: move it out of the collector's sight so a
        # full collection does not walk it in the middle of a request (it was the p99 tail).
        gc.collect()
        gc.freeze()
        sys.setswitchinterval(SWITCH_INTERVAL)
        app.state.ready = True
        log.info(
            "accede ready: world %s, revision %s, %d evaluation threads",
            world.name,
            world.revision,
            app.state.pool.size,
            extra={"world": world.name, "revision": world.revision, "threads": app.state.pool.size},
        )
        try:
            yield
        finally:
            if app.state.decisions is not None:
                app.state.decisions.close()

    return lifespan


def create_app(ws: Workspace | None = None, settings: Settings | None = None) -> FastAPI:
    """The service over ``ws`` (by default the bundled world), compiled before the first request.

    ``settings`` default to the environment's (``ACCEDE_*``), which ``accede serve`` sets.
    """
    workspace = ws or Workspace()
    settings = settings or Settings.from_env()
    configure(settings.log_level, settings.log_format)
    app = FastAPI(
        title="accede",
        version="0.1.0",
        summary="Can this state join that organisation on that date, and if not, why?",
        lifespan=_compiled(workspace, settings),
        docs_url=None,
        redoc_url=None,
        exception_handlers=HANDLERS,
    )
    app.state.workspace = workspace
    app.state.ready = False
    app.state.pool = Pool(settings.threads, settings.work, settings.deadline)
    app.state.decisions = _decision_log(settings.decision_log)
    # A decision log records every answer as it is computed, so a kept log keeps no answer cache.
    app.state.answers = AnswerCache(0 if settings.decision_log else settings.answer_cache)
    # Added innermost first: the request context is outermost, so its log line sees every status.
    app.add_middleware(BodyLimit, limit=BODY_BYTES.served)
    app.add_middleware(Conditional)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "HEAD", "POST"]
        )
    app.add_middleware(RequestContext, revision=lambda: _revision(app))
    for router in ROUTERS:
        app.include_router(router)
    app.openapi = partial(schemas.openapi, app)  # type: ignore[method-assign]
    return app
