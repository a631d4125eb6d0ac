"""Scenario files as pytest tests: ``pytest fixtures/scenarios`` collects one item per expectation.

Registered by the package's ``pytest11`` entry point, so installing accede is enough (as
OpenFisca's YAML tests are pytest underneath). Any ``.yaml`` or ``.yml`` file pytest is pointed
at, or finds under its test paths, that is a scenario file (``looks_like_scenario``) becomes a
collector; each question with an ``expect`` is an item named ``file::question-id``, so ``-k``,
``-x``, ``--lf``, ``--junitxml``, xdist and IDEs work as for any test. A failure shows the
mismatches, the verdict and the memo sentence; a file with problems is a collection error listing
each problem at its line. One compiled workspace serves the whole session (per xdist worker).

``--accede-no-scenarios`` turns collection off, for a project whose YAML files under its test
paths are something else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.common.errors import AccedeError
from engine.reading.loader import YAML_SUFFIXES, display, looks_like_scenario
from engine.scenario import Prepared, question_id
from engine.tooling.testing import Case, expected_ids, memo, run_file
from engine.workspace import Workspace

__all__ = ["ExpectationFailedError", "ScenarioFile", "ScenarioItem"]

_WORKSPACE = pytest.StashKey[Workspace]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("accede", "accede scenario files")
    group.addoption(
        "--accede-no-scenarios",
        action="store_true",
        default=False,
        help="do not collect accede scenario files (.yaml, .yml) as tests",
    )


def _workspace(config: pytest.Config) -> Workspace:
    found = config.stash.get(_WORKSPACE, None)
    if found is None:
        found = config.stash[_WORKSPACE] = Workspace()
    return found


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    if parent.config.getoption("accede_no_scenarios"):
        return None
    if file_path.suffix in YAML_SUFFIXES and looks_like_scenario(file_path):
        found: ScenarioFile = ScenarioFile.from_parent(parent, path=file_path)
        return found
    return None


class ScenarioProblemsError(Exception):
    """A scenario file that could not be prepared: its problems, one per line."""


class ScenarioFile(pytest.File):
    """One scenario file: prepared once, an item per question with an expectation."""

    def collect(self) -> Iterator[ScenarioItem]:
        try:
            prepared = _workspace(self.config).prepare_file(self.path)
        except AccedeError as exc:
            raise ScenarioProblemsError("\n".join(p.render() for p in exc.problems)) from None
        lines = _question_lines(prepared)
        for qid in expected_ids(prepared):
            yield ScenarioItem.from_parent(self, name=qid, prepared=prepared, line=lines.get(qid))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioProblemsError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))


def _question_lines(prepared: Prepared) -> dict[str, int]:
    """Each question's line in its file (0-based, as pytest reports locations)."""
    out = {}
    for k, question in enumerate(prepared.scenario.questions):
        line, _column = prepared.doc.locate(("questions", k))
        if line is not None:
            out[question_id(question, k)] = line - 1
    return out


class ExpectationFailedError(Exception):
    """A question's answer did not say what its ``expect`` did."""

    def __init__(self, case: Case, text: str) -> None:
        super().__init__(text)
        self.case = case


class ScenarioItem(pytest.Item):
    """One question with an expectation."""

    def __init__(self, *, prepared: Prepared, line: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prepared = prepared
        self.line = line

    def runtest(self) -> None:
        (case,) = run_file(self.prepared, display(self.path), [self.name])
        if not case.passed:
            verdict = case.answer.body.get("verdict")
            lines = [f"{case.id}: the answer is not what `expect` says", *(f"  - {m}" for m in case.mismatches)]
            if verdict is not None:
                lines.append(f"verdict: {verdict}")
            lines += ["", memo(case, self.prepared.world)]
            raise ExpectationFailedError(case, "\n".join(lines))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ExpectationFailedError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, self.line, f"{display(self.path)}::{self.name}"
