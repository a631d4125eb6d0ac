"""``POST /v1/check``: one verdict, with what-if changes and amendments.

The body is a ``CheckRequest`` (``engine.models``), read and answered by the engine as the
one-question scenario it stands for, in the evaluation pool (on the loop when it is light, see
``api.workers``); the answer is the bytes of `accede check --json`, and goes to the decision log
when one is kept (a kept log makes no request light: its writes stay off the loop).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import Strict, Ws, cached, check_body, compute, light
from api.schemas import body, ok
from engine.common.dates import today

router = APIRouter(tags=["verdicts"], dependencies=[Strict])


@router.post("/v1/check", responses=ok("JoinResult"), openapi_extra=body("CheckRequest"))
async def check(request: Request, ws: Ws) -> Response:
    """One verdict: conditions with evidence, the decision tally, remedies. Same JSON as `accede check --json`."""
    day = today()
    hit = await cached(request, day)
    if hit is not None:
        return hit
    doc = await check_body(request)

    def answer() -> dict[str, Any]:
        result = ws.check_request(doc, day).to_json()
        log = request.app.state.decisions
        if log is not None:
            log.record(
                request_id=request.scope["state"].get("request_id", ""),
                kind="check",
                question=doc.data,
                as_of=result.get("as_of", day.isoformat()),
                revision=ws.default.revision,
                answer=result,
            )
        return result

    quick = request.app.state.decisions is None and light(ws, doc, day)
    return await compute(request, answer, day, light=quick)
