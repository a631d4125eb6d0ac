"""What handlers are handed, so a route only asks and answers: the workspace, a date, a body.

The workspace is the one compiled at start-up. A date comes from the query string, and today
(UTC) when it is absent: the clock is read here, at the edge, never in the engine. A body is
strict JSON within the service's limits (``api.limits``) before the engine sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response

from api.answers import AnswerCache
from api.limits import within_limits
from api.workers import Pool
from engine.common.dates import parse_day, today
from engine.common.errors import AccedeError, Problem, shown
from engine.common.limits import BODY_BYTES
from engine.reading.json_strict import read_json
from engine.reading.yaml12 import Document
from engine.workspace import Workspace

__all__ = [
    "AsOf",
    "CheckBody",
    "ScenarioBody",
    "Strict",
    "Ws",
    "cached",
    "check_body",
    "compute",
    "light",
    "parse_as_of",
    "scenario_body",
    "strict_query",
    "workspace",
]


async def workspace(request: Request) -> Workspace:
    # async: a plain def would hop to a thread on every request for a read of app state.
    ws: Workspace = request.app.state.workspace
    return ws


def _query_names(dependant: Any) -> set[str]:
    """The query parameters a route declares, its dependencies' included."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


#: Where a route keeps the query parameters it declares (routes are neither hashable nor shared
#: between applications, so the answer lives on the route itself).
_DECLARED = "accede_query_names"


async def strict_query(request: Request) -> None:
    """Refuse query parameters the route does not declare, as unknown body fields are refused.

    A misspelt ``orgg=SCO`` would otherwise be ignored and the whole sweep returned.
    """
    route = request.scope.get("route")
    known: frozenset[str] | None = getattr(route, _DECLARED, None)
    if known is None:
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            return
        # Routes are built once at start-up: what each declares is worked out on its first request.
        known = frozenset(_query_names(dependant))
        setattr(route, _DECLARED, known)
    unknown = [k for k in dict.fromkeys(request.query_params.keys()) if k not in known]
    if unknown:
        allowed = ", ".join(f"`{k}`" for k in sorted(known)) or "none"
        raise AccedeError(
            [
                Problem("schema.unknown-field", f"unknown query parameter `{shown(k)}` (allowed: {allowed})", field=k)
                for k in unknown
            ]
        )


def _key(request: Request, asked: bytes, day: date | None) -> tuple[str, str, bytes]:
    query: bytes = request.scope["query_string"]
    return (f"{request.method} {request.url.path}", (day or today()).isoformat(), query + b"\n" + asked)


async def cached(request: Request, day: date | None = None) -> Response | None:
    """The answer given before to the same request (route, query string, body) on the same day
    (``day``, today by default), if the answer cache (``api.answers``) still has it.

    Routes with a body ask this first, before reading the body: a question asked again costs a
    look-up, not a parse.
    """
    answers: AnswerCache = request.app.state.answers
    found = answers.get(_key(request, await request.body(), day))
    return None if found is None else Response(found, media_type="application/json", headers=_HIT)


#: Most what-if changes a check may carry and still count as light (``light``).
LIGHT_CHANGES = 8


def light(ws: Workspace, doc: Document, day: date) -> bool:
    """Whether a check request is light: answered on the loop rather than handed to a thread.

    No amendments (they compile rules), the default trust, a few changes, and a date whose
    snapshot the world holds already (projecting a new date costs milliseconds). Anything this
    cannot read is not light: the pool answers it, with its errors.
    """
    data = doc.data
    if not isinstance(data, dict) or "amend" in data or data.get("trust", "low") != "low":
        return False
    changes = data.get("changes", [])
    if not isinstance(changes, list) or len(changes) > LIGHT_CHANGES:
        return False
    as_of = data.get("as_of")
    if as_of is not None and not isinstance(as_of, str):
        return False
    try:
        on = parse_day(as_of, "as_of", day)
    except AccedeError:
        return False
    return ws.default.facts.projected(on)


async def compute(request: Request, fn: Callable[[], Any], day: date | None = None, *, light: bool = False) -> Response:
    """``fn()`` in the evaluation pool, under the service's budget and deadline; its JSON as the answer.

    A GET (no body) is looked up in the answer cache first; every answer is kept there, and
    ``Accede-Cache`` says whether it was computed (``miss``) or given again (``hit``).
    """
    if request.method != "POST":
        hit = await cached(request, day)
        if hit is not None:
            return hit
    pool: Pool = request.app.state.pool
    answer = await pool.compute(fn, light=light)
    answers: AnswerCache = request.app.state.answers
    answers.put(_key(request, await request.body(), day), answer)
    return Response(answer, media_type="application/json", headers=_MISS)


_HIT = {"Accede-Cache": "hit"}
_MISS = {"Accede-Cache": "miss"}


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
#: Every route depends on it (``dependencies=[Strict]`` on the routers).
Strict = Depends(strict_query)
#: ``as_of`` as the query string gives it; routes parse it with ``parse_as_of`` first thing.
AsOf = Annotated[str | None, Query(description="ISO date; default today (UTC)", max_length=40)]
CheckBody = Annotated[Document, Depends(check_body)]
ScenarioBody = Annotated[Document, Depends(scenario_body)]
