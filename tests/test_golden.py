"""The scenario files in fixtures/ are golden tests: every expectation in them must hold.

pytest collects each expectation as its own item through accede's plugin (``fixtures/scenarios``
is a test path: ``pytest -k armenia-sco.yaml`` runs one file's); this module checks the suite
itself and tells the Armenia story in detail.
"""

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
def test_every_golden_scenario_tests_something(path: Path, workspace: Workspace) -> None:
    # Each expectation is an item of its own (the plugin); a file without one would test nothing.
    result = workspace.run_file(path)
    assert any(a.expect is not None for a in result.answers), f"{path.name} has no expectation"


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
