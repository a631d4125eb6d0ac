"""The application factory: the service is the pieces of ``api`` wired to one workspace.

The workspace is compiled once, at start-up; routes, dependencies, handlers, middleware and the
OpenAPI document each live in their own module and are only assembled here. No CORS headers are
set: a browser page on another origin cannot call the service unless a deployment adds them
deliberately.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from functools import partial

from fastapi import FastAPI

from api import schemas
from api.handlers import HANDLERS
from api.middleware.body_limit import BodyLimit
from api.routers import ROUTERS
from engine.common.dates import today
from engine.common.limits import BODY_BYTES
from engine.workspace import Workspace

__all__ = ["create_app"]


def _compiled(workspace: Workspace) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        workspace.default.as_of(today())  # compile rules and world, project today, once
        # The compiled world is long-lived and immutable: move it out of the collector's sight so a
        # full collection does not walk it in the middle of a request (it was the p99 tail).
        gc.collect()
        gc.freeze()
        yield

    return lifespan


def create_app(ws: Workspace | None = None) -> FastAPI:
    """The service over ``ws`` (by default the bundled world), compiled before the first request."""
    workspace = ws or Workspace()
    app = FastAPI(
        title="accede",
        version="0.1.0",
        summary="Can this state join that organisation on that date, and if not, why?",
        lifespan=_compiled(workspace),
        redoc_url=None,
        exception_handlers=HANDLERS,
    )
    app.state.workspace = workspace
    app.add_middleware(BodyLimit, limit=BODY_BYTES.served)
    for router in ROUTERS:
        app.include_router(router)
    app.openapi = partial(schemas.openapi, app)  # type: ignore[method-assign]
    return app
