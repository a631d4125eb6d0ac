"""Checks compiled to a fast evaluation form, with their explanations and their remedies.

A compiled check answers three questions about the world on one date, for one organisation:

* ``masks``: which states it holds for and which it fails for, all states at once, as integer
  bitsets (bit *i* is the state with index *i*). Set algebra on ints runs in C, so a full
  matrix costs a handful of operations per organisation rather than per state.
* ``explain``: the facts that make it hold, fail or stay unknown for one applicant.
* ``lift``: the alternative sets of changes (each a frozenset of ``Change`` tuples) that would
  make it hold (or fail, under ``not``) for one applicant. Remedies only ever improve standing:
  they never sever relations, start conflicts or impose sanctions.

Three-valued logic: a state is in neither mask when the check is unknown for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine import models as m
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.evidence import Evidence, Outcome
from engine.compiler.remedies import NOTHING, Options, both, either, same_change

__all__ = ["CompiledCheck", "compile_check"]


def _status_fact(ctx: OrgContext, i: int, org: str) -> Evidence:
    status, since = ctx.status_of(i, org)
    fact = f"holds status {status} in the {org}" if status else f"holds no status in the {org}"
    event = since.event if since is not None else None
    return Evidence(
        "status",
        ctx.code(i),
        fact,
        since.on if since else None,
        source=getattr(event, "source", None),
        confidence=getattr(event, "confidence", None),
        precision=getattr(event, "precision", None),
    )


def _recorded_relations(ctx: OrgContext, i: int, group: m.Group) -> list[Evidence]:
    """For a holding relations check: the relations with the group that rest on a recorded event.

    Relations that hold by the world's default say nothing; an establishment on record (Armenia
    and Pakistan, 2025-08-31) is what decided the condition, and is cited.
    """
    out = []
    for other in bits(ctx.group(group) & ~(1 << i)):
        step = ctx.relations_step(i, other)
        if step is not None and step.value is True and step.event is not None:
            out.append(
                Evidence(
                    "relations",
                    ctx.code(other),
                    "has diplomatic relations",
                    step.on,
                    ctx.member_since(other, group),
                    getattr(step.event, "source", None),
                    getattr(step.event, "confidence", None),
                    member_of=ctx.member_org(group),
                    precision=getattr(step.event, "precision", None),
                )
            )
    return out


def _group_reads(group: m.Group, org: str) -> frozenset[str]:
    """A group's membership is a status fact: of the organisation joined, or of the one it names."""
    if group.kind == "members":
        return frozenset({f"status:{org}"})
    if group.kind == "members_of":
        return frozenset({f"status:{group.org}"})
    return frozenset()


class CompiledCheck:
    """Base of every compiled check; see the module docstring for the three questions."""

    #: True when the check is about the applicant alone (status, region, sanctions, judgement),
    #: so the parties to its outcome are the applicant itself.
    about_applicant = True

    def masks(self, ctx: OrgContext) -> tuple[int, int]:
        """(holds, fails) over every state, memoised per snapshot and organisation."""
        return ctx.memo(self)

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        raise NotImplementedError

    def reads(self, org: str) -> frozenset[str]:
        """The facts its bitsets read when ``org`` is joined (``Snapshot.changed`` names them)."""
        return frozenset()

    def outcome(self, ctx: OrgContext, i: int) -> Outcome:
        """The outcome for one applicant: read off the bitsets when a sweep has computed them, else
        worked out for that applicant alone.

        A join, and every remedy it verifies on a hypothetical snapshot, asks about one state:
        computing the whole population's bitsets for it would cost a pass over every member per
        condition. The two ways agree bit for bit (``tests/laws/test_applicant_laws.py``).
        """
        found = ctx.known(self)
        if found is None:
            return self._outcome(ctx, i)
        holds, fails = found
        return "holds" if holds >> i & 1 else "fails" if fails >> i & 1 else "unknown"

    def _outcome(self, ctx: OrgContext, i: int) -> Outcome:
        # Checks about the applicant alone have bitsets that cost a mask operation or two.
        holds, fails = self.masks(ctx)
        return "holds" if holds >> i & 1 else "fails" if fails >> i & 1 else "unknown"

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        return []

    def parties(self, ctx: OrgContext, i: int, outcome: Outcome) -> int:
        """Who the outcome is about, as a bitset: the members it lacks, or the applicant itself."""
        return 1 << i

    def failing_parties(self, ctx: OrgContext) -> Callable[[int], int]:
        """``parties`` for failing applicants, with what depends only on the organisation bound once."""
        return lambda i: self.parties(ctx, i, "fails")

    def lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        """Alternatives that make the check hold (``want``) or fail for applicant ``i``."""
        if self.outcome(ctx, i) == ("holds" if want else "fails"):
            return NOTHING
        options = self._lift(ctx, i, want)
        if ctx.forbid:
            # Filtering at the leaves keeps the search exact: combinators only join leaf changes.
            options = tuple(o for o in options if not any(same_change(c, f) for c in o for f in ctx.forbid))
        return options

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        return ()


