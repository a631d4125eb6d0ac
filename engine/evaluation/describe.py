"""What the world holds about one state or one organisation on a date, with sources.

Pure reads of a compiled world, shaped as JSON-ready dicts: ``accede show`` renders them and the
HTTP service will serve them as they are.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import models as m
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.rulebook import CompiledOrg
from engine.compiler.timeline import Interval, Step, in_force
from engine.compiler.world import World
from engine.evaluation.tally import stage_names

__all__ = ["check_syntax", "describe_org", "describe_state", "vocabulary"]


def _provenance(event: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("source", "confidence", "note"):
        value = getattr(event, name, None)
        if value is not None:
            out[name] = value
    return out


def _since(step: Step | Interval | None) -> str | None:
    if step is None:
        return None
    return (step.on if isinstance(step, Step) else step.start).isoformat()


def _relations(world: World, code: str, on: date) -> list[dict[str, Any]]:
    """A state's relations that differ from the default on ``on``, or are recorded by then."""
    relations: list[dict[str, Any]] = []
    for key, timeline in world.facts.timelines.items():
        if key[0] != "rel" or code not in key[1:]:
            continue
        other = key[2] if key[1] == code else key[1]
        step = timeline.step_at(on)
        has = timeline.at(on)
        if has == world.facts.pair_default(code, other) and step is None:
            continue  # nothing recorded yet on this date: the default holds
        entry: dict[str, Any] = {"state": other, "relations": bool(has), "since": _since(step)}
        if step is not None:
            entry |= _provenance(step.event)
        elif key in world.facts.never:
            entry |= _provenance(world.facts.never[key])
            entry["note"] = "never established" + (f"; {entry['note']}" if "note" in entry else "")
        else:
            first = timeline.steps[0]
            entry["note"] = f"no relations before the first recorded event ({first.on.isoformat()})"
        relations.append(entry)
    return relations


def describe_state(world: World, code: str, on: date) -> dict[str, Any]:
    """A state's record, statuses, relations exceptions, recognition, sanctions, conflicts and stances."""
    record = world.states[world.index[code]]
    snap = world.as_of(on)
    ctx = OrgContext(snap, "")
    i = world.index[code]
    memberships = []
    for org in sorted(world.orgs):
        status, step = ctx.status_of(i, org)
        if status is not None:
            memberships.append(
                {"org": org, "status": status, "since": _since(step), **_provenance(step and step.event)}
            )
    default = bool(world.facts.established >> i & 1)
    relations = _relations(world, code, on)
    relations.sort(key=lambda e: (e["relations"], e["state"]))
    recognised_by = sorted(world.codes[j] for j in bits(world.all) if snap.rec[j] >> i & 1 and j != i)
    not_recognised_by = sorted(world.codes[j] for j in bits(world.all & ~(1 << i)) if not snap.rec[j] >> i & 1)
    sanctions = [
        {"from": iv.start.isoformat(), "until": iv.end.isoformat() if iv.end else None, **_provenance(iv.event)}
        for iv in world.facts.intervals.get(("sanction", code), ())
        if iv.covers(on)
    ]
    conflicts = []
    for key, intervals in world.facts.intervals.items():
        if key[0] == "conflict" and code in key[1:]:
            live = in_force(intervals, on)
            if live is not None:
                other = key[2] if key[1] == code else key[1]
                conflicts.append({"with": other, "from": live.start.isoformat(), **_provenance(live.event)})
    stances = []
    for key, timeline in world.facts.timelines.items():
        if key[0] == "pos" and code in (key[2], key[3]):
            step = timeline.step_at(on)
            if step is not None:
                stances.append(
                    {"org": key[1], "applicant": key[2], "voter": key[3], "stance": step.value, "since": _since(step)}
                    | _provenance(step.event)
                )
    assessments = []
    for key, timeline in world.facts.timelines.items():
        if key[0] == "assess" and key[2] == code:
            step = timeline.step_at(on)
            if step is not None:
                assessments.append(
                    {"key": key[1], "value": step.value, "since": _since(step)} | _provenance(step.event)
                )
    return {
        "state": code,
        "name": record.name,
        "as_of": on.isoformat(),
        "region": record.region,
        "subregion": record.subregion,
        "source": record.source,
        "default_relations": "established" if default else "none",
        "memberships": memberships,
        "relations_exceptions": relations,
        "relations_with": (snap.rel[i] & ~(1 << i) & world.facts.existing(on)).bit_count(),
        "recognised_by": len(recognised_by),
        "recognised_without_relations": sorted(
            world.codes[j] for j in bits(world.all & ~snap.rel[i]) if snap.rec[j] >> i & 1 and j != i
        ),
        "not_recognised_by": not_recognised_by if len(not_recognised_by) <= 60 else len(not_recognised_by),
        "sanctions": sanctions,
        "conflicts": sorted(conflicts, key=lambda c: c["with"]),
        "positions": sorted(stances, key=lambda s: (s["org"], s["applicant"], s["voter"])),
        "assessments": sorted(assessments, key=lambda a: a["key"]),
    }


