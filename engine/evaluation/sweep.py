"""The matrix sweep: every non-member (or the states named) against each organisation, at once.

Each condition answers for every state as a bitset, and the sweep keeps those bitsets as the
organisation's column (``engine.evaluation.columns``): no object per (state, organisation) pair is
built until someone reads a row. Only the decision is counted per applicant, and only for those
whose tally can differ from their neighbours' (positions on their bid, or a vote of their own).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from engine.common.budget import spend
from engine.compiler.bitsets import bits
from engine.compiler.checks import CompiledCheck
from engine.compiler.context import OrgContext
from engine.compiler.world import World
from engine.evaluation.columns import MatrixResult, OrgColumn, Parties
from engine.evaluation.tally import Assume, decide

__all__ = ["matrix"]

#: Where each decision outcome goes in a column's ``decided`` masks.
_OUTCOME = {"passes": 0, "fails": 1, "unknown": 2}


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
    members it lacks relations with, the applicant itself for a status or region...); that is
    worked out when the row is read.
    """
    snap = world.as_of(on)
    # A state dissolved by the date (Czechoslovakia in 2000) is history, not a candidate.
    chosen = (world.facts.mask_of(states) if states is not None else world.all) & world.facts.existing(on)
    # Applicants with positions on their bid, by organisation, found in one pass over the positions.
    positioned: dict[str, int] = {}
    for (org, i), stances in snap.positions.items():
        if stances:
            positioned[org] = positioned.get(org, 0) | 1 << i
    columns: list[OrgColumn] = []
    for code in orgs if orgs is not None else sorted(world.orgs):
        version = world.orgs[code].version_at(on)
        if version is None:
            continue
        ctx = OrgContext(snap, code)
        candidates = chosen & ~snap.members(code)
        spend(candidates.bit_count())
        fails: list[int] = []
        unknown: list[int] = []
        failing = 0
        for condition in version.conditions:
            holds, fail = condition.check.masks(ctx)
            fail &= candidates
            fails.append(fail)
            unknown.append(candidates & ~holds & ~fail)
            failing |= fail
        # A failing condition blocks whatever the tally says, so those applicants are not tallied.
        rest = candidates & ~failing
        reach = 0  # every state that votes or vetoes in some stage
        for stage in version.decision:
            reach |= ctx.group(stage.by) | (ctx.group(stage.veto) if stage.veto is not None else 0)
        alone = rest & (positioned.get(code, 0) | reach)
        decided = [0, 0, 0]
        for i in bits(alone):
            decided[_OUTCOME[decide(ctx, version, i, assume)]] |= 1 << i
        shared = rest & ~alone
        if shared:
            # Same voters, no positions: every such applicant gets the tally of the first of them.
            first = (shared & -shared).bit_length() - 1
            decided[_OUTCOME[decide(ctx, version, first, assume)]] |= shared
        who: tuple[Callable[[], Parties], ...] | None = None
        if parties:
            who = tuple(partial(_failing_parties, c.check, ctx) for c in version.conditions)
        column = OrgColumn(
            code,
            candidates,
            condition_ids=tuple(c.id for c in version.conditions),
            fails=tuple(fails),
            unknown=tuple(unknown),
            decided=(decided[0], decided[1], decided[2]),
            parties=who,
        )
        columns.append(column)
    return MatrixResult(on, columns, world.codes, world.index)


def _failing_parties(check: CompiledCheck, ctx: OrgContext) -> Parties:
    """Who fails ``check`` for an applicant: None when that is the applicant alone (status, region...)."""
    return None if check.about_applicant else check.failing_parties(ctx)
