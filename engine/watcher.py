"""The live event watcher: events in, the verdicts they change out, by one of three engines.

Every engine applies each event to a live world as of one date and re-derives the verdicts of the
subscribed (state, organisation) pairs; the watcher compares them with the last ones and reports
those that moved. The engines differ in how much they redo per event:

* ``incremental`` (the default) re-evaluates only the subscriptions the event can touch
  (``engine.evaluation.touches``, the analysis ``impact`` uses), on the live snapshot with only the
  facts events changed re-read, and keeps the live facts one layer over the starting world.
* ``evaluator`` re-evaluates every subscription on a fresh projection of the whole world after
  every event: the plainest reading, and the reference the others are tested against.
* ``durable`` keeps a forward-chaining view of the joins a watch needs (an applicant against every
  member of a group) in durable_rules, the standing-query engine and the second opinion.

This is the only module that imports durable_rules, and it contains its hazards (each one found
on durable-rules 2.0.28 and reproducible):

* The stock ``Host`` runs actions on background timer threads, so results arrive late or never.
  ``_QuietHost`` starts no timers; every action runs inside the ``assert_fact`` that triggers it,
  and one lock serialises all calls into the session.
* ``none()`` is evaluated when a fact arrives and never revisited (no truth maintenance). So world
  facts are loaded before any standing query, and for every event the affected queries are
  retracted, the facts brought up to date, and the queries asserted again, so their rules see
  the facts as they now are.
* Fact identity is a 32-bit hash: a distinct fact may be refused as a duplicate. Facts are
  asserted one at a time; a refused fact we do not hold is asserted again with a new nonce, and
  the registry of facts we hold is what retraction uses.
* Exceptions raised inside actions are swallowed into session state: actions only append to a
  list, and any error they record is raised after the call returns.
* Facts that no rule can match raise: only fact kinds the compiled rules use are asserted, and a
  "not handled" answer is recorded rather than fatal.
* Rulesets can never be replaced and sessions must not be deleted after heavy churn: each
  watcher gets a ruleset with a fresh name and keeps one long-lived session.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from durable.engine import Host, MessageNotHandledException, MessageObservedException

from engine import models as m
from engine.compiler import checks as ck
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.facts import Facts, Layered, Snapshot
from engine.compiler.history import Key
from engine.compiler.rulebook import CompiledVersion
from engine.compiler.world import World
from engine.evaluation.join import combine, rules_in_force
from engine.evaluation.tally import Assume, decide
from engine.evaluation.touches import Reach
from engine.evaluation.verdict import VerdictName
from engine.reading.loader import Located
from engine.reading.yaml12 import Document

__all__ = ["ENGINES", "Change", "Engine", "Watcher", "WatcherError"]

Engine = Literal["incremental", "evaluator", "durable"]
#: The engines a watcher can run on, the default first.
ENGINES: tuple[Engine, ...] = ("incremental", "evaluator", "durable")

#: Fresh ruleset names: durable_rules cannot replace or drop a ruleset in a process.
_NAMES = itertools.count()

#: Events between two flattenings of a chained live world (layers make every look-up deeper).
_FLATTEN_EVERY = 256

Fact = tuple[Any, ...]  # ("rel", a, b), ("member", org, state), ...
#: A subscription as the watcher holds it: each condition's outcome, and the verdict.
Standing = tuple[dict[str, str], VerdictName]


class WatcherError(RuntimeError):
    """durable_rules misbehaved (an action failed, or a fact could not be stored)."""


class _QuietHost(Host):  # type: ignore[misc]  # durable_rules is untyped
    """durable_rules' host without its timer threads: actions run in the caller's thread."""

    def _run(self) -> None:
        return None


@dataclass(frozen=True)
class Change:
    """One verdict that an event changed, as the watch command prints it."""

    state: str
    org: str
    before: VerdictName
    after: VerdictName
    flipped: tuple[str, ...]
    event: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "org": self.org,
            "before": self.before,
            "after": self.after,
            "flipped": list(self.flipped),
            "event": self.event,
        }


def _standing(world: World, snap: Snapshot, i: int, org: str, assume: Assume) -> Standing:
    """One subscription as the compiled evaluator sees it on a snapshot: outcomes and verdict."""
    version = rules_in_force(world.orgs[org], snap.on)
    if snap.members(org) >> i & 1:
        return {}, "member"  # not an applicant: nothing is evaluated (SPEC, Verdicts)
    ctx = OrgContext(snap, org)
    outcomes: dict[str, str] = {}
    for condition in version.conditions:
        holds, fails = condition.check.masks(ctx)
        outcomes[condition.id] = "holds" if holds >> i & 1 else "fails" if fails >> i & 1 else "unknown"
    found = outcomes.values()
    if "fails" in found:
        return outcomes, "blocked"  # whatever the tally says, so it is not computed
    return outcomes, combine(False, "unknown" in found, decide(ctx, version, i, assume))


def _chained(world: World, event: m.Event, where: Located, on: date, applied: int) -> World:
    """``world`` with one more event, as a what-if layer (flattened now and then: layers nest)."""
    world = world.with_changes([(event, where)], on)
    return world.flattened() if applied % _FLATTEN_EVERY == 0 else world


class _Engine(Protocol):
    """What the watcher asks of an engine: the live world, and the standings an event may move."""

    @property
    def world(self) -> World: ...

    def standings(self) -> list[Standing]:
        """Every subscription's standing now, in subscription order."""
        ...

    def apply(self, event: m.Event, where: Located) -> dict[int, Standing]:
        """Apply one event (AccedeError if it is refused); the standings it may have moved, by
        subscription number, ascending. Every other standing is unchanged."""
        ...


