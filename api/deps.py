"""What handlers are handed, so a route only asks and answers: the workspace, a date, a body.

The workspace is the one compiled at start-up. A date comes from the query string, and today
(UTC) when it is absent: the clock is read here, at the edge, never in the engine. A body is
strict JSON within the service's limits (``api.limits``) before the engine sees it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from api.limits import within_limits
from engine.common.dates import parse_day, today
from engine.common.limits import BODY_BYTES
from engine.reading.json_strict import read_json
from engine.reading.yaml12 import Document
from engine.workspace import Workspace

__all__ = ["AsOf", "CheckBody", "ScenarioBody", "Ws", "parse_as_of", "workspace"]


def workspace(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def parse_as_of(text: str | None) -> date:
    """``as_of`` from a query string; today (UTC) when absent."""
    return parse_day(text, "as_of", today())


async def _body(request: Request) -> Document:
    return read_json(await request.body(), "request", limit=BODY_BYTES.served)


async def check_body(request: Request) -> Document:
    """A check request's body, read and within limits (it names no world: it has no such field)."""
    doc = await _body(request)
    within_limits(doc.data, scenario=False)
    return doc


async def scenario_body(request: Request) -> Document:
    """A scenario's body, read and within limits, its world `default` or inline."""
    doc = await _body(request)
    within_limits(doc.data, scenario=True)
    return doc


Ws = Annotated[Workspace, Depends(workspace)]
#: ``as_of`` as the query string gives it; routes parse it with ``parse_as_of`` first thing.
AsOf = Annotated[str | None, Query(description="ISO date; default today (UTC)", max_length=40)]
CheckBody = Annotated[Document, Depends(check_body)]
ScenarioBody = Annotated[Document, Depends(scenario_body)]
