"""Shapes of requests and responses, for the OpenAPI document only.

The engine validates requests itself (so errors carry accede's codes) and builds responses
itself (so bytes match the command line); these models describe both for clients, the
interactive docs and schemathesis, which checks every response against them. Request shapes
are the engine's own models (``Scenario``, ``CheckRequest``), never restated here, and their
schemas are the syntax users write (``by: members``, ``{members_of: UN}``, events keyed by verb).
Result shapes are named for what they are (``JoinResult``, ``ExpectationOutcome``...), so no
result shares a name with an input model; ``openapi`` refuses any two models of one name. How a
model's schema is made to describe what users write is ``engine.tooling.schema``'s, shared with
``accede schema``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ConfigDict, Field

from engine import models as m
from engine.models import CheckRequest
from engine.tooling.schema import components

__all__ = ["COMPONENTS", "EXAMPLES", "PROBLEMS", "Example", "body", "ok", "ok_list", "openapi"]

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
    by: m.Group
    pass_: m.PassRule = Field(alias="pass")
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
    changes: list[m.Event] = Field(description="events in scenario-change syntax, each involving the applicant")
    lifts: list[str]


class Judgement(_Shape):
    """An assessment that would decide an unknown condition, with the change that records it."""

    condition: str
    assess: str
    of: str
    change: m.Event = Field(description="the `assess` event that records the judgement")


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
    expect: ExpectationOutcome | None = None


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
    change: m.Event
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
    because: m.Event | None = Field(description="the first event that made it so, as recorded")
    events: list[m.Event]
    rules_from: date | None = Field(description="set when a new rule version, not an event, is the cause")
    failing_from: list[str]
    expect: ExpectationOutcome | None = None


class TimelineInterval(_Shape):
    from_: date = Field(alias="from")
    until: date | None
    verdict: VerdictName
    failing: list[str]
    unknown: list[str]
    because: list[m.Event] = Field(description="events dated on `from` that changed the verdict")
    rules_from: date
    within: list[m.Event] = Field(description="events of the bid inside the interval that changed nothing")
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
        Annotated[
            JoinResult | MatrixResult | OrderResult | ImpactResult | LeverageResult | EarliestResult | TimelineResult,
            Field(discriminator="kind"),
        ]
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


_REF = "#/components/schemas/{model}"


def _ref(name: str) -> dict[str, Any]:
    return {"schema": {"$ref": _REF.format(model=name)}}


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


@dataclass(frozen=True)
class Example:
    """One realistic request of an operation, shown in the docs and replayed by the tests.

    ``body`` goes to the request body, ``path`` and ``query`` to the parameters of those names,
    and ``response`` (for answers short enough to show whole) to the 200 answer.
    """

    name: str
    summary: str
    body: Any = None
    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, str | list[str]] = field(default_factory=dict)
    response: Any = None


_ARMENIA_WHAT_IF: dict[str, Any] = {
    "state": "ARM",
    "org": "SCO",
    "as_of": "2025-09-01",
    "changes": [{"establish": ["ARM", "AZE"]}],
}
_AZERBAIJAN_FIRST: dict[str, Any] = {
    "state": "ARM",
    "org": "SCO",
    "as_of": "2026-06-01",
    "changes": [{"admit": "AZE", "to": "SCO", "as": "member", "on": "2026-01-01"}],
    "amend": {"SCO": {"drop": ["sco.peace"]}},
    "forbid": [{"establish": ["ARM", "AZE"]}],
}
_TIANJIN: dict[str, Any] = {
    "scenario": "Armenia and the SCO, before and after Tianjin",
    "world": "default",
    "as_of": "2025-09-01",
    "assume": "unknown",
    "questions": [
        {
            "id": "before",
            "join": {"state": "ARM", "org": "SCO"},
            "as_of": "2025-08-30",
            "expect": {"verdict": "blocked", "failing": ["sco.relations"]},
        },
        {"id": "after", "join": {"state": "ARM", "org": "SCO"}, "expect": {"holding": ["sco.relations"]}},
        {"id": "who-could-join", "matrix": {"orgs": ["SCO", "BRICS"]}},
        {"id": "order", "order": {"org": "SCO", "applicants": ["ARM", "AZE"]}},
        {"id": "what-changes", "impact": {"changes": [{"establish": ["ARM", "AZE"]}]}},
    ],
}
_INLINE_WORLD: dict[str, Any] = {
    "scenario": "An SCO of one member, written inline",
    "as_of": "2025-09-01",
    "world": {
        "default_relations": "none",
        "states": [
            {"code": "ARM", "name": "Armenia", "region": "Asia"},
            {"code": "PAK", "name": "Pakistan", "region": "Asia"},
        ],
        "organizations": [
            {
                "code": "SCO",
                "name": "Shanghai Cooperation Organisation",
                "statuses": ["member", "observer", "dialogue_partner"],
                "versions": [
                    {
                        "valid_from": "2010-06-11",
                        "conditions": [
                            {
                                "id": "sco.relations",
                                "text": "The applicant has diplomatic relations with every member state",
                                "check": {"relations_with": "members"},
                            },
                            {
                                "id": "sco.status",
                                "text": "The applicant already holds observer or dialogue-partner status",
                                "check": {"status_in": ["observer", "dialogue_partner"]},
                            },
                            {
                                "id": "sco.peace",
                                "text": "The applicant is not in armed conflict with a member state",
                                "check": {"no_conflict_with": "members"},
                            },
                        ],
                        "decision": [{"by": "members", "pass": "unanimity"}],
                    }
                ],
            }
        ],
        "events": [
            {"admit": "PAK", "to": "SCO", "as": "member", "on": "2017-06-09"},
            {"admit": "ARM", "to": "SCO", "as": "dialogue_partner", "on": "2015-07-10"},
            {"establish": ["ARM", "PAK"], "on": "2025-08-31"},
        ],
    },
    "questions": [
        {"id": "before", "join": {"state": "ARM", "org": "SCO"}, "as_of": "2025-08-30"},
        {"id": "after", "join": {"state": "ARM", "org": "SCO"}},
    ],
}
_UN_WITHOUT_VETO: dict[str, Any] = {
    "scenario": "Palestine and the United Nations, had the Council no veto",
    "as_of": "2024-05-11",
    "amend": {
        "UN": {
            "replace": {
                "decision": [
                    {"name": "security_council", "by": {"members_of": "UNSC"}, "pass": {"at_least": 9}},
                    {"name": "general_assembly", "by": {"members_of": "UN"}, "pass": "two_thirds"},
                ]
            }
        }
    },
    "questions": [{"id": "palestine", "join": {"state": "PSE", "org": "UN"}}],
}
_HEALTH: dict[str, Any] = {
    "status": "ok",
    "world": "default",
    "revision": "3e54d174de66db34",
    "states": 203,
    "organizations": 16,
}

#: Examples per operation, by method and path as FastAPI writes them; every operation has one
#: (``tests/test_openapi_examples.py`` replays each and checks it against the document).
EXAMPLES: dict[tuple[str, str], tuple[Example, ...]] = {
    ("post", "/v1/check"): (
        Example(
            "armenia-what-if", "Armenia and the SCO, if Armenia and Azerbaijan established relations", _ARMENIA_WHAT_IF
        ),
        Example("azerbaijan-first", "Armenia after Azerbaijan joined, the peace condition dropped", _AZERBAIJAN_FIRST),
    ),
    ("post", "/v1/scenarios/run"): (
        Example("tianjin", "The SPEC's scenario: Armenia and the SCO, before and after Tianjin", _TIANJIN),
        Example("inline-world", "A world written inline, its rules in the rule-file syntax", _INLINE_WORLD),
        Example("un-without-veto", "A what-if on the rules: the UN's decision without the veto", _UN_WITHOUT_VETO),
    ),
    ("get", "/v1/organizations"): (
        Example("tianjin", "Every organisation on the day of the Tianjin summit", query={"as_of": "2025-09-01"}),
    ),
    ("get", "/v1/organizations/{org}"): (
        Example("sco", "The SCO on the day of the Tianjin summit", path={"org": "SCO"}, query={"as_of": "2025-09-01"}),
    ),
    ("get", "/v1/states/{state}"): (
        Example(
            "armenia", "Armenia on the day of the Tianjin summit", path={"state": "ARM"}, query={"as_of": "2025-09-01"}
        ),
        Example("by-name", "A state named as people name it", path={"state": "Armenia"}, query={"as_of": "2025-09-01"}),
    ),
    ("get", "/v1/matrix"): (
        Example(
            "sco-applicants",
            "Three would-be SCO members on the day of the Tianjin summit",
            query={"as_of": "2025-09-01", "org": ["SCO"], "state": ["ARM", "AZE", "EGY"]},
        ),
    ),
    ("get", "/healthz"): (Example("ok", "The bundled world is loaded", response=_HEALTH),),
    ("get", "/readyz"): (Example("ready", "The world is compiled and requests are answered", response=_HEALTH),),
}


def _components() -> dict[str, Any]:
    """Every model's schema in one namespace, in the syntax users write (``engine.tooling.schema``)."""
    return components(COMPONENTS, _REF)


