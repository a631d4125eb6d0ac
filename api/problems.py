"""Errors over HTTP: ``application/problem+json`` (RFC 9457) carrying accede's own problems.

The body names each problem's stable code (the same codes the command line prints), its message
and the field path; nothing about the server's internals. Which status a problem answers with is
``api.handlers``' decision; this module only writes the body.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response

from engine.common.errors import Problem
from engine.rendering.jsonout import dumps

__all__ = ["PROBLEM_JSON", "problem_body", "problem_response"]

PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    408: "Request too slow",
    413: "Request too large",
    422: "The request cannot be answered as written",
    500: "Internal error",
    503: "Not ready",
}


def problem_body(status: int, problems: list[Problem]) -> dict[str, Any]:
    first = problems[0] if problems else None
    return {
        "type": f"urn:accede:problem:{first.code}" if first else "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": first.message if first else _TITLES.get(status, "Error"),
        "errors": [{k: v for k, v in p.as_dict().items() if v is not None and k != "file"} for p in problems],
    }


def problem_response(problems: list[Problem], status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(problem_body(status, problems)), status_code=status, media_type=PROBLEM_JSON, headers=headers)
