"""A deliberately naive second reading of SPEC.md, to check the engine against.

Nothing here is imported from ``engine``: the oracle reads the raw world dict (the scenario
format's inline world), replays the events fact by fact with plain loops and answers one
question at a time. It is slow on purpose and short on cleverness, so that when it and the
engine disagree the oracle is the easy one to believe (or to fix).

Only what SPEC.md says is encoded; where the SPEC leaves a choice open the comment says which
reading is taken.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "EVENT_VERBS",
    "OracleVerdict",
    "Projection",
    "check_outcome",
    "decide",
    "event_date",
    "fact_key",
    "group_codes",
    "matrix_rows",
    "stage_outcome",
    "verb_of",
    "verdict",
    "version_in_force",
]

EVENT_VERBS = (
    "establish",
    "sever",
    "recognize",
    "withdraw_recognition",
    "admit",
    "leave",
    "conflict",
    "end_conflict",
    "sanction",
    "lift_sanctions",
    "support",
    "oppose",
    "abstain",
    "assess",
)

Event = dict[str, Any]


def as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def verb_of(event: Event) -> str:
    for verb in EVENT_VERBS:
        if verb in event:
            return verb
    raise ValueError(f"not an event: {event!r}")


def event_date(event: Event, default: date | None = None) -> date:
    """``on``, or ``from`` for conflicts and sanctions; a change without one takes ``default``."""
    # `from` is a date only for intervals: in a `leave` it names the organisation.
    raw = event.get("from") if verb_of(event) in ("conflict", "sanction") else event.get("on")
    if raw is None:
        if default is None:
            raise ValueError(f"undated event {event!r}")
        return default
    return as_date(raw)


def fact_key(event: Event) -> tuple[str, ...]:
    """The single fact an event speaks about (pairs are unordered)."""
    verb = verb_of(event)
    if verb in ("establish", "sever"):
        a, b = sorted(event[verb])
        return ("relations", a, b)
    if verb in ("recognize", "withdraw_recognition"):
        return ("recognition", event["by"], event[verb])
    if verb == "admit":
        return ("status", event["admit"], event["to"])
    if verb == "leave":
        return ("status", event["leave"], event["from"])
    if verb in ("conflict", "end_conflict"):
        a, b = sorted(event[verb])
        return ("conflict", a, b)
    if verb in ("sanction", "lift_sanctions"):
        return ("sanction", event[verb])
    if verb in ("support", "oppose", "abstain"):
        return ("position", event["in"], event[verb], event["by"])
    return ("assessment", event["assess"], event["of"])


@dataclass
class _Dated:
    on: date
    phase: int  # 0: the world's history, 1: a scenario's change
    position: int
    event: Event

    def order(self) -> tuple[date, int, int]:
        return (self.on, self.phase, self.position)


@dataclass
class _Interval:
    start: date
    until: date | None

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.until is None or on < self.until)


@dataclass
class Projection:
    """The world as it stands on one date, computed from scratch fact by fact."""

    world: dict[str, Any]
    on: date
    changes: Sequence[Event] = ()
    as_of: date | None = None
    _facts: dict[tuple[str, ...], list[_Dated]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        default = self.as_of or self.on
        items = [_Dated(event_date(e), 0, k, e) for k, e in enumerate(self.world.get("events", []))]
        items += [_Dated(event_date(e, default), 1, k, e) for k, e in enumerate(self.changes)]
        for item in items:
            self._facts.setdefault(fact_key(item.event), []).append(item)
        for events in self._facts.values():
            events.sort(key=_Dated.order)

    # --- the facts themselves ---------------------------------------------------------

    def _upto(self, key: tuple[str, ...]) -> list[_Dated]:
        return [item for item in self._facts.get(key, []) if item.on <= self.on]

    def states(self) -> list[str]:
        return [s["code"] for s in self.world["states"]]

    def region(self, state: str) -> str:
        return str(next(s["region"] for s in self.world["states"] if s["code"] == state))

    def relations_fact(self, a: str, b: str) -> tuple[bool, date | None]:
        """Whether A and B have relations on the date, and the date of the event that made it so."""
        key = ("relations", *sorted((a, b)))
        history = [item for item in self._facts.get(key, []) if item.phase == 0]
        if history:
            # SPEC: before a pair's first event, the pair is in the state that event changes.
            value = verb_of(history[0].event) == "sever"
        else:
            value = self.world.get("default_relations", "none") == "established"
        since = None
        for item in self._upto(key):
            value = verb_of(item.event) == "establish"
            since = item.on
        return value, since

    def relations_first(self, a: str, b: str) -> tuple[str, date] | None:
        """The verb and date of the pair's first relations event (history or change), if any."""
        events = self._facts.get(("relations", *sorted((a, b))), [])
        return (verb_of(events[0].event), events[0].on) if events else None

    def relations(self, a: str, b: str) -> bool:
        return self.relations_fact(a, b)[0]

    def explicit_recognition(self, by: str, of: str) -> tuple[bool, date | None]:
        value, since = False, None
        for item in self._upto(("recognition", by, of)):
            value = verb_of(item.event) == "recognize"
            since = item.on
        return value, since

    def recognizes(self, by: str, of: str) -> bool:
        """SPEC: a recognize in force, or diplomatic relations; else the world's default, if any.

        The default (the bundled world's extension): the members of ``recognition_default.among``
        recognise one another, unless the last recorded event withdrew it or a ``not_recognized``
        record says it was never given.
        """
        if self.relations(by, of):
            return True
        items = self._upto(("recognition", by, of))
        if items:
            return verb_of(items[-1].event) == "recognize"
        if any(r["by"] == by and r["of"] == of for r in self.world.get("not_recognized", [])):
            return False
        default = self.world.get("recognition_default")
        if default is None:
            return False
        among = default["among"]
        return self.status(by, among) == "member" and self.status(of, among) == "member"

    def status_fact(self, state: str, org: str) -> tuple[str | None, date | None]:
        """The status held and the date it began to be held (None, None with no events)."""
        status: str | None = None
        since: date | None = None
        for item in self._upto(("status", state, org)):
            event = item.event
            new = event["as"] if verb_of(event) == "admit" else None
            if new != status or since is None:
                since = item.on
            status = new
        return status, since

    def status(self, state: str, org: str) -> str | None:
        return self.status_fact(state, org)[0]

    def members(self, org: str) -> list[str]:
        return [s for s in self.states() if self.status(s, org) == "member"]

    def _intervals(self, key: tuple[str, ...]) -> list[_Interval]:
        intervals: list[_Interval] = []
        for item in self._facts.get(key, []):
            event = item.event
            if verb_of(event) in ("conflict", "sanction"):
                until = event.get("until")
                intervals.append(_Interval(item.on, as_date(until) if until is not None else None))
            else:  # end_conflict / lift_sanctions: whatever is in force that day ends that day
                for interval in intervals:
                    if interval.covers(item.on):
                        interval.until = item.on
        return intervals

    def conflict_since(self, a: str, b: str) -> date | None:
        """The start of an armed conflict between A and B in force on the date, or None."""
        for interval in self._intervals(("conflict", *sorted((a, b)))):
            if interval.covers(self.on):
                return interval.start
        return None

    def in_conflict(self, a: str, b: str) -> bool:
        return self.conflict_since(a, b) is not None

    def sanctions_since(self, state: str) -> date | None:
        for interval in self._intervals(("sanction", state)):
            if interval.covers(self.on):
                return interval.start
        return None

    def sanctioned(self, state: str) -> bool:
        return self.sanctions_since(state) is not None

    def position(self, org: str, applicant: str, voter: str) -> str | None:
        stance = None
        for item in self._upto(("position", org, applicant, voter)):
            stance = verb_of(item.event)
        return stance

    def assessment(self, key: str, state: str) -> tuple[bool | None, date | None]:
        value: bool | None = None
        since: date | None = None
        for item in self._upto(("assessment", key, state)):
            value = bool(item.event["as"])
            since = item.on
        return value, since

    def later_events(self, key: tuple[str, ...]) -> list[Event]:
        """The history's events about one fact dated after the date (what a change must not break)."""
        return [item.event for item in self._facts.get(key, []) if item.phase == 0 and item.on > self.on]


