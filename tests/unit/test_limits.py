"""The README's table of limits is the one in engine/common/limits.py, and the engine enforces it."""

from __future__ import annotations

from engine.common.errors import AccedeError
from engine.common.limits import CHANGES, LIMITS, QUESTIONS
from engine.reading.yaml12 import Document
from engine.workspace import Workspace
from tests.paths import ROOT


def test_readme_lists_every_limit_as_the_table_says() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for limit in LIMITS:
        assert f"| {limit.name} | {limit.file:,} | {limit.served:,} | {limit.why} |" in readme, limit.name


def test_service_limits_are_never_looser_than_file_limits() -> None:
    assert all(limit.served <= limit.file for limit in LIMITS)


def test_a_scenario_over_the_file_limits_is_refused(workspace: Workspace) -> None:
    question = {"join": {"state": "ARM", "org": "SCO"}}
    data = {
        "scenario": "too many",
        "as_of": "2025-09-01",
        "questions": [dict(question, id=f"q{k}") for k in range(QUESTIONS.file + 1)],
        "changes": [{"establish": ["ARM", "AZE"]}] * (CHANGES.file + 1),
    }
    try:
        workspace.run_document(Document("big.yaml", data))
    except AccedeError as exc:
        codes = {(p.code, p.field) for p in exc.problems}
    else:
        raise AssertionError("a scenario over the limits was answered")
    assert codes == {("limit.exceeded", "changes"), ("limit.exceeded", "questions")}
