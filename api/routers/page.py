"""The analyst's page at ``/``: one HTML file, its script and its style, served by the service itself.

The page draws only what the engine answers: it asks ``POST /v1/scenarios/run`` the questions
each view needs, so the picture cannot disagree with the JSON. Two helpers serve it here, outside
the OpenAPI document (they are the page's, not a client contract): ``GET /v1/names``, the
vocabulary an analyst types (``accede list``), and ``POST /v1/explain``, the memo sentences
``accede check`` prints for the join questions of a scenario, which no result shape carries.

The files ship in the package (``api/static/page``); nothing the page loads comes from another
host, and its ``Content-Security-Policy`` says so to the browser too.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from api.deps import Strict, Ws, cached, compute, scenario_body
from engine.common.errors import AccedeError, Problem
from engine.evaluation.describe import vocabulary
from engine.evaluation.history import history as sweep_history
from engine.evaluation.verdict import JoinVerdict
from engine.rendering.prose import explain
from engine.validation import resolve_name

__all__ = ["ASSETS", "CSP", "router"]

router = APIRouter(include_in_schema=False)

#: What the page loads, by file name, with its media type; nothing else is served from the folder.
ASSETS: dict[str, str] = {
    "page.js": "text/javascript; charset=utf-8",
    "page.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}

#: The page may load and call only its own origin; no inline script, no frames, no forms elsewhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@cache
def _file(name: str) -> bytes:
    # Read once: the files are the installed package's and never change while the service runs.
    return (files("api") / "static" / "page" / name).read_bytes()


@router.get("/")
async def page() -> Response:
    """The page: Ask, What if, Timeline, Matrix, Order and leverage."""
    headers = {"content-security-policy": CSP, "x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
    return Response(_file("index.html"), media_type="text/html; charset=utf-8", headers=headers)


@router.get("/page/{name}")
async def asset(name: str) -> Response:
    """One of the page's files."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(status_code=404)
    return Response(_file(name), media_type=media_type, headers={"x-content-type-options": "nosniff"})


@router.get("/v1/names", dependencies=[Strict])
async def names(request: Request, ws: Ws) -> Response:
    """The codes, names and aliases of the bundled world's states and organisations, and the
    assessment keys with the conditions that read them (``accede list states|orgs|keys``)."""
    world = ws.default
    return await compute(request, lambda: {what: vocabulary(world, what) for what in ("states", "orgs", "keys")})


@router.post("/v1/explain", dependencies=[Strict])
async def memos(request: Request, ws: Ws) -> Response:
    """A scenario document (as ``POST /v1/scenarios/run`` takes it) answered as memo sentences:
    ``{"revision", "memos": {question id: text}}`` for each of its join questions."""
    hit = await cached(request)
    if hit is not None:
        return hit
    doc = await scenario_body(request)

    def answer() -> dict[str, Any]:
        result = ws.run_document(doc)
        world = result.evaluated_on
        assert world is not None  # a scenario answered is answered on a world
        texts = {qid: explain(world, v) for qid, v in result.verdicts.items() if isinstance(v, JoinVerdict)}
        return {"revision": world.revision, "memos": texts}

    return await compute(request, answer)


@router.get("/v1/history", dependencies=[Strict])
async def history(  # noqa: PLR0917  (FastAPI reads each query parameter from the signature)
    request: Request,
    ws: Ws,
    org: Annotated[str, Query(max_length=200)],
    since: Annotated[int, Query(alias="from", ge=1900, le=2100)],
    until: Annotated[int, Query(ge=1900, le=2100)],
    trust: Annotated[str, Query(pattern="^(low|medium|high)$")] = "low",
) -> Response:
    """One organisation over time, for the page's heatmap of states x years: the verdict of every
    state on 1 January of each year of [from, until] (``member`` for members; ``none`` for a year
    before the organisation's rules), from the same sweep as ``GET /v1/matrix``."""
    problems: list[Problem] = []
    code = resolve_name(org, ws.default.names.orgs, lambda c, m: Problem(c, m, field="org"), problems)
    if code is None or until < since or until - since > 120:
        if code is not None:
            problems.append(
                Problem("schema.invalid-value", "`until` must be after `from`, 120 years at most", field="until")
            )
        raise AccedeError(problems)
    org_code = code

    def answer() -> dict[str, Any]:
        world = ws.default.trusting(trust)
        years = list(range(since, until + 1))
        # One sweep over the period, stepped from change date to change date (engine.evaluation.history),
        # read on 1 January of each year: the projection is never rebuilt per year.
        swept = sweep_history(world, date(since, 1, 1), date(until, 1, 2), orgs=[org_code])
        table: dict[str, list[str]] = {c: [] for c in world.codes}
        for year in years:
            row = swept.row(org_code, date(year, 1, 1))
            for c in world.codes:
                table[c].append(row[c])
        return {"org": org_code, "years": years, "rows": [{"state": c, "verdicts": v} for c, v in table.items()]}

    return await compute(request, answer)
