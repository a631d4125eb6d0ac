"""The HTTP service through the ASGI client: answers, errors, limits, and isolation of what-ifs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from engine.cli import main
from engine.common.limits import BODY_BYTES, CHANGES
from engine.reading.yaml12 import read_yaml
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace
from tests.paths import ROOT


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Workspace())) as c:
        yield c


def problem(response: Any) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert "Traceback" not in response.text
    return body


def test_check_gives_the_armenia_verdict(client: TestClient) -> None:
    response = client.post("/v1/check", json={"state": "ARM", "org": "SCO", "as_of": "2025-08-30"})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "blocked"
    assert body["failing"] == ["sco.relations"]
    assert body["remedies"][0]["changes"] == [{"establish": ["ARM", "PAK"], "on": "2025-08-30"}]


def test_check_is_byte_identical_to_the_command_line(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    response = client.post("/v1/check", json={"state": "ARM", "org": "SCO", "as_of": "2025-08-30"})
    main(["check", "ARM", "SCO", "--as-of", "2025-08-30", "--json"])
    assert response.content.decode() + "\n" == capsys.readouterr().out


def test_scenario_run_is_byte_identical_to_run_json(
    client: TestClient, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    path = Path("fixtures/scenarios/what-if-azerbaijan-first.yaml")
    document = read_yaml(path).data
    response = client.post("/v1/scenarios/run", content=json.dumps(document))
    assert response.status_code == 200
    main(["run", "--json", str(path)])
    assert response.content.decode() + "\n" == capsys.readouterr().out


def test_what_if_changes_and_amendments(client: TestClient) -> None:
    body = {
        "state": "ARM",
        "org": "SCO",
        "as_of": "2026-06-01",
        "changes": [{"admit": "AZE", "to": "SCO", "as": "member", "on": "2026-01-01"}],
        "amend": {"SCO": {"drop": ["sco.peace"]}},
        "forbid": [{"establish": ["ARM", "AZE"]}],
    }
    answer = client.post("/v1/check", json=body).json()
    assert answer["failing"] == ["sco.relations"]
    assert answer["remedies"] == []
    assert "sco.peace" not in [c["id"] for c in answer["conditions"]]


SEVER_PAK = [{"sever": ["ARM", "PAK"], "on": "2020-01-01"}]
TOO_MANY = [{"assess": "k", "of": "ARM", "as": True}] * (CHANGES.served + 1)


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"state": "ARN", "org": "SCO"}, 422, "world.unknown-state", "state"),
        ({"state": "ARM", "org": "SCO", "as_of": "2025-02-30"}, 422, "date.invalid", "as_of"),
        ({"state": "ARM"}, 422, "schema.missing-field", "org"),
        ({"state": "ARM", "org": "SCO", "colour": "red"}, 422, "schema.unknown-field", "colour"),
        ({"state": "ARM", "org": "SCO", "changes": SEVER_PAK}, 422, "history.contradiction", "changes[0]"),
        ({"state": "ARM", "org": "SCO", "changes": [{"admitt": "AZE"}]}, 422, "event.unknown-verb", "changes[0]"),
        ({"state": "ARM", "org": "SCO", "changes": TOO_MANY}, 422, "limit.exceeded", "changes"),
    ],
)  # fmt: skip
def test_bad_requests_are_problem_documents(
    client: TestClient, body: dict[str, Any], status: int, code: str, field: str
) -> None:
    response = client.post("/v1/check", json=body)
    assert response.status_code == status
    errors = problem(response)["errors"]
    assert any(e["code"] == code and e.get("field") == field for e in errors), errors


def test_malformed_and_oversized_bodies(client: TestClient) -> None:
    assert problem(client.post("/v1/check", content=b"{nope"))["errors"][0]["code"] == "json.syntax"
    assert client.post("/v1/check", content=b"[1, 2]").status_code == 422
    deep = b"[" * 200 + b"]" * 200
    assert problem(client.post("/v1/scenarios/run", content=deep))["errors"][0]["code"] == "yaml.too-complex"
    huge = client.post("/v1/check", content=b" " * (BODY_BYTES.served + 1))
    assert huge.status_code == 413
    assert problem(huge)["errors"][0]["code"] == "file.too-large"


def test_a_streamed_body_is_refused_once_it_passes_the_limit(client: TestClient) -> None:
    """No content-length to refuse up front: the middleware counts the chunks as they arrive."""
    half = b" " * (BODY_BYTES.served // 2 + 1)
    chunks = iter([half, half])
    response = client.post("/v1/check", content=chunks)
    assert response.status_code == 413
    assert problem(response)["errors"][0]["code"] == "file.too-large"


def test_a_scenario_cannot_name_a_server_folder(client: TestClient) -> None:
    body = {
        "scenario": "x",
        "world": "../../etc",
        "as_of": "2025-01-01",
        "questions": [{"join": {"state": "ARM", "org": "SCO"}}],
    }
    errors = problem(client.post("/v1/scenarios/run", json=body))["errors"]
    assert errors[0]["code"] == "scenario.unknown-world"


def test_resources(client: TestClient) -> None:
    orgs = client.get("/v1/organizations", params={"as_of": "2025-09-01"}).json()
    assert {"org": "SCO", "members": 10}.items() <= next(o for o in orgs if o["org"] == "SCO").items()
    sco = client.get("/v1/organizations/sco", params={"as_of": "2025-09-01"}).json()
    assert sco["counts"]["partner"] == 17
    arm = client.get("/v1/states/ARM", params={"as_of": "2025-08-30"}).json()
    assert any(r["state"] == "PAK" and not r["relations"] for r in arm["relations_exceptions"])
    sweep = client.get("/v1/matrix", params={"as_of": "2025-09-01", "org": "SCO"}).json()
    # Pakistan's objection as reported at Tianjin (low confidence) fails the consensus.
    row = {"state": "ARM", "org": "SCO", "verdict": "blocked", "failing": [], "unknown": [], "decision": "fails"}
    assert row in sweep["rows"]
    assert client.get("/healthz").json()["status"] == "ok"
    assert problem(client.get("/v1/states/ARM", params={"as_of": "yesterday"}))["errors"][0]["code"] == "date.invalid"
    assert problem(client.delete("/v1/states/ARM"))["status"] == 405
    assert (
        "access-control-allow-origin" not in client.get("/healthz", headers={"origin": "https://evil.example"}).headers
    )


@pytest.mark.parametrize(
    ("path", "code", "field"),
    [
        ("/v1/states/ZZZ", "world.unknown-state", "state"),
        ("/v1/states/arn", "world.unknown-state", "state"),
        ("/v1/organizations/SCX", "world.unknown-org", "org"),
    ],
)
def test_a_path_naming_an_unknown_state_or_org_is_a_404_with_the_engines_code(
    client: TestClient, path: str, code: str, field: str
) -> None:
    body = problem(client.get(path))
    assert body["status"] == 404
    assert body["errors"] == [{"code": code, "message": body["detail"], "field": field}]
    assert body["detail"].startswith(("unknown state `", "unknown organisation `"))


def test_a_path_naming_no_route_is_http_not_found(client: TestClient) -> None:
    body = problem(client.get("/v1/nothing"))
    assert (body["status"], body["errors"][0]["code"]) == (404, "http.not-found")


def test_the_same_mistake_reads_the_same_at_every_door(client: TestClient) -> None:
    """A code unknown to the world: the same code and words in a path, a query, a body and a scenario."""
    in_path = problem(client.get("/v1/organizations/SCX"))["errors"][0]
    in_query = problem(client.get("/v1/matrix", params={"as_of": "2025-09-01", "org": "SCX"}))["errors"][0]
    in_body = problem(client.post("/v1/check", json={"state": "ARM", "org": "SCX", "as_of": "2025-09-01"}))
    scenario = {"scenario": "x", "as_of": "2025-09-01", "questions": [{"matrix": {"orgs": ["SCX"]}}]}
    in_scenario = problem(client.post("/v1/scenarios/run", json=scenario))["errors"][0]
    assert in_path["code"] == in_query["code"] == in_body["errors"][0]["code"] == in_scenario["code"]
    assert in_path["message"] == in_query["message"] == in_body["detail"] == in_scenario["message"]
    assert (in_path["field"], in_query["field"], in_scenario["field"]) == ("org", "org", "questions[0].matrix.orgs[0]")
    assert in_body["status"] == 422


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"as_of": "2025-09-01", "state": ["ZZZ"]}, "world.unknown-state", "state"),
        ({"as_of": "2025-09-01", "org": ["SCO", "SCX"]}, "world.unknown-org", "org"),
        ({"as_of": "1900-01-01", "org": "SCO"}, "scenario.before-rules", "org"),
    ],
)
def test_matrix_query_mistakes_are_checked_as_a_matrix_question_is(
    client: TestClient, params: dict[str, Any], code: str, field: str
) -> None:
    body = problem(client.get("/v1/matrix", params=params))
    assert body["status"] == 422
    assert [(e["code"], e["field"]) for e in body["errors"]] == [(code, field)]


def test_matrix_answers_like_a_scenarios_matrix_question(client: TestClient) -> None:
    sweep = client.get("/v1/matrix", params={"as_of": "2025-09-01", "org": "sco", "state": ["arm", "AZE"]})
    scenario = {
        "scenario": "x",
        "as_of": "2025-09-01",
        "questions": [{"id": "matrix", "matrix": {"orgs": ["SCO"], "states": ["ARM", "AZE"]}}],
    }
    ran = client.post("/v1/scenarios/run", json=scenario).json()
    assert sweep.json() == ran["results"][0]


def test_an_answers_expectation_is_documented_as_its_outcome(client: TestClient) -> None:
    """A scenario's ``expect`` (what the analyst expects) and an answer's (whether it held) share a
    name; the document once gave answers the scenario's shape, which no answer with one fits."""
    components = client.get("/openapi.json").json()["components"]["schemas"]
    ref = components["JoinResult"]["properties"]["expect"]["anyOf"][0]["$ref"]
    documented = components[ref.rsplit("/", 1)[1]]
    scenario = {
        "scenario": "x",
        "as_of": "2025-09-01",
        "questions": [{"join": {"state": "ARM", "org": "SCO"}, "expect": {"verdict": "eligible"}}],
    }
    expect = client.post("/v1/scenarios/run", json=scenario).json()["results"][0]["expect"]
    assert set(expect) == set(documented["properties"]) == set(documented["required"])


