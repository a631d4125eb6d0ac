"""Organisations' rule sets, versioned by date and compiled once: the rulebook a World pairs with facts.

A version is in force from its ``valid_from`` until the next version's ``valid_from`` (or its own
``valid_until``). Conditions inherit their source from the version, then the file, so every
condition in a verdict names the document it encodes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from engine import models as m
from engine.compiler.checks import CompiledCheck, compile_check

__all__ = ["CompiledCondition", "CompiledOrg", "CompiledVersion", "Rulebook", "compile_org", "compile_rulebook"]


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

    def periods(self) -> list[tuple[date, date | None]]:
        """The periods rules are in force, adjacent versions merged: [(from, until or None)]."""
        out: list[tuple[date, date | None]] = []
        for version in self.versions:
            if out and out[-1][1] == version.valid_from:
                out[-1] = (out[-1][0], version.valid_until)
            else:
                out.append((version.valid_from, version.valid_until))
        return out

    def uncovered(self, start: date, until: date) -> date | None:
        """The first date of [start, until) on which no rules are in force, if any."""
        day = start
        for begin, end in self.periods():
            if day < begin:
                return day
            if end is None or end > day:
                if end is None or end >= until:
                    return None
                day = end
        return day if day < until else None

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


def _orgs_in_check(check: m.Check) -> Iterator[str]:
    if isinstance(check, m.MemberOf):
        yield check.member_of
    elif isinstance(check, m.StatusIn) and isinstance(check.status_in, m.StatusInOrg):
        yield check.status_in.in_
    elif isinstance(check, m.RelationsWith | m.RecognizedBy | m.NoConflictWith):
        group = (
            check.relations_with
            if isinstance(check, m.RelationsWith)
            else (check.recognized_by if isinstance(check, m.RecognizedBy) else check.no_conflict_with)
        )
        if group.kind == "members_of" and group.org:
            yield group.org
    elif isinstance(check, m.AllOf | m.AnyOf):
        for part in check.all if isinstance(check, m.AllOf) else check.any:
            yield from _orgs_in_check(part)
    elif isinstance(check, m.Not):
        yield from _orgs_in_check(check.not_)


def _orgs_named(org: m.Organization) -> frozenset[str]:
    """The organisations whose members an organisation's rules or decisions name (itself aside)."""
    out: set[str] = set()
    for version in org.versions:
        for stage in version.decision:
            for group in (stage.by, stage.veto):
                if group is not None and group.kind == "members_of" and group.org:
                    out.add(group.org)
        for condition in version.conditions:
            out.update(_orgs_in_check(condition.check))
    out.discard(org.code)
    return frozenset(out)


@dataclass(frozen=True, eq=False)
class Rulebook:
    """Every organisation's compiled rules, and which organisations each one's rules name.

    ``names[O]`` is computed once: a change of membership in an organisation that O's rules
    name can change every verdict for O (impact, earliest and the watcher read it).
    """

    orgs: Mapping[str, CompiledOrg]
    names: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __contains__(self, code: object) -> bool:
        return code in self.orgs

    def readers_of(self, org: str) -> frozenset[str]:
        """Organisations whose verdicts read the membership of ``org`` (itself included)."""
        return frozenset({org, *(code for code, named in self.names.items() if org in named)})

    def amended(self, orgs: Mapping[str, m.Organization]) -> Rulebook:
        """This rulebook with some organisations' rules replaced (a what-if on the rules themselves)."""
        return compile_rulebook({**{c: o.model for c, o in self.orgs.items()}, **orgs}, reuse=self)


def compile_rulebook(models: Mapping[str, m.Organization], reuse: Rulebook | None = None) -> Rulebook:
    """Compile every organisation's rules (reusing the compiled form of those ``reuse`` holds unchanged)."""
    orgs: dict[str, CompiledOrg] = {}
    for code, model in models.items():
        kept = reuse.orgs.get(code) if reuse is not None else None
        orgs[code] = kept if kept is not None and kept.model is model else compile_org(model)
    return Rulebook(orgs, {code: _orgs_named(model) for code, model in models.items()})
