"""What handlers are handed: the workspace compiled at start-up, and the date of a request."""

from __future__ import annotations

from fastapi import Request

from engine.common.dates import parse_day, today
from engine.workspace import Workspace

__all__ = ["parse_as_of", "workspace"]


def workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def parse_as_of(text: str | None) -> date:
    """``as_of`` from a query string; today (UTC) when absent: the clock is read at the edge."""
    return parse_day(text, "as_of", today())
