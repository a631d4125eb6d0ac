"""Rule coverage: which outcomes of which conditions and decision stages the tests saw.

Counted from the tested answers' JSON, as a reader of ``accede run --json`` would count them, so
the report cannot disagree with the answers: a ``join`` lists each condition's outcome and each
stage's; a ``matrix`` row and a ``timeline`` interval list the failing and unknown ids, and every
other condition of the rule version in force that day held. ``order``, ``impact``, ``leverage``
and ``earliest`` answers name no condition outcomes and are not counted.

A condition is *remediable* when some change can make it hold (any part of it other than a
region); those must be seen both holding and failing for full coverage, since a test that never
sees a condition fail cannot notice it stop failing. Irremediable ones and stages are reported,
and do not count towards the percentage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.compiler.checks import AllOf, AnyOf, CompiledCheck, Not, RegionIn
from engine.compiler.rulebook import Rulebook

__all__ = ["ConditionCoverage", "Coverage", "StageCoverage", "coverage", "remediable"]

REQUIRED = ("holds", "fails")


def remediable(check: CompiledCheck) -> bool:
    """Whether some change could make the check hold: any leaf other than a region."""
    if isinstance(check, AllOf | AnyOf):
        return any(remediable(p) for p in check.parts)
    if isinstance(check, Not):
        return remediable(check.inner)
    return not isinstance(check, RegionIn)


@dataclass(frozen=True)
class ConditionCoverage:
    org: str
    id: str
    remediable: bool
    seen: frozenset[str]

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(o for o in REQUIRED if o not in self.seen) if self.remediable else ()

    def to_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "id": self.id,
            "remediable": self.remediable,
            **{outcome: outcome in self.seen for outcome in ("holds", "fails", "unknown")},
            "missing": list(self.missing),
        }


@dataclass(frozen=True)
class StageCoverage:
    org: str
    stage: str
    seen: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        return {"org": self.org, "stage": self.stage, **{o: o in self.seen for o in ("passes", "fails", "unknown")}}


@dataclass(frozen=True)
class Coverage:
    conditions: tuple[ConditionCoverage, ...]
    stages: tuple[StageCoverage, ...]

    @property
    def required(self) -> int:
        return sum(len(REQUIRED) for c in self.conditions if c.remediable)

    @property
    def covered(self) -> int:
        return self.required - sum(len(c.missing) for c in self.conditions)

    @property
    def percent(self) -> float:
        return 100.0 if not self.required else 100.0 * self.covered / self.required

    def to_json(self) -> dict[str, Any]:
        return {
            "percent": round(self.percent, 2),
            "covered": self.covered,
            "required": self.required,
            "conditions": [c.to_json() for c in self.conditions],
            "stages": [s.to_json() for s in self.stages],
        }


def _in_force(rules: Rulebook, org: str, on: str) -> tuple[str, ...]:
    compiled = rules.orgs.get(org)
    version = compiled.version_at(date.fromisoformat(on)) if compiled is not None else None
    return tuple(c.id for c in version.conditions) if version is not None else ()


def _listed(seen: dict[tuple[str, str], set[str]], rules: Rulebook, org: str, on: str, item: dict[str, Any]) -> None:
    """A matrix row or timeline interval: failing and unknown ids listed, the rest of its version held."""
    if item.get("verdict") == "member":
        return
    failing, unknown = set(item.get("failing", ())), set(item.get("unknown", ()))
    for cid in _in_force(rules, org, on):
        seen[(org, cid)].add("fails" if cid in failing else "unknown" if cid in unknown else "holds")


def coverage(answers: Iterable[dict[str, Any]], rules: Rulebook) -> Coverage:
    """Coverage of ``rules`` by answers in their JSON shape (``Answer.to_json()``).

    The organisations reported are those the answers are about: a suite for one organisation is
    not measured against every other.
    """
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    stages: dict[tuple[str, str], set[str]] = defaultdict(set)
    asked: set[str] = set()
    for body in answers:
        kind = body.get("kind")
        if kind == "join":
            asked.add(body["org"])
            for condition in body.get("conditions", ()):
                seen[(body["org"], condition["id"])].add(condition["outcome"])
            for stage in (body.get("decision") or {}).get("stages", ()):
                stages[(body["org"], stage["name"])].add(stage["outcome"])
        elif kind == "matrix":
            for row in body.get("rows", ()):
                asked.add(row["org"])
                _listed(seen, rules, row["org"], body["as_of"], row)
        elif kind == "timeline":
            asked.add(body["org"])
            for interval in body.get("intervals", ()):
                _listed(seen, rules, body["org"], interval["from"], interval)
    conditions = []
    for org in sorted(asked & rules.orgs.keys()):
        checks: dict[str, bool] = {}
        for version in rules.orgs[org].versions:
            for condition in version.conditions:
                checks[condition.id] = checks.get(condition.id, False) or remediable(condition.check)
        for cid, can in checks.items():
            conditions.append(ConditionCoverage(org, cid, can, frozenset(seen.get((org, cid), ()))))
    staged = [StageCoverage(org, name, frozenset(found)) for (org, name), found in sorted(stages.items())]
    return Coverage(tuple(conditions), tuple(staged))