def _syntax(value: Any) -> Any:
    """A dumped check model back in the syntax a rule file writes (groups as ``members``...)."""
    if isinstance(value, dict):
        if set(value) <= {"kind", "org", "states"} and value.get("kind") in ("members", "members_of", "list"):
            kind = value["kind"]
            return (
                "members"
                if kind == "members"
                else {"members_of": value["org"]}
                if kind == "members_of"
                else value["states"]
            )
        return {k: _syntax(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_syntax(v) for v in value]
    return value


def check_syntax(check: m.Check) -> Any:
    """A condition's check as a rule file writes it: ``{relations_with: members}``."""
    return _syntax(check.model_dump(by_alias=True, mode="json"))


def _checks(org: CompiledOrg, on: date) -> dict[str, Any]:
    version = next((v for v in org.model.versions if v.valid_from <= on), None)
    ordered = sorted(org.model.versions, key=lambda v: v.valid_from)
    version = next((v for v in reversed(ordered) if v.valid_from <= on), None)
    return {c.id: check_syntax(c.check) for c in version.conditions} if version is not None else {}


def _rules(org: CompiledOrg, on: date) -> dict[str, Any] | None:
    version = org.version_at(on)
    if version is None:
        return None
    checks = _checks(org, on)
    return {
        "valid_from": version.valid_from.isoformat(),
        "valid_until": version.valid_until.isoformat() if version.valid_until else None,
        "conditions": [
            {"id": c.id, "text": c.text, "source": c.source, "confidence": c.confidence, "check": checks.get(c.id)}
            for c in version.conditions
        ],
        "decision": [
            {
                "name": name,
                "by": s.by.syntax(),
                "pass": s.pass_syntax(),
                **({"veto": s.veto.syntax()} if s.veto else {}),
            }
            for s, name in zip(version.decision, stage_names(version.decision), strict=True)
        ],
    }


def describe_org(world: World, code: str, on: date) -> dict[str, Any]:
    """An organisation's rules in force, its statuses and who holds them, and stances on bids."""
    org = world.orgs[code]
    snap = world.as_of(on)
    ctx = OrgContext(snap, code)
    holders: dict[str, list[dict[str, Any]]] = {}
    for status, mask in sorted(snap.status.get(code, {}).items()):
        for i in bits(mask):
            _, step = ctx.status_of(i, code)
            holders.setdefault(status, []).append(
                {"state": world.codes[i], "since": _since(step), **_provenance(step and step.event)}
            )
    stances = []
    for key, timeline in world.facts.timelines.items():
        if key[0] == "pos" and key[1] == code:
            step = timeline.step_at(on)
            if step is not None:
                stances.append(
                    {"applicant": key[2], "voter": key[3], "stance": step.value, "since": _since(step)}
                    | _provenance(step.event)
                )
    return {
        "org": code,
        "name": org.name,
        "as_of": on.isoformat(),
        "source": org.source,
        "statuses": sorted(org.statuses),
        "rules": _rules(org, on),
        "versions": [v.valid_from.isoformat() for v in org.versions],
        "holders": {status: holders[status] for status in sorted(holders)},
        "counts": {status: len(holders[status]) for status in sorted(holders)},
        "positions": sorted(stances, key=lambda s: (s["applicant"], s["voter"])),
    }


def _keys_read(check: m.Check) -> list[str]:
    if isinstance(check, m.Assessed):
        return [check.assessed]
    if isinstance(check, m.AllOf | m.AnyOf):
        return [k for part in (check.all if isinstance(check, m.AllOf) else check.any) for k in _keys_read(part)]
    if isinstance(check, m.Not):
        return _keys_read(check.not_)
    return []


def vocabulary(world: World, what: str) -> list[dict[str, Any]]:
    """``accede list``: the codes, names and aliases an analyst may write, or the assessment keys
    with the conditions that read them (the keys an `assess` event must name)."""
    if what == "states":
        return [
            {"code": s.code, "alpha2": s.alpha2, "name": s.name, "aliases": list(s.aliases), "region": s.region}
            for s in world.states
        ]
    if what == "orgs":
        return [
            {"code": code, "name": org.name, "aliases": list(org.model.aliases), "called": org.model.called}
            for code, org in sorted(world.orgs.items())
        ]
    keys: dict[str, list[dict[str, Any]]] = {}
    for code, org in sorted(world.orgs.items()):
        for version in org.model.versions:
            for condition in version.conditions:
                for key in _keys_read(condition.check):
                    entry = {"org": code, "condition": condition.id, "text": condition.text}
                    if entry not in keys.setdefault(key, []):
                        keys[key].append(entry)
    return [{"key": key, "read_by": readers} for key, readers in sorted(keys.items())]
