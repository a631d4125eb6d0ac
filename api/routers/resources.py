"""Read-only resources of the bundled world: organisations, states, the matrix, health.

Codes in paths and query strings are case-insensitive, as on the command line. An unknown code
is the engine's ``world.unknown-state`` or ``world.unknown-org``; in a path it answers 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import AsOf, Strict, Ws, compute, parse_as_of
from api.problems import problem_response
from api.responses import answer
from api.schemas import ok, ok_list
from engine.common.errors import Problem

router = APIRouter(tags=["world"], dependencies=[Strict])


@router.get("/v1/organizations", responses=ok_list("OrganizationSummary"))
async def organizations(request: Request, ws: Ws, as_of: AsOf = None) -> Response:
    """Every organisation in the bundled world, with its statuses, rule versions and member count."""
    on = parse_as_of(as_of)
    return await compute(request, lambda: ws.organizations(on))


@router.get("/v1/organizations/{org}", responses=ok("OrganizationInfo"))
async def organization(request: Request, org: str, ws: Ws, as_of: AsOf = None) -> Response:
    """What the world holds about one organisation on a date: rules in force, status holders, stances."""
    on = parse_as_of(as_of)
    return await compute(request, lambda: ws.describe_org(org, on, field="org"))


@router.get("/v1/states/{state}", responses=ok("StateInfo"))
async def state(request: Request, state: str, ws: Ws, as_of: AsOf = None) -> Response:
    """What the world holds about one state on a date, with sources (same as `accede show STATE --json`)."""
    on = parse_as_of(as_of)
    return await compute(request, lambda: ws.describe_state(state, on, field="state"))


@router.get("/v1/matrix", responses=ok("MatrixResult"))
async def sweep(
    request: Request,
    ws: Ws,
    as_of: AsOf = None,
    org: Annotated[list[str] | None, Query(max_length=50)] = None,
    state: Annotated[list[str] | None, Query(max_length=300)] = None,
) -> Response:
    """Every non-member (or the states named) against the organisations named (default: all)."""
    on = parse_as_of(as_of)
    orgs = list(org or ())
    states = list(state or ())
    return await compute(request, lambda: ws.matrix(on, orgs, states).to_json())


@router.get("/healthz", responses=ok("Health"))
async def healthz(request: Request, ws: Ws) -> Response:
    """Liveness, and what world is loaded (answered on the event loop: it must never wait for work)."""
    return answer({"status": "ok", **ws.summary()})


@router.get("/readyz", responses=ok("Health"))
async def readyz(request: Request, ws: Ws) -> Response:
    """Readiness: 200 once the world is compiled and requests are answered, 503 before."""
    if not (request.app.state.ready or ws.compiled):
        return problem_response([Problem("http.not-ready", "the world is still being compiled")], 503)
    return answer({"status": "ok", **ws.summary()})
