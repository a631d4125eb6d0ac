"""Shapes of requests and responses, for the OpenAPI document only.

The engine validates requests itself (so errors carry accede's codes) and builds responses
itself (so bytes match the command line); these models describe both for clients, the
interactive docs and schemathesis, which checks every response against them. Request shapes
are the engine's own models (``Scenario``, ``CheckRequest``), never restated here.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from engine import models as m
from engine.models import CheckRequest

Outcome = Literal["holds", "fails", "unknown"]
StageOutcome = Literal["passes", "fails", "unknown"]
VerdictName = Literal["eligible", "undetermined", "blocked", "member"]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Shape):
    kind: str
    state: str
    fact: str
    since: date | None
    member_since: date | None = None
    member_of: str | None = None
    source: str | None = None
    confidence: str | None = None


class ConditionResult(_Shape):
    id: str
    text: str
    source: str | None
    confidence: str | None
    outcome: Outcome
    evidence: list[Evidence]


class StageTally(_Shape):
    name: str
    by: Any
    pass_: Any = Field(alias="pass")
    outcome: StageOutcome
    voters: int
    needed: int
    support: list[str]
    oppose: list[str]
    abstain: list[str]
    unknown: list[str]
    vetoed_by: list[str]
    assumed: list[str]
    veto_unknown: list[str]
    low_confidence: list[str]


class Decision(_Shape):
    outcome: StageOutcome
    stages: list[StageTally]


class Remedy(_Shape):
    changes: list[dict[str, Any]]
    lifts: list[str]


class Judgement(_Shape):
    """An assessment that would decide an unknown condition, with the change that records it."""

    condition: str
    assess: str
    of: str
    change: dict[str, Any]


class OpenStage(_Shape):
    """A stage that turns on positions not on record: who is silent, what is needed, who is pivotal."""

    stage: str
    voters: list[str]
    support_needed: int
    pivotal: list[str]
    veto_without_position: list[str]


class FailedStage(_Shape):
    stage: str
    voters: list[str]
    because: Literal["veto", "opposition", "too few supporters"]


class ExpectationOutcome(_Shape):
    """What an answer says of the analyst's expectation (a scenario's ``expect`` is the question's)."""

    passed: bool
    mismatches: list[str]


class JoinResult(_Shape):
    id: str
    kind: Literal["join"]
    state: str
    org: str
    as_of: date
    verdict: VerdictName
    status: str | None
    status_since: date | None
    rules_from: date | None
    failing: list[str]
    unknown: list[str]
    conditions: list[ConditionResult]
    decision: Decision | None = Field(description="null for a member: no condition or vote is evaluated")
    remedies: list[Remedy]
    irremediable: list[str]
    member_since: date | None = None
    to_settle: list[Judgement | OpenStage] | None = None
    blocked_by: list[FailedStage] | None = None
    beyond_horizon: bool | None = None
    expect: ExpectationOutcome | None = None


class MatrixRow(_Shape):
    state: str
    org: str
    verdict: VerdictName
    failing: list[str]
    unknown: list[str]
    decision: StageOutcome | None = Field(description="null when a condition already blocks")
    parties: dict[str, list[str]] | None = None


class MatrixResult(_Shape):
    id: str
    kind: Literal["matrix"]
    as_of: date
    rows: list[MatrixRow]


class OrderConflict(_Shape):
    first: str
    then: str
    because: list[str]


class OrderResult(_Shape):
    id: str
    kind: Literal["order"]
    org: str
    as_of: date
    applicants: list[str]
    feasible: list[list[str]]
    orders: int
    truncated: bool
    largest: int
    largest_sets: list[list[str]]
    conflicts: list[OrderConflict]
    expect: ExpectationOutcome | None = None


class ImpactRow(_Shape):
    state: str
    org: str
    before: VerdictName
    after: VerdictName
    failing_before: list[str]
    failing_after: list[str]


class ImpactResult(_Shape):
    id: str
    kind: Literal["impact"]
    as_of: date
    changed: list[ImpactRow]
    expect: ExpectationOutcome | None = None


class Unlock(_Shape):
    state: str
    org: str


class LeverageEntry(_Shape):
    change: dict[str, Any]
    unlocks: list[Unlock]


class LeverageResult(_Shape):
    id: str
    kind: Literal["leverage"]
    as_of: date
    ranking: list[LeverageEntry]
    expect: ExpectationOutcome | None = None