@dataclass(frozen=True, eq=False)
class RelationsWith(CompiledCheck):
    group: m.Group
    about_applicant = False

    def reads(self, org: str) -> frozenset[str]:
        return _group_reads(self.group, org) | {"rel"}

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        everyone = ctx.all
        rel = ctx.snap.rel
        fails = 0
        for member in bits(ctx.group(self.group)):
            fails |= everyone & ~rel[member]
        return everyone & ~fails, fails

    def _outcome(self, ctx: OrgContext, i: int) -> Outcome:
        # Relations are symmetric and every state's row holds itself: one row answers for the applicant.
        return "fails" if ctx.group(self.group) & ~ctx.snap.rel[i] else "holds"

    def missing(self, ctx: OrgContext, i: int) -> int:
        return ctx.group(self.group) & ~ctx.snap.rel[i] & ~(1 << i)

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        if outcome == "holds":
            return _recorded_relations(ctx, i, self.group)
        if outcome != "fails":
            return []
        out = []
        for other in bits(self.missing(ctx, i)):
            step = ctx.relations_step(i, other)
            since = step if step is not None and step.value is False else None
            event: Any = since.event if since is not None else None
            fact = "no diplomatic relations"
            if since is None:
                never = ctx.never_established(i, other)
                later = ctx.relations_first(i, other)
                if never is not None:
                    event, fact = never, "no diplomatic relations (never established)"
                elif later is not None and later.value is True and later.on > ctx.snap.on:
                    # The record starts with their establishment: cite it, so the gap has a source.
                    event, fact = later.event, f"no diplomatic relations (established only on {later.on.isoformat()})"
            out.append(
                Evidence(
                    "relations",
                    ctx.code(other),
                    fact,
                    since.on if since is not None else None,
                    ctx.member_since(other, self.group),
                    getattr(event, "source", None),
                    getattr(event, "confidence", None),
                    precision=getattr(event, "precision", None),
                    member_of=ctx.member_org(self.group),
                )
            )
        return out

    def parties(self, ctx: OrgContext, i: int, outcome: Outcome) -> int:
        return self.missing(ctx, i) if outcome == "fails" else 0

    def failing_parties(self, ctx: OrgContext) -> Callable[[int], int]:
        group, rel = ctx.group(self.group), ctx.snap.rel
        return lambda i: group & ~rel[i] & ~(1 << i)

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        if not want:
            return ()
        me = ctx.code(i)
        return (frozenset(("establish", me, ctx.code(o)) for o in bits(self.missing(ctx, i))),)


