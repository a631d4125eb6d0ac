"""The world compiled once: states, rule sets and per-fact timelines, projected on any date.

``World.as_of(day)`` gives a ``Snapshot``: every fact of that date as integer bitsets indexed by
state (who has relations with whom, who holds which status where, who is under sanctions...).
Snapshots are cached per date. A what-if world (``with_changes``) rebuilds only the facts its
changes touch and patches the baseline's snapshot for them; the baseline is never modified.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from engine import models as m
from engine.checks import bits
from engine.errors import AccedeError, Problem, did_you_mean
from engine.history import Key, Placed, build_history, canonical_order, event_key
from engine.loader import Located, WorldInput
from engine.rulebook import CompiledOrg, compile_org, validate_orgs
from engine.timeline import Interval, Step, Timeline, in_force

__all__ = ["OrgContext", "Snapshot", "World", "compile_world", "event_problems"]

#: Dates whose snapshot a world keeps (a sweep over many dates evicts the oldest).
SNAPSHOT_CACHE = 64


class Layered(Mapping[Key, Any]):
    """A mapping that reads ``top`` over ``base``; a value of None in ``top`` hides the base's."""

    __slots__ = ("_base", "_top")

    def __init__(self, base: Mapping[Key, Any], top: dict[Key, Any]) -> None:
        self._base = base
        self._top = top

    def __getitem__(self, key: Key) -> Any:
        if key in self._top:
            value = self._top[key]
            if value is None:
                raise KeyError(key)
            return value
        return self._base[key]

    def get(self, key: Key, default: Any = None) -> Any:
        if key in self._top:
            value = self._top[key]
            return default if value is None else value
        return self._base.get(key, default)

    def __contains__(self, key: object) -> bool:
        if key in self._top:
            return self._top[key] is not None
        return key in self._base

    def __iter__(self) -> Iterator[Key]:
        for key in self._base:
            if key not in self._top:
                yield key
        for key, value in self._top.items():
            if value is not None:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(eq=False)
