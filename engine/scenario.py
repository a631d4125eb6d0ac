"""Scenarios: a world, a date, what-if changes and amendments, questions and expectations.

``prepare`` validates a whole scenario against its world and returns every problem at once;
only a prepared scenario is answered. Answering is pure: the baseline world is shared, and each
scenario's changes and amendments live in a new world layered on top of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine import models as m
from engine.common.errors import AccedeError, Problem
from engine.common.limits import CHANGES, QUESTIONS
from engine.compiler.world import World
from engine.questions import KINDS, Asked
from engine.questions.registry import Progress, Result
from engine.reading.loader import Located
from engine.reading.yaml12 import Document
from engine.validation import validate_amendments

__all__ = ["Answer", "Prepared", "ScenarioResult", "prepare", "run"]


@dataclass(frozen=True)
class Prepared:
    """A validated scenario with its what-if world built."""

    scenario: m.Scenario
    world: World
    doc: Document
    #: What each question's checks prepared for its answer (forbidden changes, a what-if world...).
    prepared: dict[int, Any] = field(default_factory=dict)
    #: The world the scenario names, before its amendments and changes (what a reviewer compares with).
    base: World | None = None


@dataclass(frozen=True)
class Answer:
    id: str
    kind: str
    body: dict[str, Any]
    expect: dict[str, Any] | None = None

    @property
    def passed(self) -> bool | None:
        return None if self.expect is None else bool(self.expect["passed"])

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, **self.body}
        if self.expect is not None:
            out["expect"] = self.expect
        return out


@dataclass(frozen=True)
class ScenarioResult:
    title: str
    world: str
    as_of: date
    answers: tuple[Answer, ...]
    verdicts: dict[str, Result] = field(default_factory=dict, compare=False, repr=False)
    evaluated_on: World | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.title,
            "world": self.world,
            "revision": self.evaluated_on.revision if self.evaluated_on is not None else None,
            "as_of": self.as_of.isoformat(),
            "results": [a.to_json() for a in self.answers],
        }


def question_id(question: m.QuestionBase, position: int) -> str:
    return question.id if question.id is not None else f"q{position + 1}"


def prepare(doc: Document, scenario: m.Scenario, world: World) -> Prepared:
    """Validate a scenario against its world and build its what-if world; all problems at once.

    ``world`` is the one the scenario names (``Workspace.read_scenario`` finds it first, since
    the names a scenario may use are that world's).
    """
    world = base = world.trusting(scenario.trust)
    problems: list[Problem] = []
    for name, items, limit in (("changes", scenario.changes, CHANGES), ("questions", scenario.questions, QUESTIONS)):
        if len(items) > limit.file:
            problems.append(doc.problem("limit.exceeded", f"{len(items)} {name}; the limit is {limit.file}", (name,)))
    if problems:
        raise AccedeError(problems)
    if scenario.amend:
        models = {code: org.model for code, org in world.orgs.items()}
        amended, found = validate_amendments(models, scenario.amend, world.index, doc)
        problems.extend(found)
        if not found:
            world = world.with_rules(amended)
    try:
        changes = ((event, Located(doc, ("changes", k))) for k, event in enumerate(scenario.changes))
        world = world.with_changes(changes, scenario.as_of)
    except AccedeError as exc:
        problems.extend(exc.problems)
    prepared: dict[int, Any] = {}
    seen: set[str] = set()
    for k, question in enumerate(scenario.questions):
        qid = question_id(question, k)
        if qid in seen:
            message = f"question id `{qid}` is used twice"
            problems.append(doc.problem("scenario.duplicate-question", message, ("questions", k, "id")))
        seen.add(qid)
        asked = _asked(world, doc, scenario, question, k, problems=problems)
        prepared[k] = KINDS[question.kind].check(question, asked)
    if problems:
        raise AccedeError(problems)
    return Prepared(scenario, world, doc, prepared, base)


def _asked(
    world: World, doc: Document, scenario: m.Scenario, question: m.QuestionBase, k: int, *, problems: list[Problem]
) -> Asked:
    """A question's view of its scenario: its own date and assumption, or the scenario's."""
    on = question.as_of or scenario.as_of
    return Asked(world, doc, ("questions", k), on, question.assume or scenario.assume, problems)


def run(
    prepared: Prepared, progress: Progress | None = None, select: Callable[[str], bool] | None = None
) -> ScenarioResult:
    """Answer every question of a prepared scenario (``progress`` hears of long sweeps); with
    ``select``, only the questions whose id it accepts (a test run filtered by ``-k``)."""
    scenario = prepared.scenario
    answers: list[Answer] = []
    verdicts: dict[str, Result] = {}
    for k, question in enumerate(scenario.questions):
        qid = question_id(question, k)
        if select is not None and not select(qid):
            continue
        kind = KINDS[question.kind]
        asked = _asked(prepared.world, prepared.doc, scenario, question, k, problems=[])
        result = kind.answer(question, asked, prepared.prepared.get(k), progress)
        verdicts[qid] = result
        expect = kind.expect(question, result) if kind.expect is not None else None
        answers.append(Answer(qid, kind.name, result.to_json(), expect))
    return ScenarioResult(
        scenario.scenario, prepared.world.name, scenario.as_of, tuple(answers), verdicts, prepared.world
    )