@dataclass(frozen=True, eq=False)
class RecognizedBy(CompiledCheck):
    group: m.Group
    about_applicant = False

    def reads(self, org: str) -> frozenset[str]:
        return _group_reads(self.group, org) | {"rec"}

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        everyone = ctx.all
        rec = ctx.snap.rec
        fails = 0
        for member in bits(ctx.group(self.group)):
            fails |= everyone & ~rec[member]
        return everyone & ~fails, fails

    def _outcome(self, ctx: OrgContext, i: int) -> Outcome:
        # Recognition is not symmetric: each member's own row says whether it recognises the applicant.
        rec = ctx.snap.rec
        for member in bits(ctx.group(self.group)):
            if not rec[member] >> i & 1:
                return "fails"
        return "holds"

    def missing(self, ctx: OrgContext, i: int) -> list[int]:
        bit = 1 << i
        rec = ctx.snap.rec
        return [o for o in bits(ctx.group(self.group) & ~bit) if not rec[o] & bit]

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        if outcome != "fails":
            return []
        me = ctx.code(i)
        out = []
        for other in self.missing(ctx, i):
            step = ctx.recognition_step(other, i)
            since = step if step is not None and step.value is False else None
            event: Any = since.event if since is not None else ctx.not_recognized(other, i)
            out.append(
                Evidence(
                    "recognition",
                    ctx.code(other),
                    f"does not recognise {me}",
                    since.on if since is not None else None,
                    ctx.member_since(other, self.group),
                    getattr(event, "source", None),
                    getattr(event, "confidence", None),
                    precision=getattr(event, "precision", None),
                    member_of=ctx.member_org(self.group),
                )
            )
        return out

    def parties(self, ctx: OrgContext, i: int, outcome: Outcome) -> int:
        out = 0
        for other in self.missing(ctx, i) if outcome == "fails" else ():
            out |= 1 << other
        return out

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        if not want:
            return ()
        me = ctx.code(i)
        options: Options = NOTHING
        for other in self.missing(ctx, i):
            code = ctx.code(other)
            # Relations imply recognition, so establishing relations is the other way to win it.
            options = both(options, (frozenset({("recognize", me, code)}), frozenset({("establish", me, code)})))
        return options


@dataclass(frozen=True, eq=False)
class NoConflictWith(CompiledCheck):
    group: m.Group
    about_applicant = False

    def reads(self, org: str) -> frozenset[str]:
        return _group_reads(self.group, org) | {"conflict"}

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        conflict = ctx.snap.conflict
        fails = 0
        for member in bits(ctx.group(self.group)):
            fails |= conflict[member]
        return ctx.all & ~fails, fails

    def _outcome(self, ctx: OrgContext, i: int) -> Outcome:
        return "fails" if ctx.group(self.group) & ctx.snap.conflict[i] else "holds"  # conflict is symmetric

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        if outcome != "fails":
            return []
        out = []
        for other in bits(ctx.group(self.group) & ctx.snap.conflict[i]):
            interval = ctx.conflict_interval(i, other)
            event = interval.event if interval else None
            out.append(
                Evidence(
                    "conflict",
                    ctx.code(other),
                    "in armed conflict",
                    interval.start if interval else None,
                    ctx.member_since(other, self.group),
                    getattr(event, "source", None),
                    getattr(event, "confidence", None),
                    precision=getattr(event, "precision", None),
                    member_of=ctx.member_org(self.group),
                )
            )
        return out

    def parties(self, ctx: OrgContext, i: int, outcome: Outcome) -> int:
        return ctx.group(self.group) & ctx.snap.conflict[i] if outcome == "fails" else 0

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        if not want:
            return ()
        me = ctx.code(i)
        return (
            frozenset(("end_conflict", me, ctx.code(o)) for o in bits(ctx.group(self.group) & ctx.snap.conflict[i])),
        )


@dataclass(frozen=True, eq=False)
class StatusIn(CompiledCheck):
    org: str | None  # None: the organisation being joined
    statuses: tuple[str, ...]

    def reads(self, org: str) -> frozenset[str]:
        return frozenset({f"status:{self.org or org}"})

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        table = ctx.snap.status.get(self.org or ctx.org, {})
        holds = 0
        for status in self.statuses:
            holds |= table.get(status, 0)
        return holds, ctx.all & ~holds

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        return [_status_fact(ctx, i, self.org or ctx.org)]

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        org = self.org or ctx.org
        me = ctx.code(i)
        current, _ = ctx.status_of(i, org)
        if want:
            # Membership of the organisation being joined is the question itself, never a remedy.
            ruled_out = {current, "member"} if org == ctx.org else {current}
            return tuple(frozenset({("admit", me, org, s)}) for s in self.statuses if s not in ruled_out)
        return (frozenset({("leave", me, org)}),) if current else ()


