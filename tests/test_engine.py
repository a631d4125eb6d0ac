"""The evaluator's rules, one at a time: tallies, three-valued logic, remedies, what-ifs, YAML 1.2."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import models as m
from engine.common.errors import AccedeError
from engine.evaluation.tally import _Counts, stage_outcome
from engine.workspace import Workspace
from engine.reading.yaml12 import Document, parse_yaml


def counts(voters: int, support: int = 0, oppose: int = 0, unknown: int | None = None, **veto: bool) -> _Counts:
    known = support + oppose
    return _Counts(
        voters,
        support,
        oppose,
        voters - known if unknown is None else unknown,
        veto.get("veto_opposes", False),
        veto.get("veto_unknown", False),
    )


@pytest.mark.parametrize(
    ("rule", "c", "expected"),
    [
        ("unanimity", counts(0), "passes"),  # an empty voter group passes unanimity...
        ("majority", counts(0), "fails"),  # ...and nothing else
        ("two_thirds", counts(0), "fails"),
        ("unanimity", counts(3, support=2, unknown=0), "passes"),  # the third abstained: no block
        ("unanimity", counts(3, support=2, oppose=1), "fails"),
        ("unanimity", counts(3, support=2), "unknown"),
        ("majority", counts(4, support=3), "passes"),
        ("majority", counts(4, support=2, oppose=2), "fails"),  # half is not a majority
        ("majority", counts(4, support=2), "unknown"),
        ("two_thirds", counts(10, support=7), "passes"),  # ceil(20/3) = 7
        ("two_thirds", counts(10, support=6, oppose=4), "fails"),
        ("two_thirds", counts(10, support=6, oppose=3), "unknown"),
        (m.AtLeast(at_least=9), counts(15, support=9), "passes"),
        (m.AtLeast(at_least=9), counts(15, support=3, oppose=7), "fails"),  # 3 + 5 unknown < 9
        (m.AtLeast(at_least=9), counts(15, support=12, veto_opposes=True), "fails"),
        (m.AtLeast(at_least=9), counts(15, support=12, veto_unknown=True), "unknown"),
    ],
)
def test_stage_tallies(rule: Any, c: _Counts, expected: str) -> None:
    assert stage_outcome(rule, c) == expected


def _world(
    events: list[dict[str, Any]], conditions: list[dict[str, Any]], decision: list[Any] | None = None
) -> dict[str, Any]:
    return {
        "default_relations": "established",
        "states": [
            {"code": "AAA", "name": "Aland", "region": "Europe"},
            {"code": "BBB", "name": "Bland", "region": "Europe"},
            {"code": "CCC", "name": "Cland", "region": "Asia"},
            {"code": "DDD", "name": "Dland", "region": "Europe"},
        ],
        "organizations": [
            {
                "code": "ORG",
                "name": "The Organisation",
                "statuses": ["member", "observer"],
                "versions": [
                    {
                        "valid_from": "2000-01-01",
                        "conditions": conditions,
                        "decision": decision if decision is not None else [{"by": "members", "pass": "unanimity"}],
                    }
                ],
            }
        ],
        "events": [
            {"admit": "BBB", "to": "ORG", "as": "member", "on": "2000-01-01"},
            {"admit": "CCC", "to": "ORG", "as": "member", "on": "2000-01-01"},
            *events,
        ],
    }


def _join(
    world: dict[str, Any], *, changes: list[Any] | None = None, forbid: list[Any] | None = None, assume: str = "unknown"
) -> Any:
    data = {
        "scenario": "unit",
        "world": world,
        "as_of": "2020-01-01",
        "assume": assume,
        "changes": changes or [],
        "questions": [{"id": "q", "join": {"state": "AAA", "org": "ORG", "forbid": forbid or []}}],
    }
    return Workspace().run_document(Document("unit.yaml", data)).verdicts["q"]


REL = {"id": "rel", "text": "relations with every member", "check": {"relations_with": "members"}}
REC = {"id": "rec", "text": "recognised by every member", "check": {"recognized_by": "members"}}


def test_relations_imply_recognition_and_remedies_offer_both_routes() -> None:
    world = _world([{"sever": ["AAA", "BBB"], "on": "2010-01-01"}], [REC])
    verdict = _join(world)
    assert verdict.failing == ("rec",)
    changes = sorted(tuple(sorted(next(iter(c)) for c in r.changes)) for r in verdict.remedies)
    assert changes == [("establish",), ("recognize",)]
    # Ruling out new relations leaves recognition as the only way.
    verdict = _join(world, forbid=[{"establish": ["BBB", "AAA"]}])
    assert [r.changes[0] for r in verdict.remedies] == [{"recognize": "AAA", "by": "BBB", "on": "2020-01-01"}]


def test_one_change_lifting_two_conditions_is_the_minimal_remedy() -> None:
    world = _world([{"sever": ["AAA", "BBB"], "on": "2010-01-01"}], [REL, REC])
    verdict = _join(world)
    assert set(verdict.failing) == {"rel", "rec"}
    assert [r.changes for r in verdict.remedies] == [({"establish": ["AAA", "BBB"], "on": "2020-01-01"},)]


def test_severed_relations_are_dated_evidence_with_their_source() -> None:
    world = _world([{"sever": ["AAA", "CCC"], "on": "2012-03-04", "source": "a cable", "confidence": "low"}], [REL])
    evidence = _join(world).conditions[0].evidence
    assert [(e.state, e.since, e.source, e.confidence) for e in evidence] == [
        ("CCC", date(2012, 3, 4), "a cable", "low")
    ]


def test_three_valued_combinators() -> None:
    unknown = {"assessed": "european_state"}
    fails = {"region_in": ["Asia"]}
    holds = {"region_in": ["Europe"]}
    cases = {
        "a": ({"all": [unknown, holds]}, "unknown"),
        "b": ({"all": [unknown, fails]}, "fails"),
        "c": ({"any": [unknown, holds]}, "holds"),
        "d": ({"any": [unknown, fails]}, "unknown"),
        "e": ({"not": unknown}, "unknown"),
        "f": ({"not": fails}, "holds"),
    }
    conditions = [{"id": k, "text": k, "check": check} for k, (check, _) in cases.items()]
    verdict = _join(_world([], conditions), assume="support")
    assert {c.id: c.outcome for c in verdict.conditions} == {k: want for k, (_, want) in cases.items()}
    assert verdict.irremediable == ("b",)  # a region cannot be changed


def test_unknown_judgement_is_undetermined_until_assessed() -> None:
    conditions = [{"id": "eu", "text": "European state", "check": {"assessed": "european_state"}}]
    assert _join(_world([], conditions), assume="support").verdict == "undetermined"
    assessed = [{"assess": "european_state", "of": "AAA", "as": True, "on": "2019-01-01"}]
    assert _join(_world(assessed, conditions), assume="support").verdict == "eligible"


def test_positions_on_record_and_assumptions_drive_the_decision() -> None:
    world = _world([{"oppose": "AAA", "by": "BBB", "in": "ORG", "on": "2019-01-01"}], [])
    verdict = _join(world, assume="support")
    assert verdict.verdict == "blocked"
    assert verdict.failing == ()  # a decision that cannot pass shows in the tally, not in failing
    assert verdict.decision.stages[0].oppose == ("BBB",)
    assert verdict.decision.stages[0].assumed == ("CCC",)
    assert _join(_world([], []), assume="support").verdict == "eligible"
    assert _join(_world([], [])).verdict == "undetermined"


def test_what_ifs_never_touch_the_baseline(workspace: Workspace) -> None:
    world = workspace.default
    before = world.as_of(date(2025, 8, 30))
    rows = list(before.rel)
    timelines = dict(world.facts.timelines)
    text = (
        "scenario: what if\nas_of: 2025-08-30\nchanges:\n  - {establish: [ARM, AZE]}\n"
        "questions:\n  - join: {state: ARM, org: SCO}\n"
    )
    workspace.run_text(text)
    assert world.as_of(date(2025, 8, 30)) is before
    assert before.rel == rows
    assert world.facts.timelines == timelines


def test_spec_what_if_example_holds(workspace: Workspace) -> None:
    text = """
