"""The FastAPI application: a thin, read-only layer over a workspace compiled once at start-up.

Every error leaves as ``application/problem+json`` with accede's codes; an unexpected exception
is a bug and leaves as a 500 that names no internals. No CORS headers are set: a browser page on
another origin cannot call the service unless a deployment adds them deliberately.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from datetime import date
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.problems import problem_response
from api.requests import MAX_BODY
from api.routers import check, resources, scenarios
from api.schemas import COMPONENTS
from engine import models as m
from engine.common.errors import AccedeError, Problem
from engine.workspace import Workspace

__all__ = ["create_app"]

log = logging.getLogger("accede.api")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimit:
    """Refuses bodies over ``MAX_BODY`` with a 413 before a handler reads them, streamed or not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise _TooLargeError
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLargeError:
            await self._refuse(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        problem = Problem("file.too-large", f"the body is larger than the limit of {MAX_BODY} bytes")
        await problem_response([problem], 413, headers={"connection": "close"})(scope, receive, send)


class _TooLargeError(Exception):
    pass


def create_app(ws: Workspace | None = None) -> FastAPI:
    """The service over ``ws`` (by default the bundled world), compiled before the first request."""
    workspace = ws or Workspace()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        workspace.default.as_of(date.today())  # compile rules and world, project today, once
        # The compiled world is long-lived and immutable: move it out of the collector's sight so a
        # full collection does not walk it in the middle of a request (it was the p99 tail).
        gc.collect()
        gc.freeze()
        yield

    app = FastAPI(
        title="accede",
        version="0.1.0",
        summary="Can this state join that organisation on that date, and if not, why?",
        lifespan=lifespan,
        redoc_url=None,
    )
    app.state.workspace = workspace
    app.add_middleware(BodyLimit)
    app.include_router(check.router)
    app.include_router(scenarios.router)
    app.include_router(resources.router)

    @app.exception_handler(AccedeError)
    async def accede_error(request: Request, exc: AccedeError) -> Response:
        return problem_response(list(exc.problems))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            Problem("schema.invalid-value", str(e.get("msg", "invalid value")), field=".".join(map(str, e["loc"][1:])))
            for e in exc.errors()
        ]
        return problem_response(problems or [Problem("schema.invalid-value", "invalid request")])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return problem_response([Problem("http.not-found", "no such path")], 404)
        if exc.status_code == 405:
            return problem_response([Problem("http.method-not-allowed", "this path does not accept that method")], 405)
        return problem_response([Problem("schema.invalid-value", "the request cannot be read")], exc.status_code)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response([Problem("schema.invalid-value", "internal error; the request was not answered")], 500)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            template = "#/components/schemas/{model}"
            models: tuple[type[BaseModel], ...] = (*COMPONENTS, m.Scenario)
            for model in models:
                found = model.model_json_schema(ref_template=template, by_alias=True)
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