class Snapshot:
    """Every fact of one date, as bitsets. Treat as immutable once built."""

    world: World
    on: date
    rel: list[int]
    rec_explicit: list[int]
    rec: list[int]
    conflict: list[int]
    sanctioned: int
    status: dict[str, dict[str, int]]
    positions: dict[tuple[str, int], dict[int, str]]
    assess: dict[str, tuple[int, int]]
    cache: dict[Any, Any] = field(default_factory=dict)

    def members(self, org: str) -> int:
        return self.status.get(org, {}).get("member", 0)

    def codes_of(self, mask: int) -> list[str]:
        """State codes of a bitset, in code order; memoised, since voter groups recur."""
        key = ("#codes", mask)
        found: tuple[str, ...] | None = self.cache.get(key)
        if found is None:
            codes = self.world.codes
            found = self.cache[key] = tuple(codes[i] for i in bits(mask))
        return list(found)

    def context(self, org: str) -> OrgContext:
        return OrgContext(self, org)

    def with_relation(self, i: int, j: int) -> Snapshot:
        """This snapshot with relations between states ``i`` and ``j`` (which imply recognition)."""
        rel = list(self.rel)
        _set_pair(rel, i, j, True)
        rec = list(self.rec)
        rec[i] |= rel[i]
        rec[j] |= rel[j]
        return self._variant(rel=rel, rec=rec)

    def with_recognition(self, by: int, of: int) -> Snapshot:
        """This snapshot with ``by`` recognising ``of``."""
        rec = list(self.rec)
        rec[by] |= 1 << of
        return self._variant(rec=rec)

    def with_remedy(self, changes: Iterable[tuple[str, ...]]) -> Snapshot:
        """This snapshot with a remedy's changes made on its date (to verify what the remedy lifts).

        Only the parts a change touches are copied: a remedy is checked on every join that has one.
        """
        index = self.world.index
        parts: dict[str, Any] = {}

        def rows(name: str) -> list[int]:
            if name not in parts:
                parts[name] = list(getattr(self, name))
            found: list[int] = parts[name]
            return found

        for change in changes:
            verb = change[0]
            if verb == "establish":
                i, j = index[change[1]], index[change[2]]
                rel, rec = rows("rel"), rows("rec")
                _set_pair(rel, i, j, True)
                rec[i] |= rel[i]
                rec[j] |= rel[j]
            elif verb == "recognize":  # ("recognize", recognised, recogniser)
                rows("rec")[index[change[2]]] |= 1 << index[change[1]]
            elif verb in ("admit", "leave"):
                bit = 1 << index[change[1]]
                status = parts.setdefault("status", dict(self.status))
                table = {name: mask & ~bit for name, mask in status.get(change[2], {}).items()}
                if verb == "admit":
                    table[change[3]] = table.get(change[3], 0) | bit
                status[change[2]] = table
            elif verb == "end_conflict":
                _set_pair(rows("conflict"), index[change[1]], index[change[2]], False)
            elif verb == "lift_sanctions":
                parts["sanctioned"] = parts.get("sanctioned", self.sanctioned) & ~(1 << index[change[1]])
            elif verb == "assess":
                bit = 1 << index[change[2]]
                assess = parts.setdefault("assess", dict(self.assess))
                true, false = assess.get(change[1], (0, 0))
                true, false = true & ~bit, false & ~bit
                assess[change[1]] = (true | bit, false) if change[3] == "true" else (true, false | bit)
        return self._variant(**parts)

    def _variant(self, **parts: Any) -> Snapshot:
        """A hypothetical copy sharing every fact but ``parts``, with a cache of its own."""
        return replace(self, cache={}, **parts)

    def with_members(self, org: str, admitted: int) -> Snapshot:
        """This snapshot with the states of bitset ``admitted`` made members of ``org``.

        For questions that try many admission sets (``order``): only the status table of ``org``
        is copied; facts are shared, and nothing here is written to.
        """
        table = {status: mask & ~admitted for status, mask in self.status.get(org, {}).items()}
        table["member"] = table.get("member", 0) | admitted
        return self._variant(status={**self.status, org: table})


