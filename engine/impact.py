"""Impact: every (state, organisation) verdict that a set of changes alters, and how.

Only the pairs the changes can touch are recomputed. A verdict for (X, O) reads facts that name X
(its relations, recognitions, conflicts, sanctions, assessments, statuses, the stances on its bid)
and the membership of O and of the organisations O's rules name. So a change touches its parties
everywhere, and every applicant of an organisation whose membership it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import models as m
from engine.evaluate import Assume, matrix
from engine.verdict import MatrixRow
from engine.world import World

__all__ = ["ImpactResult", "impact", "referenced_orgs"]


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


def referenced_orgs(world: World) -> dict[str, set[str]]:
    """For each organisation, the organisations whose members its rules or decisions name."""
    out: dict[str, set[str]] = {code: set() for code in world.orgs}
    for code, org in world.orgs.items():
        for version in org.model.versions:
            groups = [s.by for s in version.decision] + [s.veto for s in version.decision if s.veto]
            for group in groups:
                if group.kind == "members_of" and group.org:
                    out[code].add(group.org)
            for condition in version.conditions:
                for found in _orgs_in(condition.check):
                    out[code].add(found)
    return out


def _orgs_in(check: Any) -> list[str]:
    found: list[str] = []
    if isinstance(check, m.MemberOf):
        found.append(check.member_of)
    if isinstance(check, m.StatusIn) and isinstance(check.status_in, m.StatusInOrg):
        found.append(check.status_in.in_)
    for attr in ("relations_with", "recognized_by", "no_conflict_with"):
        group = getattr(check, attr, None)
        if isinstance(group, m.Group) and group.kind == "members_of" and group.org:
            found.append(group.org)
    for part in getattr(check, "all", ()) or getattr(check, "any", ()) or ():
        found.extend(_orgs_in(part))
    if isinstance(check, m.Not):
        found.extend(_orgs_in(check.not_))
    return found


def _touched(world: World, changes: Sequence[Any]) -> tuple[set[str], set[str]]:
    """States whose every verdict may change, and organisations whose every applicant's may."""
    states: set[str] = set()
    orgs: set[str] = set()
    refs = referenced_orgs(world)
    for event in changes:
        verb = event.verb
        if verb in ("establish", "sever", "conflict", "end_conflict"):
            states.update(getattr(event, verb))
        elif verb in ("recognize", "withdraw_recognition"):
            states.update((getattr(event, verb), event.by))
        elif verb in ("admit", "leave"):
            state, org = (event.admit, event.to) if verb == "admit" else (event.leave, event.from_)
            states.add(state)
            orgs.add(org)
            orgs.update(code for code, named in refs.items() if org in named)
        elif verb in ("sanction", "lift_sanctions") or verb in ("support", "oppose", "abstain"):
            states.add(getattr(event, verb))
        elif verb == "assess":
            states.add(event.of)
    return states, orgs


def impact(
    before: World, after: World, changes: Sequence[Any], on: date, *, orgs: Sequence[str] | None, assume: Assume
) -> ImpactResult:
    """Verdicts that differ between ``before`` and ``after`` (the same world plus ``changes``)."""
    scope = [code for code in (orgs or sorted(before.orgs)) if before.orgs[code].version_at(on) is not None]
    states, whole_orgs = _touched(before, changes)
    rows_before: dict[tuple[str, str], MatrixRow] = {}
    rows_after: dict[tuple[str, str], MatrixRow] = {}
    sweeps = [
        ([c for c in scope if c in whole_orgs], None),
        ([c for c in scope if c not in whole_orgs], sorted(states)),
    ]
    for world, rows in ((before, rows_before), (after, rows_after)):
        for org_list, state_list in sweeps:
            if org_list and state_list != []:
                for row in matrix(world, on, orgs=org_list, states=state_list, assume=assume).rows:
                    rows[(row.state, row.org)] = row
    changed = [
        (rows_before[key], rows_after[key])
        for key in sorted(rows_before.keys() & rows_after.keys(), key=lambda k: (k[1], k[0]))
        if (rows_before[key].verdict, rows_before[key].failing) != (rows_after[key].verdict, rows_after[key].failing)
    ]
    return ImpactResult(on, tuple(changed))
