"""The OpenAPI document against what users write and what the service answers.

Every request and scenario in the README and the SPEC fits the request schemas; the syntax the
SPEC teaches (``by: members``, ``{members_of: UN}``, events keyed by verb) fits them and the
engine alike, and the fields behind it do not; every golden result fits ``ScenarioResult``; and
every operation's examples fit the document and are answered within it. Validation is JSON
Schema 2020-12 (jsonschema-rs, schemathesis's own validator), ``$ref`` resolved against the
document's components, formats checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, ValidationError

from api import schemas
from api.app import create_app
from api.schemas import EXAMPLES, Example
from engine import models as m
from engine.reading.yaml12 import parse_yaml
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace
from tests.paths import ROOT

WS = Workspace()
DOC: dict[str, Any] = create_app(WS).openapi()
SPEC = ROOT.parent / "shared" / "SPEC.md"
README = ROOT / "README.md"
SCENARIOS = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _validator(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for({**schema, "components": DOC["components"]}, validate_formats=True)


@cache
def component(name: str) -> jsonschema_rs.Validator:
    """A validator for one component of the document, its references resolved in the document."""
    assert name in DOC["components"]["schemas"], f"no component {name!r}"
    return _validator({"$ref": f"#/components/schemas/{name}"})


def errors(validator: jsonschema_rs.Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.instance_path)) or '(top)'}: {e.message[:300]}" for e in validator.iter_errors(instance)
    ]


def as_json(value: Any) -> Any:
    """A parsed YAML value as a client would send it in JSON (dates as ISO strings)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)))


# --- what the docs write ---------------------------------------------------------------------


def _blocks(path: Path) -> Iterator[tuple[str, str, str]]:
    for k, found in enumerate(_FENCE.finditer(path.read_text(encoding="utf-8"))):
        yield f"{path.name}#{k}", found.group(1), found.group(2)


def documented_requests() -> list[tuple[str, str, Any]]:
    """(where, component, document) for every request, scenario and rule file the docs show."""
    out: list[tuple[str, str, Any]] = []
    for path in (README, SPEC):
        if not path.exists():
            continue
        rules: Any = None
        for where, lang, text in _blocks(path):
            if lang == "yaml":
                data = as_json(parse_yaml(text, where).data)
                if "scenario" in data:
                    out.append((where, "Scenario", data))
                elif "questions" in data:  # a scenario's questions, shown alone
                    out.append((where, "Scenario", {"scenario": where, "as_of": "2025-09-02", **data}))
                elif "org" in data and "versions" in data:
                    rules = data
                    out.append((where, "Organization", data))
                elif "world" in data and rules is not None:
                    # The SPEC's inline world elides its rule versions (`versions: [...]`): they are
                    # "exactly the body of a rule file", the one shown above it.
                    world = data["world"]
                    for org in world.get("organizations", ()):
                        org["versions"] = rules["versions"]
                    out.append((where, "WorldFile", world))
            elif lang == "sh":
                for body in re.findall(r"curl [^\n]*?/v1/check[^\n]*?-d '(.*?)'", text, re.DOTALL):
                    out.append((where, "CheckRequest", json.loads(body)))
    return out


DOCUMENTED = documented_requests()


def test_the_docs_show_requests_of_every_kind() -> None:
    kinds = {(where.split("#")[0], kind) for where, kind, _ in DOCUMENTED}
    assert {("README.md", "Scenario"), ("README.md", "CheckRequest")} <= kinds
    if SPEC.exists():
        assert {("SPEC.md", "Scenario"), ("SPEC.md", "Organization"), ("SPEC.md", "WorldFile")} <= kinds


@pytest.mark.parametrize(("where", "kind", "data"), DOCUMENTED, ids=[f"{w}-{k}" for w, k, _ in DOCUMENTED])
def test_every_documented_request_fits_the_schema(where: str, kind: str, data: Any) -> None:
    assert errors(component(kind), data) == []