class OrgContext:
    """One snapshot seen from one organisation: what `members` means, and fact look-ups."""

    __slots__ = ("_memo", "all", "forbid", "org", "snap", "world")

    def __init__(self, snap: Snapshot, org: str, forbid: tuple[tuple[str, ...], ...] = ()) -> None:
        self.snap = snap
        self.org = org
        self.world = snap.world
        self.all = snap.world.all
        #: Changes the analyst ruled out: remedies are searched without them.
        self.forbid = forbid
        memo = snap.cache.get(org)
        self._memo: dict[Any, tuple[int, int]] = memo if memo is not None else snap.cache.setdefault(org, {})

    def memo(self, check: Any) -> tuple[int, int]:
        """A check's bitsets on this snapshot for this organisation, computed once."""
        found = self._memo.get(check)
        if found is None:
            found = self._memo[check] = check._masks(self)
        return found

    def group(self, group: m.Group) -> int:
        if group.kind == "members":
            return self.snap.members(self.org)
        if group.kind == "members_of":
            return self.snap.members(group.org or "")
        return self.world.mask_of(group.states)

    def code(self, i: int) -> str:
        return self.world.codes[i]

    def state(self, i: int) -> m.StateRecord:
        return self.world.states[i]

    def region_mask(self, regions: Iterable[str]) -> int:
        out = 0
        for region in regions:
            out |= self.world.region_masks.get(region, 0)
        return out

    def relations_step(self, i: int, j: int) -> Step | None:
        codes = self.world.codes
        a, b = (codes[i], codes[j]) if i < j else (codes[j], codes[i])  # index order is code order
        timeline = self.world.timelines.get(("rel", a, b))
        return timeline.step_at(self.snap.on) if timeline else None

    def relations_first(self, i: int, j: int) -> Step | None:
        """The first recorded relations event of a pair, if any."""
        codes = self.world.codes
        a, b = (codes[i], codes[j]) if i < j else (codes[j], codes[i])
        timeline = self.world.timelines.get(("rel", a, b))
        return timeline.steps[0] if timeline is not None and timeline.steps else None

    def never_established(self, i: int, j: int) -> m.NeverEstablished | None:
        codes = self.world.codes
        a, b = (codes[i], codes[j]) if i < j else (codes[j], codes[i])
        return self.world.never.get(("rel", a, b))

    def recognition_step(self, by: int, of: int) -> Step | None:
        timeline = self.world.timelines.get(("rec", self.code(by), self.code(of)))
        return timeline.step_at(self.snap.on) if timeline else None

    def status_of(self, i: int, org: str) -> tuple[str | None, Step | None]:
        """The status ``i`` holds in ``org`` and the step it began with; memoised per snapshot."""
        key = ("#status", i, org)
        found: tuple[str | None, Step | None] | None = self.snap.cache.get(key)
        if found is None:
            timeline = self.world.timelines.get(("status", self.world.codes[i], org))
            step = timeline.run_start(self.snap.on) if timeline is not None else None
            found = self.snap.cache[key] = (step.value, step) if step is not None else (None, None)
        return found

    def member_since(self, i: int, group: m.Group) -> date | None:
        org = self.org if group.kind == "members" else group.org if group.kind == "members_of" else None
        if org is None:
            return None
        status, step = self.status_of(i, org)
        return step.on if status == "member" and step is not None else None

    def conflict_interval(self, i: int, j: int) -> Interval | None:
        a, b = sorted((self.code(i), self.code(j)))
        return in_force(self.world.intervals.get(("conflict", a, b), ()), self.snap.on)

    def sanction_interval(self, i: int) -> Interval | None:
        return in_force(self.world.intervals.get(("sanction", self.code(i)), ()), self.snap.on)

    def assessment_step(self, key: str, i: int) -> Step | None:
        timeline = self.world.timelines.get(("assess", key, self.code(i)))
        return timeline.step_at(self.snap.on) if timeline else None


