"""The semantic pass: every problem a schema cannot see, in named stages, all reported at once.

Like OPA's compiler, the pass is an ordered list of named stages (``STAGES``); each returns its
problems and none stops the others, so a file is fixed in one round, not one problem at a time.
The order matters only where a later stage reads what an earlier one settles:

1. ``declarations``: duplicate state codes and organisation codes (later stages index by code);
2. ``rules``: condition ids, overlapping versions, references to states, organisations and
   statuses, cycles of ``members_of`` (needs the declared codes);
3. ``events``: unknown states, organisations and statuses in the history, undated events;
4. ``pairs``: never-established pairs and recognitions recorded as not given that name unknown
   states or repeat a pair, and a recognition default among an unknown organisation.

Amendments (a scenario's what-if on rules) are checked by ``validate_amendments`` with the same
rule checks. Contradictions in the history need the timelines and are the compiler's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from engine import models as m
from engine.common.errors import Problem, did_you_mean
from engine.reading.loader import Located, WorldInput
from engine.reading.yaml12 import Document
from engine.validation.references import unknown_org, unknown_state

__all__ = [
    "STAGES",
    "CheckedWorld",
    "amend_org",
    "validate_amendments",
    "validate_event",
    "validate_rules",
    "validate_world",
]

#: Locates a rule problem: ``(code, message, path, rule_id) -> Problem``.
RuleReport = Callable[..., Problem]


@dataclass
class CheckedWorld:
    """A world as read, with its declarations settled and every semantic problem found."""

    inp: WorldInput
    states: list[m.StateRecord] = field(default_factory=list)  # in code order, duplicates dropped
    index: dict[str, int] = field(default_factory=dict)
    orgs: dict[str, m.Organization] = field(default_factory=dict)
    reporters: dict[str, RuleReport] = field(default_factory=dict)
    events: list[tuple[m.Event, Located]] = field(default_factory=list)  # the events without problems
    never: dict[m.FactKey, m.NeverEstablished] = field(default_factory=dict)
    denied: dict[m.FactKey, m.NotRecognized] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _declarations(world: CheckedWorld) -> None:
    # Index order is code order, so every list of states built from bitsets comes out sorted.
    for record, loc in sorted(world.inp.states, key=lambda item: item[0].code):
        if record.code in world.index:
            message = f"state `{record.code}` is declared twice"
            world.problems.append(loc.problem("world.duplicate-state", message, ("code",)))
            continue
        world.index[record.code] = len(world.states)
        world.states.append(record)
    for org, loc in world.inp.organizations:
        if org.code in world.orgs:
            message = f"organisation `{org.code}` is defined twice"
            world.problems.append(loc.problem("rule.duplicate-org", message, ("org",)))
            continue
        world.orgs[org.code] = org
        world.reporters[org.code] = loc.problem


def _rules(world: CheckedWorld) -> None:
    world.problems.extend(validate_rules(world.orgs, world.reporters, world.index))


def _events(world: CheckedWorld) -> None:
    for event, loc in world.inp.events:
        found = validate_event(event, loc, world.index, world.orgs, require_date=True)
        if found:
            world.problems.extend(found)
        else:
            world.events.append((event, loc))


def _pairs(world: CheckedWorld) -> None:
    for record, loc in world.inp.never_established:
        a, b = sorted(record.pair)
        for k, code in enumerate(record.pair):
            if code not in world.index:
                world.problems.append(loc.problem(*unknown_state(code, world.index), ("pair", k)))
        if ("rel", a, b) in world.never:
            world.problems.append(loc.problem("schema.invalid-value", f"the pair {a}-{b} is listed twice", ("pair",)))
        world.never[("rel", a, b)] = record
    for unrecognized, loc in world.inp.not_recognized:
        for name in ("by", "of"):
            code = getattr(unrecognized, name)
            if code not in world.index:
                world.problems.append(loc.problem(*unknown_state(code, world.index), (name,)))
        if unrecognized.by == unrecognized.of:
            world.problems.append(loc.problem("schema.invalid-value", "a state does not recognise itself", ("of",)))
        key = ("rec", unrecognized.by, unrecognized.of)
        if key in world.denied:
            message = f"{unrecognized.by} not recognising {unrecognized.of} is listed twice"
            world.problems.append(loc.problem("schema.invalid-value", message, ()))
        world.denied[key] = unrecognized
    default = world.inp.header.recognition_default
    if default is not None and default.among not in world.orgs:
        code, message = unknown_org(default.among, world.orgs)
        world.problems.append(Problem(code, message, file=world.inp.origin, field="recognition_default.among"))


#: The semantic pass, in order (see the module docstring for why this order).
STAGES: tuple[tuple[str, Callable[[CheckedWorld], None]], ...] = (
    ("declarations", _declarations),
    ("rules", _rules),
    ("events", _events),
    ("pairs", _pairs),
)


def validate_world(inp: WorldInput) -> CheckedWorld:
    """Run every stage on a world as read; the result lists every problem found."""
    world = CheckedWorld(inp)
    for _name, stage in STAGES:
        stage(world)
    return world


def validate_event(
    event: m.Event,
    loc: Located,
    states: Mapping[str, int],
    orgs: Mapping[str, m.Organization],
    *,
    require_date: bool,
) -> list[Problem]:
    """Unknown states, organisations and statuses in one event, and a missing date."""
    problems: list[Problem] = []
    for code, path in event.states():
        if code not in states:
            problems.append(loc.problem(*unknown_state(code, states), path))
    org = event.org()
    if org is not None:
        if org not in orgs:
            problems.append(loc.problem(*unknown_org(org, orgs), (event.spec.org.rstrip("_"),)))  # type: ignore[union-attr]
        elif isinstance(event, m.Admit) and event.as_ not in orgs[org].statuses:
            declared = orgs[org].statuses
            message = f"the {org} has no status `{event.as_}`{did_you_mean(event.as_, declared)}"
            problems.append(loc.problem("rule.unknown-status", message, ("as",)))
    if require_date and event.when is None:
        message = f"missing required field `{event.date_field}`: history events are dated"
        problems.append(loc.problem("schema.missing-field", message, ()))
    return problems


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


def validate_rules(
    orgs: Mapping[str, m.Organization],
    reporters: Mapping[str, RuleReport],
    states: Iterable[str],
) -> list[Problem]:
    """Every semantic problem of every rule set at once: ids, versions, references, cycles."""
    known_states = frozenset(states)
    problems: list[Problem] = []
    edges: dict[str, set[str]] = {code: set() for code in orgs}
    for code, org in orgs.items():
        report = reporters[code]

        def need_state(
            state: str, path: tuple[str | int, ...], rule_id: str | None, report: RuleReport = report
        ) -> None:
            if state not in known_states:
                problems.append(report(*unknown_state(state, known_states), path, rule_id))

        def need_org(
            target: str, path: tuple[str | int, ...], rule_id: str | None, report: RuleReport = report, code: str = code
        ) -> bool:
            if target not in orgs:
                problems.append(report(*unknown_org(target, orgs), path, rule_id))
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

        problems.extend(_version_problems(org, report))
        for v, version in enumerate(org.versions):
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


def _version_problems(org: m.Organization, report: RuleReport) -> list[Problem]:
    """Versions that overlap, and versions that end before they begin."""
    problems: list[Problem] = []
    order = sorted(range(len(org.versions)), key=lambda k: org.versions[k].valid_from)
    for prev, cur in pairwise(order):
        before, version = org.versions[prev], org.versions[cur]
        if version.valid_from == before.valid_from or (
            before.valid_until is not None and before.valid_until > version.valid_from
        ):
            message = (
                f"the version from {version.valid_from.isoformat()} overlaps the version from "
                f"{before.valid_from.isoformat()}"
            )
            problems.append(report("rule.overlapping-versions", message, ("versions", cur, "valid_from")))
    for v, version in enumerate(org.versions):
        if version.valid_until is not None and version.valid_until <= version.valid_from:
            message = "`valid_until` is not after `valid_from`"
            problems.append(report("schema.invalid-value", message, ("versions", v, "valid_until")))
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
    report: RuleReport,
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


def _cycles(edges: dict[str, set[str]], reporters: Mapping[str, RuleReport]) -> list[Problem]:
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


def validate_amendments(
    orgs: Mapping[str, m.Organization],
    amend: Mapping[str, m.Amendment],
    states: Mapping[str, int],
    doc: Document,
) -> tuple[dict[str, m.Organization], list[Problem]]:
    """A scenario's amendments applied to the organisations they name, and every problem in them."""
    problems: list[Problem] = []
    amended: dict[str, m.Organization] = {}
    for code, amendment in amend.items():
        if code not in orgs:
            problems.append(doc.problem(*unknown_org(code, orgs), ("amend", code)))
            continue
        org, unknown = amend_org(orgs[code], amendment)
        known = {c.id for v in orgs[code].versions for c in v.conditions}
        for cid in unknown:
            message = f"cannot drop `{cid}`: the {code} rules have no such condition{did_you_mean(cid, known)}"
            problems.append(doc.problem("scenario.unknown-condition", message, ("amend", code, "drop")))
        amended[code] = org
    models = dict(orgs) | amended
    reporters: dict[str, RuleReport] = {
        c: (lambda code, msg, path=(), rule_id=None, c=c: doc.problem(code, msg, ("amend", c), rule_id)) for c in models
    }
    problems.extend(p for p in validate_rules(models, reporters, states) if p.file == doc.file)
    return amended, problems
