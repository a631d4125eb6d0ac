"""Read-only resources: organisations, states, the matrix, health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from api.deps import parse_as_of, workspace
from api.schemas import ok, ok_list
from engine.evaluation.describe import describe_org, describe_state
from engine.common.errors import AccedeError, Problem, did_you_mean
from engine.evaluation.sweep import matrix
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace

router = APIRouter(tags=["world"])

AsOf = Annotated[str | None, Query(description="ISO date; default today (UTC)", max_length=40)]
Ws = Annotated[Workspace, Depends(workspace)]


def _json(data: object) -> Response:
    return Response(dumps(data), media_type="application/json")


def _org(ws: Workspace, code: str) -> str:
    code = code.upper()
    if code not in ws.default.orgs:
        raise AccedeError.one(
            "http.not-found", f"no organisation `{code[:40]}`{did_you_mean(code, ws.default.orgs)}", field="org"
        )
    return code


@router.get("/v1/organizations", responses=ok_list("OrganizationSummary"))
def organizations(ws: Ws, as_of: AsOf = None) -> Response:
    """Every organisation in the bundled world, with its statuses, rule versions and member count."""
    on = parse_as_of(as_of)
    world = ws.default
    snap = world.as_of(on)
    return _json(
        [
            {
                "org": code,
                "name": org.name,
                "called": org.model.called or f"the {code}",
                "statuses": sorted(org.statuses),
                "versions": [v.valid_from.isoformat() for v in org.versions],
                "members": snap.members(code).bit_count(),
            }
            for code, org in sorted(world.orgs.items())
        ]
    )


@router.get("/v1/organizations/{org}", responses=ok("OrganizationInfo"))
def organization(org: str, ws: Ws, as_of: AsOf = None) -> Response:
    """What the world holds about one organisation on a date: rules in force, status holders, stances."""
    on = parse_as_of(as_of)
    return _json(describe_org(ws.default, _org(ws, org), on))


@router.get("/v1/states/{state}", responses=ok("StateInfo"))
def state(state: str, ws: Ws, as_of: AsOf = None) -> Response:
    """What the world holds about one state on a date, with sources (same as `accede show STATE --json`)."""
    on = parse_as_of(as_of)
    code = state.upper()
    world = ws.default
    if code not in world.index:
        raise AccedeError.one(
            "http.not-found", f"no state `{code[:40]}`{did_you_mean(code, world.index)}", field="state"
        )
    return _json(describe_state(world, code, on))


@router.get("/v1/matrix", responses=ok("MatrixResult"))
def sweep(
    ws: Ws,
    as_of: AsOf = None,
    org: Annotated[list[str] | None, Query(max_length=50)] = None,
    state: Annotated[list[str] | None, Query(max_length=300)] = None,
) -> Response:
    """Every non-member (or the states named) against the organisations named (default: all)."""
    on = parse_as_of(as_of)
    world = ws.default
    orgs = [_org(ws, code) for code in org] if org else None
    problems = []
    for code in state or ():
        if code.upper() not in world.index:
            problems.append(f"unknown state `{code[:40]}`{did_you_mean(code.upper(), world.index)}")
    if problems:
        raise AccedeError([Problem("world.unknown-state", p, field="state") for p in problems])
    for code in orgs or world.orgs:
        first = world.orgs[code].first_date
        if orgs and (first is None or on < first):
            raise AccedeError.one(
                "scenario.before-rules" if first else "scenario.no-rules",
                f"the {code} has no rules in force on {on.isoformat()}",
                field="as_of",
            )
    result = matrix(world, on, orgs=orgs, states=[s.upper() for s in state] if state else None)
    return _json({"id": "matrix", "kind": "matrix", **result.to_json()})


@router.get("/healthz", responses=ok("Health"))
def healthz(ws: Ws) -> Response:
    """Liveness, and what world is loaded."""
    world = ws.default
    return _json({"status": "ok", "world": world.name, "states": len(world.codes), "organizations": len(world.orgs)})
