"""Verdicts: conditions, decision tallies and remedies for one applicant, or a whole matrix.

Pure functions of a compiled world, a date and the question; no I/O, no clock. The matrix and
a single join read the same memoised condition bitsets, so they cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from engine import checks
from engine import models as m
from engine.checks import Change, Options, bits, change_syntax
from engine.rulebook import CompiledOrg, CompiledVersion
from engine.verdict import (
    ConditionResult,
    Decision,
    JoinVerdict,
    MatrixResult,
    MatrixRow,
    Outcome,
    Remedy,
    StageTally,
    VerdictName,
)
from engine.world import OrgContext, Snapshot, World

__all__ = ["Assume", "decide", "join", "matrix", "stage_outcome", "verdict_on"]

Assume = Literal["unknown", "support", "oppose"]
StageOutcome = Literal["passes", "fails", "unknown"]

#: Most remedies reported for one verdict, smallest first.
MAX_REMEDIES = 10


@dataclass(frozen=True, slots=True)
class _Counts:
    voters: int
    support: int
    oppose: int
    unknown: int
    veto_opposes: bool
    veto_unknown: bool


def _needed(rule: object, voters: int) -> int:
    if rule == "unanimity":
        return voters
    if rule == "majority":
        return voters // 2 + 1
    if rule == "two_thirds":
        return max(1, math.ceil(2 * voters / 3))
    assert isinstance(rule, m.AtLeast)
    return rule.at_least


def stage_outcome(rule: object, c: _Counts) -> StageOutcome:
    """SPEC tallies: fail once the unknowns cannot carry it, pass once the supporters do."""
    if c.veto_opposes:
        return "fails"
    if rule == "unanimity":
        outcome: StageOutcome = "fails" if c.oppose else "unknown" if c.unknown else "passes"
    else:
        need = _needed(rule, c.voters)
        if c.support >= need:
            outcome = "passes"
        elif c.support + c.unknown < need:
            outcome = "fails"
        else:
            outcome = "unknown"
    if outcome == "passes" and c.veto_unknown:
        return "unknown"
    return outcome


def _voters(ctx: OrgContext, stage: m.Stage, i: int) -> tuple[int, int]:
    bit = 1 << i
    veto = ctx.group(stage.veto) & ~bit if stage.veto is not None else 0
    return ctx.group(stage.by) & ~bit, veto


def _counts(voters: int, veto: int, stances: dict[int, str], assume: Assume) -> _Counts:
    support = oppose = known = 0
    veto_opposes = False
    veto_known = 0
    for voter, stance in stances.items():
        vbit = 1 << voter
        if voters & vbit:
            known += 1
            support += stance == "support"
            oppose += stance == "oppose"
        if veto & vbit:
            veto_known |= vbit
            veto_opposes = veto_opposes or stance == "oppose"
    n = voters.bit_count()
    unknown = n - known
    veto_unknown = bool(veto & ~veto_known)
    if assume == "support":
        support, unknown, veto_unknown = support + unknown, 0, False
    elif assume == "oppose":
        oppose, unknown = oppose + unknown, 0
        veto_opposes = veto_opposes or veto_unknown
        veto_unknown = False
    return _Counts(n, support, oppose, unknown, veto_opposes, veto_unknown)


def _tally(ctx: OrgContext, stage: m.Stage, i: int, assume: Assume) -> StageTally:
    voters, veto = _voters(ctx, stage, i)
    stances = ctx.snap.positions.get((ctx.org, i), {})
    counts = _counts(voters, veto, stances, assume)
    lists: dict[str, list[str]] = {"support": [], "oppose": [], "abstain": [], "unknown": []}
    assumed: list[str] = []
    codes = ctx.world.codes
    silent = [codes[v] for v in bits(voters) if v not in stances] if stances else ctx.snap.codes_of(voters)
    lists["unknown" if assume == "unknown" else assume].extend(silent)
    if assume != "unknown":
        assumed.extend(silent)
    for voter, stance in stances.items():
        if voters >> voter & 1:
            lists[stance].append(codes[voter])
    for name in ("support", "oppose", "abstain"):
        lists[name].sort()
    vetoed = [
        ctx.code(v) for v in bits(veto) if stances.get(v) == "oppose" or (assume == "oppose" and v not in stances)
    ]
    return StageTally(
        stage.by.syntax(),
        stage.pass_syntax(),
        stage_outcome(stage.pass_, counts),
        counts.voters,
        _needed(stage.pass_, counts.voters),
        tuple(lists["support"]),
        tuple(lists["oppose"]),
        tuple(lists["abstain"]),
        tuple(lists["unknown"]),
        tuple(vetoed),
        tuple(assumed),
    )


def _combine(outcomes: Iterable[StageOutcome]) -> StageOutcome:
    result: StageOutcome = "passes"
    for outcome in outcomes:
        if outcome == "fails":
            return "fails"
        if outcome == "unknown":
            result = "unknown"
    return result


def _verdict(condition_outcomes: Iterable[Outcome], decision: StageOutcome) -> VerdictName:
    unknown = decision == "unknown"
    for outcome in condition_outcomes:
        if outcome == "fails":
            return "blocked"
        unknown = unknown or outcome == "unknown"
    if decision == "fails":
        return "blocked"
    return "undetermined" if unknown else "eligible"


def join(
    world: World,
    state: str,
    org: str,
    on: date,
    *,
    assume: Assume = "unknown",
    forbid: Sequence[Change] = (),
    remedies: bool = True,
) -> JoinVerdict:
    """One applicant, one organisation, one date: the verdict with evidence and remedies.

    ``remedies=False`` skips the remedy search for callers that need only the verdict and why.
    """
    snap = world.as_of(on)
    i = world.index[state]
    compiled = world.orgs[org]
    version = _version(compiled, on)
    ctx = OrgContext(snap, org, tuple(forbid))
    bit = 1 << i
    results = []
    for condition in version.conditions:
        holds, fails = condition.check.masks(ctx)
        outcome: Outcome = "holds" if holds & bit else "fails" if fails & bit else "unknown"
        evidence = tuple(condition.check.explain(ctx, i, outcome)) if outcome != "holds" else ()
        results.append(
            ConditionResult(condition.id, condition.text, condition.source, condition.confidence, outcome, evidence)
        )
    stages = tuple(_tally(ctx, stage, i, assume) for stage in version.decision)
    decision = Decision(_combine(s.outcome for s in stages), stages)
    verdict = _verdict((r.outcome for r in results), decision.outcome)
    found: tuple[Remedy, ...] = ()
    irremediable: tuple[str, ...] = ()
    failing = [c for c, r in zip(version.conditions, results, strict=True) if r.outcome == "fails"]
    if failing and remedies:
        found, irremediable = _remedies(ctx, i, failing, on)
    status, _ = ctx.status_of(i, org)
    return JoinVerdict(
        state, org, on, verdict, tuple(results), decision, found, irremediable, version.valid_from, status
    )


def _lifts(ctx: OrgContext, i: int, option: frozenset[Change], conditions: Sequence[Any]) -> bool:
    after = OrgContext(ctx.snap.with_remedy(option), ctx.org)
    bit = 1 << i
    return all(c.check.masks(after)[0] & bit for c in conditions)


def _version(compiled: CompiledOrg, on: date) -> CompiledVersion:
    version = compiled.version_at(on)
    if version is None:
        # The scenario validator refuses such questions first; this guards direct callers.
        raise ValueError(f"the {compiled.code} has no rules in force on {on.isoformat()}")
    return version


def _remedies(
    ctx: OrgContext, i: int, failing: Sequence[object], on: date
) -> tuple[tuple[Remedy, ...], tuple[str, ...]]:
    options: Options = (frozenset(),)
    lifted: list[str] = []
    stuck: list[str] = []
    for condition in failing:
        lift = condition.check.lift(ctx, i, True)  # type: ignore[attr-defined]
        if not lift:
            stuck.append(condition.id)  # type: ignore[attr-defined]
            continue
        options = checks.both(options, lift) if lifted else lift
        lifted.append(condition.id)  # type: ignore[attr-defined]
    if not lifted or not options:
        return (), tuple(stuck)
    # Conditions can interfere (admitting a state as observer lifts one condition and breaks
    # another that needs it a member): every candidate is checked on the date with its changes made.
    claimed = [c for c in failing if c.id in lifted]  # type: ignore[attr-defined]
    options = tuple(o for o in options if _lifts(ctx, i, o, claimed))
    remedies = []
    day = on.isoformat()
    for option in options[:MAX_REMEDIES]:
        changes = tuple(change_syntax(c, day) for c in sorted(option))
        remedies.append(Remedy(changes, tuple(lifted)))
    return tuple(remedies), tuple(stuck)


def matrix(
    world: World,
    on: date,
    *,
    orgs: Sequence[str] | None = None,
    states: Sequence[str] | None = None,
    assume: Assume = "unknown",
    parties: bool = False,
) -> MatrixResult:
    """Verdicts of every non-member (or the states named) against each organisation.

    With ``parties`` each blocked row also names, per failing condition, who blocks it (the
    members it lacks relations with, the applicant itself for a status or region...).
    """
    snap = world.as_of(on)
    rows: list[MatrixRow] = []
    chosen = world.mask_of(states) if states is not None else world.all
    codes = world.codes
    for code in orgs if orgs is not None else sorted(world.orgs):
        version = world.orgs[code].version_at(on)
        if version is None:
            continue
        ctx = OrgContext(snap, code)
        candidates = chosen & ~snap.members(code)
        # Each state's failing conditions as a small bitset (bit k = condition k), built per
        # condition from its fail mask: the work is proportional to the failures, not states x conditions.
        signature: dict[int, int] = {}
        unknown = 0
        for k, condition in enumerate(version.conditions):
            holds, fails = condition.check.masks(ctx)
            unknown |= candidates & ~holds & ~fails
            for i in bits(fails & candidates):
                signature[i] = signature.get(i, 0) | 1 << k
        names: dict[int, tuple[str, ...]] = {}
        plans: dict[int, list[tuple[str, Callable[[int], int] | None]]] = {}
        reach = 0  # every state that votes or vetoes in some stage
        for stage in version.decision:
            reach |= ctx.group(stage.by) | (ctx.group(stage.veto) if stage.veto is not None else 0)
        shared: StageOutcome | None = None
        for i in bits(candidates):
            sig = signature.get(i)
            if sig:
                failing = names.get(sig)
                if failing is None:
                    failing = names[sig] = tuple(c.id for k, c in enumerate(version.conditions) if sig >> k & 1)
                who = None
                if parties:
                    plan = plans.get(sig)
                    if plan is None:
                        plan = plans[sig] = [
                            (c.id, None if c.check.about_applicant else c.check.failing_parties(ctx))
                            for k, c in enumerate(version.conditions)
                            if sig >> k & 1
                        ]
                    mine = (codes[i],)
                    who = {cid: mine if fn is None else tuple([codes[p] for p in bits(fn(i))]) for cid, fn in plan}
                # Blocked whatever the tally says, so the tally is not computed.
                rows.append(MatrixRow(codes[i], code, "blocked", failing, who))
                continue
            if snap.positions.get((code, i)) or reach >> i & 1:
                decision = decide(ctx, version, i, assume)
            else:
                # Same voters, no positions: every such applicant gets the same tally.
                if shared is None:
                    shared = decide(ctx, version, i, assume)
                decision = shared
            verdict: VerdictName = (
                "blocked"
                if decision == "fails"
                else "undetermined"
                if unknown >> i & 1 or decision == "unknown"
                else "eligible"
            )
            rows.append(MatrixRow(codes[i], code, verdict, (), {} if parties else None))
    return MatrixResult(on, tuple(rows))


def verdict_on(snap: Snapshot, org: str, i: int, assume: Assume) -> VerdictName:
    """The verdict alone, on a snapshot (possibly a hypothetical variant of one)."""
    version = _version(snap.world.orgs[org], snap.on)
    ctx = OrgContext(snap, org)
    unknown = False
    for condition in version.conditions:
        holds, fails = condition.check.masks(ctx)
        if fails >> i & 1:
            return "blocked"
        unknown = unknown or not holds >> i & 1
    decision = decide(ctx, version, i, assume)
    if decision == "fails":
        return "blocked"
    return "undetermined" if unknown or decision == "unknown" else "eligible"


def decide(ctx: OrgContext, version: CompiledVersion, i: int, assume: Assume) -> StageOutcome:
    """The decision's outcome alone (no tally lists), for sweeps."""
    stances = ctx.snap.positions.get((ctx.org, i), {})
    outcomes = []
    for stage in version.decision:
        voters, veto = _voters(ctx, stage, i)
        outcomes.append(stage_outcome(stage.pass_, _counts(voters, veto, stances, assume)))
    return _combine(outcomes)