def _add_examples(paths: dict[str, Any]) -> None:
    for (method, path), examples in EXAMPLES.items():
        operation = paths.get(path, {}).get(method)
        if operation is None:  # an operation this app does not serve
            continue
        for example in examples:
            shown = {"summary": example.summary}
            if example.body is not None:
                media = operation["requestBody"]["content"]["application/json"]
                media.setdefault("examples", {})[example.name] = {**shown, "value": example.body}
            for parameter in operation.get("parameters", ()):
                where = parameter["in"]
                given: dict[str, Any] = example.path if where == "path" else example.query if where == "query" else {}
                if parameter["name"] in given:
                    value = given[parameter["name"]]
                    parameter.setdefault("examples", {})[example.name] = {**shown, "value": value}
            if example.response is not None:
                media = operation["responses"]["200"]["content"]["application/json"]
                media.setdefault("examples", {})[example.name] = {**shown, "value": example.response}


def openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document: FastAPI's paths, every model above in its components, and the examples.

    Routes validate nothing through FastAPI (the engine does), so the models are added here. Built
    once per app, on a copy: the routes' own ``responses`` and ``openapi_extra`` are left as declared.
    """
    if app.openapi_schema is None:
        schema = copy.deepcopy(
            get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        )
        components: dict[str, Any] = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, shape in _components().items():
            if components.setdefault(name, shape) != shape:
                raise ValueError(f"two OpenAPI components are named {name!r}")
        _add_examples(schema.get("paths", {}))
        app.openapi_schema = schema
    return app.openapi_schema