@dataclass(eq=False)
class World:
    """A compiled world. Immutable in meaning; only its snapshot cache changes."""

    name: str
    source: str | None
    states: tuple[m.StateRecord, ...]
    codes: tuple[str, ...]
    index: dict[str, int]
    orgs: dict[str, CompiledOrg]
    timelines: Mapping[Key, Timeline]
    intervals: Mapping[Key, tuple[Interval, ...]]
    history: Mapping[Key, tuple[Placed, ...]]
    established: int  # states whose relations default to established
    region_masks: dict[str, int]
    never: dict[Key, m.NeverEstablished] = field(default_factory=dict)
    base: World | None = None
    touched: frozenset[Key] = frozenset()
    _snapshots: OrderedDict[date, Snapshot] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def all(self) -> int:
        return (1 << len(self.codes)) - 1

    def mask_of(self, codes: Iterable[str]) -> int:
        out = 0
        for code in codes:
            i = self.index.get(code)
            if i is not None:
                out |= 1 << i
        return out

    def pair_default(self, a: str, b: str) -> bool:
        est = self.established
        return bool(est >> self.index[a] & 1 and est >> self.index[b] & 1)

    def initial_of(self, key: Key) -> Any:
        if key[0] == "rel":
            return key not in self.never and self.pair_default(key[1], key[2])
        return False if key[0] == "rec" else None

    # --- projection ---------------------------------------------------------------------

    def as_of(self, on: date) -> Snapshot:
        """Every fact of ``on``: built once per date and cached."""
        with self._lock:
            snap = self._snapshots.get(on)
            if snap is not None:
                self._snapshots.move_to_end(on)
                return snap
        snap = self._build(on) if self.base is None else self._patch(self.base.as_of(on), on)
        with self._lock:
            self._snapshots[on] = snap
            while len(self._snapshots) > SNAPSHOT_CACHE:
                self._snapshots.popitem(last=False)
        return snap

    def _build(self, on: date) -> Snapshot:
        n = len(self.codes)
        est = self.established
        rel = [(est | 1 << i) if est >> i & 1 else 1 << i for i in range(n)]
        snap = Snapshot(self, on, rel, [0] * n, [], [0] * n, 0, {}, {}, {})
        for key in self.timelines:
            self._apply(snap, key)
        for key in self.intervals:
            self._apply(snap, key)
        snap.rec = [snap.rec_explicit[i] | rel[i] for i in range(n)]
        return snap

    def _patch(self, base: Snapshot, on: date) -> Snapshot:
        """The base snapshot with the touched facts recomputed; only what they change is copied."""
        touched_orgs = {key[2] for key in self.touched if key[0] == "status"}
        status = {org: dict(table) if org in touched_orgs else table for org, table in base.status.items()}
        for org in touched_orgs - status.keys():
            status[org] = {}
        snap = Snapshot(
            self,
            on,
            list(base.rel),
            list(base.rec_explicit),
            list(base.rec),
            list(base.conflict),
            base.sanctioned,
            status,
            dict(base.positions),
            dict(base.assess),
        )
        rows: set[int] = set()
        index = self.index
        for key in self.touched:
            self._apply(snap, key)
            if key[0] in ("rel", "rec"):
                rows.add(index[key[1]])
                rows.add(index[key[2]])
        for i in rows:
            snap.rec[i] = snap.rec_explicit[i] | snap.rel[i]
        return snap

    def _apply(self, snap: Snapshot, key: Key) -> None:
        """Set the snapshot's bits for one fact from its timeline (idempotent: set or clear)."""
        on = snap.on
        kind = key[0]
        if kind in ("conflict", "sanction"):
            live = in_force(self.intervals.get(key, ()), on) is not None
            if kind == "sanction":
                bit = 1 << self.index[key[1]]
                snap.sanctioned = snap.sanctioned | bit if live else snap.sanctioned & ~bit
            else:
                _set_pair(snap.conflict, self.index[key[1]], self.index[key[2]], live)
            return
        timeline = self.timelines.get(key)
        value = timeline.at(on) if timeline is not None else self.initial_of(key)
        if kind == "rel":
            _set_pair(snap.rel, self.index[key[1]], self.index[key[2]], bool(value))
        elif kind == "rec":
            by, of = self.index[key[1]], self.index[key[2]]
            row = snap.rec_explicit[by]
            snap.rec_explicit[by] = row | 1 << of if value else row & ~(1 << of)
        elif kind == "status":
            i, org = self.index[key[1]], key[2]
            table = snap.status.setdefault(org, {})
            bit = 1 << i
            for status, mask in table.items():
                if mask & bit:
                    table[status] = mask & ~bit
            if value is not None:
                table[value] = table.get(value, 0) | bit
        elif kind == "pos":
            org, applicant, voter = key[1], self.index[key[2]], self.index[key[3]]
            stances = dict(snap.positions.get((org, applicant), {}))
            if value is None:
                stances.pop(voter, None)
            else:
                stances[voter] = value
            snap.positions[(org, applicant)] = stances
        elif kind == "assess":
            true, false = snap.assess.get(key[1], (0, 0))
            bit = 1 << self.index[key[2]]
            true, false = true & ~bit, false & ~bit
            if value is True:
                true |= bit
            elif value is False:
                false |= bit
            snap.assess[key[1]] = (true, false)

    # --- what-ifs -----------------------------------------------------------------------

    def with_changes(self, changes: Iterable[tuple[Any, Located]], default_on: date) -> World:
        """This world plus hypothetical events (dated ``default_on`` when undated); a new world."""
        placed: list[Placed] = []
        problems: list[Problem] = []
        for position, (event, loc) in enumerate(changes):
            found = event_problems(event, loc, self.index, {c: o.model for c, o in self.orgs.items()}, False)
            if found:
                problems.extend(found)
                continue
            on = event.when or default_on
            placed.append(Placed(event, on, canonical_order(event, on, 1, position), loc.problem, True))
        if problems:
            raise AccedeError(problems)
        if not placed:
            return self
        by_key: dict[Key, list[Placed]] = {}
        for item in placed:
            by_key.setdefault(event_key(item.event), []).append(item)
        items: list[Placed] = []
        for key, mine in by_key.items():
            blame = mine[0].report
            for past in self.history.get(key, ()):
                # A change can make a later history event contradictory: say so at the change.
                items.append(Placed(past.event, past.on, past.order, _blaming(blame), absorbable=True))
            items.extend(mine)
        build = build_history(items, self.initial_of, history_first=True, pinned=self.never)
        if build.problems:
            raise AccedeError(build.problems)
        # Layered, not copied: a what-if costs what it touches, not the size of the world.
        timelines = Layered(self.timelines, {k: build.timelines.get(k) for k in by_key})
        intervals = Layered(self.intervals, {k: build.intervals.get(k) for k in by_key})
        history = Layered(self.history, {k: (*self.history.get(k, ()), *mine) for k, mine in by_key.items()})
        return World(
            self.name,
            self.source,
            self.states,
            self.codes,
            self.index,
            self.orgs,
            timelines,
            intervals,
            history,
            self.established,
            self.region_masks,
            self.never,
            base=self,
            touched=frozenset(by_key),
        )

    def flattened(self) -> World:
        """The same world with its layers merged into plain mappings (long chains of what-ifs read slowly)."""
        return World(
            self.name,
            self.source,
            self.states,
            self.codes,
            self.index,
            self.orgs,
            dict(self.timelines),
            dict(self.intervals),
            dict(self.history),
            self.established,
            self.region_masks,
            self.never,
        )

    def with_orgs(self, orgs: Mapping[str, CompiledOrg]) -> World:
        """This world under amended rules (a what-if on the rules themselves); a new world."""
        return World(
            self.name,
            self.source,
            self.states,
            self.codes,
            self.index,
            {**self.orgs, **orgs},
            self.timelines,
            self.intervals,
            self.history,
            self.established,
            self.region_masks,
            self.never,
            base=self,
        )


