"""``POST /v1/scenarios/run``: a scenario document as JSON; the same JSON `accede run --json` prints.

The body is validated and answered by the engine exactly as a scenario file is.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import ScenarioBody, Ws
from api.responses import answer
from api.schemas import body, ok

router = APIRouter(tags=["scenarios"])


@router.post("/v1/scenarios/run", responses=ok("ScenarioResult"), openapi_extra=body("Scenario"))
async def run_scenario(doc: ScenarioBody, ws: Ws) -> Response:
    """Answer every question of a scenario; `world` is `default` or written inline."""
    return answer(ws.run_document(doc).to_json())