@dataclass(frozen=True, eq=False)
class MemberOf(StatusIn):
    pass


@dataclass(frozen=True, eq=False)
class RegionIn(CompiledCheck):
    regions: tuple[str, ...]

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        holds = ctx.region_mask(self.regions)
        return holds, ctx.all & ~holds

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        record = ctx.state(i)
        where = record.region + (f" ({record.subregion})" if record.subregion else "")
        return [Evidence("region", record.code, f"lies in {where}", source=record.source)]


@dataclass(frozen=True, eq=False)
class Sanctioned(CompiledCheck):
    value: bool

    def reads(self, org: str) -> frozenset[str]:
        return frozenset({"sanction"})

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        under = ctx.snap.sanctioned
        rest = ctx.all & ~under
        return (under, rest) if self.value else (rest, under)

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        interval = ctx.sanction_interval(i)
        if interval is None:
            return [Evidence("sanctions", ctx.code(i), "not under UN Security Council sanctions")]
        event = interval.event
        return [
            Evidence(
                "sanctions",
                ctx.code(i),
                "under UN Security Council sanctions",
                interval.start,
                source=getattr(event, "source", None),
                confidence=getattr(event, "confidence", None),
                precision=getattr(event, "precision", None),
            )
        ]

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        # Only called when the check must flip: a remedy may lift sanctions, never impose them.
        under = bool(ctx.snap.sanctioned >> i & 1)
        return (frozenset({("lift_sanctions", ctx.code(i))}),) if under else ()


@dataclass(frozen=True, eq=False)
class Assessed(CompiledCheck):
    key: str

    def reads(self, org: str) -> frozenset[str]:
        return frozenset({"assess"})

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        true, false = ctx.snap.assess.get(self.key, (0, 0))
        return true, false

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        step = ctx.assessment_step(self.key, i)
        if step is None:
            return [Evidence("assessment", ctx.code(i), f"no assessment of {self.key} on record")]
        event = step.event
        fact = f"assessed {self.key}" if step.value else f"assessed not {self.key}"
        return [
            Evidence(
                "assessment",
                ctx.code(i),
                fact,
                step.on,
                source=getattr(event, "source", None),
                confidence=getattr(event, "confidence", None),
                precision=getattr(event, "precision", None),
            )
        ]

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        return (frozenset({("assess", self.key, ctx.code(i), "true" if want else "false")}),)


@dataclass(frozen=True, eq=False)
class _Combinator(CompiledCheck):
    """What ``all`` and ``any`` share: their parts, and that an outcome is explained by the parts
    that have that outcome."""

    parts: tuple[CompiledCheck, ...]

    @property
    def about_applicant(self) -> bool:  # type: ignore[override]
        return all(p.about_applicant for p in self.parts)

    def reads(self, org: str) -> frozenset[str]:
        return frozenset().union(*(p.reads(org) for p in self.parts))

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        if outcome == "holds":
            return []
        return [e for p in self.parts if p.outcome(ctx, i) == outcome for e in p.explain(ctx, i, outcome)]

    def _decided_by(self, ctx: OrgContext, i: int, decisive: Outcome) -> Outcome:
        """Three-valued ``all`` (a failing part decides) or ``any`` (a holding part decides) for one
        applicant: the decisive outcome if a part has it, else unknown if a part is, else the other."""
        result: Outcome = "holds" if decisive == "fails" else "fails"
        for part in self.parts:
            now = part.outcome(ctx, i)
            if now == decisive:
                return decisive
            if now == "unknown":
                result = "unknown"
        return result

    def parties(self, ctx: OrgContext, i: int, outcome: Outcome) -> int:
        out = 0
        for part in self.parts:
            if part.outcome(ctx, i) == outcome:
                out |= part.parties(ctx, i, outcome)
        return out


