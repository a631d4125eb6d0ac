"""Exceptions become answers here, and only here: every error leaves as problem details.

A user's mistake (``AccedeError``, a query parameter FastAPI refused, a path or method that names
no route) answers 4xx with accede's codes; anything else is a bug and answers 500
``internal.error`` without internals, logged with its traceback for the operator. The status is
decided by what the problem is and where it was written: a path parameter that names nothing
is a 404, whatever the engine called the mistake.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from api.problems import problem_response
from engine.common.errors import AccedeError, Problem

__all__ = ["HANDLERS", "status_for"]

log = logging.getLogger("accede.api")


def status_for(problems: Collection[Problem], path_params: Collection[str] = ()) -> int:
    """413 for size limits, 404 for a path that names nothing, 400 for non-JSON, otherwise 422."""
    codes = {p.code for p in problems}
    if "file.too-large" in codes:
        return 413
    if codes == {"http.not-found"} or any(p.field in path_params for p in problems if p.field):
        return 404
    if codes == {"http.method-not-allowed"}:
        return 405
    if codes <= {"json.syntax", "json.duplicate-key"}:
        return 400
    return 422


async def accede_error(request: Request, exc: AccedeError) -> Response:
    problems = list(exc.problems)
    return problem_response(problems, status_for(problems, request.path_params))


async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """A query or path parameter FastAPI itself refused (too long, too many)."""
    problems = [
        Problem("schema.invalid-value", str(e.get("msg", "invalid value")), field=".".join(map(str, e["loc"][1:])))
        for e in exc.errors()
    ]
    return problem_response(problems or [Problem("schema.invalid-value", "invalid request")], 422)


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Routing's own refusals: no such path, or a method the path does not accept."""
    if exc.status_code == 404:
        return problem_response([Problem("http.not-found", "no such path")], 404)
    if exc.status_code == 405:
        # RFC 9110: a 405 names the methods the path accepts; HEAD goes wherever GET does.
        allowed = [m.strip() for m in (exc.headers or {}).get("Allow", "").split(",") if m.strip()]
        if "GET" in allowed and "HEAD" not in allowed:
            allowed.append("HEAD")
        headers = {"Allow": ", ".join(allowed)} if allowed else None
        message = "this path does not accept that method" + (f"; it accepts {', '.join(allowed)}" if allowed else "")
        return problem_response([Problem("http.method-not-allowed", message)], 405, headers=headers)
    return problem_response([Problem("schema.invalid-value", "the request cannot be read")], exc.status_code)


async def bug(request: Request, exc: Exception) -> Response:
    """Not the client's fault: say so, name no internals, and keep the traceback for the operator."""
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem_response([Problem("internal.error", "internal error; the request was not answered")], 500)


#: For ``FastAPI(exception_handlers=...)``. ``Exception`` is served by the outermost middleware,
#: so even a failure in another middleware leaves as problem details.
HANDLERS: dict[int | type[Exception], Callable[[Request, Any], Coroutine[Any, Any, Response]]] = {
    AccedeError: accede_error,
    RequestValidationError: invalid_request,
    HTTPException: http_error,
    Exception: bug,
}