# --- the full re-evaluation --------------------------------------------------------------------


class _Evaluator:
    """Every subscription re-evaluated on a new projection of the live world after every event."""

    def __init__(self, world: World, on: date, subscriptions: tuple[tuple[str, str], ...], assume: Assume) -> None:
        self.world = world
        self._on, self._assume = on, assume
        self._pairs = [(world.index[state], org) for state, org in subscriptions]
        self._applied = 0

    def standings(self) -> list[Standing]:
        snap = self.world.as_of(self._on)
        return [_standing(self.world, snap, i, org, self._assume) for i, org in self._pairs]

    def apply(self, event: m.Event, where: Located) -> dict[int, Standing]:
        self.world = _chained(self.world, event, where, self._on, self._applied + 1)
        self._applied += 1
        return dict(enumerate(self.standings()))


# --- the incremental engine --------------------------------------------------------------------


def _layered(root: Facts, timelines: dict[Key, Any], intervals: dict[Key, Any], history: dict[Key, Any]) -> Facts:
    """``root``'s facts with the entries in ``timelines``, ``intervals`` and ``history`` read over
    its own: one layer, however many events made them. ``Facts.layer`` gives a copy with a snapshot
    cache of its own, whose projection is ``root``'s with the ``touched`` facts re-applied; the
    mappings are set on it before it is handed to anyone."""
    facts = root.layer()
    facts.timelines = Layered(root.timelines, timelines)
    facts.intervals = Layered(root.intervals, intervals)
    facts.history = Layered(root.history, history)
    facts.touched = frozenset(history)  # every fact an event was applied to has a history entry
    return facts