# --- rules -------------------------------------------------------------------------------


def _org(world: dict[str, Any], code: str) -> dict[str, Any]:
    return next(o for o in world["organizations"] if o["code"] == code)


def version_in_force(world: dict[str, Any], org: str, on: date) -> dict[str, Any] | None:
    """The last version whose valid_from is on or before the date."""
    best = None
    for version in _org(world, org)["versions"]:
        start = as_date(version["valid_from"])
        if start <= on and (best is None or start > as_date(best["valid_from"])):
            best = version
    return best


def group_codes(proj: Projection, group: Any, org: str, applicant: str) -> list[str]:
    """SPEC: groups never include the applicant."""
    if group == "members":
        codes = proj.members(org)
    elif isinstance(group, dict):
        codes = proj.members(group["members_of"])
    else:
        codes = list(group)
    out: list[str] = []
    for code in codes:
        if code != applicant and code not in out:
            out.append(code)
    return out


HOLDS, FAILS, UNKNOWN = "holds", "fails", "unknown"


def _truth(value: bool) -> str:
    return HOLDS if value else FAILS


def check_outcome(proj: Projection, check: dict[str, Any], org: str, s: str) -> str:
    """Three-valued: holds, fails or unknown."""
    if "relations_with" in check:
        others = group_codes(proj, check["relations_with"], org, s)
        return _truth(all(proj.relations(s, o) for o in others))
    if "recognized_by" in check:
        others = group_codes(proj, check["recognized_by"], org, s)
        return _truth(all(proj.recognizes(o, s) for o in others))
    if "no_conflict_with" in check:
        others = group_codes(proj, check["no_conflict_with"], org, s)
        return _truth(not any(proj.in_conflict(s, o) for o in others))
    if "status_in" in check:
        spec = check["status_in"]
        if isinstance(spec, dict):
            return _truth(proj.status(s, spec["in"]) in spec["status"])
        return _truth(proj.status(s, org) in spec)
    if "member_of" in check:
        return _truth(proj.status(s, check["member_of"]) == "member")
    if "region_in" in check:
        return _truth(proj.region(s) in check["region_in"])
    if "sanctioned" in check:
        return _truth(proj.sanctioned(s) == check["sanctioned"])
    if "assessed" in check:
        value, _ = proj.assessment(check["assessed"], s)
        return UNKNOWN if value is None else _truth(value)
    if "all" in check:
        parts = [check_outcome(proj, p, org, s) for p in check["all"]]
        if FAILS in parts:
            return FAILS
        return UNKNOWN if UNKNOWN in parts else HOLDS
    if "any" in check:
        parts = [check_outcome(proj, p, org, s) for p in check["any"]]
        if HOLDS in parts:
            return HOLDS
        return UNKNOWN if UNKNOWN in parts else FAILS
    if "not" in check:
        inner = check_outcome(proj, check["not"], org, s)
        return {HOLDS: FAILS, FAILS: HOLDS, UNKNOWN: UNKNOWN}[inner]
    raise ValueError(f"unknown check {check!r}")


