"""Scenarios: a world, a date, what-if changes and amendments, questions and expectations.

``prepare`` validates a whole scenario against its world and returns every problem at once;
only a prepared scenario is answered. Answering is pure: the baseline world is shared, and each
scenario's changes and amendments live in a new world layered on top of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from engine import models as m
from engine.checks import Change, event_change
from engine.earliest import EarliestResult, earliest
from engine.errors import AccedeError, Problem, did_you_mean
from engine.evaluate import join, matrix
from engine.impact import ImpactResult, impact
from engine.leverage import LeverageResult, leverage
from engine.loader import Located, inline_world
from engine.order import OrderResult, admission_orders
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
    afters: dict[int, World] = field(default_factory=dict)  # impact questions: the world with their changes


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
    afters: dict[int, World] = {}
    seen: dict[str, int] = {}
    for k, question in enumerate(scenario.questions):
        base = ("questions", k)
        qid = question_id(question, k)
        if qid in seen:
            problems.append(
                doc.problem("scenario.duplicate-question", f"question id `{qid}` is used twice", (*base, "id"))
            )
        seen[qid] = k
        on = question.as_of or scenario.as_of
        if isinstance(question, m.JoinQuestion):
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
        elif isinstance(question, m.OrderQuestion):
            spec_o = question.order
            if _need_org(world, spec_o.org, on, doc, (*base, "order", "org"), problems=problems):
                members = world.as_of(on).members(spec_o.org)
                for j, state in enumerate(spec_o.applicants):
                    where = (*base, "order", "applicants", j)
                    if not _need_state(world, state, doc, where, problems):
                        continue
                    if spec_o.applicants.index(state) != j:
                        problems.append(doc.problem("scenario.invalid-question", f"`{state}` is listed twice", where))
                    elif members >> world.index[state] & 1:
                        message = f"`{state}` is already a member of the {spec_o.org} on {on.isoformat()}"
                        problems.append(doc.problem("scenario.invalid-question", message, where))
        elif isinstance(question, m.ImpactQuestion):
            for j, org in enumerate(question.impact.orgs or ()):
                _need_org(world, org, on, doc, (*base, "impact", "orgs", j), problems=problems)
            located = [
                (event, Located(doc, (*base, "impact", "changes", j)))
                for j, event in enumerate(question.impact.changes)
            ]
            try:
                afters[k] = world.with_changes(located, on)
            except AccedeError as exc:
                problems.extend(exc.problems)
        elif isinstance(question, m.LeverageQuestion):
            for j, org in enumerate(question.leverage.orgs or ()):
                _need_org(world, org, on, doc, (*base, "leverage", "orgs", j), problems=problems)
        elif isinstance(question, m.EarliestQuestion):
            spec_e = question.earliest
            start = spec_e.from_ or on
            _need_state(world, spec_e.state, doc, (*base, "earliest", "state"), problems)
            _need_org(world, spec_e.org, start, doc, (*base, "earliest", "org"), problems=problems)
    if problems:
        raise AccedeError(problems)
    return Prepared(scenario, world, doc, forbids, afters)


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


def run(prepared: Prepared, progress: Callable[[int, int], None] | None = None) -> ScenarioResult:
    """Answer every question of a prepared scenario (``progress`` hears of long sweeps)."""
    scenario = prepared.scenario
    answers: list[Answer] = []
    verdicts: dict[str, Any] = {}
    for k, question in enumerate(scenario.questions):
        qid = question_id(question, k)
        on = question.as_of or scenario.as_of
        assume = question.assume or scenario.assume
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
        elif isinstance(question, m.OrderQuestion):
            ordered = admission_orders(prepared.world, question.order.org, question.order.applicants, on, assume)
            verdicts[qid] = ordered
            check = _expect_order(question.expect, ordered) if question.expect is not None else None
            answers.append(Answer(qid, "order", ordered.to_json(), check))
        elif isinstance(question, m.ImpactQuestion):
            after = prepared.afters[k]
            changed = impact(
                prepared.world, after, question.impact.changes, on, orgs=question.impact.orgs, assume=assume
            )
            verdicts[qid] = changed
            check = _expect_impact(question.expect, changed) if question.expect is not None else None
            answers.append(Answer(qid, "impact", changed.to_json(), check))
        elif isinstance(question, m.LeverageQuestion):
            spec_l = question.leverage
            ranked = leverage(
                prepared.world,
                on,
                orgs=spec_l.orgs,
                kinds=spec_l.kinds,
                limit=spec_l.limit,
                assume=assume,
                progress=progress,
            )
            verdicts[qid] = ranked
            check = _expect_leverage(question.expect, ranked) if question.expect is not None else None
            answers.append(Answer(qid, "leverage", ranked.to_json(), check))
        elif isinstance(question, m.EarliestQuestion):
            spec_e = question.earliest
            found = earliest(prepared.world, spec_e.state, spec_e.org, spec_e.from_ or on, assume)
            verdicts[qid] = found
            check = _expect_earliest(question.expect, found) if question.expect is not None else None
            answers.append(Answer(qid, "earliest", found.to_json(), check))
    return ScenarioResult(
        scenario.scenario, prepared.world.name, scenario.as_of, tuple(answers), verdicts, prepared.world
    )


def _verdict_of(passed: list[str]) -> dict[str, Any]:
    return {"passed": not passed, "mismatches": passed}


def _expect_order(expect: m.OrderExpectation, result: OrderResult) -> dict[str, Any]:
    out: list[str] = []
    if expect.largest is not None and expect.largest != result.largest:
        out.append(f"expected largest {expect.largest}, got {result.largest}")
    for order in expect.includes or ():
        if tuple(order) not in result.feasible:
            out.append(f"expected the order {' > '.join(order)} to be feasible")
    pairs = {(a, b) for a, b, _ in result.conflicts}
    for first, then in expect.conflicts or ():
        if (first, then) not in pairs:
            out.append(f"expected admitting {first} to block {then}")
    return _verdict_of(out)


def _expect_impact(expect: m.ImpactExpectation, result: ImpactResult) -> dict[str, Any]:
    out: list[str] = []
    rows = result.to_json()["changed"]
    if expect.count is not None and expect.count != len(rows):
        out.append(f"expected {expect.count} changed verdicts, got {len(rows)}")
    for wanted in expect.includes or ():
        if not any(wanted.items() <= row.items() for row in rows):
            out.append(f"expected a change {wanted}")
    return _verdict_of(out)


def _same_change(a: dict[str, Any], b: dict[str, Any]) -> bool:
    strip = {k: v for k, v in a.items() if k != "on"}, {k: v for k, v in b.items() if k != "on"}
    if "establish" in strip[0] and "establish" in strip[1]:
        return sorted(strip[0]["establish"]) == sorted(strip[1]["establish"])
    return strip[0] == strip[1]


def _expect_leverage(expect: m.LeverageExpectation, result: LeverageResult) -> dict[str, Any]:
    out: list[str] = []
    changes = [change for change, _ in result.ranking]
    if expect.first is not None and not (changes and _same_change(expect.first, changes[0])):
        out.append(f"expected {expect.first} first, got {changes[0] if changes else 'nothing'}")
    for wanted in expect.includes or ():
        if not any(_same_change(wanted, c) for c in changes):
            out.append(f"expected {wanted} in the ranking")
    return _verdict_of(out)


def _expect_earliest(expect: m.EarliestExpectation, result: EarliestResult) -> dict[str, Any]:
    out: list[str] = []
    if expect.date is not None and expect.date != result.found:
        out.append(f"expected {expect.date.isoformat()}, got {result.found.isoformat() if result.found else 'never'}")
    if expect.never and result.found is not None:
        out.append(f"expected never, got {result.found.isoformat()}")
    return _verdict_of(out)