class _Incremental:
    """Only the subscriptions an event can touch re-evaluated, on the live snapshot with the one
    fact the event is about re-read.

    Chaining ``with_changes`` nests a layer per event (every look-up walks them, and flattening
    them costs the whole world), so the live facts are instead one private layer over the
    starting world whose top mappings take each event's new entries. Events are still applied
    by ``Facts.with_changes`` on those live facts, so they are validated against everything
    applied so far, exactly as a chain would. ``world`` hands out a frozen copy, made on demand.
    """

    def __init__(self, world: World, on: date, subscriptions: tuple[tuple[str, str], ...], assume: Assume) -> None:
        self._root, self._on, self._assume = world, on, assume
        self._tops: tuple[dict[Key, Any], dict[Key, Any], dict[Key, Any]] = ({}, {}, {})
        # Its tops are the dicts above, written by ``apply``: private, never projected, never handed out.
        self._live = _layered(world.facts, *self._tops)
        self._models = {code: org.model for code, org in world.rules.orgs.items()}
        self._snap = world.as_of(on)
        self._stale: set[Key] = set()  # facts events changed since ``_snap`` was brought up to date
        self._world: World | None = world
        self._reach = Reach.of_world(world)
        self._pairs = [(world.index[state], org) for state, org in subscriptions]
        self._by_state: dict[str, list[int]] = {}
        self._by_org: dict[str, list[int]] = {}
        for qid, (state, org) in enumerate(subscriptions):
            self._by_state.setdefault(state, []).append(qid)
            self._by_org.setdefault(org, []).append(qid)

    @property
    def world(self) -> World:
        if self._world is None:
            facts = _layered(self._root.facts, *(dict(top) for top in self._tops))
            self._world = World(facts, self._root.rules, self._root.revision)
        return self._world

    def standings(self) -> list[Standing]:
        snap = self._current()
        return [_standing(self._root, snap, i, org, self._assume) for i, org in self._pairs]

    def apply(self, event: m.Event, where: Located) -> dict[int, Standing]:
        key = event.key()
        applied = self._live.with_changes([(event, where)], self._on, self._models)  # refuses bad events
        for top, entries in zip(self._tops, (applied.timelines, applied.intervals, applied.history), strict=True):
            top[key] = entries.get(key)  # None hides the starting world's entry, as a layer's would
        self._world = None
        self._stale.add(key)
        reach = self._reach.of_fact(key)
        qids = {qid for org in reach.orgs for qid in self._by_org.get(org, ())}
        for state, orgs in reach.states.items():
            qids.update(qid for qid in self._by_state.get(state, ()) if self._pairs[qid][1] in orgs)
        if not qids:
            return {}  # the snapshot is brought up to date when a subscription next reads it
        snap = self._current()
        return {qid: _standing(self._root, snap, *self._pairs[qid], self._assume) for qid in sorted(qids)}

    def _current(self) -> Snapshot:
        """The live snapshot: ``revert`` re-reads the facts named, as the live facts now hold them,
        into a copy of the last one, so the rest of the world is not projected again."""
        if self._stale:
            self._snap = self._live.revert(self._snap, self._stale, self._on)
            self._stale = set()
        return self._snap


# --- the durable_rules engine ------------------------------------------------------------------


@dataclass(frozen=True)
class _Rule:
    """A condition durable_rules watches: which join, over which group, on which organisation."""

    condition: str
    org: str
    kind: str  # relations_with | recognized_by | no_conflict_with | status_in
    group: m.Group | None
    target_org: str | None = None
    statuses: tuple[str, ...] = ()


def _watched(org: str, version: CompiledVersion) -> list[_Rule]:
    """The top-level conditions durable_rules can derive: joins against a group, and statuses."""
    rules = []
    for condition in version.conditions:
        check = condition.check
        if isinstance(check, ck.RelationsWith):
            rules.append(_Rule(condition.id, org, "relations_with", check.group))
        elif isinstance(check, ck.RecognizedBy):
            rules.append(_Rule(condition.id, org, "recognized_by", check.group))
        elif isinstance(check, ck.NoConflictWith):
            rules.append(_Rule(condition.id, org, "no_conflict_with", check.group))
        elif isinstance(check, ck.StatusIn):  # member_of included
            rules.append(_Rule(condition.id, org, "status_in", None, check.org or org, check.statuses))
    return rules


