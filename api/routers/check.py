"""``POST /v1/check``: one verdict, with what-if changes and amendments.

The body is a ``CheckRequest`` (``engine.models``), read and answered by the engine as the
one-question scenario it stands for; the answer is the bytes of `accede check --json`.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CheckBody, Ws
from api.responses import answer
from api.schemas import body, ok
from engine.common.dates import today

router = APIRouter(tags=["verdicts"])


@router.post("/v1/check", responses=ok("JoinResult"), openapi_extra=body("CheckRequest"))
async def check(doc: CheckBody, ws: Ws) -> Response:
    """One verdict: conditions with evidence, the decision tally, remedies. Same JSON as `accede check --json`."""
    return answer(ws.check_request(doc, today()).to_json())
