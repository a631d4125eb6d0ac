"""Decision tallies: who supports, opposes, abstains or has no position, and whether a stage passes.

SPEC: ``unanimity`` passes when nobody opposes and nobody is unknown and fails when anyone opposes;
``majority`` needs more than half in support, ``two_thirds`` two thirds rounded up, ``{at_least: N}``
N supporters. A stage fails as soon as the unknown voters could no longer carry it, passes once the
known supporters do, and is unknown otherwise; any opposing voter of its veto group fails it, and it
cannot pass while a veto holder has no known position.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from engine import models as m
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.rulebook import CompiledVersion
from engine.evaluation.verdict import StageTally

__all__ = ["Assume", "StageOutcome", "combine_stages", "decide", "stage_names", "stage_outcome", "tally"]

Assume = m.Assume
StageOutcome = Literal["passes", "fails", "unknown"]


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


def stage_names(stages: Sequence[m.Stage]) -> tuple[str, ...]:
    """What each stage is called: its ``name`` in the rule file, else from its voters or its rule.

    Names are unique within a decision (a repeated one takes its position: ``members-2``).
    """
    names: list[str] = []
    for k, stage in enumerate(stages):
        by = stage.by
        default = "consensus" if stage.pass_ in ("unanimity",) else "vote"
        name = stage.name or (by.org.lower() if by.kind == "members_of" and by.org else default)
        names.append(name if name not in names else f"{name}-{k + 1}")
    return tuple(names)


def tally(ctx: OrgContext, stage: m.Stage, i: int, assume: Assume, name: str = "members") -> StageTally:
    voters, veto = _voters(ctx, stage, i)
    stances = ctx.snap.positions.get((ctx.org, i), {})
    counts = _counts(voters, veto, stances, assume)
    lists: dict[str, list[str]] = {"support": [], "oppose": [], "abstain": [], "unknown": []}
    assumed: list[str] = []
    codes = ctx.facts.codes
    silent = [codes[v] for v in bits(voters) if v not in stances] if stances else ctx.snap.codes_of(voters)
    lists["unknown" if assume == "unknown" else assume].extend(silent)
    if assume != "unknown":
        assumed.extend(silent)
    for voter, stance in stances.items():
        if voters >> voter & 1:
            lists[stance].append(codes[voter])
    for stance in ("support", "oppose", "abstain"):
        lists[stance].sort()
    vetoed = [
        ctx.code(v) for v in bits(veto) if stances.get(v) == "oppose" or (assume == "oppose" and v not in stances)
    ]
    silent_veto = [ctx.code(v) for v in bits(veto) if v not in stances] if assume == "unknown" else []
    doubtful = sorted(codes[v] for v in stances if voters >> v & 1 and _confidence(ctx, i, v) == "low")
    return StageTally(
        name,
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
        tuple(silent_veto),
        tuple(doubtful),
    )


def _confidence(ctx: OrgContext, applicant: int, voter: int) -> str | None:
    """The confidence of the stance on record of ``voter`` on ``applicant``'s bid."""
    codes = ctx.facts.codes
    timeline = ctx.facts.timelines.get(("pos", ctx.org, codes[applicant], codes[voter]))
    step = timeline.step_at(ctx.snap.on) if timeline is not None else None
    return getattr(step.event, "confidence", None) if step is not None else None


def combine_stages(outcomes: Iterable[StageOutcome]) -> StageOutcome:
    result: StageOutcome = "passes"
    for outcome in outcomes:
        if outcome == "fails":
            return "fails"
        if outcome == "unknown":
            result = "unknown"
    return result


def decide(ctx: OrgContext, version: CompiledVersion, i: int, assume: Assume) -> StageOutcome:
    """The decision's outcome alone (no tally lists), for sweeps."""
    stances = ctx.snap.positions.get((ctx.org, i), {})
    outcomes = []
    for stage in version.decision:
        voters, veto = _voters(ctx, stage, i)
        outcomes.append(stage_outcome(stage.pass_, _counts(voters, veto, stances, assume)))
    return combine_stages(outcomes)