# --- decisions ---------------------------------------------------------------------------


def _needed(rule: Any, voters: int) -> int:
    if rule == "majority":
        return voters // 2 + 1  # more than half
    if rule == "two_thirds":
        return math.ceil(2 * voters / 3)
    return int(rule["at_least"])


def stage_outcome(proj: Projection, stage: dict[str, Any], org: str, s: str, assume: str) -> str:
    """passes, fails or unknown, per SPEC's tallies.

    Reading taken where the SPEC is silent: ``assume`` fills the silence of veto-group members
    too (under ``assume: oppose`` a silent permanent member vetoes; under ``support`` it does not
    block), as it does for voters.
    """

    def stance(voter: str) -> str | None:
        found = proj.position(org, s, voter)
        if found is None and assume != "unknown":
            return assume
        return found

    stances = [stance(v) for v in group_codes(proj, stage["by"], org, s)]
    vetoers = [stance(v) for v in group_codes(proj, stage["veto"], org, s)] if stage.get("veto") is not None else []
    if "oppose" in vetoers:
        return "fails"
    support = stances.count("support")
    oppose = stances.count("oppose")
    unknown = stances.count(None)
    rule = stage["pass"]
    if rule == "unanimity":
        outcome = "fails" if oppose else "unknown" if unknown else "passes"
    elif not stances:
        outcome = "fails"  # an empty voter group passes unanimity and nothing else
    else:
        need = _needed(rule, len(stances))
        if support >= need:
            outcome = "passes"
        elif support + unknown < need:
            outcome = "fails"
        else:
            outcome = "unknown"
    if outcome == "passes" and None in vetoers:
        return "unknown"
    return outcome


def decide(proj: Projection, version: dict[str, Any], org: str, s: str, assume: str) -> str:
    outcomes = [stage_outcome(proj, stage, org, s, assume) for stage in version.get("decision", [])]
    if "fails" in outcomes:
        return "fails"
    return "unknown" if "unknown" in outcomes else "passes"


# --- verdicts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OracleVerdict:
    verdict: str
    failing: frozenset[str]
    unknown: frozenset[str]
    holding: frozenset[str]
    decision: str


def verdict(
    world: dict[str, Any],
    on: date,
    state: str,
    org: str,
    assume: str = "unknown",
    changes: Sequence[Event] = (),
    as_of: date | None = None,
    proj: Projection | None = None,
) -> OracleVerdict:
    """Can ``state`` join ``org`` on ``on``? The SPEC's three verdicts, computed naively.

    A state that already holds ``member`` is not an applicant: ``member``, nothing evaluated.
    """
    proj = proj if proj is not None else Projection(world, on, changes, as_of)
    version = version_in_force(world, org, on)
    if version is None:
        raise ValueError(f"no {org} rules in force on {on}")
    if proj.status(state, org) == "member":
        return OracleVerdict("member", frozenset(), frozenset(), frozenset(), "passes")
    outcomes = {c["id"]: check_outcome(proj, c["check"], org, state) for c in version.get("conditions", [])}
    failing = frozenset(cid for cid, o in outcomes.items() if o == FAILS)
    unknown = frozenset(cid for cid, o in outcomes.items() if o == UNKNOWN)
    holding = frozenset(cid for cid, o in outcomes.items() if o == HOLDS)
    decision = decide(proj, version, org, state, assume)
    if failing or decision == "fails":
        name = "blocked"
    elif unknown or decision == "unknown":
        name = "undetermined"
    else:
        name = "eligible"
    return OracleVerdict(name, failing, unknown, holding, decision)


def matrix_rows(proj: Projection, orgs: Iterable[str], assume: str) -> set[tuple[str, str, str, frozenset[str]]]:
    """SPEC: a matrix covers the states that are not members of the organisation on the date."""
    rows = set()
    for org in orgs:
        if version_in_force(proj.world, org, proj.on) is None:
            continue
        for state in proj.states():
            if proj.status(state, org) != "member":
                v = verdict(proj.world, proj.on, state, org, assume, proj=proj)
                rows.add((state, org, v.verdict, v.failing))
    return rows
