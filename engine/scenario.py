"""Scenarios: a world, a date, what-if changes and amendments, questions and expectations.

``prepare`` validates a whole scenario against its world and returns every problem at once;
only a prepared scenario is answered. Answering is pure: the baseline world is shared, and each
scenario's changes and amendments live in a new world layered on top of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from engine import models as m
from engine.checks import Change, event_change
from engine.errors import AccedeError, Problem, did_you_mean
from engine.evaluate import join, matrix
from engine.loader import Located, inline_world
from engine.rulebook import amend_org, compile_org, validate_orgs
from engine.world import World, compile_world, event_problems
from engine.yamlio import Document

__all__ = ["Answer", "Prepared", "ScenarioResult", "check_expectation", "prepare", "run"]

#: Most changes one scenario may add, and most questions it may ask (documented limits).
MAX_CHANGES = 1_000
MAX_QUESTIONS = 500

WorldResolver = Callable[[str, Path | None, Document], World]


@dataclass(frozen=True)
class Prepared:
    """A validated scenario with its what-if world built."""

    scenario: m.Scenario
    world: World
    doc: Document
    forbids: dict[int, tuple[Change, ...]] = field(default_factory=dict)


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
    verdicts: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    evaluated_on: World | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.title,
            "world": self.world,
            "as_of": self.as_of.isoformat(),
            "results": [a.to_json() for a in self.answers],
        }


def question_id(question: Any, position: int) -> str:
    return question.id if question.id is not None else f"q{position + 1}"


def prepare(doc: Document, scenario: m.Scenario, resolve: WorldResolver, base_dir: Path | None) -> Prepared:
    """Validate a scenario against its world and build its what-if world; all problems at once."""
    if isinstance(scenario.world, m.WorldFile):
        world = compile_world(inline_world(doc, scenario.world))
    else:
        world = resolve(scenario.world, base_dir, doc)
    problems: list[Problem] = []
    if len(scenario.changes) > MAX_CHANGES:
        problems.append(
            doc.problem("limit.exceeded", f"{len(scenario.changes)} changes; the limit is {MAX_CHANGES}", ("changes",))
        )
    if len(scenario.questions) > MAX_QUESTIONS:
        problems.append(
            doc.problem(
                "limit.exceeded", f"{len(scenario.questions)} questions; the limit is {MAX_QUESTIONS}", ("questions",)
            )
        )
    if problems:
        raise AccedeError(problems)
    if scenario.amend:
        world = _amend(world, scenario, doc, problems)
    try:
        world = world.with_changes(
            ((event, Located(doc, ("changes", k))) for k, event in enumerate(scenario.changes)), scenario.as_of
        )
    except AccedeError as exc:
        problems.extend(exc.problems)
    forbids: dict[int, tuple[Change, ...]] = {}
    seen: dict[str, int] = {}
    for k, question in enumerate(scenario.questions):
        base = ("questions", k)
        qid = question_id(question, k)
        if qid in seen:
            problems.append(
                doc.problem("scenario.duplicate-question", f"question id `{qid}` is used twice", (*base, "id"))
            )
        seen[qid] = k
        on = question.as_of or scenario.as_of if not isinstance(question, m.PendingQuestion) else scenario.as_of
        if isinstance(question, m.PendingQuestion):
            kind = next(key for key in (question.model_extra or {}) if key in m.QUESTION_KINDS)
            problems.append(
                doc.problem(
                    "scenario.unsupported-question",
                    f"`{kind}` questions are not supported yet; this version answers `join` and `matrix`",
                    (*base, kind),
                )
            )
        elif isinstance(question, m.JoinQuestion):
            spec = question.join
            _need_state(world, spec.state, doc, (*base, "join", "state"), problems)
            if _need_org(world, spec.org, on, doc, (*base, "join", "org"), problems=problems):
                known = world.orgs[spec.org].condition_ids()
                if question.expect is not None:
                    for name in ("failing", "holding"):
                        for j, cid in enumerate(getattr(question.expect, name) or ()):
                            if cid not in known:
                                problems.append(
                                    doc.problem(
                                        "scenario.unknown-condition",
                                        f"the {spec.org} rules have no condition `{cid}`{did_you_mean(cid, known)}",
                                        (*base, "expect", name, j),
                                    )
                                )
            forbid: list[Change] = []
            for j, event in enumerate(spec.forbid):
                loc = Located(doc, (*base, "join", "forbid", j))
                found = event_problems(event, loc, world.index, {c: o.model for c, o in world.orgs.items()}, False)
                problems.extend(found)
                change = event_change(event)
                if change is not None:
                    forbid.append(change)
            forbids[k] = tuple(forbid)
        elif isinstance(question, m.MatrixQuestion):
            for j, org in enumerate(question.matrix.orgs or ()):
                _need_org(world, org, on, doc, (*base, "matrix", "orgs", j), problems=problems)
            for j, state in enumerate(question.matrix.states or ()):
                _need_state(world, state, doc, (*base, "matrix", "states", j), problems)
    if problems:
        raise AccedeError(problems)
    return Prepared(scenario, world, doc, forbids)


def _need_state(world: World, code: str, doc: Document, path: tuple[str | int, ...], problems: list[Problem]) -> bool:
    if code in world.index:
        return True
    problems.append(
        doc.problem("world.unknown-state", f"unknown state `{code}`{did_you_mean(code, world.index)}", path)
    )
    return False


def _need_org(
    world: World, code: str, on: date, doc: Document, path: tuple[str | int, ...], *, problems: list[Problem]
) -> bool:
    org = world.orgs.get(code)
    if org is None:
        problems.append(
            doc.problem("world.unknown-org", f"unknown organisation `{code}`{did_you_mean(code, world.orgs)}", path)
        )
        return False
    first = org.first_date
    if first is None:
        problems.append(doc.problem("scenario.no-rules", f"the {code} has no accession rules to evaluate", path))
        return False
    if on < first:
        problems.append(
            doc.problem(
                "scenario.before-rules",
                f"the question is dated {on.isoformat()}, before the {code} rules are in force "
                f"(from {first.isoformat()})",
                path,
            )
        )
        return False
    return True


def _amend(world: World, scenario: m.Scenario, doc: Document, problems: list[Problem]) -> World:
    amended: dict[str, m.Organization] = {}
    for code, amendment in scenario.amend.items():
        if code not in world.orgs:
            problems.append(
                doc.problem(
                    "world.unknown-org",
                    f"unknown organisation `{code}`{did_you_mean(code, world.orgs)}",
                    ("amend", code),
                )
            )
            continue
        org, unknown = amend_org(world.orgs[code].model, amendment)
        known = world.orgs[code].condition_ids()
        for cid in unknown:
            problems.append(
                doc.problem(
                    "scenario.unknown-condition",
                    f"cannot drop `{cid}`: the {code} rules have no such condition{did_you_mean(cid, known)}",
                    ("amend", code, "drop"),
                )
            )
        amended[code] = org
    models = {c: o.model for c, o in world.orgs.items()} | amended
    reporters = {
        c: (lambda code, msg, path=(), rule_id=None, c=c: doc.problem(code, msg, ("amend", c), rule_id)) for c in models
    }
    found = [p for p in validate_orgs(models, reporters, world.index) if p.file == doc.file]
    problems.extend(found)
    if found:
        return world
    return world.with_orgs({code: compile_org(org) for code, org in amended.items()})


def check_expectation(expect: m.Expectation, verdict: Any) -> dict[str, Any]:
    """Compare a verdict with what the analyst expected; one readable line per mismatch."""
    mismatches: list[str] = []
    if expect.verdict is not None and expect.verdict != verdict.verdict:
        mismatches.append(f"expected verdict {expect.verdict}, got {verdict.verdict}")
    if expect.failing is not None and set(expect.failing) != set(verdict.failing):
        want = ", ".join(sorted(expect.failing)) or "none"
        got = ", ".join(verdict.failing) or "none"
        mismatches.append(f"expected failing [{want}], got [{got}]")
    if expect.holding is not None:
        for cid in expect.holding:
            if cid not in verdict.holding:
                outcome = next((c.outcome for c in verdict.conditions if c.id == cid), "absent")
                mismatches.append(
                    f"expected `{cid}` to hold, it {outcome if outcome != 'absent' else 'is not in force'}"
                )
    return {"passed": not mismatches, "mismatches": mismatches}


def run(prepared: Prepared) -> ScenarioResult:
    """Answer every question of a prepared scenario."""
    scenario = prepared.scenario
    answers: list[Answer] = []
    verdicts: dict[str, Any] = {}
    for k, question in enumerate(scenario.questions):
        qid = question_id(question, k)
        on = question.as_of or scenario.as_of  # type: ignore[union-attr]
        assume = question.assume or scenario.assume  # type: ignore[union-attr]
        if isinstance(question, m.JoinQuestion):
            spec = question.join
            verdict = join(prepared.world, spec.state, spec.org, on, assume=assume, forbid=prepared.forbids.get(k, ()))
            verdicts[qid] = verdict
            expect = check_expectation(question.expect, verdict) if question.expect is not None else None
            answers.append(Answer(qid, "join", verdict.to_json(), expect))
        elif isinstance(question, m.MatrixQuestion):
            spec_m = question.matrix
            result = matrix(prepared.world, on, orgs=spec_m.orgs, states=spec_m.states, assume=assume)
            verdicts[qid] = result
            answers.append(Answer(qid, "matrix", result.to_json()))
    return ScenarioResult(
        scenario.scenario, prepared.world.name, scenario.as_of, tuple(answers), verdicts, prepared.world
    )


def questions_with_expectations(scenario: m.Scenario) -> Sequence[int]:
    return [k for k, q in enumerate(scenario.questions) if getattr(q, "expect", None) is not None]