class _Durable:
    """durable_rules derives the violations of the joins; the compiled evaluator the rest."""

    def __init__(self, world: World, on: date, subscriptions: tuple[tuple[str, str], ...], assume: Assume) -> None:
        self.on = on
        self.assume = assume
        self.world = world
        self.subscriptions = subscriptions
        self._name = f"accede_watch_{next(_NAMES)}"
        self._host = _QuietHost()
        self._hits: list[tuple[int, str, str]] = []
        self._errors: list[BaseException] = []
        self._held: dict[Fact, dict[str, Any]] = {}
        self._nonce = itertools.count(1)
        self._applied = 0
        snap = world.as_of(on)
        self._rules: dict[str, list[_Rule]] = {}
        self._partners: dict[str, int] = {}
        self._needs: dict[str, bool] = {}
        for _, org in self.subscriptions:
            version = world.orgs[org].version_at(on)
            if version is not None and org not in self._rules:
                self._rules[org] = _watched(org, version)
        self._host.set_rulesets({self._name: self._compile()})
        # World facts first, standing queries second: none() is judged on arrival.
        for fact in sorted(self._wanted(snap), key=repr):
            self._assert(fact)
        self._violations: dict[int, dict[str, set[str]]] = {}
        for qid in range(len(self.subscriptions)):
            self._ask(qid)

    def standings(self) -> list[Standing]:
        snap = self.world.as_of(self.on)
        return [self._outcomes(snap, qid) for qid in range(len(self.subscriptions))]

    # --- the ruleset, compiled from the rule models -----------------------------------

    def _compile(self) -> dict[str, Any]:
        definition: dict[str, Any] = {}
        for rules in self._rules.values():
            for rule in rules:
                name = f"r{len(definition)}"
                definition[name] = {"all": self._terms(rule), "run": self._action(rule)}
        if not definition:
            # A ruleset needs one rule; this one matches nothing we assert.
            definition["idle"] = {"all": [{"q": {"t": "never"}}], "run": lambda c: None}
        return definition

    def _terms(self, rule: _Rule) -> list[dict[str, Any]]:
        query = {"q": {"$and": [{"t": "q"}, {"org": rule.org}]}}
        if rule.kind == "status_in":
            held = [{"status": s} for s in rule.statuses]
            status = {"$and": [{"t": "status"}, {"org": rule.target_org}, {"state": {"q": "state"}}, {"$or": held}]}
            return [query, {"s$not": status}]
        assert rule.group is not None
        member = {"$and": [*self._group_terms(rule.group, rule.org), {"$neq": {"state": {"q": "state"}}}]}
        terms: list[dict[str, Any]] = [query, {"g": member}]
        relation = {"$and": [{"t": "rel"}, {"a": {"q": "state"}}, {"b": {"g": "state"}}]}
        if rule.kind == "relations_with":
            terms.append({"r$not": relation})
        elif rule.kind == "recognized_by":
            recognition = {"$and": [{"t": "rec"}, {"by": {"g": "state"}}, {"of": {"q": "state"}}]}
            terms += [{"k$not": recognition}, {"r$not": relation}]
        else:  # no_conflict_with: a positive join
            terms.append({"c": {"$and": [{"t": "war"}, {"a": {"q": "state"}}, {"b": {"g": "state"}}]}})
        return terms

    @staticmethod
    def _group_terms(group: m.Group, org: str) -> list[dict[str, Any]]:
        if group.kind == "list":
            return [{"t": "listed"}, {"group": ",".join(group.states)}]
        return [{"t": "member"}, {"org": org if group.kind == "members" else group.org}]

    def _action(self, rule: _Rule) -> Any:
        def record(c: Any) -> None:
            try:
                party = c.q.state if rule.kind == "status_in" else c.g.state
                self._hits.append((int(c.q.qid), rule.condition, party))
            except BaseException as exc:  # durable_rules would swallow it
                self._errors.append(exc)

        return record

    # --- facts ------------------------------------------------------------------------

    def _wanted(self, snap: Snapshot) -> set[Fact]:
        """Every fact the compiled rules read, for the subscribed applicants, on the watch date."""
        world = self.world
        codes, index = world.codes, world.index
        wanted: set[Fact] = set()
        member_orgs: set[str] = set()
        lists: set[tuple[str, ...]] = set()
        status_orgs: set[str] = set()
        needs = {"rel": False, "rec": False, "war": False}
        partners: dict[str, int] = {}
        for state, org in self.subscriptions:
            for rule in self._rules.get(org, ()):
                if rule.kind == "status_in":
                    status_orgs.add(rule.target_org or org)
                    continue
                assert rule.group is not None
                ctx = OrgContext(snap, org)
                partners[state] = partners.get(state, 0) | ctx.group(rule.group)
                if rule.group.kind == "list":
                    lists.add(tuple(rule.group.states))
                else:
                    member_orgs.add(org if rule.group.kind == "members" else rule.group.org or "")
                needs["rel"] = True
                needs["rec"] = needs["rec"] or rule.kind == "recognized_by"
                needs["war"] = needs["war"] or rule.kind == "no_conflict_with"
        for org in member_orgs:
            for i in bits(snap.members(org)):
                wanted.add(("member", org, codes[i]))
        for states in lists:
            for code in states:
                wanted.add(("listed", ",".join(states), code))
        self._partners, self._needs = partners, needs
        subscribed = {state for state, _ in self.subscriptions}
        for state in subscribed:
            i = index[state]
            for j in bits(partners.get(state, 0) & ~(1 << i)):
                other = codes[j]
                if needs["rel"] and snap.rel[i] >> j & 1:
                    wanted.add(("rel", state, other))
                if needs["rec"] and snap.rec[j] >> i & 1:
                    wanted.add(("rec", other, state))
                if needs["war"] and snap.conflict[i] >> j & 1:
                    wanted.add(("war", state, other))
            for org in status_orgs:
                status, _ = OrgContext(snap, org).status_of(i, org)
                if status is not None:
                    wanted.add(("status", org, state, status))
        return wanted

    def _pair_delta(self, snap: Snapshot, event: m.Event) -> tuple[list[Fact], list[Fact]]:
        """Facts to retract and assert after an event between two states (relations, recognition, war)."""
        if event.spec.fact not in ("rel", "rec", "conflict"):
            return [], []
        (a, _), (b, _) = event.states()
        index = self.world.index
        gone: list[Fact] = []
        new: list[Fact] = []
        for x, other in ((a, b), (b, a)):
            if not self._partners.get(x, 0) >> index[other] & 1:
                continue
            i, j = index[x], index[other]
            for fact, present in (
                (("rel", x, other), self._needs["rel"] and bool(snap.rel[i] >> j & 1)),
                (("rec", other, x), self._needs["rec"] and bool(snap.rec[j] >> i & 1)),
                (("war", x, other), self._needs["war"] and bool(snap.conflict[i] >> j & 1)),
            ):
                if present and fact not in self._held:
                    new.append(fact)
                elif not present and fact in self._held:
                    gone.append(fact)
        return gone, new

    @staticmethod
    def _as_dict(fact: Fact) -> dict[str, Any]:
        kind = fact[0]
        if kind in ("rel", "war"):
            return {"t": kind, "a": fact[1], "b": fact[2]}
        if kind == "rec":
            return {"t": "rec", "by": fact[1], "of": fact[2]}
        if kind == "member":
            return {"t": "member", "org": fact[1], "state": fact[2]}
        if kind == "listed":
            return {"t": "listed", "group": fact[1], "state": fact[2]}
        return {"t": "status", "org": fact[1], "state": fact[2], "status": fact[3]}

    def _call(self, method: str, body: dict[str, Any]) -> None:
        getattr(self._host, method)(self._name, body)
        if self._errors:
            error = self._errors[0]
            self._errors.clear()
            raise WatcherError(f"a durable_rules action failed: {error!r}")

    def _assert(self, fact: Fact) -> None:
        body = self._as_dict(fact)
        for _ in range(8):
            try:
                self._call("assert_fact", body)
            except MessageObservedException:
                # A 32-bit hash collision with a distinct fact: try again under a new nonce.
                body = {**self._as_dict(fact), "n": next(self._nonce)}
                continue
            except MessageNotHandledException:
                return  # no rule reads it, so durable_rules does not keep it
            self._held[fact] = body
            return
        raise WatcherError(f"durable_rules refused the fact {fact!r} eight times")

    def _retract(self, fact: Fact) -> None:
        body = self._held.pop(fact, None)
        if body is not None:
            self._call("retract_fact", body)

    def _query(self, qid: int) -> dict[str, Any]:
        state, org = self.subscriptions[qid]
        return {"t": "q", "qid": qid, "state": state, "org": org}

    def _ask(self, qid: int) -> None:
        """(Re-)assert a standing query and collect the violations its rules derive now."""
        self._hits.clear()
        with contextlib.suppress(MessageNotHandledException):  # its organisation has no watched condition
            self._call("assert_fact", self._query(qid))
        found: dict[str, set[str]] = {}
        for hit_qid, condition, party in self._hits:
            if hit_qid == qid:
                found.setdefault(condition, set()).add(party)
        self._hits.clear()
        self._violations[qid] = found

    def _drop(self, qid: int) -> None:
        with contextlib.suppress(MessageNotHandledException):
            self._call("retract_fact", self._query(qid))

    def _outcomes(self, snap: Snapshot, qid: int) -> Standing:
        """Per-condition outcomes (watched ones from durable_rules) and the verdict."""
        state, org = self.subscriptions[qid]
        version = self.world.orgs[org].version_at(self.on)
        assert version is not None
        ctx = OrgContext(snap, org)
        i = self.world.index[state]
        if snap.members(org) >> i & 1:
            return {}, "member"  # not an applicant: nothing is evaluated (SPEC, Verdicts)
        watched = {rule.condition for rule in self._rules.get(org, ())}
        violations = self._violations.get(qid, {})
        outcomes: dict[str, str] = {}
        for condition in version.conditions:
            if condition.id in watched:
                outcomes[condition.id] = "fails" if violations.get(condition.id) else "holds"
            else:
                holds, fails = condition.check.masks(ctx)
                outcomes[condition.id] = "holds" if holds >> i & 1 else "fails" if fails >> i & 1 else "unknown"
        found = set(outcomes.values())
        return outcomes, combine("fails" in found, "unknown" in found, decide(ctx, version, i, self.assume))

    # --- events -----------------------------------------------------------------------

    def apply(self, event: m.Event, where: Located) -> dict[int, Standing]:
        world = _chained(self.world, event, where, self.on, self._applied + 1)
        self._applied += 1
        snap = world.as_of(self.on)
        self.world = world
        if event.spec.fact == "status":
            # Memberships decide which pairs are watched at all: recompute every wanted fact.
            wanted = self._wanted(snap)
            gone = [f for f in self._held if f not in wanted]
            new = [f for f in wanted if f not in self._held]
        else:
            gone, new = self._pair_delta(snap, event)
        touched_states = {f[2] if f[0] in ("rec", "status") else f[1] for f in (*gone, *new) if f[0] != "member"}
        touched_orgs = {f[1] for f in (*gone, *new) if f[0] == "member"}
        parties = _parties(event)
        affected = [
            qid
            for qid, (state, org) in enumerate(self.subscriptions)
            if state in touched_states
            or state in parties
            or org in touched_orgs
            or self._reads(org, touched_orgs)
            or bool(_orgs_named(event) & {org, *self.world.rules.names.get(org, ())})
        ]
        for qid in affected:
            self._drop(qid)
        for fact in gone:
            self._retract(fact)
        for fact in sorted(new, key=repr):
            self._assert(fact)
        out: dict[int, Standing] = {}
        for qid in affected:
            self._ask(qid)
            out[qid] = self._outcomes(snap, qid)
        return out

    def _reads(self, org: str, orgs: set[str]) -> bool:
        """Whether the watched rules of ``org`` read the membership of any of ``orgs``."""
        for rule in self._rules.get(org, ()):
            if rule.group is not None and rule.group.kind == "members_of" and rule.group.org in orgs:
                return True
        return False


