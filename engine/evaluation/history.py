"""The history sweep: every state's verdict for each organisation on every date anything changes.

``matrix`` answers one date; ``history`` answers a period, as ``matrix`` would on each date of it,
without projecting the world afresh per date. Verdicts can only change on a date when a fact
changes (an event takes effect, an interval ends), a rule version begins or ends, or a state ceases
to exist; those are the only dates evaluated, in order. Each date's snapshot is *stepped* from the
previous one (``Facts.step``: only the facts that change that day are re-applied), and only the
organisations whose rules read one of those facts are evaluated again; the others keep their row.

A row is one organisation's verdicts on one date as bitsets, one per verdict (bit *i* is the
state with index *i*), so the sweep makes no object per pair: a pair's intervals are read off the
rows afterwards. The verdicts of non-members are exactly ``matrix``'s (the same memoised condition
masks, the same tally, the same ``combine``); beside them, as the page's ``/v1/history`` has it:

- ``member``: holds the status ``member`` on the date;
- ``none``: the organisation has no rules in force on the date (no question can be asked);
- ``gone``: the state no longer exists (dissolved; kept for history). It wins over the others.

Pure: no I/O, no clock; the world is left as it was (stepped snapshots are not cached in it).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Literal

from engine import models as m
from engine.common.budget import spend
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.history import Key
from engine.compiler.rulebook import CompiledVersion
from engine.compiler.world import World
from engine.evaluation.join import combine
from engine.evaluation.tally import Assume, decide

__all__ = ["VERDICTS", "History", "OrgHistory", "Verdict", "change_dates", "history"]

Verdict = Literal["eligible", "undetermined", "blocked", "member", "none", "gone"]
#: The verdicts of a history, in the order of a row's bitsets.
VERDICTS: tuple[Verdict, ...] = ("eligible", "undetermined", "blocked", "member", "none", "gone")
_SLOT: dict[str, int] = {name: k for k, name in enumerate(VERDICTS)}
_MEMBER, _NONE, _GONE = _SLOT["member"], _SLOT["none"], _SLOT["gone"]

#: One organisation's verdicts on one date: a bitset per verdict, in ``VERDICTS`` order.
Row = tuple[int, ...]

#: What a fact feeds into, as rules read it: ``("rel",)``, ``("status", ORG)``, ``("assess", KEY)``...
Channel = tuple[str, ...]
#: Read by an organisation whose rules the sweep cannot analyse: it is evaluated on every date.
_ANY: Channel = ("*",)


@dataclass(frozen=True, eq=False)
class OrgHistory:
    """One organisation's rows, on the dates they change (the first on the history's start)."""

    org: str
    dates: tuple[date, ...]
    rows: tuple[Row, ...]

    def row_at(self, on: date) -> Row:
        k = bisect_right(self.dates, on)
        if not k:
            raise ValueError(f"{on.isoformat()} is before the history of the {self.org} begins")
        return self.rows[k - 1]


@dataclass(frozen=True, eq=False)
class History:
    """Every state's verdict for each organisation over [start, until) (``until`` None: open).

    ``days`` are the change dates evaluated; a row is kept only where it differs from the one
    before, so the verdicts on any date of the period are those of the last row on or before it.
    """

    start: date
    until: date | None
    assume: Assume
    codes: tuple[str, ...]
    days: tuple[date, ...]
    orgs: Mapping[str, OrgHistory]
    horizon: date | None = None

    def _check(self, on: date) -> None:
        if on < self.start or (self.until is not None and on >= self.until):
            end = self.until.isoformat() if self.until is not None else "open"
            raise ValueError(f"{on.isoformat()} is outside the history [{self.start.isoformat()}, {end})")

    def _org(self, org: str) -> OrgHistory:
        found = self.orgs.get(org)
        if found is None:
            raise ValueError(f"the history has no organisation `{org}`")
        return found

    def masks(self, org: str, on: date) -> dict[Verdict, int]:
        """One organisation's verdicts on ``on`` as bitsets over state indexes, by verdict."""
        self._check(on)
        return dict(zip(VERDICTS, self._org(org).row_at(on), strict=True))

    def row(self, org: str, on: date) -> dict[str, Verdict]:
        """Every state's verdict for ``org`` on ``on``, by state code."""
        out: dict[str, Verdict] = {}
        for verdict, mask in self.masks(org, on).items():
            for i in bits(mask):
                out[self.codes[i]] = verdict
        return dict(sorted(out.items()))

    def rows_on(self, on: date) -> dict[str, dict[str, Verdict]]:
        """Every organisation's row on ``on``: what ``matrix`` says of that date, with members,
        ``none`` and ``gone`` beside it."""
        return {org: self.row(org, on) for org in self.orgs}

    def verdict(self, state: str, org: str, on: date) -> Verdict:
        """One pair's verdict on ``on``."""
        self._check(on)
        return _slot_of(self._org(org).row_at(on), self._index(state))

    @cached_property
    def _indexes(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    def _index(self, state: str) -> int:
        found = self._indexes.get(state)
        if found is None:
            raise ValueError(f"the history has no state `{state}`")
        return found

    def intervals(self, state: str, org: str) -> list[tuple[date, Verdict]]:
        """One pair's verdicts as intervals [(from, verdict)]: each lasts until the next one's
        ``from``, the last until the history's ``until``; neighbours always differ."""
        i = self._index(state)
        found = self._org(org)
        out: list[tuple[date, Verdict]] = []
        for on, row in zip(found.dates, found.rows, strict=True):
            verdict = _slot_of(row, i)
            if not out or out[-1][1] != verdict:
                out.append((on, verdict))
        return out

    def all_intervals(self, org: str) -> dict[str, list[tuple[date, Verdict]]]:
        """Every state's intervals for ``org``, by code, in one pass over its rows: the work is the
        number of verdicts that change, not states x rows."""
        found = self._org(org)
        out: dict[str, list[tuple[date, Verdict]]] = {code: [] for code in self.codes}
        before: Row | None = None
        for on, row in zip(found.dates, found.rows, strict=True):
            changed = self._all if before is None else _changed(before, row)
            for k, mask in enumerate(row):
                for i in bits(mask & changed):
                    out[self.codes[i]].append((on, VERDICTS[k]))
            before = row
        return out

    @property
    def _all(self) -> int:
        return (1 << len(self.codes)) - 1

    def changes(self) -> int:
        """How many times a pair's verdict changes in the period (its intervals beyond the first)."""
        total = 0
        for found in self.orgs.values():
            for before, row in zip(found.rows, found.rows[1:], strict=False):
                total += _changed(before, row).bit_count()
        return total

    def to_json(self) -> dict[str, Any]:
        """``{from, until, assume, verdicts, days, orgs: {ORG: {STATE: [[from, verdict], ...]}}}``:
        each interval lasts until the next one's ``from``, the last until ``until`` (null: open)."""
        out: dict[str, Any] = {
            "from": self.start.isoformat(),
            "until": self.until.isoformat() if self.until is not None else None,
            "assume": self.assume,
            "verdicts": list(VERDICTS),
            "days": len(self.days),
            "orgs": {
                org: {
                    state: [[on.isoformat(), v] for on, v in spans] for state, spans in self.all_intervals(org).items()
                }
                for org in self.orgs
            },
        }
        if self.horizon is not None:
            out["horizon"] = self.horizon.isoformat()
        return out


def _slot_of(row: Row, i: int) -> Verdict:
    for k, mask in enumerate(row):
        if mask >> i & 1:
            return VERDICTS[k]
    raise AssertionError(f"state {i} has no verdict in a row")  # rows partition every state


def _changed(before: Row, after: Row) -> int:
    """The states whose verdict differs between two rows."""
    out = 0
    for a, b in zip(before, after, strict=True):
        out |= a ^ b
    return out


# --- what each organisation reads -----------------------------------------------------------


def _group_reads(group: m.Group | None, org: str) -> Iterator[Channel]:
    if group is None:
        return
    if group.kind == "members":
        yield ("status", org)
    elif group.kind == "members_of":
        yield ("status", group.org or "")


def _check_reads(check: m.Check, org: str) -> Iterator[Channel]:
    """The facts a check's bitsets are computed from (what ``engine.compiler.checks`` reads)."""
    match check:
        case m.RelationsWith():
            yield ("rel",)
            yield from _group_reads(check.relations_with, org)
        case m.RecognizedBy():
            yield ("rec",)
            yield from _group_reads(check.recognized_by, org)
        case m.NoConflictWith():
            yield ("conflict",)
            yield from _group_reads(check.no_conflict_with, org)
        case m.StatusIn():
            spec = check.status_in
            yield ("status", spec.in_ if isinstance(spec, m.StatusInOrg) else org)
        case m.MemberOf():
            yield ("status", check.member_of)
        case m.RegionIn():
            pass  # regions never change
        case m.Sanctioned():
            yield ("sanction",)
        case m.Assessed():
            yield ("assess", check.assessed)
        case m.AllOf():
            for part in check.all:
                yield from _check_reads(part, org)
        case m.AnyOf():
            for part in check.any:
                yield from _check_reads(part, org)
        case m.Not():
            yield from _check_reads(check.not_, org)
        case _:
            # A check kind added later and not listed here: evaluated on every date, so the sweep
            # is slower for it, never wrong.
            yield _ANY


def _org_reads(world: World, org: str) -> set[Channel]:
    """Every fact some version of ``org``'s rules reads: conditions, voters and vetoes, stances on
    its bids, and its own membership (which decides who is an applicant)."""
    found: set[Channel] = {("status", org), ("pos", org)}
    for version in world.orgs[org].model.versions:
        for condition in version.conditions:
            found.update(_check_reads(condition.check, org))
        for stage in version.decision:
            found.update(_group_reads(stage.by, org))
            found.update(_group_reads(stage.veto, org))
    return found


def _feeds(keys: Iterable[Key], among: str | None) -> set[Channel]:
    """What changes of the facts ``keys`` can move (relations imply recognition; membership of the
    organisation whose members recognise one another by default moves recognition too).

    One pass with no call per key: a date can change hundreds of thousands of facts at once.
    """
    out: set[Channel] = set()
    for key in keys:
        kind = key[0]
        if kind == "status":
            out.add(("status", key[2]))
            if key[2] == among:
                out.add(("rec",))
        elif kind in ("assess", "pos"):
            out.add((kind, key[1]))
        else:  # rel, rec, conflict, sanction
            out.add((kind,))
    if ("rel",) in out:
        out.add(("rec",))
    return out


# --- the sweep --------------------------------------------------------------------------------


def _rule_dates(world: World, orgs: Sequence[str]) -> dict[date, set[str]]:
    """The organisations whose rules in force begin or end on each date."""
    out: dict[date, set[str]] = {}
    for org in orgs:
        for version in world.orgs[org].versions:
            out.setdefault(version.valid_from, set()).add(org)
            if version.valid_until is not None:
                out.setdefault(version.valid_until, set()).add(org)
    return out


def _applicants(world: World, orgs: Sequence[str]) -> dict[str, int]:
    """Per organisation, the states with a stance on record on their bid at some date (each is
    tallied alone, as ``matrix`` tallies an applicant with positions)."""
    out = dict.fromkeys(orgs, 0)
    index = world.index
    for key in world.facts.timelines:
        if key[0] == "pos" and key[1] in out:
            out[key[1]] |= 1 << index[key[2]]
    return out


def _row(ctx: OrgContext, version: CompiledVersion, existing: int, applicants: int, assume: Assume) -> Row:
    """One organisation's verdicts on the context's date, as ``matrix`` gives them, plus members
    and the states that no longer exist."""
    snap = ctx.snap
    members = snap.members(ctx.org)
    candidates = existing & ~members
    spend(candidates.bit_count())
    everyone = ctx.all
    failing = unknown = 0
    for condition in version.conditions:
        holds, fails = condition.check.masks(ctx)
        failing |= fails
        unknown |= everyone & ~(holds | fails)
    out = [0] * len(VERDICTS)
    out[_MEMBER] = existing & members
    out[_GONE] = everyone & ~existing
    # A failing condition blocks whatever the tally says, so it is not computed for them.
    out[_SLOT["blocked"]] = candidates & failing
    rest = candidates & ~failing
    reach = 0  # every state that votes or vetoes in some stage
    for stage in version.decision:
        reach |= ctx.group(stage.by) | (ctx.group(stage.veto) if stage.veto is not None else 0)
    alone = rest & (reach | applicants)
    shared = rest & ~alone
    if shared:
        # Same voters, no stances on their bids: every such applicant gets the same tally.
        decision = decide(ctx, version, (shared & -shared).bit_length() - 1, assume)
        out[_SLOT[combine(False, True, decision)]] |= shared & unknown
        out[_SLOT[combine(False, False, decision)]] |= shared & ~unknown
    for i in bits(alone):
        verdict = combine(False, bool(unknown >> i & 1), decide(ctx, version, i, assume))
        out[_SLOT[verdict]] |= 1 << i
    return tuple(out)


def _no_rules(everyone: int, existing: int) -> Row:
    out = [0] * len(VERDICTS)
    out[_NONE] = existing
    out[_GONE] = everyone & ~existing
    return tuple(out)


def change_dates(world: World, orgs: Sequence[str], start: date, until: date | None) -> list[date]:
    """``start`` and every later date of [start, until) on which a fact changes, a rule version of
    ``orgs`` begins or ends, or a state ceases to exist: the only dates a verdict can change on."""
    found = {start, *world.facts.change_dates(start, until)}
    found.update(_rule_dates(world, orgs))
    found.update(r.dissolved for r in world.states if r.dissolved is not None)
    return sorted(d for d in found if d >= start and (until is None or d < until))


def history(
    world: World,
    start: date,
    until: date | None,
    *,
    orgs: Sequence[str] | None = None,
    assume: Assume = "unknown",
) -> History:
    """Every state's verdict for each organisation (default: all, in code order) over [start, until).

    ``until`` None runs past the last recorded date (the last rows are open). The first date is
    projected whole; each later change date is stepped from the one before, and only the
    organisations whose rules read a fact that changed (or whose rules, or states, changed) are
    evaluated again.
    """
    codes = sorted(world.orgs) if orgs is None else list(dict.fromkeys(orgs))
    unknown = [code for code in codes if code not in world.orgs]
    if unknown:
        raise ValueError(f"unknown organisations: {', '.join(unknown)}")
    if until is not None and until <= start:
        raise ValueError(f"`until` {until.isoformat()} is not after `from` {start.isoformat()}")
    facts = world.facts
    days = change_dates(world, codes, start, until)
    readers: dict[Channel, set[str]] = {}
    always: set[str] = set()
    for org in codes:
        reads = _org_reads(world, org)
        if _ANY in reads:
            always.add(org)
        for channel in reads:
            readers.setdefault(channel, set()).add(org)
    rule_dates = _rule_dates(world, codes)
    dissolved = {r.dissolved for r in world.states if r.dissolved is not None}
    applicants = _applicants(world, codes)
    among = facts.recognition_among
    everyone = facts.all
    dates: dict[str, list[date]] = {org: [] for org in codes}
    rows: dict[str, list[Row]] = {org: [] for org in codes}
    existing = 0
    for k, (snap, keys) in enumerate(facts.walk(days)):
        day = snap.on
        if k == 0 or day in dissolved:
            existing = facts.existing(day)
            due: set[str] = set(codes)  # the first date, or the states that exist changed
        else:
            due = set(always)
            due.update(rule_dates.get(day, ()))
            for channel in _feeds(keys, among):
                due.update(readers.get(channel, ()))
        for org in codes:  # in order, so rows are built the same way whatever the set's order
            if org not in due:
                continue
            version = world.orgs[org].version_at(day)
            if version is None:
                row = _no_rules(everyone, existing)
            else:
                row = _row(OrgContext(snap, org), version, existing, applicants[org], assume)
            kept = rows[org]
            if not kept or kept[-1] != row:
                kept.append(row)
                dates[org].append(day)
    return History(
        start,
        until,
        assume,
        world.codes,
        tuple(days),
        {org: OrgHistory(org, tuple(dates[org]), tuple(rows[org])) for org in codes},
        facts.horizon,
    )
