"""A world's facts compiled once: states and per-fact timelines, projected on any date.

``Facts.as_of(day)`` gives a ``Snapshot``: every fact of that date as integer bitsets indexed by
state (who has relations with whom, who holds which status where, who is under sanctions...).
Snapshots are cached per date. What-if facts (``with_changes``) rebuild only the facts their
changes touch and patches the baseline's snapshot for them; the baseline is never modified.
A sweep through time (``walk``, ``step``) moves one snapshot from date to date, re-applying only
the facts that change in between, from an index of the dates each fact changes on.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Any

from engine import models as m
from engine.common.errors import AccedeError, Problem
from engine.common.limits import SNAPSHOTS_CACHED
from engine.compiler.bitsets import bits, set_pair
from engine.compiler.history import Key, Placed, build_history, canonical_order
from engine.compiler.timeline import Interval, Timeline, in_force
from engine.reading.loader import Located
from engine.validation import CheckedWorld, validate_event

__all__ = ["TRUST", "Facts", "Layered", "Snapshot", "compile_facts"]

#: Confidence levels, lowest first: ``trust: medium`` keeps facts of medium and high confidence.
TRUST: tuple[str, ...] = ("low", "medium", "high")

#: Dates whose snapshot a world keeps (a sweep over many dates evicts the oldest).
SNAPSHOT_CACHE = SNAPSHOTS_CACHED.file


#: The facts a change of each kind moves, as ``Snapshot.differs`` names them (relations imply recognition).
_READ_AS: dict[str, tuple[str, ...]] = {
    "rel": ("rel", "rec"),
    "rec": ("rec",),
    "conflict": ("conflict",),
    "sanction": ("sanction",),
    "assess": ("assess",),
    "pos": (),
}
_RELATIONS = frozenset(_READ_AS["rel"])
_RECOGNITION = frozenset(_READ_AS["rec"])


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

    facts: Facts
    on: date
    rel: list[int]
    rec_explicit: list[int]  # recognitions in force by an event: by -> bitset of those it recognises
    rec: list[int]  # recognition as checks read it: explicit, implied by relations, or by the default
    conflict: list[int]
    sanctioned: int
    status: dict[str, dict[str, int]]
    positions: dict[tuple[str, int], dict[int, str]]
    assess: dict[str, tuple[int, int]]
    #: Recognitions explicitly not in force (withdrawn, or recorded as never given): the default
    #: does not fill them.
    rec_denied: list[int] = field(default_factory=list)
    cache: dict[Any, Any] = field(default_factory=dict)
    #: The snapshot this one was made from (a what-if's baseline, a remedy's or an admission set's
    #: starting point), and the facts that differ from it, named ``rel``, ``rec``, ``conflict``,
    #: ``sanction``, ``assess`` and ``status:ORG``: a check that reads none of them has the origin's
    #: bitsets, so a hypothetical snapshot recomputes only what it changed. Whoever makes the
    #: variant says what it changed (``_variant``); a copy that happens to be equal still counts.
    origin: Snapshot | None = None
    differs: frozenset[str] = frozenset()

    def members(self, org: str) -> int:
        return self.status.get(org, {}).get("member", 0)

    def codes_of(self, mask: int) -> list[str]:
        """State codes of a bitset, in code order; memoised, since voter groups recur."""
        key = ("#codes", mask)
        found: tuple[str, ...] | None = self.cache.get(key)
        if found is None:
            codes = self.facts.codes
            found = self.cache[key] = tuple(codes[i] for i in bits(mask))
        return list(found)

    def recognition_rows(self, rows: Iterable[int] | None = None) -> None:
        """Recompute recognition as checks read it, for ``rows`` (default: every state).

        Recognition is explicit (an event in force), implied by relations, or the world's default:
        the members of ``recognition_among`` recognise one another unless denied (SPEC: relations
        imply recognition; the default is the bundled world's documented extension).
        """
        among = self.facts.recognition_among
        mask = self.members(among) if among is not None else 0
        denied = self.rec_denied
        for i in range(len(self.rel)) if rows is None else rows:
            default = mask & ~denied[i] if mask >> i & 1 else 0
            self.rec[i] = self.rec_explicit[i] | self.rel[i] | default

    def with_relation(self, i: int, j: int) -> Snapshot:
        """This snapshot with relations between states ``i`` and ``j`` (which imply recognition)."""
        rel = list(self.rel)
        set_pair(rel, i, j, True)
        rec = list(self.rec)
        rec[i] |= rel[i]
        rec[j] |= rel[j]
        return self._variant(_RELATIONS, rel=rel, rec=rec)

    def with_recognition(self, by: int, of: int) -> Snapshot:
        """This snapshot with ``by`` recognising ``of``."""
        rec = list(self.rec)
        rec[by] |= 1 << of
        return self._variant(_RECOGNITION, rec=rec)

    def with_remedy(self, changes: Iterable[tuple[str, ...]]) -> Snapshot:
        """This snapshot with a remedy's changes made on its date (to verify what the remedy lifts).

        Only the parts a change touches are copied: a remedy is checked on every join that has one.
        """
        index = self.facts.index
        parts: dict[str, Any] = {}
        differs: set[str] = set()

        def rows(name: str) -> list[int]:
            if name not in parts:
                parts[name] = list(getattr(self, name))
            found: list[int] = parts[name]
            return found

        for change in changes:
            # Remedies only ever improve standing: these are the only changes they propose.
            fact = m.VERBS[change[0]].fact
            differs.update(_READ_AS[fact] if fact != "status" else (f"status:{change[2]}",))
            if fact == "rel":  # ("establish", a, b)
                i, j = index[change[1]], index[change[2]]
                rel, rec = rows("rel"), rows("rec")
                set_pair(rel, i, j, True)
                rec[i] |= rel[i]
                rec[j] |= rel[j]
            elif fact == "rec":  # ("recognize", recognised, recogniser)
                rows("rec")[index[change[2]]] |= 1 << index[change[1]]
            elif fact == "status":  # ("admit", state, org, status) or ("leave", state, org)
                bit = 1 << index[change[1]]
                status = parts.setdefault("status", dict(self.status))
                table = {name: mask & ~bit for name, mask in status.get(change[2], {}).items()}
                if change[0] == "admit":
                    table[change[3]] = table.get(change[3], 0) | bit
                status[change[2]] = table
            elif fact == "conflict":  # ("end_conflict", a, b)
                set_pair(rows("conflict"), index[change[1]], index[change[2]], False)
            elif fact == "sanction":  # ("lift_sanctions", state)
                parts["sanctioned"] = parts.get("sanctioned", self.sanctioned) & ~(1 << index[change[1]])
            elif fact == "assess":  # ("assess", key, state, "true" | "false")
                bit = 1 << index[change[2]]
                assess = parts.setdefault("assess", dict(self.assess))
                true, false = assess.get(change[1], (0, 0))
                true, false = true & ~bit, false & ~bit
                assess[change[1]] = (true | bit, false) if change[3] == "true" else (true, false | bit)
        among = self.facts.recognition_among
        everyone = "status" in parts and among is not None and f"status:{among}" in differs
        if everyone:
            # Joining the organisation whose members recognise one another changes recognition too.
            differs.add("rec")
        variant = self._variant(frozenset(differs), **parts)
        if everyone:
            variant.rec = list(variant.rec)
            variant.recognition_rows()
        return variant

    def _variant(self, differs: frozenset[str], **parts: Any) -> Snapshot:
        """A hypothetical copy sharing every fact but ``parts``, with a cache of its own; ``differs``
        names the facts ``parts`` change (see ``origin``).

        A shallow copy with the parts set, not ``dataclasses.replace`` or ``copy.copy``: both go
        through keyword or reduce plumbing, and order searches and remedy checks make thousands of variants.
        """
        variant = object.__new__(Snapshot)
        variant.__dict__ = {**self.__dict__, **parts, "cache": {}, "origin": self, "differs": differs}
        return variant

    def with_members(self, org: str, admitted: int) -> Snapshot:
        """This snapshot with the states of bitset ``admitted`` made members of ``org``.

        For questions that try many admission sets (``order``): only the status table of ``org``
        is copied; facts are shared, and nothing here is written to.
        """
        table = {status: mask & ~admitted for status, mask in self.status.get(org, {}).items()}
        table["member"] = table.get("member", 0) | admitted
        return self._variant(frozenset({f"status:{org}"}), status={**self.status, org: table})


@dataclass(eq=False)
class Facts:
    """A compiled world's facts (no rules): immutable in meaning; only its snapshot cache changes."""

    name: str
    source: str | None
    states: tuple[m.StateRecord, ...]
    codes: tuple[str, ...]
    index: dict[str, int]
    timelines: Mapping[Key, Timeline]
    intervals: Mapping[Key, tuple[Interval, ...]]
    history: Mapping[Key, tuple[Placed, ...]]
    established: int  # states whose relations default to established
    region_masks: dict[str, int]
    never: dict[Key, m.NeverEstablished] = field(default_factory=dict)
    #: The last date the facts were checked (SPEC, horizon); answers after it say so.
    horizon: date | None = None
    #: The organisation whose members recognise one another by default (None: no default).
    recognition_among: str | None = None
    #: Recognitions recorded as never given: exceptions to the default, with their sources.
    denied: dict[Key, m.NotRecognized] = field(default_factory=dict)
    base: Facts | None = None
    touched: frozenset[Key] = frozenset()
    _snapshots: OrderedDict[date, Snapshot] = field(default_factory=OrderedDict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def all(self) -> int:
        return (1 << len(self.codes)) - 1

    def existing(self, on: date) -> int:
        """The states that exist on ``on``: all but those dissolved by then (kept for history)."""
        gone = 0
        for i, record in enumerate(self.states):
            if record.dissolved is not None and record.dissolved <= on:
                gone |= 1 << i
        return self.all & ~gone

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
        if key[0] == "rec":
            # Undecided (None) where a default may fill it; not given where recorded as such.
            return False if key in self.denied or self.recognition_among is None else None
        return None

    # --- projection ---------------------------------------------------------------------

    def projected(self, on: date) -> bool:
        """Whether the snapshot of ``on`` is built already (asking for it then costs a look-up)."""
        with self._lock:
            return on in self._snapshots or (self.base is not None and self.base.projected(on))

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
        snap = Snapshot(self, on, rel, [0] * n, [0] * n, [0] * n, 0, {}, {}, {}, [0] * n)
        for key in self.timelines:
            self._apply(snap, key)
        for key in self.intervals:
            self._apply(snap, key)
        snap.recognition_rows()
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
            list(base.rec_denied),
        )
        rows: set[int] = set()
        index = self.index
        for key in self.touched:
            self._apply(snap, key)
            if key[0] in ("rel", "rec"):
                rows.add(index[key[1]])
                rows.add(index[key[2]])
        # A change of membership in the organisation whose members recognise one another by default
        # changes every row.
        everyone = self.recognition_among is not None and self.recognition_among in touched_orgs
        snap.recognition_rows(None if everyone else rows)
        snap.origin = base
        snap.differs = _touched_facts(self.touched, everyone)
        return snap

    def revert(self, snap: Snapshot, keys: Iterable[Key], to: date) -> Snapshot:
        """A snapshot with the facts ``keys`` as they stood on ``to`` and every other fact as on its date.

        The counterfactual a timeline asks of each event of a day: "had this one not happened".
        """
        variant = Snapshot(
            self,
            to,
            list(snap.rel),
            list(snap.rec_explicit),
            list(snap.rec),
            list(snap.conflict),
            snap.sanctioned,
            {org: dict(table) for org, table in snap.status.items()},
            dict(snap.positions),
            dict(snap.assess),
            list(snap.rec_denied),
        )
        rows: set[int] = set()
        everyone = False
        for key in keys:
            self._apply(variant, key)
            if key[0] in ("rel", "rec"):
                rows.update((self.index[key[1]], self.index[key[2]]))
            everyone = everyone or (key[0] == "status" and key[2] == self.recognition_among)
        variant.recognition_rows(None if everyone else rows)
        variant.on = snap.on  # the question's date (rules in force) stays; only these facts go back
        return variant

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
                set_pair(snap.conflict, self.index[key[1]], self.index[key[2]], live)
            return
        timeline = self.timelines.get(key)
        value = timeline.at(on) if timeline is not None else self.initial_of(key)
        if kind == "rel":
            set_pair(snap.rel, self.index[key[1]], self.index[key[2]], bool(value))
        elif kind == "rec":
            by, bit = self.index[key[1]], 1 << self.index[key[2]]
            snap.rec_explicit[by] = snap.rec_explicit[by] | bit if value is True else snap.rec_explicit[by] & ~bit
            snap.rec_denied[by] = snap.rec_denied[by] | bit if value is False else snap.rec_denied[by] & ~bit
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

    # --- stepping through time ----------------------------------------------------------

    @cached_property
    def _changes(self) -> tuple[tuple[date, ...], dict[date, frozenset[Key]]]:
        """Every date on which some fact changes, ascending, and the facts that change on each.

        A fact changes where its timeline has a step, or where one of its intervals begins or
        ends (an ``end_conflict`` has already moved the end). Built once per facts: each what-if
        layer has its own, so its changes are seen.
        """
        by_day: dict[date, set[Key]] = {}
        for key, timeline in self.timelines.items():
            for on in timeline.dates:
                by_day.setdefault(on, set()).add(key)
        for key, intervals in self.intervals.items():
            for interval in intervals:
                by_day.setdefault(interval.start, set()).add(key)
                if interval.end is not None:
                    by_day.setdefault(interval.end, set()).add(key)
        return tuple(sorted(by_day)), {on: frozenset(keys) for on, keys in by_day.items()}

    def change_dates(self, start: date, until: date | None = None) -> tuple[date, ...]:
        """The dates of [start, until) on which some fact changes (``until`` None: no end)."""
        days = self._changes[0]
        return days[bisect_left(days, start) : len(days) if until is None else bisect_left(days, until)]

    def changed_between(self, a: date, b: date) -> frozenset[Key]:
        """The facts whose value may differ between dates ``a`` and ``b`` (in either order): those
        that change on some date after the earlier and no later than the later one."""
        days, by_day = self._changes
        lo, hi = (a, b) if a <= b else (b, a)
        window = days[bisect_right(days, lo) : bisect_right(days, hi)]
        if len(window) == 1:
            return by_day[window[0]]
        return frozenset().union(*(by_day[on] for on in window))

    def step(self, snap: Snapshot, on: date, keys: Iterable[Key] | None = None) -> Snapshot:
        """The snapshot of ``on``, from ``snap`` of another date, re-applying only the facts ``keys``
        (default: every fact that changes in between, ``changed_between``).

        What no key touches is shared with ``snap``, not copied (snapshots are not written to once
        built), so a sweep over many dates costs what changes on them, not the size of the world.
        The result is not cached: a sweep would evict the dates ``as_of`` keeps for questions.
        """
        assert snap.facts is self, "a snapshot steps within the facts it was projected from"
        touched = self.changed_between(snap.on, on) if keys is None else frozenset(keys)
        kinds = {key[0] for key in touched}
        orgs = {key[2] for key in touched if key[0] == "status"}
        status = snap.status
        if orgs:
            status = dict(status)
            for org in orgs:
                status[org] = dict(status.get(org, {}))
        # Recognition as checks read it follows relations, explicit recognition, and membership of
        # the organisation whose members recognise one another (which changes every row).
        among = self.recognition_among
        everyone = among is not None and among in orgs
        recognition = everyone or "rel" in kinds or "rec" in kinds
        out = Snapshot(
            self,
            on,
            list(snap.rel) if "rel" in kinds else snap.rel,
            list(snap.rec_explicit) if "rec" in kinds else snap.rec_explicit,
            list(snap.rec) if recognition else snap.rec,
            list(snap.conflict) if "conflict" in kinds else snap.conflict,
            snap.sanctioned,
            status,
            dict(snap.positions) if "pos" in kinds else snap.positions,
            dict(snap.assess) if "assess" in kinds else snap.assess,
            list(snap.rec_denied) if "rec" in kinds else snap.rec_denied,
        )
        rows: set[int] = set()
        index = self.index
        for key in touched:
            self._apply(out, key)
            if key[0] in ("rel", "rec"):
                rows.add(index[key[1]])
                rows.add(index[key[2]])
        if recognition:
            out.recognition_rows(None if everyone else rows)
        return out

    def walk(self, days: Iterable[date]) -> Iterator[tuple[Snapshot, frozenset[Key]]]:
        """The snapshot of each of ``days`` (ascending), each stepped from the one before, with the
        facts that step re-applied: none for the first, which is ``as_of``'s (projected whole, and
        cached); the rest are ``step``s, not cached.
        """
        snap: Snapshot | None = None
        for on in days:
            if snap is None:
                snap = self.as_of(on)
                yield snap, frozenset()
                continue
            if on < snap.on:
                raise ValueError(f"dates must ascend: {on.isoformat()} after {snap.on.isoformat()}")
            keys = self.changed_between(snap.on, on)
            snap = self.step(snap, on, keys)
            yield snap, keys

    # --- what-ifs -----------------------------------------------------------------------

    def with_changes(
        self, changes: Iterable[tuple[m.Event, Located]], default_on: date, orgs: Mapping[str, m.Organization]
    ) -> Facts:
        """These facts plus hypothetical events (dated ``default_on`` when undated); new facts."""
        placed: list[Placed] = []
        problems: list[Problem] = []
        for position, (event, loc) in enumerate(changes):
            found = validate_event(event, loc, self.index, orgs, require_date=False)
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
            by_key.setdefault(item.event.key(), []).append(item)
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
        return self._derived(timelines, intervals, history, base=self, touched=frozenset(by_key))

    def flattened(self) -> Facts:
        """The same facts with their layers merged into plain mappings (long chains of what-ifs read slowly)."""
        return self._derived(dict(self.timelines), dict(self.intervals), dict(self.history), base=None)

    def _derived(
        self,
        timelines: Mapping[Key, Timeline],
        intervals: Mapping[Key, tuple[Interval, ...]],
        history: Mapping[Key, tuple[Placed, ...]],
        *,
        base: Facts | None,
        touched: frozenset[Key] = frozenset(),
    ) -> Facts:
        """These facts with other histories, and a snapshot cache and lock of their own."""
        return replace(
            self,
            timelines=timelines,
            intervals=intervals,
            history=history,
            base=base,
            touched=touched,
            _snapshots=OrderedDict(),
            _lock=threading.Lock(),
        )

    def trusting(self, level: str) -> Facts:
        """These facts without those whose confidence is below ``level`` (``low`` keeps everything).

        An analyst who will not rest a verdict on a fact reported by one side only asks with
        ``trust: medium``; facts without a stated confidence are kept. Only a world's own history
        is filtered (what-if changes are the analyst's); the result is new facts, compiled from the
        kept events as the world was.
        """
        floor = TRUST.index(level)
        if floor == 0:
            return self
        assert self.base is None, "trust is applied to a world's history, before any what-if"

        def kept(record: Any) -> bool:
            confidence = getattr(record, "confidence", None)
            return confidence is None or TRUST.index(confidence) >= floor

        placed = [p for items in self.history.values() for p in items if kept(p.event)]
        never = {k: v for k, v in self.never.items() if kept(v)}
        denied = {k: v for k, v in self.denied.items() if kept(v)}
        trusted = replace(self, never=never, denied=denied, _snapshots=OrderedDict(), _lock=threading.Lock())
        build = build_history(placed, trusted.initial_of, history_first=True, pinned=never)
        pins = {key: Timeline.of(False, ()) for key in (*never, *denied)}
        history: dict[Key, list[Placed]] = {}
        for item in placed:
            history.setdefault(item.event.key(), []).append(item)
        trusted.timelines = pins | build.timelines
        trusted.intervals = build.intervals
        trusted.history = {key: tuple(items) for key, items in history.items()}
        return trusted

    def layer(self) -> Facts:
        """The same facts with a snapshot cache of their own (for a world under amended rules).

        Amended rules compile new checks, whose memoised bitsets must not accumulate in the
        baseline's snapshots: a long-running service would grow with every amended request.
        """
        return replace(self, base=self, touched=frozenset(), _snapshots=OrderedDict(), _lock=threading.Lock())


def _blaming(blame: Callable[[str, str], Problem]) -> Callable[[str, str], Problem]:
    """Report a history event that a change made contradictory at the change itself."""

    def report(code: str, message: str) -> Problem:
        return blame(code, f"with this change, the history breaks: {message}")

    return report


def compile_facts(checked: CheckedWorld) -> Facts:
    """The facts of a validated world: timelines per fact, built once; contradictions reported."""
    placed: list[Placed] = []
    for position, (event, loc) in enumerate(checked.events):
        on = event.when
        assert on is not None  # validation refused undated history events
        placed.append(Placed(event, on, canonical_order(event, on, 0, position), loc.problem))
    records = checked.states
    established = 0
    header = checked.inp.header
    for i, record in enumerate(records):
        if (record.default_relations or header.default_relations) == "established":
            established |= 1 << i
    facts = Facts(
        header.name or checked.inp.origin,
        header.source,
        tuple(records),
        tuple(r.code for r in records),
        checked.index,
        {},
        {},
        {},
        established,
        _region_masks(records),
        checked.never,
        header.horizon,
        header.recognition_default.among if header.recognition_default is not None else None,
        checked.denied,
    )
    build = build_history(placed, facts.initial_of, history_first=True, pinned=checked.never)
    if build.problems:
        raise AccedeError(build.problems)
    # A never-established pair or a recognition never given, with no events, still needs a (flat)
    # timeline so snapshots see it.
    pins = {key: Timeline.of(False, ()) for key in (*checked.never, *checked.denied)}
    facts.timelines = pins | build.timelines
    facts.intervals = build.intervals
    history: dict[Key, list[Placed]] = {}
    for item in placed:
        history.setdefault(item.event.key(), []).append(item)
    facts.history = {key: tuple(items) for key, items in history.items()}
    return facts


def _region_masks(records: list[m.StateRecord]) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, record in enumerate(records):
        for name in (record.region, record.subregion):
            if name:
                masks[name] = masks.get(name, 0) | 1 << i
    return masks


def _touched_facts(keys: Iterable[Key], everyone: bool) -> frozenset[str]:
    """The facts (as ``Snapshot.differs`` names them) a what-if's changed timelines move.

    Membership of the organisation whose members recognise one another (``everyone``) moves
    recognition too; positions are read by tallies, not by checks.
    """
    kinds: set[str] = {"rec"} if everyone else set()
    for key in keys:
        kinds.update(_READ_AS[str(key[0])] if key[0] != "status" else (f"status:{key[2]}",))
    return frozenset(kinds)