def _parties(event: m.Event) -> set[str]:
    """The states an event names: their verdicts may all move."""
    return {code for code, _ in event.states()}


def _orgs_named(event: m.Event) -> set[str]:
    """The organisations an event changes membership or stances in: their applicants may all move."""
    org = event.org()
    return {org} if org is not None else set()


# --- the watcher -------------------------------------------------------------------------------

_ENGINES: Mapping[Engine, type[_Evaluator | _Incremental | _Durable]] = {
    "incremental": _Incremental,
    "evaluator": _Evaluator,
    "durable": _Durable,
}


class Watcher:
    """A live world as of one date, watched for verdict changes of subscribed (state, org) pairs.

    ``engine`` picks how each event is re-evaluated (see the module docstring); every engine
    reports the same changes, which the tests check on random event streams.
    """

    def __init__(
        self,
        world: World,
        on: date,
        subscriptions: Iterable[tuple[str, str]] | None = None,
        assume: Assume = "unknown",
        engine: Engine = "incremental",
    ) -> None:
        if engine not in _ENGINES:
            raise ValueError(f"unknown watcher engine `{engine}` (one of {', '.join(ENGINES)})")
        self.on = on
        self.assume = assume
        self.engine = engine
        self._lock = threading.Lock()
        pairs = list(subscriptions) if subscriptions is not None else _every_pair(world, on)
        self.subscriptions: tuple[tuple[str, str], ...] = tuple(dict.fromkeys(pairs))
        self._engine: _Engine = _ENGINES[engine](world, on, self.subscriptions, assume)
        self._standings = dict(enumerate(self._engine.standings()))

    @property
    def world(self) -> World:
        """The live world: the starting world and every event applied so far."""
        return self._engine.world

    def verdicts(self) -> dict[tuple[str, str], VerdictName]:
        """The watcher's current verdict for every subscription."""
        return {self.subscriptions[qid]: v for qid, (_, v) in self._standings.items()}

    def outcomes(self) -> dict[tuple[str, str], dict[str, str]]:
        """Each subscription's condition outcomes as the watcher holds them."""
        return {self.subscriptions[qid]: dict(o) for qid, (o, _) in self._standings.items()}

    def apply(self, event: m.Event, where: Located | None = None) -> list[Change]:
        """Apply one event to the live world; the verdicts it changes. Bad events raise AccedeError."""
        with self._lock:
            located = where or Located(Document("<event>", {}), ())
            moved = self._engine.apply(event, located)
            syntax: dict[str, Any] | None = None
            changes = []
            for qid, (outcomes, after) in moved.items():
                before_outcomes, before = self._standings[qid]
                self._standings[qid] = (outcomes, after)
                if after != before:
                    # Against the outcomes last derived: they may move while the verdict stays.
                    flipped = tuple(c for c in outcomes if outcomes[c] != before_outcomes.get(c))
                    if syntax is None:  # written once, for the changes it caused only
                        syntax = event.syntax()
                        if event.when is None:  # undated events happen on the watch date
                            syntax[event.date_field] = self.on.isoformat()
                    state, org = self.subscriptions[qid]
                    changes.append(Change(state, org, before, after, flipped, syntax))
            return changes

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.subscriptions)


def _every_pair(world: World, on: date) -> list[tuple[str, str]]:
    """Every (non-member, organisation) pair with rules in force on ``on``."""
    snap = world.as_of(on)
    pairs = []
    for org, compiled in sorted(world.orgs.items()):
        if compiled.version_at(on) is None:
            continue
        for i in bits(world.facts.existing(on) & ~snap.members(org)):
            pairs.append((world.codes[i], org))
    return pairs
