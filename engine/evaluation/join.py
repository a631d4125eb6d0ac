"""One applicant, one organisation, one date: the verdict, its evidence, its tally and its remedies.

Pure functions of a compiled world, a date and the question; no I/O, no clock. The combining rule
is ``engine.evaluation.combining``'s (re-exported here as ``combine``); the sweep, the history
sweep and the watcher use it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import islice

from engine.common.budget import spend
from engine.common.limits import REMEDIES
from engine.compiler.context import OrgContext
from engine.compiler.facts import Snapshot
from engine.compiler.remedies import Change, Options, both, change_syntax
from engine.compiler.rulebook import CompiledCondition, CompiledOrg, CompiledVersion, Rulebook
from engine.compiler.world import World
from engine.evaluation.combining import combine
from engine.evaluation.tally import Assume, combine_stages, decide, stage_names, tally
from engine.evaluation.verdict import (
    ConditionResult,
    Decision,
    FailedStage,
    JoinVerdict,
    Judgement,
    OpenStage,
    Outcome,
    Remedy,
    StageTally,
    ToSettle,
    VerdictName,
)

__all__ = ["combine", "join", "outcome_on", "rules_in_force", "unblocking_changes", "verdict_on"]

#: Most remedies reported for one verdict, smallest first.
MAX_REMEDIES = REMEDIES.file


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

    A member is not an applicant: its verdict is ``member`` and no condition is evaluated. A
    suspended state is an applicant for readmission. ``remedies=False`` skips the remedy search
    for callers that need only the verdict and why.
    """
    spend()
    snap = world.as_of(on)
    i = world.index[state]
    compiled = world.orgs[org]
    version = rules_in_force(compiled, on)
    ctx = OrgContext(snap, org, tuple(forbid))
    status, since = ctx.status_of(i, org)
    status_since = since.on if since is not None and status is not None else None
    beyond = world.facts.horizon is not None and on > world.facts.horizon
    if status == "member":
        return JoinVerdict(
            state, org, on, "member", (), Decision("passes", ()), rules_from=version.valid_from,
            status=status, status_since=status_since, beyond_horizon=beyond,
        )  # fmt: skip
    results = []
    for condition in version.conditions:
        outcome: Outcome = condition.check.outcome(ctx, i)
        evidence = tuple(condition.check.explain(ctx, i, outcome))
        results.append(
            ConditionResult(condition.id, condition.text, condition.source, condition.confidence, outcome, evidence)
        )
    names = stage_names(version.decision)
    stages = tuple(tally(ctx, stage, i, assume, name) for stage, name in zip(version.decision, names, strict=True))
    decision = Decision(combine_stages(s.outcome for s in stages), stages)
    outcomes = {r.outcome for r in results}
    verdict = combine("fails" in outcomes, "unknown" in outcomes, decision.outcome)
    found: tuple[Remedy, ...] = ()
    irremediable: tuple[str, ...] = ()
    failing = [c for c, r in zip(version.conditions, results, strict=True) if r.outcome == "fails"]
    if failing and remedies:
        found, irremediable = _remedies(ctx, i, failing, on)
    settle = None
    if verdict == "undetermined":
        unknown = [c for c, r in zip(version.conditions, results, strict=True) if r.outcome == "unknown"]
        settle = ToSettle(_judgements(ctx, i, unknown, on), tuple(_open(t) for t in stages if t.outcome == "unknown"))
    return JoinVerdict(
        state,
        org,
        on,
        verdict,
        tuple(results),
        decision,
        found,
        irremediable,
        version.valid_from,
        status,
        status_since,
        settle,
        tuple(_failed(t) for t in stages if t.outcome == "fails"),
        beyond,
    )


def _judgements(ctx: OrgContext, i: int, unknown: Sequence[CompiledCondition], on: date) -> tuple[Judgement, ...]:
    """The assessments that would decide each unknown condition, as changes an analyst can paste."""
    out: list[Judgement] = []
    day = on.isoformat()
    for condition in unknown:
        for change in sorted({c for option in condition.check.lift(ctx, i, True) for c in option}):
            if change[0] == "assess":
                syntax = change_syntax(change, day)
                out.append(Judgement(condition.id, change[1], change[2], syntax))
    return tuple(out)


#: The pass rule every voter must accept (a set, so linters do not take the field for a password).
UNANIMITY = frozenset({"unanimity"})


def _open(stage: StageTally) -> OpenStage:
    """Who a stage that turns on missing positions waits for, and whose opposition alone fails it."""
    silent = stage.unknown
    if isinstance(stage.pass_, str) and stage.pass_ in UNANIMITY:
        needed, pivotal = len(silent), silent
    else:
        needed = max(0, stage.needed - len(stage.support))
        # One silent voter opposing fails a counted stage only when the rest could no longer carry it.
        pivotal = silent if len(stage.support) + len(silent) - 1 < stage.needed else ()
    pivotal = tuple(sorted({*pivotal, *stage.veto_unknown}))
    return OpenStage(stage.name, silent, needed, pivotal, stage.veto_unknown)