class EarliestResult(_Shape):
    id: str
    kind: Literal["earliest"]
    state: str
    org: str
    from_: date = Field(alias="from")
    target: Literal["not_blocked", "eligible"]
    date_: date | None = Field(alias="date")
    verdict: VerdictName | None
    because: dict[str, Any] | None = Field(description="the first event that made it so, as recorded")
    events: list[dict[str, Any]]
    rules_from: date | None = Field(description="set when a new rule version, not an event, is the cause")
    failing_from: list[str]
    expect: ExpectationOutcome | None = None


class TimelineInterval(_Shape):
    from_: date = Field(alias="from")
    until: date | None
    verdict: VerdictName
    failing: list[str]
    unknown: list[str]
    because: list[dict[str, Any]] = Field(description="events dated on `from` that changed the verdict")
    rules_from: date
    within: list[dict[str, Any]] = Field(description="events of the bid inside the interval that changed nothing")
    beyond_horizon: bool | None = None


class TimelineResult(_Shape):
    id: str
    kind: Literal["timeline"]
    state: str
    org: str
    from_: date = Field(alias="from")
    until: date
    intervals: list[TimelineInterval]
    beyond_horizon: bool | None = None
    expect: ExpectationOutcome | None = None


class ScenarioResult(_Shape):
    scenario: str
    world: str
    revision: str | None = Field(description="content hash of the world and rules the answers were computed on")
    as_of: date
    results: list[
        JoinResult | MatrixResult | OrderResult | ImpactResult | LeverageResult | EarliestResult | TimelineResult
    ]


class OrganizationSummary(_Shape):
    org: str
    name: str
    called: str
    statuses: list[str]
    versions: list[date]
    members: int


class StateInfo(BaseModel):
    """`accede show STATE --json`: the record, statuses, relations exceptions, recognition..."""

    model_config = ConfigDict(extra="allow")
    state: str
    name: str
    as_of: date
    memberships: list[dict[str, Any]]
    relations_exceptions: list[dict[str, Any]]


class OrganizationInfo(BaseModel):
    """`accede show ORG --json`: rules in force, status holders, stances."""

    model_config = ConfigDict(extra="allow")
    org: str
    name: str
    as_of: date
    rules: dict[str, Any] | None
    holders: dict[str, list[dict[str, Any]]]


class ProblemItem(_Shape):
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    rule_id: str | None = None


class ProblemDetails(_Shape):
    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemItem]


class Health(_Shape):
    status: Literal["ok"]
    world: str
    revision: str
    states: int
    organizations: int


def _ref(name: str) -> dict[str, Any]:
    return {"schema": {"$ref": f"#/components/schemas/{name}"}}


PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"description": title, "content": {"application/problem+json": _ref("ProblemDetails")}}
    for status, title in (
        (400, "not JSON"),
        (404, "unknown resource"),
        (413, "body too large"),
        (422, "not answerable"),
    )
}


def ok(model: str) -> dict[int | str, dict[str, Any]]:
    """A route's documented responses: the result shape on 200, problem details otherwise."""
    return {200: {"description": "the answer", "content": {"application/json": _ref(model)}}, **PROBLEMS}


def ok_list(model: str) -> dict[int | str, dict[str, Any]]:
    content = {"application/json": {"schema": {"type": "array", "items": _ref(model)["schema"]}}}
    return {200: {"description": "the answer", "content": content}, **PROBLEMS}


def body(model: str) -> dict[str, Any]:
    """``openapi_extra`` for a JSON request body the engine validates itself."""
    return {"requestBody": {"required": True, "content": {"application/json": _ref(model)}}}


#: Every model the OpenAPI document refers to, added to its components by ``openapi``.
COMPONENTS: tuple[type[BaseModel], ...] = (
    CheckRequest,
    JoinResult,
    MatrixResult,
    ScenarioResult,
    OrganizationSummary,
    OrganizationInfo,
    StateInfo,
    ProblemDetails,
    Health,
    m.Scenario,
)


def openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document: FastAPI's paths with every model above in its components (built once).

    Routes validate nothing through FastAPI (the engine does), so the models are added here; two
    models of one name would silently share a schema, so that is refused.
    """
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        components: dict[str, Any] = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in COMPONENTS:
            found = model.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
            for name, shape in (*found.pop("$defs", {}).items(), (model.__name__, found)):
                if components.setdefault(name, shape) != shape:
                    raise ValueError(f"two OpenAPI components are named {name!r}")
        app.openapi_schema = schema
    return app.openapi_schema
