"""Answers an analyst can act on: members, what would settle it, stories, names, the horizon, pipes.

Each test reads an answer the way an analyst or a client does (its JSON, or the sentences printed)
on the bundled world or a small inline one, and would fail if that reading broke.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from typing import Any

import pytest

from engine.cli import main
from engine.common.errors import AccedeError
from engine.reading.yaml12 import Document
from engine.workspace import Workspace
from tests.paths import ROOT

WS = Workspace()


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def answer(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    status, out, err = cli(capsys, *argv, "--json")
    assert status == 0, err
    found: dict[str, Any] = json.loads(out)
    return found


# --- members ---------------------------------------------------------------------------------


def test_a_member_is_answered_as_one(capsys: pytest.CaptureFixture[str]) -> None:
    body = answer(capsys, "check", "FRA", "NATO", "--as-of", "2025-09-01")
    assert body["verdict"] == "member"
    assert body["member_since"] == "1949-08-24"
    assert body["conditions"] == []
    assert body["decision"] is None
    assert body["failing"] == []
    _, out, _ = cli(capsys, "check", "FRA", "NATO", "--as-of", "2025-09-01")
    assert out.startswith("MEMBER France is already a member of NATO (since 1949-08-24).")


def test_a_suspended_state_is_an_applicant_for_readmission(capsys: pytest.CaptureFixture[str]) -> None:
    body = answer(capsys, "check", "SYR", "OIC", "--as-of", "2020-01-01")
    assert body["status"] == "suspended"
    assert body["verdict"] != "member"
    assert body["conditions"], "a suspended state's conditions are evaluated"
    _, out, _ = cli(capsys, "check", "SYR", "OIC", "--as-of", "2020-01-01")
    assert "Syria is suspended from the OIC since 2012-08-16" in out


# --- what would settle it ----------------------------------------------------------------------


def test_undetermined_says_what_would_settle_it(capsys: pytest.CaptureFixture[str]) -> None:
    body = answer(capsys, "check", "UKR", "NATO", "--as-of", "2026-11-01")
    assert body["verdict"] == "undetermined"
    judgements = [s for s in body["to_settle"] if "assess" in s]
    stages = [s for s in body["to_settle"] if "stage" in s]
    assert judgements == [
        {
            "condition": "nato.contribution",
            "assess": "nato_contribution",
            "of": "UKR",
            "change": {"assess": "nato_contribution", "of": "UKR", "as": True, "on": "2026-11-01"},
        }
    ]
    assert [s["stage"] for s in stages] == ["invitation", "ratification"]
    for stage in stages:
        assert len(stage["voters"]) == 32
        assert stage["pivotal"] == stage["voters"]
        assert stage["support_needed"] == 32
    _, out, _ = cli(capsys, "check", "UKR", "NATO", "--as-of", "2026-11-01")
    headline = out.splitlines()[0]
    assert headline.count("positions not on record") == 1, "each open stage is said once"
    assert "of which any one opposing blocks it" in headline
    assert "on whether Ukraine is in a position to further the principles of the Treaty" in headline
    assert "nato_contribution" in out, "the key an analyst must write is printed"


def test_the_pasted_judgement_settles_the_condition() -> None:
    # The change printed in `to_settle` is accepted as it is and decides the condition.
    request = {
        "state": "UKR",
        "org": "NATO",
        "as_of": "2026-11-01",
        "changes": [{"assess": "nato_contribution", "of": "UKR", "as": True, "on": "2026-11-01"}],
    }
    body = WS.check_request(Document("request", request), today=date(2026, 11, 1)).to_json()
    outcomes = {c["id"]: c["outcome"] for c in body["conditions"]}
    assert outcomes["nato.contribution"] == "holds"


def test_a_failed_decision_names_who_fails_it(capsys: pytest.CaptureFixture[str]) -> None:
    body = answer(capsys, "check", "PSE", "UN", "--as-of", "2024-05-01")
    assert {"stage": "security_council", "voters": ["USA"], "because": "veto"} in body["blocked_by"]
    assert body["failing"] == [], "a decision that cannot pass is not a failing condition"


# --- stories -----------------------------------------------------------------------------------


def test_the_armenia_story_reads_as_one(capsys: pytest.CaptureFixture[str]) -> None:
    # The story of the relations: the objection reported by one side only is left out (trust medium).
    body = answer(
        capsys, "timeline", "ARM", "SCO", "--from", "2024-01-01", "--until", "2026-01-01", "--trust", "medium"
    )
    first, second = body["intervals"]
    assert (first["from"], first["until"], first["verdict"], first["failing"]) == (
        "2024-01-01",
        "2025-08-31",
        "blocked",
        ["sco.relations"],
    )
    assert first["because"] == []
    assert (second["from"], second["verdict"]) == ("2025-08-31", "undetermined")
    (cause,) = second["because"]
    assert cause["establish"] == ["ARM", "PAK"]
    assert cause["on"] == "2025-08-31"
    assert [e.get("admit") for e in second["within"]] == ["ARM"], "the status change of 2025-09-01 is kept"
    _, out, _ = cli(
        capsys, "timeline", "ARM", "SCO", "--from", "2024-01-01", "--until", "2026-01-01", "--trust", "medium"
    )
    assert out.startswith(
        "Armenia and the SCO, from 2024-01-01 until 2026-01-01: blocked (sco.relations); then from 2025-08-31 "
        "(Armenia and Pakistan establish diplomatic relations), undetermined"
    )


def _inline(events: list[dict[str, Any]], questions: list[dict[str, Any]]) -> dict[str, Any]:
    world = {
        "default_relations": "established",
        "states": [{"code": c, "name": f"State {c}", "region": "Asia"} for c in ("AAA", "BBB", "CCC")],
        "organizations": [
            {
                "code": "ORG",
                "name": "Organisation",
                "versions": [
                    {
                        "valid_from": "2000-01-01",
                        "conditions": [
                            {
                                "id": "org.relations",
                                "text": "The applicant has relations",
                                "check": {"relations_with": "members"},
                            },
                            {"id": "org.sanctions", "text": "No sanctions", "check": {"not": {"sanctioned": True}}},
                        ],
                        "decision": [],
                    },
                    {"valid_from": "2010-01-01", "conditions": [], "decision": []},
                ],
            }
        ],
        "events": [{"admit": "AAA", "to": "ORG", "as": "member", "on": "2000-01-01"}, *events],
    }
    return {"scenario": "inline", "world": world, "as_of": "2001-01-01", "questions": questions}


def _results(doc: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = WS.run_document(Document("inline", doc)).to_json()["results"]
    return found


def test_because_names_the_event_recorded_and_only_those_that_changed_it() -> None:
    events = [
        {"sanction": "BBB", "from": "2000-06-01"},
        {"lift_sanctions": "BBB", "on": "2003-03-03"},
        # Same day, changes nothing the rules read: not a cause.
        {"recognize": "CCC", "by": "BBB", "on": "2003-03-03"},
    ]
    questions = [
        {"id": "e", "earliest": {"state": "BBB", "org": "ORG", "from": "2001-01-01"}},
        {"id": "t", "timeline": {"state": "BBB", "org": "ORG", "from": "2001-01-01", "until": "2005-01-01"}},
    ]
    earliest, timeline = _results(_inline(events, questions))
    assert earliest["date"] == "2003-03-03"
    assert earliest["because"] == {"lift_sanctions": "BBB", "on": "2003-03-03"}, "as recorded, not rewritten"
    assert timeline["intervals"][1]["because"] == [{"lift_sanctions": "BBB", "on": "2003-03-03"}]


def test_a_rule_version_that_lifts_the_block_is_named_as_such() -> None:
    events = [{"sever": ["AAA", "BBB"], "on": "2000-02-01"}]
    questions = [{"id": "e", "earliest": {"state": "BBB", "org": "ORG", "from": "2001-01-01"}}]
    (earliest,) = _results(_inline(events, questions))
    assert earliest["date"] == "2010-01-01"
    assert earliest["because"] is None
    assert earliest["rules_from"] == "2010-01-01"


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("named", "code"),
    [("UK", "GBR"), ("Britain", "GBR"), ("gb", "GBR"), ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Holland", "NLD"),
     ("north macedonia", "MKD"), ("deu", "DEU"), ("GER", "DEU")],
)  # fmt: skip
def test_names_people_use_resolve_to_codes(capsys: pytest.CaptureFixture[str], named: str, code: str) -> None:
    body = answer(capsys, "check", named, "European Union", "--as-of", "2019-01-01")
    assert (body["state"], body["org"]) == (code, "EU"), "results always use codes"


@pytest.mark.parametrize(("typed", "suggested"), [("Germny", "`DEU` (Germany)"), ("ARMM", "`ARM` (Armenia)")])
def test_suggestions_point_at_the_state_meant(capsys: pytest.CaptureFixture[str], typed: str, suggested: str) -> None:
    status, _, err = cli(capsys, "check", typed, "EU")
    assert status == 2
    assert f"did you mean {suggested}?" in err
    assert f"`{typed}`?" not in err, "never the word typed"


def test_only_ascii_is_taken_for_a_code(capsys: pytest.CaptureFixture[str]) -> None:
    dotless = "\u0131RN"  # a dotless i: upper-cased by Python it would read IRN
    status, _, err = cli(capsys, "check", dotless, "SCO")
    assert status == 2
    assert f"unknown state `{dotless}`" in err


def test_a_name_that_fits_several_states_lists_them() -> None:
    doc = _inline([], [{"join": {"state": "Twin", "org": "ORG"}}])
    doc["world"]["states"][1]["aliases"] = ["Twin"]
    doc["world"]["states"][2]["aliases"] = ["Twin"]
    with pytest.raises(AccedeError) as caught:
        WS.run_document(Document("inline", doc))
    (problem,) = caught.value.problems
    assert problem.code == "world.ambiguous-name"
    assert "`BBB` (State BBB), `CCC` (State CCC)" in problem.message


# --- the horizon -------------------------------------------------------------------------------


def test_answers_past_the_horizon_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert "beyond_horizon" not in answer(capsys, "check", "PSE", "UN", "--as-of", "2026-11-27")
    assert answer(capsys, "check", "PSE", "UN", "--as-of", "2028-01-01")["beyond_horizon"] is True
    _, out, _ = cli(capsys, "check", "PSE", "UN", "--as-of", "2028-01-01")
    assert "after 2026-11-27, the last date this world's facts were checked" in out


# --- the command line's manners ------------------------------------------------------------------


def test_a_closed_pipe_ends_quietly() -> None:
    command = [sys.executable, "-m", "engine.cli", "run", "--json", "fixtures/scenarios"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        head = proc.stdout.read(10)
        proc.stdout.close()
        err = proc.stderr.read().decode()
        status = proc.wait()
    assert head.startswith(b'{"scenario')
    assert "Traceback" not in err, err
    assert "BrokenPipe" not in err, err
    assert status in (0, 141)


def test_as_of_takes_today(capsys: pytest.CaptureFixture[str]) -> None:
    from engine.common.dates import today  # noqa: PLC0415  (the clock, read where the test needs it)

    assert answer(capsys, "check", "ARM", "SCO", "--as-of", "today")["as_of"] == today().isoformat()


def test_the_readme_example_of_every_kind_holds() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```yaml", readme.index("### Question kinds and what"))
    block = readme[start + len("```yaml") : readme.index("```", start + 7)]
    text = "scenario: readme\nworld: default\nas_of: 2025-09-02\ntrust: medium\n" + block
    result = WS.run_text(text, "README.md")
    assert [a.kind for a in result.answers] == [
        "join",
        "timeline",
        "earliest",
        "earliest",
        "order",
        "impact",
        "leverage",
    ]
    assert all(a.passed for a in result.answers), [a.expect for a in result.answers if not a.passed]


def test_a_dissolved_state_leaves_the_sweeps() -> None:
    doc = _inline(
        [],
        [{"id": "before", "as_of": "2001-01-01", "matrix": {}}, {"id": "after", "as_of": "2003-01-01", "matrix": {}}],
    )
    doc["world"]["states"][2]["dissolved"] = "2002-01-01"
    before, after = _results(doc)
    assert "CCC" in {r["state"] for r in before["rows"]}
    assert "CCC" not in {r["state"] for r in after["rows"]}, "a dissolved state is history, not a candidate"


def test_a_coarse_date_says_so() -> None:
    events = [{"sever": ["AAA", "BBB"], "on": "1972-01-01", "precision": "year", "source": "a yearbook"}]
    doc = _inline(events, [{"id": "j", "join": {"state": "BBB", "org": "ORG"}}])
    doc["as_of"] = "2001-01-01"
    (verdict,) = _results(doc)
    (evidence,) = next(c for c in verdict["conditions"] if c["id"] == "org.relations")["evidence"]
    assert evidence["precision"] == "year"
    world = WS.run_document(Document("inline", doc)).evaluated_on
    assert world is not None
    from engine.evaluation.join import join  # noqa: PLC0415
    from engine.rendering.prose import explain  # noqa: PLC0415

    text = explain(world, join(world, "BBB", "ORG", date(2001, 1, 1)))
    assert "severed in 1972 (day not known)" in text


def test_trust_leaves_out_what_one_side_reported() -> None:
    doc = _inline([], [{"id": "j", "join": {"state": "BBB", "org": "ORG"}}])
    doc["world"]["organizations"][0]["versions"][0]["decision"] = [{"by": "members", "pass": "unanimity"}]
    doc["world"]["events"].append(
        {
            "oppose": "BBB",
            "by": "AAA",
            "in": "ORG",
            "on": "2000-06-01",
            "confidence": "low",
            "reported_by": "press of CCC",
        }
    )
    (trusting_all,) = _results(doc)
    assert trusting_all["verdict"] == "blocked"
    assert trusting_all["decision"]["stages"][0]["low_confidence"] == ["AAA"]
    world = WS.run_document(Document("inline", doc)).evaluated_on
    assert world is not None
    from engine.evaluation.join import join  # noqa: PLC0415
    from engine.rendering.prose import explain  # noqa: PLC0415

    assert "low-confidence facts (State AAA's stance)" in explain(world, join(world, "BBB", "ORG", date(2001, 1, 1)))
    (cautious,) = _results({**doc, "trust": "medium"})
    assert cautious["verdict"] == "undetermined", "the reported objection is left out"


def test_show_says_who_recognises_and_who_has_relations(capsys: pytest.CaptureFixture[str]) -> None:
    body = answer(capsys, "show", "Bhutan", "--as-of", "2026-11-01")
    assert body["relations_with"] < 80, "Bhutan has relations with a few dozen states"
    assert body["recognised_by"] >= 192, "every UN member recognises it"
    assert {"CHN", "FRA", "GBR", "RUS", "USA"} <= set(body["recognised_without_relations"])
    _, out, _ = cli(capsys, "show", "BTN", "--as-of", "2026-11-01")
    assert f"recognised by {body['recognised_by']} states and entities" in out
    assert "without relations: " in out
