"""The World (``engine/compiler/world.py``): what-ifs on events and on rules, the baseline untouched."""

from __future__ import annotations

from datetime import date

from engine.workspace import Workspace
from tests.unit.toy import join_answer


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
    verdict = join_answer(result, "armenia-after-azerbaijan")
    assert "sco.peace" not in {c.id for c in verdict.conditions}
    # Azerbaijan's what-if objection, beside Pakistan's objection as reported (low confidence).
    assert verdict.decision.stages[0].oppose == ("AZE", "PAK")
    assert verdict.decision.stages[0].low_confidence == ("PAK",)
    assert verdict.remedies == ()  # the only remedy is forbidden
    assert verdict.irremediable == ("sco.relations",)
