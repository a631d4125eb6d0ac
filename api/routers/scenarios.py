"""``POST /v1/scenarios/run``: a scenario document as JSON; the same JSON `accede run --json` prints.

The body is validated and answered by the engine exactly as a scenario file is, in the
evaluation pool, and goes to the decision log when one is kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import Strict, Ws, cached, compute, scenario_body
from api.schemas import body, ok

router = APIRouter(tags=["scenarios"], dependencies=[Strict])


@router.post("/v1/scenarios/run", responses=ok("ScenarioResult"), openapi_extra=body("Scenario"))
async def run_scenario(request: Request, ws: Ws) -> Response:
    """Answer every question of a scenario; `world` is `default` or written inline."""
    hit = await cached(request)
    if hit is not None:
        return hit
    doc = await scenario_body(request)

    def answer() -> dict[str, Any]:
        result = ws.run_document(doc).to_json()
        log = request.app.state.decisions
        if log is not None:
            log.record(
                request_id=request.scope["state"].get("request_id", ""),
                kind="scenario",
                question=doc.data,
                as_of=result["as_of"],
                revision=result.get("revision"),
                answer=result,
            )
        return result

    return await compute(request, answer)
