"""``POST /v1/check``: one verdict, with what-if changes and amendments."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response

from api.deps import workspace
from api.requests import read_body, within_limits
from api.schemas import body, ok
from engine.common.dates import today
from engine.common.errors import AccedeError, Problem
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace
from engine.reading.yaml12 import Document

router = APIRouter(tags=["verdicts"])

_FIELDS = {"state", "org", "as_of", "assume", "changes", "amend", "forbid"}
_REQUIRED = ("state", "org")


def _as_scenario(data: dict[str, Any]) -> dict[str, Any]:
    join = {"state": data["state"], "org": data["org"]}
    if "forbid" in data:
        join["forbid"] = data["forbid"]
    scenario: dict[str, Any] = {
        "scenario": "check",
        "world": "default",
        "as_of": data.get("as_of") or today().isoformat(),
        "questions": [{"id": "check", "join": join}],
    }
    for name in ("assume", "changes", "amend"):
        if name in data:
            scenario[name] = data[name]
    return scenario


def _request_path(problem: Problem) -> Problem:
    """Name fields as the client wrote them, not as the scenario they became."""
    field = problem.field or ""
    for inner, outer in (("questions[0].join.", ""), ("questions[0].", "")):
        if field.startswith(inner):
            field = outer + field[len(inner) :]
    return Problem(problem.code, problem.message, None, None, None, field or None, problem.rule_id)


@router.post("/v1/check", responses=ok("JoinResult"), openapi_extra=body("CheckRequest"))
async def check(request: Request, ws: Workspace = Depends(workspace)) -> Response:  # noqa: B008
    """One verdict: conditions with evidence, the decision tally, remedies. Same JSON as `accede check --json`."""
    doc = read_body(await request.body(), "request")
    data = doc.data
    problems = [Problem("schema.unknown-field", f"unknown field `{k}`", field=k) for k in data if k not in _FIELDS]
    problems += [
        Problem("schema.missing-field", f"missing required field `{k}`", field=k) for k in _REQUIRED if k not in data
    ]
    if problems:
        raise AccedeError(problems)
    within_limits(data)
    try:
        result = ws.run_document(Document("request", _as_scenario(data)))
    except AccedeError as exc:
        raise AccedeError([_request_path(p) for p in exc.problems]) from None
    answer = result.answers[0]
    return Response(dumps(answer.to_json()), media_type="application/json")
