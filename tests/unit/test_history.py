"""History (``engine/compiler/history.py``): events in a canonical order, what held before the first,
changes that anticipate the record absorbed, contradictions refused."""

from __future__ import annotations

from typing import Any

import pytest

from engine.common.errors import AccedeError
from engine.workspace import Workspace
from tests.unit.toy import REC, REL, ask, join_answer, toy_world


def test_same_day_history_does_not_depend_on_file_order() -> None:
    events: list[dict[str, Any]] = [
        {"admit": "DDD", "to": "ORG", "as": "observer", "on": "2005-01-01"},
        {"sever": ["AAA", "DDD"], "on": "2005-01-01"},
        {"recognize": "AAA", "by": "DDD", "on": "2005-01-01"},
    ]
    one = ask(toy_world(events, [REL, REC]))
    two = ask(toy_world(list(reversed(events)), [REL, REC]))
    assert one.to_json() == two.to_json()


def test_never_established_pairs_have_no_relations_and_say_so() -> None:
    world = toy_world([], [REL])
    world["never_established"] = [{"pair": ["AAA", "CCC"], "source": "a register", "confidence": "high"}]
    verdict = ask(world)
    evidence = verdict.conditions[0].evidence
    assert [(e.state, e.fact, e.since, e.source) for e in evidence] == [
        ("CCC", "no diplomatic relations (never established)", None, "a register")
    ]
    # A later establishment is an ordinary event; a sever of what never existed is a contradiction.
    world["events"] = [*world["events"], {"establish": ["AAA", "CCC"], "on": "2015-01-01"}]
    assert ask(world).failing == ()
    world["events"][-1] = {"sever": ["AAA", "CCC"], "on": "2015-01-01"}
    with pytest.raises(AccedeError) as caught:
        ask(world)
    assert [p.code for p in caught.value.problems] == ["history.contradiction"]


def test_a_remedy_pasted_back_as_a_change_is_accepted(workspace: Workspace) -> None:
    """The remedy of 2025-08-30 anticipates the recorded establishment of 2025-08-31: absorbed, not refused."""
    before = join_answer(
        workspace.run_text("scenario: s\nas_of: 2025-08-30\nquestions:\n  - id: q\n    join: {state: ARM, org: SCO}\n"),
        "q",
    )
    change = before.remedies[0].changes[0]
    text = (
        f"scenario: s\nas_of: 2025-08-30\nchanges:\n  - {change}\n"
        "questions:\n  - id: q\n    join: {state: ARM, org: SCO}\n  - id: later\n    as_of: 2025-09-05\n"
        "    join: {state: ARM, org: SCO}\n"
    ).replace("'", "")
    result = workspace.run_text(text)
    assert "sco.relations" in join_answer(result, "q").holding
    assert "sco.relations" in join_answer(result, "later").holding
    # A change that contradicts the history before it is still refused.
    with pytest.raises(AccedeError):
        workspace.run_text(text.replace("establish", "sever"))
