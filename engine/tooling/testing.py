"""Scenario files as a test suite: one test per question with an expectation.

The one runner behind ``accede test`` and the pytest plugin (``engine.tooling.pytest_plugin``):
it finds the scenario files (``.yaml`` and ``.yml``, picked as every command picks them), prepares
each once, answers the questions a filter selects, and keeps every outcome as data. A file that
cannot be prepared is a ``Broken`` entry, never the end of the run: the other files still run and
the summary is always there to print.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.common.errors import AccedeError, Problem
from engine.compiler.world import World
from engine.evaluation.verdict import JoinVerdict
from engine.reading.loader import display, looks_like_scenario, yaml_files
from engine.rendering.prose import explain
from engine.scenario import Answer, Prepared, question_id
from engine.scenario import run as answer
from engine.workspace import Workspace

__all__ = ["Broken", "Case", "Suite", "case_id", "collect", "matcher", "memo", "run_suite"]


def case_id(file: str, question: str) -> str:
    """A test's id, as pytest names it: ``fixtures/scenarios/armenia-sco.yaml::before``."""
    return f"{file}::{question}"


@dataclass(frozen=True)
class Case:
    """One expectation, answered: what was asked, what came back, whether it was what was expected."""

    file: str
    question: str
    answer: Answer
    seconds: float
    #: The answer as data (a ``JoinVerdict``, a ``MatrixResult``...), for the memo of a failure.
    result: Any = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> str:
        return case_id(self.file, self.question)

    @property
    def passed(self) -> bool:
        return self.answer.passed is True

    @property
    def mismatches(self) -> list[str]:
        return list(self.answer.expect["mismatches"]) if self.answer.expect is not None else []


@dataclass(frozen=True)
class Broken:
    """A file that could not be read or prepared: an error of the run, with every problem in it."""

    file: str
    problems: tuple[Problem, ...]


@dataclass
class Suite:
    """A whole run: the cases answered, the files broken, and how many tests a filter left out."""

    cases: list[Case] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)
    deselected: int = 0
    files: int = 0
    #: The prepared scenario of each file that ran, by display name (``--update`` and coverage use it).
    prepared: dict[str, Prepared] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases)

    @property
    def failed(self) -> int:
        return sum(not c.passed for c in self.cases)

    @property
    def collected(self) -> int:
        return len(self.cases) + len(self.broken)

    def summary(self) -> str:
        """The closing line: ``N passed, N failed`` (with errors and deselected tests when there are any)."""
        parts = [f"{self.passed} passed", f"{self.failed} failed"]
        if self.broken:
            parts.append(f"{len(self.broken)} error{'s' if len(self.broken) != 1 else ''}")
        if self.deselected:
            parts.append(f"{self.deselected} deselected")
        return ", ".join(parts)


def collect(paths: Sequence[str]) -> tuple[list[Path], list[Broken]]:
    """The scenario files of the paths (files as given; folders searched), and the paths that do not exist."""
    found: list[Path] = []
    missing: list[Broken] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found.extend(p for p in yaml_files(path) if looks_like_scenario(p))
        elif path.is_file():
            found.append(path)
        else:
            missing.append(Broken(name, (Problem("file.not-found", f"no file or folder `{name}`", file=name),)))
    return list(dict.fromkeys(found)), missing


def matcher(pattern: str | None) -> Callable[[str], bool]:
    """``-k PATTERN``: a regular expression searched in each test's id (as OPA's ``--run``)."""
    if pattern is None:
        return lambda _id: True
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        message = f"`-k {pattern}` is not a regular expression: {exc}"
        raise AccedeError.one("schema.invalid-value", message, field="-k") from None
    return lambda test_id: compiled.search(test_id) is not None


def expected_ids(prepared: Prepared) -> list[str]:
    """The ids of the questions that carry an expectation, in file order."""
    return [
        question_id(q, k) for k, q in enumerate(prepared.scenario.questions) if getattr(q, "expect", None) is not None
    ]


def run_suite(ws: Workspace, paths: Sequence[str], pattern: str | None = None) -> Suite:
    """Every expectation of the files, answered; filtered by ``pattern`` (``-k``)."""
    accept = matcher(pattern)
    files, missing = collect(paths)
    suite = Suite(broken=list(missing), files=len(files))
    for path in files:
        name = display(path)
        try:
            prepared = ws.prepare_file(path)
        except AccedeError as exc:
            suite.broken.append(Broken(name, tuple(exc.problems)))
            continue
        suite.prepared[name] = prepared
        suite.paths[name] = path
        wanted = expected_ids(prepared)
        chosen = [q for q in wanted if accept(case_id(name, q))]
        suite.deselected += len(wanted) - len(chosen)
        if chosen:
            suite.cases.extend(run_file(prepared, name, chosen))
    return suite


def run_file(prepared: Prepared, name: str, chosen: Iterable[str]) -> list[Case]:
    """The chosen questions of one prepared file, answered one by one (each timed on its own)."""
    cases = []
    for qid in chosen:
        started = time.perf_counter()
        result = answer(prepared, select=qid.__eq__)
        cases.append(Case(name, qid, result.answers[0], time.perf_counter() - started, result.verdicts[qid]))
    return cases


def memo(case: Case, world: World) -> str:
    """The full verdict of a test, for people: a join's memo sentences, else its answer as JSON."""
    if isinstance(case.result, JoinVerdict):
        return explain(world, case.result)
    return json.dumps(case.answer.body, ensure_ascii=False, indent=2)