# SPEC, "Rule files" and "Events": the syntax as taught, one piece at a time, with the model that
# reads it. `{kind: ...}` is how a group is stored, never how it is written.
SYNTAX: list[tuple[str, type[BaseModel], str]] = [
    ("Group", m.Group, "members"),
    ("Group", m.Group, "{members_of: UN}"),
    ("Group", m.Group, "[CHN, FRA, GBR, RUS, USA]"),
    ("Stage", m.Stage, "{by: members, pass: unanimity}"),
    ("Stage", m.Stage, "{by: {members_of: UN}, pass: two_thirds}"),
    ("Stage", m.Stage, "{by: {members_of: UNSC}, pass: {at_least: 9}, veto: [CHN, FRA, GBR, RUS, USA]}"),
    ("Stage", m.Stage, "{name: ratification, by: members, pass: majority}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {relations_with: members}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {recognized_by: {members_of: UN}}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {no_conflict_with: [AZE]}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {status_in: [observer, dialogue_partner]}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {status_in: {in: EU, status: [candidate]}}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {member_of: UN}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {region_in: [Asia, Europe]}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {not: {sanctioned: true}}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {assessed: european_state}}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {all: [{member_of: UN}, {any: [{sanctioned: false}]}]}}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{establish: [ARM, AZE], on: 2025-09-01}]}"),
    ("CheckRequest", m.CheckRequest, "{state: Armenia, org: SCO, changes: [{sever: [ARM, PAK]}]}"),
    ("CheckRequest", m.CheckRequest, "{state: XKX, org: COE, changes: [{recognize: XKX, by: ESP}]}"),
    ("CheckRequest", m.CheckRequest, "{state: XKX, org: COE, changes: [{withdraw_recognition: XKX, by: SRB}]}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{admit: ARM, to: SCO, as: observer}]}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{leave: ARM, from: CSTO, on: 2026-01-01}]}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{conflict: [ARM, AZE], from: 2026-01-01}]}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{end_conflict: [ARM, AZE]}]}"),
    ("CheckRequest", m.CheckRequest, "{state: IRN, org: SCO, changes: [{sanction: IRN, from: 2026-01-01}]}"),
    ("CheckRequest", m.CheckRequest, "{state: IRN, org: SCO, changes: [{lift_sanctions: IRN}]}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{support: ARM, by: CHN, in: SCO}]}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{oppose: ARM, by: AZE, in: SCO}]}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{abstain: ARM, by: IND, in: SCO}]}"),
    ("CheckRequest", m.CheckRequest, "{state: UKR, org: EU, changes: [{assess: eu_values, of: UKR, as: true}]}"),
    (
        "CheckRequest",
        m.CheckRequest,
        "{state: ARM, org: SCO, amend: {SCO: {replace: {decision: [{by: members, pass: majority}]}}}}",
    ),
]
NOT_SYNTAX: list[tuple[str, type[BaseModel], str]] = [
    ("Group", m.Group, "{kind: members}"),
    ("Group", m.Group, "{kind: members_of, org: UN}"),
    ("Group", m.Group, "{kind: list, states: [ARM]}"),
    ("Group", m.Group, "{members_of: UN, kind: members_of}"),
    ("Group", m.Group, "member"),
    ("Stage", m.Stage, "{by: {kind: members}, pass: unanimity}"),
    ("Stage", m.Stage, "{by: members, pass: {at_least: 0}}"),
    ("Stage", m.Stage, "{by: members, pass: all}"),
    ("Condition", m.Condition, "{id: a.b, text: t, check: {relations_with: {kind: members}}}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{establish: [ARM, AZE], sever: [ARM, PAK]}]}"),
    ("CheckRequest", m.CheckRequest, "{state: ARM, org: SCO, changes: [{admit: ARM, to: SCO}]}"),
]


@pytest.mark.parametrize(("kind", "model", "text"), SYNTAX, ids=[t for _, _, t in SYNTAX])
def test_the_spec_syntax_fits_the_schema_and_the_engine(kind: str, model: type[BaseModel], text: str) -> None:
    data = as_json(parse_yaml(text, "syntax").data)
    assert errors(component(kind), data) == []
    model.model_validate(data)


@pytest.mark.parametrize(("kind", "model", "text"), NOT_SYNTAX, ids=[t for _, _, t in NOT_SYNTAX])
def test_what_is_not_syntax_is_refused_by_both(kind: str, model: type[BaseModel], text: str) -> None:
    data = as_json(parse_yaml(text, "syntax").data)
    assert errors(component(kind), data) != []
    with pytest.raises(ValidationError):
        model.model_validate(data)


def test_the_group_schema_is_the_syntax() -> None:
    group = DOC["components"]["schemas"]["Group"]
    assert "properties" not in group
    assert [option["type"] for option in group["anyOf"]] == ["string", "object", "array"]
    assert group["anyOf"][0]["const"] == "members"
    assert group["anyOf"][1]["required"] == ["members_of"]