class _BrokenWorkspace(Workspace):
    def summary(self) -> dict[str, Any]:
        raise RuntimeError("secret: /srv/accede/world")


def test_an_unexpected_exception_is_a_500_internal_error_without_internals(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = TestClient(create_app(_BrokenWorkspace()), raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="accede.api"):
        response = broken.get("/healthz")
    assert response.status_code == 500
    body = problem(response)
    assert body["status"] == 500
    assert [e["code"] for e in body["errors"]] == ["internal.error"]
    assert "secret" not in response.text
    assert "RuntimeError" in caplog.text  # the operator gets the traceback


def test_concurrent_what_ifs_never_see_each_others_changes(client: TestClient) -> None:
    """Half the requests sever Armenia from Kazakhstan, half ask the plain question: answers must not mix."""
    severed = {
        "state": "ARM", "org": "SCO", "as_of": "2025-09-01",
        "changes": [{"sever": ["ARM", "KAZ"], "on": "2025-09-01"}],
    }  # fmt: skip
    baseline = {"state": "ARM", "org": "SCO", "as_of": "2025-09-01"}

    def ask(k: int) -> tuple[int, list[str]]:
        body = severed if k % 2 else baseline
        return k, client.post("/v1/check", json=body).json()["failing"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(ask, range(200)))
    for k, failing in answers:
        assert failing == (["sco.relations"] if k % 2 else []), k
    # And the stored world is as it was.
    assert client.post("/v1/check", json=baseline).json()["failing"] == []


def test_dumps_is_the_one_serialiser() -> None:
    assert dumps({"a": [1, "é"]}) == '{"a":[1,"é"]}'
