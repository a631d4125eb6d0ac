"""The scenario files in fixtures/ are golden tests: every expectation in them must hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.evaluation.verdict import JoinVerdict
from engine.workspace import Workspace
from tests.paths import ROOT

SCENARIOS = sorted((ROOT / "fixtures" / "scenarios").rglob("*.yaml"))


def test_there_are_golden_scenarios() -> None:
    assert any(p.name == "armenia-sco.yaml" for p in SCENARIOS)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_golden_scenario(path: Path, workspace: Workspace) -> None:
    result = workspace.run_file(path)
    checked = [a for a in result.answers if a.expect is not None]
    assert checked, f"{path.name} has no expectation, so it tests nothing"
    failures = {a.id: a.expect["mismatches"] for a in checked if a.expect and not a.expect["passed"]}
    assert not failures, failures


def test_armenia_story_reads_as_the_issue_says(workspace: Workspace) -> None:
    before = workspace.run_file(ROOT / "fixtures" / "scenarios" / "armenia-sco.yaml").verdicts["before"]
    assert isinstance(before, JoinVerdict)
    assert before.verdict == "blocked"
    assert before.failing == ("sco.relations",)
    relations = next(c for c in before.conditions if c.id == "sco.relations")
    assert [e.state for e in relations.evidence] == ["PAK"]
    assert relations.evidence[0].member_since is not None
    assert relations.evidence[0].member_since.isoformat() == "2017-06-09"
    assert [r.changes for r in before.remedies] == [({"establish": ["ARM", "PAK"], "on": "2025-08-30"},)]
    assert before.remedies[0].lifts == ("sco.relations",)