def test_an_organisation_is_coded_by_org_or_code_never_both() -> None:
    body = {"name": "Shanghai Cooperation Organisation"}
    assert errors(component("Organization"), {**body, "org": "SCO"}) == []
    assert errors(component("Organization"), {**body, "code": "SCO"}) == []
    assert errors(component("Organization"), {**body, "org": "SCO", "code": "SCO"}) != []
    assert errors(component("Organization"), body) != []


def test_a_question_is_known_by_its_key() -> None:
    """`matrix` and `leverage` have defaults, but a question without its kind's key is no question."""
    scenario = {"scenario": "s", "as_of": "2025-09-01"}
    assert errors(component("Scenario"), {**scenario, "questions": [{"id": "q", "matrix": {}}]}) == []
    assert errors(component("Scenario"), {**scenario, "questions": [{"id": "q"}]}) != []


# --- what the engine answers -----------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_golden_result_fits_the_result_schema(path: Path) -> None:
    result = json.loads(dumps(WS.run_file(path).to_json()))
    assert errors(component("ScenarioResult"), result) == []


def test_result_shapes_and_input_models_have_distinct_names() -> None:
    inputs = {n for n in m.__all__ if isinstance(getattr(m, n), type) and issubclass(getattr(m, n), BaseModel)}
    results = {
        v.__name__
        for v in vars(schemas).values()
        if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == schemas.__name__
    }
    assert not inputs & results
    names = set(DOC["components"]["schemas"])
    assert {"Expectation", "ExpectationOutcome", "JoinResult", "ScenarioResult", "CheckRequest", "Scenario"} <= names
    assert not [n for n in names if "__" in n], "pydantic had to qualify a name: two models share it"


def test_two_models_of_one_name_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    class Expectation(BaseModel):  # a result shape named like the input model
        passed: bool

    class Outcome(BaseModel):
        expect: Expectation
        asked: m.Expectation

    monkeypatch.setattr(schemas, "COMPONENTS", (*schemas.COMPONENTS, Outcome))
    with pytest.raises(ValueError, match="Expectation"):
        schemas.openapi(FastAPI())


# --- the examples ----------------------------------------------------------------------------

OPERATIONS = [(method, path) for path, item in DOC["paths"].items() for method in item]
CASES = [(method, path, example) for (method, path), found in EXAMPLES.items() for example in found]


def _operation(method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = DOC["paths"][path][method]
    return operation


def _parameter_value(example: Example, parameter: dict[str, Any]) -> Any:
    given: dict[str, Any] = example.path if parameter["in"] == "path" else example.query
    return given.get(parameter["name"])


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_operation_shows_an_example(method: str, path: str) -> None:
    assert EXAMPLES.get((method, path)), f"{method.upper()} {path} has no example in api.schemas.EXAMPLES"
    shown = json.dumps(_operation(method, path))
    assert '"examples"' in shown


@pytest.mark.parametrize(("method", "path", "example"), CASES, ids=[f"{m} {p} {e.name}" for m, p, e in CASES])
def test_every_example_fits_the_document(method: str, path: str, example: Example) -> None:
    assert path in DOC["paths"], f"an example for {path}, which this app does not serve"
    operation = _operation(method, path)
    if example.body is not None:
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert errors(_validator(schema), example.body) == []
    declared = {p["name"] for p in operation.get("parameters", ())}
    assert set(example.path) | set(example.query) <= declared
    for parameter in operation.get("parameters", ()):
        value = _parameter_value(example, parameter)
        if value is None:
            assert not parameter.get("required"), f"{parameter['name']} is required"
            continue
        assert errors(_validator(parameter["schema"]), value) == []
    if example.response is not None:
        schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert errors(_validator(schema), example.response) == []


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(WS)) as c:
        yield c


@pytest.mark.parametrize(("method", "path", "example"), CASES, ids=[f"{m} {p} {e.name}" for m, p, e in CASES])
def test_every_example_is_answered_within_the_document(
    client: TestClient, method: str, path: str, example: Example
) -> None:
    assert path in DOC["paths"], f"an example for {path}, which this app does not serve"
    url = path.format(**example.path)
    response = client.request(method.upper(), url, params=example.query, json=example.body)
    assert response.status_code == 200, response.text
    schema = _operation(method, path)["responses"]["200"]["content"]["application/json"]["schema"]
    assert errors(_validator(schema), response.json()) == []
