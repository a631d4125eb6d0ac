"""One snapshot seen from one organisation: what ``members`` means, and the fact look-ups checks read.

A compiled check asks its context for bitsets (who is a member, who has relations with whom) and,
to explain one applicant, for the dated steps behind a fact. The context knows facts only, never
rules: the same facts answer every organisation's checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from engine import models as m
from engine.compiler.facts import Snapshot
from engine.compiler.timeline import Interval, Step, in_force

__all__ = ["Masked", "OrgContext"]


class Masked(Protocol):
    """Anything whose bitsets a context memoises: a compiled check."""

    def _masks(self, ctx: OrgContext) -> tuple[int, int]: ...

    def reads(self, org: str) -> frozenset[str]: ...


class OrgContext:
    """One snapshot seen from one organisation: what `members` means, and fact look-ups."""

    __slots__ = ("_memo", "all", "facts", "forbid", "org", "snap")

    def __init__(self, snap: Snapshot, org: str, forbid: tuple[tuple[str, ...], ...] = ()) -> None:
        self.snap = snap
        self.org = org
        self.facts = snap.facts
        self.all = snap.facts.all
        #: Changes the analyst ruled out: remedies are searched without them.
        self.forbid = forbid
        memo = snap.cache.get(org)
        self._memo: dict[Masked, tuple[int, int]] = memo if memo is not None else snap.cache.setdefault(org, {})

    def memo(self, check: Masked) -> tuple[int, int]:
        """A check's bitsets on this snapshot for this organisation, computed once."""
        found = self._memo.get(check)
        if found is None:
            origin = self.snap.origin
            if origin is not None and not check.reads(self.org) & self.snap.differs:
                # None of the facts it reads differ from the snapshot this one was made from: its
                # bitsets there (computed there once, for every variant made from it) are its bitsets here.
                found = OrgContext(origin, self.org).memo(check)
            else:
                found = check._masks(self)
            self._memo[check] = found
        return found

    def known(self, check: Masked) -> tuple[int, int] | None:
        """A check's bitsets if something has computed them on this snapshot already, else None."""
        return self._memo.get(check)

    def group(self, group: m.Group) -> int:
        if group.kind == "members":
            return self.snap.members(self.org)
        if group.kind == "members_of":
            return self.snap.members(group.org or "")
        return self.facts.mask_of(group.states)

    def code(self, i: int) -> str:
        return self.facts.codes[i]

    def state(self, i: int) -> m.StateRecord:
        return self.facts.states[i]

    def region_mask(self, regions: Iterable[str]) -> int:
        out = 0
        for region in regions:
            out |= self.facts.region_masks.get(region, 0)
        return out

    def relations_step(self, i: int, j: int) -> Step | None:
        codes = self.facts.codes
        a, b = (codes[i], codes[j]) if i < j else (codes[j], codes[i])  # index order is code order
        timeline = self.facts.timelines.get(("rel", a, b))
        return timeline.step_at(self.snap.on) if timeline else None

    def relations_first(self, i: int, j: int) -> Step | None:
        """The first recorded relations event of a pair, if any."""
        codes = self.facts.codes
        a, b = (codes[i], codes[j]) if i < j else (codes[j], codes[i])
        timeline = self.facts.timelines.get(("rel", a, b))
        return timeline.steps[0] if timeline is not None and timeline.steps else None

    def never_established(self, i: int, j: int) -> m.NeverEstablished | None:
        codes = self.facts.codes
        a, b = (codes[i], codes[j]) if i < j else (codes[j], codes[i])
        return self.facts.never.get(("rel", a, b))

    def not_recognized(self, by: int, of: int) -> m.NotRecognized | None:
        """The record that ``by`` has not recognised ``of`` (an exception to the default), if any."""
        return self.facts.denied.get(("rec", self.code(by), self.code(of)))

    def recognition_step(self, by: int, of: int) -> Step | None:
        timeline = self.facts.timelines.get(("rec", self.code(by), self.code(of)))
        return timeline.step_at(self.snap.on) if timeline else None

    def status_of(self, i: int, org: str) -> tuple[str | None, Step | None]:
        """The status ``i`` holds in ``org`` and the step it began with; memoised per snapshot."""
        key = ("#status", i, org)
        found: tuple[str | None, Step | None] | None = self.snap.cache.get(key)
        if found is None:
            timeline = self.facts.timelines.get(("status", self.facts.codes[i], org))
            step = timeline.run_start(self.snap.on) if timeline is not None else None
            found = self.snap.cache[key] = (step.value, step) if step is not None else (None, None)
        return found

    def member_org(self, group: m.Group) -> str | None:
        """The organisation whose membership a group means, if it means one."""
        return self.org if group.kind == "members" else group.org if group.kind == "members_of" else None

    def member_since(self, i: int, group: m.Group) -> date | None:
        org = self.member_org(group)
        if org is None:
            return None
        status, step = self.status_of(i, org)
        return step.on if status == "member" and step is not None else None

    def conflict_interval(self, i: int, j: int) -> Interval | None:
        a, b = sorted((self.code(i), self.code(j)))
        return in_force(self.facts.intervals.get(("conflict", a, b), ()), self.snap.on)

    def sanction_interval(self, i: int) -> Interval | None:
        return in_force(self.facts.intervals.get(("sanction", self.code(i)), ()), self.snap.on)

    def assessment_step(self, key: str, i: int) -> Step | None:
        timeline = self.facts.timelines.get(("assess", key, self.code(i)))
        return timeline.step_at(self.snap.on) if timeline else None