def _blaming(blame: Callable[[str, str], Problem]) -> Callable[[str, str], Problem]:
    """Report a history event that a change made contradictory at the change itself."""

    def report(code: str, message: str) -> Problem:
        return blame(code, f"with this change, the history breaks: {message}")

    return report


def _set_pair(rows: list[int], i: int, j: int, value: bool) -> None:
    if value:
        rows[i] |= 1 << j
        rows[j] |= 1 << i
    else:
        rows[i] &= ~(1 << j)
        rows[j] &= ~(1 << i)


_STATE_FIELDS: dict[str, tuple[str, ...]] = {
    "recognize": ("recognize", "by"),
    "withdraw_recognition": ("withdraw_recognition", "by"),
    "admit": ("admit",),
    "leave": ("leave",),
    "sanction": ("sanction",),
    "lift_sanctions": ("lift_sanctions",),
    "support": ("support", "by"),
    "oppose": ("oppose", "by"),
    "abstain": ("abstain", "by"),
    "assess": ("of",),
}
_ORG_FIELDS: dict[str, str] = {"admit": "to", "leave": "from_", "support": "in_", "oppose": "in_", "abstain": "in_"}


def event_problems(
    event: Any,
    loc: Located,
    index: Mapping[str, int],
    orgs: Mapping[str, m.Organization],
    require_date: bool,
) -> list[Problem]:
    """Unknown states, organisations and statuses in one event, and a missing date."""
    problems: list[Problem] = []
    verb = event.verb
    if verb in ("establish", "sever", "conflict", "end_conflict"):
        named: list[tuple[str, tuple[str | int, ...]]] = [(c, (verb, k)) for k, c in enumerate(getattr(event, verb))]
    else:
        named = [(getattr(event, f), (f,)) for f in _STATE_FIELDS[verb]]
    for code, path in named:
        if code not in index:
            problems.append(
                loc.problem("world.unknown-state", f"unknown state `{code}`{did_you_mean(code, index)}", path)
            )
    org_field = _ORG_FIELDS.get(verb)
    if org_field is not None:
        org = getattr(event, org_field)
        name = org_field.rstrip("_")
        if org not in orgs:
            problems.append(
                loc.problem("world.unknown-org", f"unknown organisation `{org}`{did_you_mean(org, orgs)}", (name,))
            )
        elif verb == "admit" and event.as_ not in orgs[org].statuses:
            declared = orgs[org].statuses
            problems.append(
                loc.problem(
                    "rule.unknown-status",
                    f"the {org} has no status `{event.as_}`{did_you_mean(event.as_, declared)}",
                    ("as",),
                )
            )
    if require_date and event.when is None:
        name = "from" if verb in ("conflict", "sanction") else "on"
        problems.append(
            loc.problem("schema.missing-field", f"missing required field `{name}`: history events are dated", ())
        )
    return problems


