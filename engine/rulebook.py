"""Organisations' rule sets: validated against the world, versioned by date, compiled once.

A version is in force from its ``valid_from`` until the next version's ``valid_from`` (or its own
``valid_until``). Conditions inherit their source from the version, then the file, so every
condition in a verdict names the document it encodes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Any

from engine import models as m
from engine.checks import CompiledCheck, compile_check
from engine.errors import Problem, did_you_mean

__all__ = ["CompiledCondition", "CompiledOrg", "CompiledVersion", "amend_org", "compile_org", "validate_orgs"]

Report = Callable[..., Problem]


@dataclass(frozen=True, eq=False)
class CompiledCondition:
    id: str
    text: str
    source: str | None
    confidence: str | None
    check: CompiledCheck


@dataclass(frozen=True, eq=False)
class CompiledVersion:
    valid_from: date
    valid_until: date | None
    conditions: tuple[CompiledCondition, ...]
    decision: tuple[m.Stage, ...]

    def covers(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on < self.valid_until)


@dataclass(frozen=True, eq=False)
class CompiledOrg:
    code: str
    name: str
    source: str | None
    statuses: frozenset[str]
    versions: tuple[CompiledVersion, ...]
    model: m.Organization

    def version_at(self, on: date) -> CompiledVersion | None:
        for version in reversed(self.versions):
            if version.covers(on):
                return version
        return None

    @property
    def first_date(self) -> date | None:
        return self.versions[0].valid_from if self.versions else None

    def condition_ids(self) -> frozenset[str]:
        return frozenset(c.id for v in self.versions for c in v.conditions)


def compile_org(org: m.Organization) -> CompiledOrg:
    ordered = sorted(org.versions, key=lambda v: v.valid_from)
    versions = []
    for k, version in enumerate(ordered):
        nxt = ordered[k + 1].valid_from if k + 1 < len(ordered) else None
        until = min((d for d in (version.valid_until, nxt) if d is not None), default=None)
        conditions = tuple(
            CompiledCondition(
                c.id,
                c.text,
                c.source or version.source or org.source,
                c.confidence,
                compile_check(c.check),
            )
            for c in version.conditions
        )
        versions.append(CompiledVersion(version.valid_from, until, conditions, version.decision))
    return CompiledOrg(org.code, org.name, org.source, frozenset(org.statuses), tuple(versions), org)


def _walk(check: Any, path: tuple[str | int, ...]) -> Iterable[tuple[Any, tuple[str | int, ...]]]:
    yield check, path
    if isinstance(check, m.AllOf):
        for k, part in enumerate(check.all):
            yield from _walk(part, (*path, "all", k))
    elif isinstance(check, m.AnyOf):
        for k, part in enumerate(check.any):
            yield from _walk(part, (*path, "any", k))
    elif isinstance(check, m.Not):
        yield from _walk(check.not_, (*path, "not"))


def _group_refs(group: m.Group) -> tuple[list[str], list[str]]:
    if group.kind == "members_of" and group.org:
        return [], [group.org]
    return list(group.states), []


def validate_orgs(
    orgs: Mapping[str, m.Organization],
    reporters: Mapping[str, Report],
    states: Iterable[str],
) -> list[Problem]:
    """Every semantic problem of every rule set at once: ids, versions, references, cycles."""
    known_states = frozenset(states)
    problems: list[Problem] = []
    edges: dict[str, set[str]] = {code: set() for code in orgs}
    for code, org in orgs.items():
        report = reporters[code]

        def need_state(state: str, path: tuple[str | int, ...], rule_id: str | None, report: Report = report) -> None:
            if state not in known_states:
                problems.append(
                    report(
                        "world.unknown-state",
                        f"unknown state `{state}`{did_you_mean(state, known_states)}",
                        path,
                        rule_id,
                    )
                )

        def need_org(
            target: str, path: tuple[str | int, ...], rule_id: str | None, report: Report = report, code: str = code
        ) -> bool:
            if target not in orgs:
                problems.append(
                    report(
                        "world.unknown-org",
                        f"unknown organisation `{target}`{did_you_mean(target, orgs)}",
                        path,
                        rule_id,
                    )
                )
                return False
            if target != code:
                edges[code].add(target)
            return True

        def need_group(group: m.Group, path: tuple[str | int, ...], rule_id: str | None) -> None:
            group_states, group_orgs = _group_refs(group)
            for k, state in enumerate(group_states):
                need_state(state, (*path, k), rule_id)
            for target in group_orgs:
                need_org(target, (*path, "members_of"), rule_id)

        order = sorted(range(len(org.versions)), key=lambda k: org.versions[k].valid_from)
        for prev, cur in pairwise(order):
            before, version = org.versions[prev], org.versions[cur]
            if version.valid_from == before.valid_from or (
                before.valid_until is not None and before.valid_until > version.valid_from
            ):
                problems.append(
                    report(
                        "rule.overlapping-versions",
                        f"the version from {version.valid_from.isoformat()} overlaps the version from "
                        f"{before.valid_from.isoformat()}",
                        ("versions", cur, "valid_from"),
                    )
                )
        for v, version in enumerate(org.versions):
            if version.valid_until is not None and version.valid_until <= version.valid_from:
                problems.append(
                    report(
                        "schema.invalid-value",
                        "`valid_until` is not after `valid_from`",
                        ("versions", v, "valid_until"),
                    )
                )
            seen: set[str] = set()
            for c, condition in enumerate(version.conditions):
                base = ("versions", v, "conditions", c)
                if condition.id in seen:
                    problems.append(
                        report(
                            "rule.duplicate-condition",
                            f"condition id `{condition.id}` is used twice in this version",
                            (*base, "id"),
                            condition.id,
                        )
                    )
                seen.add(condition.id)
                for check, path in _walk(condition.check, (*base, "check")):
                    _check_refs(
                        check,
                        path,
                        condition.id,
                        orgs=orgs,
                        code=code,
                        need_group=need_group,
                        need_org=need_org,
                        report=report,
                        problems=problems,
                    )
            for s, stage in enumerate(version.decision):
                need_group(stage.by, ("versions", v, "decision", s, "by"), None)
                if stage.veto is not None:
                    need_group(stage.veto, ("versions", v, "decision", s, "veto"), None)
    problems.extend(_cycles(edges, reporters))
    return problems


def _check_refs(
    check: Any,
    path: tuple[str | int, ...],
    rule_id: str,
    *,
    orgs: Mapping[str, m.Organization],
    code: str,
    need_group: Callable[..., None],
    need_org: Callable[..., bool],
    report: Report,
    problems: list[Problem],
) -> None:
    for attr in ("relations_with", "recognized_by", "no_conflict_with"):
        group = getattr(check, attr, None)
        if isinstance(group, m.Group):
            need_group(group, (*path, attr), rule_id)
    if isinstance(check, m.MemberOf):
        need_org(check.member_of, (*path, "member_of"), rule_id)
    if isinstance(check, m.StatusIn):
        spec = check.status_in
        target, statuses = (spec.in_, spec.status) if isinstance(spec, m.StatusInOrg) else (code, spec)
        if need_org(target, (*path, "status_in"), rule_id):
            declared = orgs[target].statuses
            for status in statuses:
                if status not in declared:
                    problems.append(
                        report(
                            "rule.unknown-status",
                            f"condition `{rule_id}` names status `{status}`, which the {target} does not declare"
                            f"{did_you_mean(status, declared)}",
                            (*path, "status_in"),
                            rule_id,
                        )
                    )


def _cycles(edges: dict[str, set[str]], reporters: Mapping[str, Report]) -> list[Problem]:
    """Organisations whose admission turns on membership of each other can never admit anyone."""
    problems: list[Problem] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = [*stack[stack.index(nxt) :], nxt]
                problems.append(
                    reporters[node](
                        "rule.members-of-cycle",
                        "organisations refer to each other's members in a cycle: " + " -> ".join(cycle),
                        ("versions",),
                    )
                )
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return problems


def amend_org(org: m.Organization, amendment: m.Amendment) -> tuple[m.Organization, list[str]]:
    """The organisation with a scenario's amendment applied to every version; unknown ids returned."""
    known = {c.id for v in org.versions for c in v.conditions}
    unknown = [i for i in amendment.drop if i not in known]
    dropped = set(amendment.drop)
    versions = []
    for version in org.versions:
        conditions = tuple(c for c in version.conditions if c.id not in dropped) + amendment.add
        decision = amendment.replace.decision if amendment.replace is not None else version.decision
        versions.append(version.model_copy(update={"conditions": conditions, "decision": decision}))
    return org.model_copy(update={"versions": tuple(versions)}), unknown
