"""Event models (``engine/models/events.py``): what dates an event, and what a field names."""

from __future__ import annotations

from engine.workspace import Workspace
from tests.unit.toy import join_answer


def test_an_undated_leave_is_dated_by_the_scenario(workspace: Workspace) -> None:
    """`leave`'s `from` names the organisation, not a date (found by the oracle law)."""
    text = (
        "scenario: s\nas_of: 2025-09-01\nchanges:\n  - {leave: PAK, from: SCO}\n"
        "questions:\n  - id: q\n    join: {state: ARM, org: SCO}\n"
    )
    verdict = join_answer(workspace.run_text(text), "q")
    assert "PAK" not in verdict.decision.stages[0].unknown