def compile_world(inp: WorldInput) -> World:
    """Validate a world as read (all problems at once) and compile it for evaluation."""
    problems: list[Problem] = []
    index: dict[str, int] = {}
    records: list[m.StateRecord] = []
    # Index order is code order, so every list of states built from bitsets comes out sorted.
    for record, loc in sorted(inp.states, key=lambda item: item[0].code):
        if record.code in index:
            problems.append(loc.problem("world.duplicate-state", f"state `{record.code}` is declared twice", ("code",)))
            continue
        index[record.code] = len(records)
        records.append(record)
    models: dict[str, m.Organization] = {}
    reporters: dict[str, Any] = {}
    for org, loc in inp.organizations:
        if org.code in models:
            problems.append(loc.problem("rule.duplicate-org", f"organisation `{org.code}` is defined twice", ("org",)))
            continue
        models[org.code] = org
        reporters[org.code] = loc.problem
    problems.extend(validate_orgs(models, reporters, index))
    placed: list[Placed] = []
    for position, (event, loc) in enumerate(inp.events):
        found = event_problems(event, loc, index, models, True)
        if found:
            problems.extend(found)
            continue
        on = event.when
        assert on is not None  # event_problems refused undated history events
        placed.append(Placed(event, on, canonical_order(event, on, 0, position), loc.problem))
    never: dict[Key, m.NeverEstablished] = {}
    for record_n, loc in inp.never_established:
        a, b = sorted(record_n.pair)
        for k, code in enumerate(record_n.pair):
            if code not in index:
                message = f"unknown state `{code}`{did_you_mean(code, index)}"
                problems.append(loc.problem("world.unknown-state", message, ("pair", k)))
        if ("rel", a, b) in never:
            problems.append(loc.problem("schema.invalid-value", f"the pair {a}-{b} is listed twice", ("pair",)))
        never[("rel", a, b)] = record_n
    established = 0
    for i, record in enumerate(records):
        if (record.default_relations or inp.header.default_relations) == "established":
            established |= 1 << i
    world = World(
        inp.header.name or inp.origin,
        inp.header.source,
        tuple(records),
        tuple(r.code for r in records),
        index,
        {code: compile_org(org) for code, org in models.items()},
        {},
        {},
        {},
        established,
        _region_masks(records),
        never,
    )
    if problems:
        raise AccedeError(problems)
    build = build_history(placed, world.initial_of, history_first=True, pinned=never)
    if build.problems:
        raise AccedeError(build.problems)
    # A never-established pair with no events still needs a (flat) timeline so snapshots see it.
    world.timelines = {key: Timeline.of(False, ()) for key in never} | build.timelines
    world.intervals = build.intervals
    history: dict[Key, list[Placed]] = {}
    for item in placed:
        history.setdefault(event_key(item.event), []).append(item)
    world.history = {key: tuple(items) for key, items in history.items()}
    return world


def _region_masks(records: list[m.StateRecord]) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, record in enumerate(records):
        for name in (record.region, record.subregion):
            if name:
                masks[name] = masks.get(name, 0) | 1 << i
    return masks
