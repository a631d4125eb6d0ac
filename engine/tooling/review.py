"""What a reviewer of rules and tests wants pointed out (``accede lint --strict``): nothing here is
an error, and every warning says where and why.

* a condition that names no source (the standard: every condition names what it encodes);
* a version identical to its predecessor, but for its dates;
* a condition implied by another of the same version under the domain's axioms, which can then
  never be the one that fails: relations imply recognition, a status implies membership of its
  organisation (``member_of X`` is ``status_in {in: X, status: [member]}``), a larger group or
  region implies a smaller one, ``all`` implies each of its parts;
* a scenario that drops a condition no rule version in force on its dates has;
* a scenario question with no ``expect``, which ``accede test`` then does not check.
"""

from __future__ import annotations

from typing import Any

from engine import models as m
from engine.common.errors import Problem
from engine.reading.yaml12 import Document
from engine.scenario import Prepared, question_id

__all__ = ["implies", "rule_warnings", "scenario_warnings"]

#: The organisation whose rules a check belongs to, where a check says "this organisation".
_SELF = "<self>"


def _group(group: m.Group, org: str) -> tuple[str, str | None, frozenset[str]]:
    if group.kind == "members":
        return ("members_of", org, frozenset())
    if group.kind == "members_of":
        return ("members_of", group.org, frozenset())
    return ("list", None, frozenset(group.states))


def _covers(a: m.Group, b: m.Group, org: str) -> bool:
    """Whether every state of group ``b`` is in group ``a``, as far as the syntax tells."""
    ka, kb = _group(a, org), _group(b, org)
    if ka[0] == "list" and kb[0] == "list":
        return ka[2] >= kb[2]
    return ka == kb


def _status(check: m.StatusIn | m.MemberOf) -> tuple[str, frozenset[str]]:
    if isinstance(check, m.MemberOf):
        return check.member_of, frozenset({"member"})
    spec = check.status_in
    if isinstance(spec, m.StatusInOrg):
        return spec.in_, frozenset(spec.status)
    return _SELF, frozenset(spec)


def implies(a: m.Check, b: m.Check, org: str) -> str | None:
    """Why ``a`` holding means ``b`` holds, under the domain's axioms; ``None`` if it need not."""
    if a == b:
        return "the same check"
    if isinstance(a, m.AllOf):
        return next((why for part in a.all if (why := implies(part, b, org)) is not None), None)
    if isinstance(b, m.AllOf):
        reasons = [implies(a, part, org) for part in b.all]
        return reasons[0] if all(r is not None for r in reasons) else None
    if isinstance(b, m.AnyOf):
        return next((why for part in b.any if (why := implies(a, part, org)) is not None), None)
    if isinstance(a, m.RelationsWith) and isinstance(b, m.RecognizedBy):
        if _covers(a.relations_with, b.recognized_by, org):
            return "relations imply recognition"
        return None
    for kind, field in ((m.RelationsWith, "relations_with"), (m.RecognizedBy, "recognized_by")):
        if isinstance(a, kind) and isinstance(b, kind) and _covers(getattr(a, field), getattr(b, field), org):
            return "a larger group implies a smaller one"
    if isinstance(a, m.NoConflictWith) and isinstance(b, m.NoConflictWith):
        if _covers(a.no_conflict_with, b.no_conflict_with, org):
            return "a larger group implies a smaller one"
        return None
    if isinstance(a, m.StatusIn | m.MemberOf) and isinstance(b, m.StatusIn | m.MemberOf):
        (in_a, has_a), (in_b, has_b) = _status(a), _status(b)
        if in_a == in_b and has_a <= has_b:
            return (
                "a status implies membership of its organisation"
                if "member" in has_b
                else "a status implies a wider one"
            )
        return None
    if isinstance(a, m.RegionIn) and isinstance(b, m.RegionIn) and set(a.region_in) <= set(b.region_in):
        return "a region implies a wider list of regions"
    return None


def _same(a: m.Version, b: m.Version) -> bool:
    keep = {"conditions", "decision"}
    return a.model_dump(include=keep) == b.model_dump(include=keep)


def rule_warnings(doc: Document, org: m.Organization) -> list[Problem]:
    """The warnings of one rule file."""
    out: list[Problem] = []
    for i, version in enumerate(org.versions):
        where = ("versions", i)
        if i and _same(version, org.versions[i - 1]):
            message = (
                f"the version from {version.valid_from.isoformat()} has the conditions and decision of the one "
                f"before it: merge them, or say what changed"
            )
            out.append(doc.problem("lint.same-version", message, where))
        for j, condition in enumerate(version.conditions):
            at = (*where, "conditions", j)
            if condition.source is None:
                message = f"condition `{condition.id}` names no source (the article or document it encodes)"
                out.append(doc.problem("lint.no-source", message, at, condition.id))
            for other in version.conditions:
                if other.id == condition.id:
                    continue
                why = implies(other.check, condition.check, org.code)
                if why is not None:
                    message = (
                        f"condition `{condition.id}` is implied by `{other.id}` ({why}): it holds whenever "
                        f"`{other.id}` does, so it can only fail alongside it"
                    )
                    out.append(doc.problem("lint.implied-condition", message, (*at, "check"), condition.id))
                    break
    return out


def scenario_warnings(prepared: Prepared) -> list[Problem]:
    """The warnings of one scenario file (prepared: its names and dates are known good)."""
    scenario, doc = prepared.scenario, prepared.doc
    world = prepared.base or prepared.world  # the rules as written, before the scenario's amendments
    out: list[Problem] = []
    dates = {scenario.as_of, *(q.as_of for q in scenario.questions if q.as_of is not None)}
    for code, amendment in scenario.amend.items():
        compiled = world.orgs.get(code)
        in_force = [v for d in sorted(dates) if compiled is not None and (v := compiled.version_at(d)) is not None]
        ids = {c.id for v in in_force for c in v.conditions}
        for j, cid in enumerate(amendment.drop):
            if cid not in ids:
                asked = ", ".join(d.isoformat() for d in sorted(dates))
                message = f"dropping `{cid}` changes nothing: no {code} rule version in force on {asked} has it"
                out.append(doc.problem("lint.unused-amendment", message, ("amend", code, "drop", j), cid))
    for k, question in enumerate(scenario.questions):
        expect: Any = getattr(question, "expect", None)
        if expect is None:
            message = f"question `{question_id(question, k)}` has no `expect`: `accede test` checks nothing of it"
            out.append(doc.problem("lint.no-expectation", message, ("questions", k)))
    return out
