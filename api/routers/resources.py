"""Read-only resources of the bundled world: organisations, states, the matrix, health.

Codes in paths and query strings are case-insensitive, as on the command line. An unknown code
is the engine's ``world.unknown-state`` or ``world.unknown-org``; in a path it answers 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AsOf, Ws, parse_as_of
from api.responses import answer
from api.schemas import ok, ok_list

router = APIRouter(tags=["world"])


@router.get("/v1/organizations", responses=ok_list("OrganizationSummary"))
def organizations(ws: Ws, as_of: AsOf = None) -> Response:
    """Every organisation in the bundled world, with its statuses, rule versions and member count."""
    return answer(ws.organizations(parse_as_of(as_of)))


@router.get("/v1/organizations/{org}", responses=ok("OrganizationInfo"))
def organization(org: str, ws: Ws, as_of: AsOf = None) -> Response:
    """What the world holds about one organisation on a date: rules in force, status holders, stances."""
    on = parse_as_of(as_of)
    return answer(ws.describe_org(org, on, field="org"))


@router.get("/v1/states/{state}", responses=ok("StateInfo"))
def state(state: str, ws: Ws, as_of: AsOf = None) -> Response:
    """What the world holds about one state on a date, with sources (same as `accede show STATE --json`)."""
    on = parse_as_of(as_of)
    return answer(ws.describe_state(state, on, field="state"))


@router.get("/v1/matrix", responses=ok("MatrixResult"))
def sweep(
    ws: Ws,
    as_of: AsOf = None,
    org: Annotated[list[str] | None, Query(max_length=50)] = None,
    state: Annotated[list[str] | None, Query(max_length=300)] = None,
) -> Response:
    """Every non-member (or the states named) against the organisations named (default: all)."""
    on = parse_as_of(as_of)
    orgs = list(org or ())
    states = list(state or ())
    return answer(ws.matrix(on, orgs, states).to_json())


@router.get("/healthz", responses=ok("Health"))
def healthz(ws: Ws) -> Response:
    """Liveness, and what world is loaded."""
    return answer({"status": "ok", **ws.summary()})