scenario: What if Azerbaijan joined the SCO first?
world: default
as_of: 2026-06-01
changes:
  - {admit: AZE, to: SCO, as: member, on: 2026-01-01}
  - {oppose: ARM, by: AZE, in: SCO}
amend:
  SCO: {drop: [sco.peace]}
questions:
  - id: armenia-after-azerbaijan
    join: {state: ARM, org: SCO, forbid: [{establish: [ARM, AZE]}]}
    expect: {verdict: blocked, failing: [sco.relations]}
"""
    result = workspace.run_text(text)
    answer = result.answers[0]
    assert answer.expect == {"passed": True, "mismatches": []}
    verdict = result.verdicts["armenia-after-azerbaijan"]
    assert "sco.peace" not in {c.id for c in verdict.conditions}
    assert verdict.decision.stages[0].oppose == ("AZE",)
    assert verdict.remedies == ()  # the only remedy is forbidden
    assert verdict.irremediable == ("sco.relations",)


def test_same_day_history_does_not_depend_on_file_order() -> None:
    events: list[dict[str, Any]] = [
        {"admit": "DDD", "to": "ORG", "as": "observer", "on": "2005-01-01"},
        {"sever": ["AAA", "DDD"], "on": "2005-01-01"},
        {"recognize": "AAA", "by": "DDD", "on": "2005-01-01"},
    ]
    one = _join(_world(events, [REL, REC]))
    two = _join(_world(list(reversed(events)), [REL, REC]))
    assert one.to_json() == two.to_json()


def test_yaml_is_read_as_yaml_1_2() -> None:
    doc = parse_yaml("on: 2025-08-31\nyes: no\nt: 1:20\nb: true\nx: 0o17\n", "t.yaml")
    assert doc.data == {"on": "2025-08-31", "yes": "no", "t": "1:20", "b": True, "x": 15}


def test_never_established_pairs_have_no_relations_and_say_so() -> None:
    world = _world([], [REL])
    world["never_established"] = [{"pair": ["AAA", "CCC"], "source": "a register", "confidence": "high"}]
    verdict = _join(world)
    evidence = verdict.conditions[0].evidence
    assert [(e.state, e.fact, e.since, e.source) for e in evidence] == [
        ("CCC", "no diplomatic relations (never established)", None, "a register")
    ]
    # A later establishment is an ordinary event; a sever of what never existed is a contradiction.
    world["events"] = [*world["events"], {"establish": ["AAA", "CCC"], "on": "2015-01-01"}]
    assert _join(world).failing == ()
    world["events"][-1] = {"sever": ["AAA", "CCC"], "on": "2015-01-01"}
    with pytest.raises(AccedeError) as caught:
        _join(world)
    assert [p.code for p in caught.value.problems] == ["history.contradiction"]


def test_a_remedy_pasted_back_as_a_change_is_accepted(workspace: Workspace) -> None:
    """The remedy of 2025-08-30 anticipates the recorded establishment of 2025-08-31: absorbed, not refused."""
    before = workspace.run_text(
        "scenario: s\nas_of: 2025-08-30\nquestions:\n  - id: q\n    join: {state: ARM, org: SCO}\n"
    ).verdicts["q"]
    change = before.remedies[0].changes[0]
    text = (
        f"scenario: s\nas_of: 2025-08-30\nchanges:\n  - {change}\n"
        "questions:\n  - id: q\n    join: {state: ARM, org: SCO}\n  - id: later\n    as_of: 2025-09-05\n"
        "    join: {state: ARM, org: SCO}\n"
    ).replace("'", "")
    result = workspace.run_text(text)
    assert "sco.relations" in result.verdicts["q"].holding
    assert "sco.relations" in result.verdicts["later"].holding
    # A change that contradicts the history before it is still refused.
    with pytest.raises(AccedeError):
        workspace.run_text(text.replace("establish", "sever"))


def test_an_undated_leave_is_dated_by_the_scenario(workspace: Workspace) -> None:
    """`leave`'s `from` names the organisation, not a date (found by the oracle law)."""
    text = (
        "scenario: s\nas_of: 2025-09-01\nchanges:\n  - {leave: PAK, from: SCO}\n"
        "questions:\n  - id: q\n    join: {state: ARM, org: SCO}\n"
    )
    verdict = workspace.run_text(text).verdicts["q"]
    assert "PAK" not in verdict.decision.stages[0].unknown