@dataclass(frozen=True, eq=False)
class AllOf(_Combinator):
    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        holds, fails = ctx.all, 0
        for part in self.parts:
            h, f = part.masks(ctx)
            holds &= h
            fails |= f
        return holds, fails

    def _outcome(self, ctx: OrgContext, i: int) -> Outcome:
        return self._decided_by(ctx, i, "fails")

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        result: Options = NOTHING if want else ()
        for part in self.parts:
            now = part.outcome(ctx, i)
            if want and now != "holds":
                result = both(result, part.lift(ctx, i, True))
            elif not want:
                result = either(result, NOTHING if now == "fails" else part.lift(ctx, i, False))
        return result


@dataclass(frozen=True, eq=False)
class AnyOf(_Combinator):
    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        holds, fails = 0, ctx.all
        for part in self.parts:
            h, f = part.masks(ctx)
            holds |= h
            fails &= f
        return holds, fails

    def _outcome(self, ctx: OrgContext, i: int) -> Outcome:
        return self._decided_by(ctx, i, "holds")

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        result: Options = () if want else NOTHING
        for part in self.parts:
            now = part.outcome(ctx, i)
            if want:
                result = either(result, NOTHING if now == "holds" else part.lift(ctx, i, True))
            elif now != "fails":
                result = both(result, part.lift(ctx, i, False))
        return result


@dataclass(frozen=True, eq=False)
class Not(CompiledCheck):
    inner: CompiledCheck

    @property
    def about_applicant(self) -> bool:  # type: ignore[override]
        return self.inner.about_applicant

    def reads(self, org: str) -> frozenset[str]:
        return self.inner.reads(org)

    def _masks(self, ctx: OrgContext) -> tuple[int, int]:
        holds, fails = self.inner.masks(ctx)
        return fails, holds

    def _outcome(self, ctx: OrgContext, i: int) -> Outcome:
        now = self.inner.outcome(ctx, i)
        return "fails" if now == "holds" else "holds" if now == "fails" else "unknown"

    def explain(self, ctx: OrgContext, i: int, outcome: Outcome) -> list[Evidence]:
        flipped: Outcome = "fails" if outcome == "holds" else "holds" if outcome == "fails" else "unknown"
        return self.inner.explain(ctx, i, flipped)

    def parties(self, ctx: OrgContext, i: int, outcome: Outcome) -> int:
        flipped: Outcome = "fails" if outcome == "holds" else "holds" if outcome == "fails" else "unknown"
        return self.inner.parties(ctx, i, flipped)

    def _lift(self, ctx: OrgContext, i: int, want: bool) -> Options:
        return self.inner.lift(ctx, i, not want)


def compile_check(check: m.Check) -> CompiledCheck:
    """The evaluation form of a validated check model."""
    if isinstance(check, m.RelationsWith):
        return RelationsWith(check.relations_with)
    if isinstance(check, m.RecognizedBy):
        return RecognizedBy(check.recognized_by)
    if isinstance(check, m.NoConflictWith):
        return NoConflictWith(check.no_conflict_with)
    if isinstance(check, m.StatusIn):
        spec = check.status_in
        if isinstance(spec, m.StatusInOrg):
            return StatusIn(spec.in_, spec.status)
        return StatusIn(None, spec)
    if isinstance(check, m.MemberOf):
        return MemberOf(check.member_of, ("member",))
    if isinstance(check, m.RegionIn):
        return RegionIn(check.region_in)
    if isinstance(check, m.Sanctioned):
        return Sanctioned(check.sanctioned)
    if isinstance(check, m.Assessed):
        return Assessed(check.assessed)
    if isinstance(check, m.AllOf):
        return AllOf(tuple(compile_check(p) for p in check.all))
    if isinstance(check, m.AnyOf):
        return AnyOf(tuple(compile_check(p) for p in check.any))
    if isinstance(check, m.Not):
        return Not(compile_check(check.not_))
    raise TypeError(f"no compiled form for {type(check).__name__}")  # unreachable: the union is closed
