"""What handlers are handed: the workspace compiled at start-up, and the date of a request."""

from __future__ import annotations

from datetime import date

from fastapi import Request

from engine.errors import AccedeError
from engine.workspace import Workspace

__all__ = ["parse_as_of", "workspace"]


def workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def parse_as_of(text: str | None) -> date:
    """``as_of`` from a query string; today (UTC) when absent: the clock is read at the edge."""
    if text is None:
        return date.today()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise AccedeError.one("date.invalid", f"`{text[:40]}` is not an ISO 8601 calendar date (YYYY-MM-DD)", field="as_of")
