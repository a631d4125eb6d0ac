"""A bid's story: the verdict of one pair over a period, as exact intervals, and what began each.

A verdict can only change on a date when a fact it reads changes (an event naming the applicant,
a change of membership in the organisation or in one its rules name, a stance on the bid) or a
rule version begins or ends. Those dates are the only ones evaluated, in order, so boundaries are
exact, never sampled. An interval's ``because`` lists the events of its first day that changed
the verdict: each is tested by taking its fact back to the day before, alone, and seeing whether
the answer moves; when no single event does (several changed it together) all of that day's
events are listed. Events are cited as they were recorded, never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine import models as m
from engine.common.budget import spend
from engine.compiler.facts import Snapshot
from engine.compiler.history import Key
from engine.compiler.world import World
from engine.evaluation.join import outcome_on, rules_in_force
from engine.evaluation.tally import Assume
from engine.evaluation.verdict import VerdictName

__all__ = ["Band", "State", "bands", "cited"]

#: What an interval holds constant: the verdict, the failing ids and the unknown ids.
State = tuple[VerdictName, tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Band:
    """The verdict from ``start`` until ``end`` (exclusive; None: open), and what began it."""

    start: date
    end: date | None
    verdict: VerdictName
    failing: tuple[str, ...]
    unknown: tuple[str, ...]
    because: tuple[dict[str, Any], ...]
    rules_from: date
    beyond_horizon: bool = False
    #: Events of the bid itself (the applicant's status there, stances on it) dated inside the
    #: interval that left the verdict as it was.
    within: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "from": self.start.isoformat(),
            "until": self.end.isoformat() if self.end else None,
            "verdict": self.verdict,
            "failing": list(self.failing),
            "unknown": list(self.unknown),
            "because": list(self.because),
            "rules_from": self.rules_from.isoformat(),
        }
        out["within"] = list(self.within)
        if self.beyond_horizon:
            out["beyond_horizon"] = True
        return out


def cited(event: m.Event, on: date) -> dict[str, Any]:
    """An event as it was recorded, with its provenance (dated, if a what-if left the date implicit)."""
    syntax = event.syntax()
    if event.when is None:
        syntax[event.date_field] = on.isoformat()
    for name in ("source", "confidence", "precision"):
        value = getattr(event, name, None)
        if value is not None:
            syntax[name] = value
    return syntax


def _keys_read(world: World, state: str, org: str) -> list[Key]:
    """The facts a verdict of ``state`` for ``org`` can read."""
    orgs = {org, *world.rules.names.get(org, frozenset())}
    return [key for key in world.facts.history if state in key[1:] or (key[0] == "status" and key[2] in orgs)]


def _dated(world: World, state: str, org: str) -> dict[date, list[tuple[Key, m.Event]]]:
    """Every event that can move the verdict, by the date it takes effect (interval ends included)."""
    out: dict[date, list[tuple[Key, m.Event]]] = {}
    for key in _keys_read(world, state, org):
        for placed in world.facts.history[key]:
            out.setdefault(placed.on, []).append((key, placed.event))
            until = getattr(placed.event, "until", None)
            if until is not None:
                out.setdefault(until, []).append((key, placed.event))
    return out


def _own(key: Key, state: str, org: str) -> bool:
    """A fact of the bid itself: the applicant's status in the organisation, a stance on its bid."""
    return key[:3] == ("status", state, org) or key[:3] == ("pos", org, state)


def _rule_dates(world: World, org: str) -> set[date]:
    found: set[date] = set()
    for version in world.orgs[org].versions:
        found.add(version.valid_from)
        if version.valid_until is not None:
            found.add(version.valid_until)
    return found


@dataclass(frozen=True, slots=True)
class _Day:
    """One date of the walk: its snapshot, the answer on it and the events dated on it."""

    on: date
    snap: Snapshot
    now: State
    events: list[tuple[Key, m.Event]]


def _causes(
    world: World, state: str, org: str, day: _Day, *, assume: Assume, new_rules: bool
) -> tuple[dict[str, Any], ...]:
    """The events of ``day`` that changed the verdict: those whose fact, alone taken back, moves it.

    When none does alone, the day's events changed it together (all are listed), unless a rule
    version began that day: then the rules did, and no event is named.
    """
    i = world.index[state]
    before = day.on - timedelta(days=1)
    unique: dict[int, tuple[Key, m.Event]] = {id(e): (k, e) for k, e in day.events}
    changed = []
    for key, event in unique.values():
        spend()
        if outcome_on(world.rules, world.facts.revert(day.snap, (key,), before), org, i, assume) != day.now:
            changed.append(event)
    if not changed and not new_rules:
        changed = [e for _, e in unique.values()]
    return tuple(cited(e, day.on) for e in changed)


def bands(
    world: World,
    state: str,
    org: str,
    start: date,
    until: date | None,
    *,
    assume: Assume = "unknown",
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Band]:
    """The verdict of ``state`` for ``org`` on every date of [start, until), as intervals.

    ``until`` None walks every recorded date after ``start`` (the last interval is open), lazily,
    so a caller looking for the first date of some verdict stops there.
    """
    i = world.index[state]
    dated = _dated(world, state, org)
    horizon = world.facts.horizon
    edges = {d for d in dated if d > start and (until is None or d < until)}
    edges |= {d for d in _rule_dates(world, org) if d > start and (until is None or d < until)}
    days = sorted(edges)
    if until is None:
        # An open walk (earliest) ends where the rules do: no verdict is given without rules.
        gap = next((d for d in days if world.orgs[org].version_at(d) is None), None)
        if gap is not None:
            days = [d for d in days if d < gap]
            until = gap

    def beyond(end: date | None) -> bool:
        """Whether an interval ending at ``end`` reaches past the horizon."""
        return horizon is not None and (end is None or end - timedelta(days=1) > horizon)

    def state_on(day: date) -> tuple[State, Snapshot]:
        spend()
        snap = world.as_of(day)
        return outcome_on(world.rules, snap, org, i, assume), snap

    current, _ = state_on(start)
    begun = start
    because: tuple[dict[str, Any], ...] = ()
    within: list[dict[str, Any]] = []
    rules_from = rules_in_force(world.orgs[org], start).valid_from
    for k, on in enumerate(days):
        if progress is not None:
            progress(k, len(days))
        now, snap = state_on(on)
        events = dated.get(on, [])
        if now == current:
            # SPEC: adjacent dates with the same verdict, failing and unknown are one interval. What
            # happened to the applicant meanwhile is kept beside it, so the story misses nothing.
            within.extend(cited(e, on) for key, e in events if _own(key, state, org))
            continue
        version = rules_in_force(world.orgs[org], on).valid_from
        yield Band(begun, on, *current, because, rules_from, beyond(on), tuple(within))
        day = _Day(on, snap, now, events)
        because = _causes(world, state, org, day, assume=assume, new_rules=version != rules_from and version == on)
        current, begun, rules_from, within = now, on, version, []
    yield Band(begun, until, *current, because, rules_from, beyond(until), tuple(within))
