"""The live event watcher: durable_rules derives violations as events arrive.

The compiled evaluator stays the engine of record; this module keeps a forward-chaining view of
the joins a watch needs (an applicant against every member of a group) and reports, event by
event, which verdicts change. It is the only module that imports durable_rules, and it contains
its hazards (each one found on durable-rules 2.0.28 and reproducible):

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from durable.engine import Host, MessageNotHandledException, MessageObservedException

from engine import models as m
from engine.compiler import checks as ck
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.facts import Snapshot
from engine.compiler.rulebook import CompiledVersion
from engine.compiler.world import World
from engine.evaluation.join import combine
from engine.evaluation.tally import Assume, decide
from engine.evaluation.verdict import VerdictName
from engine.reading.loader import Located
from engine.reading.yaml12 import Document

__all__ = ["Change", "Watcher", "WatcherError"]

#: Fresh ruleset names: durable_rules cannot replace or drop a ruleset in a process.
_NAMES = itertools.count()

Fact = tuple[Any, ...]  # ("rel", a, b), ("member", org, state), ...


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


class Watcher:
    """A live world as of one date, watched for verdict changes of subscribed (state, org) pairs."""

    def __init__(
        self,
        world: World,
        on: date,
        subscriptions: Iterable[tuple[str, str]] | None = None,
        assume: Assume = "unknown",
    ) -> None:
        self.on = on
        self.assume = assume
        self._world = world
        self._lock = threading.Lock()
        self._name = f"accede_watch_{next(_NAMES)}"
        self._host = _QuietHost()
        self._hits: list[tuple[int, str, str]] = []
        self._errors: list[BaseException] = []
        self._held: dict[Fact, dict[str, Any]] = {}
        self._nonce = itertools.count(1)
        snap = world.as_of(on)
        pairs = list(subscriptions) if subscriptions is not None else self._every_pair(snap)
        self.subscriptions: tuple[tuple[str, str], ...] = tuple(dict.fromkeys(pairs))
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
        self._verdicts = {qid: self._verdict(snap, qid) for qid in range(len(self.subscriptions))}
        self._events = 0

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

    def _every_pair(self, snap: Snapshot) -> list[tuple[str, str]]:
        pairs = []
        for org, compiled in sorted(self._world.orgs.items()):
            if compiled.version_at(self.on) is None:
                continue
            for i in bits(self._world.facts.existing(self.on) & ~snap.members(org)):
                pairs.append((self._world.codes[i], org))
        return pairs

    def _wanted(self, snap: Snapshot) -> set[Fact]:
        """Every fact the compiled rules read, for the subscribed applicants, on the watch date."""
        world = self._world
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
        index = self._world.index
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

    # --- verdicts ---------------------------------------------------------------------

    def _outcomes(self, snap: Snapshot, qid: int) -> tuple[dict[str, str], VerdictName]:
        """Per-condition outcomes (watched ones from durable_rules) and the verdict."""
        state, org = self.subscriptions[qid]
        version = self._world.orgs[org].version_at(self.on)
        assert version is not None
        ctx = OrgContext(snap, org)
        i = self._world.index[state]
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

    def _verdict(self, snap: Snapshot, qid: int) -> tuple[dict[str, str], VerdictName]:
        return self._outcomes(snap, qid)

    @property
    def world(self) -> World:
        """The live world: the starting world and every event applied so far."""
        return self._world

    def verdicts(self) -> dict[tuple[str, str], VerdictName]:
        """The watcher's current verdict for every subscription."""
        return {self.subscriptions[qid]: v for qid, (_, v) in self._verdicts.items()}

    def outcomes(self) -> dict[tuple[str, str], dict[str, str]]:
        """Each subscription's condition outcomes as the watcher holds them (watched ones from durable_rules)."""
        return {self.subscriptions[qid]: dict(o) for qid, (o, _) in self._verdicts.items()}

    # --- events -----------------------------------------------------------------------

    def apply(self, event: m.Event, where: Located | None = None) -> list[Change]:
        """Apply one event to the live world; the verdicts it changes. Bad events raise AccedeError."""
        with self._lock:
            located = where or Located(Document("<event>", {}), ())
            world = self._world.with_changes([(event, located)], self.on)
            self._events += 1
            if self._events % 256 == 0:
                world = world.flattened()
            snap = world.as_of(self.on)
            self._world = world
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
                or bool(_orgs_named(event) & {org, *self._world.rules.names.get(org, ())})
            ]
            for qid in affected:
                self._drop(qid)
            for fact in gone:
                self._retract(fact)
            for fact in sorted(new, key=repr):
                self._assert(fact)
            changes = []
            syntax = event.syntax()
            if event.when is None:  # undated events happen on the watch date
                syntax[event.date_field] = self.on.isoformat()
            for qid in affected:
                self._ask(qid)
                before_outcomes, before = self._verdicts[qid]
                outcomes, after = self._outcomes(snap, qid)
                self._verdicts[qid] = (outcomes, after)
                if after != before or outcomes != before_outcomes:
                    flipped = tuple(c for c in outcomes if outcomes[c] != before_outcomes.get(c))
                    if after != before:
                        state, org = self.subscriptions[qid]
                        changes.append(Change(state, org, before, after, flipped, syntax))
            return changes

    def _reads(self, org: str, orgs: set[str]) -> bool:
        """Whether the watched rules of ``org`` read the membership of any of ``orgs``."""
        for rule in self._rules.get(org, ()):
            if rule.group is not None and rule.group.kind == "members_of" and rule.group.org in orgs:
                return True
        return False

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.subscriptions)


def _parties(event: m.Event) -> set[str]:
    """The states an event names: their verdicts may all move."""
    return {code for code, _ in event.states()}


def _orgs_named(event: m.Event) -> set[str]:
    """The organisations an event changes membership or stances in: their applicants may all move."""
    org = event.org()
    return {org} if org is not None else set()