def _failed(stage: StageTally) -> FailedStage:
    if stage.vetoed_by:
        return FailedStage(stage.name, stage.vetoed_by, "veto")
    if stage.oppose:
        return FailedStage(stage.name, stage.oppose, "opposition")
    return FailedStage(stage.name, stage.abstain, "too few supporters")


def _lifts(ctx: OrgContext, i: int, option: frozenset[Change], conditions: Sequence[CompiledCondition]) -> bool:
    # Verified for the applicant alone: the hypothetical snapshot is asked about no other state.
    after = OrgContext(ctx.snap.with_remedy(option), ctx.org)
    return all(c.check.outcome(after, i) == "holds" for c in conditions)


def rules_in_force(compiled: CompiledOrg, on: date) -> CompiledVersion:
    """The rule version in force on ``on``; scenario validation refuses dates without one first."""
    version = compiled.version_at(on)
    if version is None:
        # The scenario validator refuses such questions first; this guards direct callers.
        raise ValueError(f"the {compiled.code} has no rules in force on {on.isoformat()}")
    return version


def _remedies(
    ctx: OrgContext, i: int, failing: Sequence[CompiledCondition], on: date
) -> tuple[tuple[Remedy, ...], tuple[str, ...]]:
    options: Options = (frozenset(),)
    lifted: list[str] = []
    stuck: list[str] = []
    for condition in failing:
        lift = condition.check.lift(ctx, i, True)
        if not lift:
            stuck.append(condition.id)
            continue
        options = both(options, lift) if lifted else lift
        lifted.append(condition.id)
    if not lifted or not options:
        return (), tuple(stuck)
    # Conditions can interfere (admitting a state as observer lifts one condition and breaks
    # another that needs it a member): every candidate is checked on the date with its changes made.
    claimed = [c for c in failing if c.id in lifted]
    # Smallest first, and only the first MAX_REMEDIES that lift are reported: the rest are not tried.
    confirmed = islice((o for o in options if _lifts(ctx, i, o, claimed)), MAX_REMEDIES)
    remedies = []
    day = on.isoformat()
    for option in confirmed:
        changes = tuple(change_syntax(c, day) for c in sorted(option))
        remedies.append(Remedy(changes, tuple(lifted)))
    return tuple(remedies), tuple(stuck)


def unblocking_changes(world: World, state: str, org: str, on: date, kinds: Sequence[str]) -> frozenset[Change]:
    """Single changes (of the verbs ``kinds``) that may take the applicant out of ``blocked``.

    A change can only unblock if every failing condition stops failing, so it must appear in some
    alternative that lifts each of them. It need not be a whole remedy on its own: a condition
    ``all`` of an unknown judgement and a missing relation fails, and establishing the relation
    leaves it unknown, which is no longer blocked. These are candidates; callers confirm them.
    """
    snap = world.as_of(on)
    i = world.index[state]
    version = rules_in_force(world.rules.orgs[org], on)
    ctx = OrgContext(snap, org)
    bit = 1 << i
    found: frozenset[Change] | None = None
    for condition in version.conditions:
        if not condition.check.masks(ctx)[1] & bit:
            continue
        changes = frozenset(c for option in condition.check.lift(ctx, i, True) for c in option if c[0] in kinds)
        found = changes if found is None else found & changes
        if not found:
            return frozenset()
    return found or frozenset()


def outcome_on(
    rules: Rulebook, snap: Snapshot, org: str, i: int, assume: Assume
) -> tuple[VerdictName, tuple[str, ...], tuple[str, ...]]:
    """The verdict with its failing and unknown condition ids, on a snapshot (for timelines)."""
    version = rules_in_force(rules.orgs[org], snap.on)
    if snap.members(org) >> i & 1:
        return "member", (), ()
    ctx = OrgContext(snap, org)
    failing: list[str] = []
    unknown: list[str] = []
    for condition in version.conditions:
        holds, fails = condition.check.masks(ctx)
        if fails >> i & 1:
            failing.append(condition.id)
        elif not holds >> i & 1:
            unknown.append(condition.id)
    verdict = combine(bool(failing), bool(unknown), decide(ctx, version, i, assume))
    return verdict, tuple(failing), tuple(unknown)


def verdict_on(rules: Rulebook, snap: Snapshot, org: str, i: int, assume: Assume) -> VerdictName:
    """The verdict alone, on a snapshot (possibly a hypothetical variant of one)."""
    version = rules_in_force(rules.orgs[org], snap.on)
    if snap.members(org) >> i & 1:
        return "member"
    ctx = OrgContext(snap, org)
    unknown = False
    for condition in version.conditions:
        holds, fails = condition.check.masks(ctx)
        if fails >> i & 1:
            return "blocked"
        unknown = unknown or not holds >> i & 1
    return combine(False, unknown, decide(ctx, version, i, assume))
