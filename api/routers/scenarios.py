"""``POST /v1/scenarios/run``: a scenario document as JSON; the same JSON `accede run --json` prints."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from api.deps import workspace
from api.requests import read_body, within_limits
from api.schemas import body, ok
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace

router = APIRouter(tags=["scenarios"])


@router.post("/v1/scenarios/run", responses=ok("ScenarioResult"), openapi_extra=body("Scenario"))
async def run_scenario(request: Request, ws: Workspace = Depends(workspace)) -> Response:  # noqa: B008
    """Answer every question of a scenario; `world` is `default` or written inline."""
    doc = read_body(await request.body(), "request")
    within_limits(doc.data)
    result = ws.run_document(doc)
    return Response(dumps(result.to_json()), media_type="application/json")
