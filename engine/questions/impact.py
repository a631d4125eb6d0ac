"""Impact: every (state, organisation) verdict that a set of changes alters, and how.

Only the pairs the changes can touch are recomputed: ``engine.evaluation.touches`` says which (the
live watcher asks it the same question of every event it reads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import models as m
from engine.common.errors import AccedeError
from engine.compiler.world import World
from engine.evaluation.sweep import matrix
from engine.evaluation.tally import Assume
from engine.evaluation.touches import touched
from engine.evaluation.verdict import MatrixRow
from engine.questions.registry import Asked, Progress, QuestionKind, outcome, register
from engine.reading.loader import Located

__all__ = ["ImpactResult", "impact"]


@dataclass(frozen=True)
class ImpactResult:
    as_of: date
    changed: tuple[tuple[MatrixRow, MatrixRow], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "changed": [
                {
                    "state": before.state,
                    "org": before.org,
                    "before": before.verdict,
                    "after": after.verdict,
                    "failing_before": list(before.failing),
                    "failing_after": list(after.failing),
                }
                for before, after in self.changed
            ],
        }


def impact(
    before: World, after: World, changes: Sequence[m.Event], on: date, *, orgs: Sequence[str] | None, assume: Assume
) -> ImpactResult:
    """Verdicts that differ between ``before`` and ``after`` (the same world plus ``changes``)."""
    scope = [code for code in (orgs or sorted(before.orgs)) if before.orgs[code].version_at(on) is not None]
    reach = touched(before, changes)
    # The sweeps go by state: a state is swept in every organisation, not only those it may move in.
    states, whole_orgs = set(reach.states), reach.orgs
    rows_before: dict[tuple[str, str], MatrixRow] = {}
    rows_after: dict[tuple[str, str], MatrixRow] = {}
    sweeps = [
        ([c for c in scope if c in whole_orgs], None),
        ([c for c in scope if c not in whole_orgs], sorted(states)),
    ]
    for world, rows in ((before, rows_before), (after, rows_after)):
        for org_list, state_list in sweeps:
            if org_list and state_list != []:
                for row in matrix(world, on, orgs=org_list, states=state_list, assume=assume).iter_rows():
                    rows[(row.state, row.org)] = row
    changed = [
        (rows_before[key], rows_after[key])
        for key in sorted(rows_before.keys() & rows_after.keys(), key=lambda k: (k[1], k[0]))
        if (rows_before[key].verdict, rows_before[key].failing) != (rows_after[key].verdict, rows_after[key].failing)
    ]
    return ImpactResult(on, tuple(changed))


def _check(question: m.ImpactQuestion, asked: Asked) -> World | None:
    for j, org in enumerate(question.impact.orgs or ()):
        asked.need_org(org, "impact", "orgs", j)
    located = [
        (event, Located(asked.doc, (*asked.path, "impact", "changes", j)))
        for j, event in enumerate(question.impact.changes)
    ]
    try:
        return asked.world.with_changes(located, asked.on)
    except AccedeError as exc:
        asked.problems.extend(exc.problems)
        return None


def _answer(question: m.ImpactQuestion, asked: Asked, after: World, progress: Progress | None) -> ImpactResult:
    spec = question.impact
    return impact(asked.world, after, spec.changes, asked.on, orgs=spec.orgs, assume=asked.assume)


def _expect(question: m.ImpactQuestion, result: ImpactResult) -> dict[str, Any] | None:
    expect = question.expect
    if expect is None:
        return None
    out: list[str] = []
    rows = result.to_json()["changed"]
    if expect.count is not None and expect.count != len(rows):
        out.append(f"expected {expect.count} changed verdicts, got {len(rows)}")
    for wanted in expect.includes or ():
        if not any(wanted.items() <= row.items() for row in rows):
            out.append(f"expected a change {wanted}")
    return outcome(out)


def _observe(question: m.ImpactQuestion, result: ImpactResult) -> dict[str, Any]:
    rows = result.to_json()["changed"]
    # ``includes`` is rewritten with as many of the current changes as it listed: a sample, not a dump.
    wanted = len(question.expect.includes or ()) if question.expect is not None else 0
    return {"count": len(rows), "includes": rows[: max(wanted, 1)]}


register(QuestionKind("impact", m.ImpactQuestion, _check, _answer, _expect, _observe))
