"""The matrix sweep: every non-member (or the states named) against each organisation, at once.

Each condition answers for every state as a bitset; a state's failing conditions become a small
signature, so the work is proportional to failures, not states x conditions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from engine.common.budget import spend
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.world import World
from engine.evaluation.join import combine
from engine.evaluation.tally import Assume, StageOutcome, decide
from engine.evaluation.verdict import MatrixResult, MatrixRow

__all__ = ["matrix"]


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

    One function on purpose, past the usual length: it is the hot loop of every sweep, and its
    per-organisation locals are what ``make bench`` measures.

    With ``parties`` each blocked row also names, per failing condition, who blocks it (the
    members it lacks relations with, the applicant itself for a status or region...).
    """
    snap = world.as_of(on)
    rows: list[MatrixRow] = []
    # A state dissolved by the date (Czechoslovakia in 2000) is history, not a candidate.
    chosen = (world.facts.mask_of(states) if states is not None else world.all) & world.facts.existing(on)
    codes = world.codes
    for code in orgs if orgs is not None else sorted(world.orgs):
        version = world.orgs[code].version_at(on)
        if version is None:
            continue
        ctx = OrgContext(snap, code)
        candidates = chosen & ~snap.members(code)
        spend(candidates.bit_count())
        # Each state's failing conditions as a small bitset (bit k = condition k), built per
        # condition from its fail mask: the work is proportional to the failures, not states x conditions.
        signature: dict[int, int] = {}
        open_signature: dict[int, int] = {}  # the same for unknown conditions
        for k, condition in enumerate(version.conditions):
            holds, fails = condition.check.masks(ctx)
            for i in bits(candidates & ~holds & ~fails):
                open_signature[i] = open_signature.get(i, 0) | 1 << k
            for i in bits(fails & candidates):
                signature[i] = signature.get(i, 0) | 1 << k
        open_names: dict[int, tuple[str, ...]] = {}
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
            usig = open_signature.get(i, 0)
            unknown = open_names.get(usig)
            if unknown is None:
                unknown = open_names[usig] = tuple(c.id for k, c in enumerate(version.conditions) if usig >> k & 1)
            verdict = combine(False, bool(usig), decision)
            rows.append(MatrixRow(codes[i], code, verdict, (), {} if parties else None, unknown, decision))
    return MatrixResult(on, tuple(rows))
