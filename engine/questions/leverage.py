"""Leverage: which single new relation (or recognition) would unlock the most accessions.

A change unlocks (X, O) when X is blocked from O now and is not once the change is made. A new
relation or recognition only bears on the verdicts of its two parties, and it unlocks (X, O)
only if it lifts every condition (X, O) fails, or turns it unknown, and the decision can still pass.
So the candidates are the changes found in the lifts of every failing condition of a blocked
verdict (not only whole one-change remedies: a change can leave a condition open instead of
failing), and each is then confirmed by evaluating the date's snapshot with the change made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import models as m
from engine.common.budget import spend
from engine.compiler.remedies import change_syntax
from engine.compiler.world import World
from engine.evaluation.join import unblocking_changes, verdict_on
from engine.evaluation.sweep import matrix
from engine.evaluation.tally import Assume
from engine.questions.registry import Asked, Progress, QuestionKind, outcome, register

__all__ = ["LeverageResult", "leverage"]


@dataclass(frozen=True)
class LeverageResult:
    as_of: date
    ranking: tuple[tuple[dict[str, Any], tuple[tuple[str, str], ...]], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "ranking": [
                {"change": change, "unlocks": [{"state": s, "org": o} for s, o in unlocks]}
                for change, unlocks in self.ranking
            ],
        }


def _key(change: dict[str, Any]) -> tuple[str, ...]:
    if "establish" in change:
        return ("establish", *sorted(change["establish"]))
    return ("recognize", change["recognize"], change["by"])


def leverage(
    world: World,
    on: date,
    *,
    orgs: Sequence[str] | None,
    kinds: Sequence[str],
    limit: int,
    assume: Assume,
    progress: Callable[[int, int], None] | None = None,
) -> LeverageResult:
    """Single relations or recognitions ranked by the accessions each would unlock, most first."""
    day = on.isoformat()
    scope = [code for code in (orgs or sorted(world.orgs)) if world.orgs[code].version_at(on) is not None]
    # Only the blocked rows are built: the others are never read.
    blocked = list(matrix(world, on, orgs=scope, assume=assume).where("blocked"))
    candidates: dict[tuple[str, ...], tuple[dict[str, Any], set[tuple[str, str]]]] = {}
    for k, row in enumerate(blocked):
        if progress is not None:
            progress(k, len(blocked))
        spend(1)
        for atom in unblocking_changes(world, row.state, row.org, on, kinds):
            change = {k2: v for k2, v in change_syntax(atom, day).items() if k2 != "on"}
            entry = candidates.setdefault(_key(change), (change, set()))
            entry[1].add((row.state, row.org))
    confirmed = []
    snap = world.as_of(on)
    index = world.index
    for change, unlocks in candidates.values():
        # Confirm on the date itself: a hypothetical fact of that day, not an event in history
        # (which a later recorded establishment of the same pair would contradict).
        if "establish" in change:
            a, b = change["establish"]
            after = snap.with_relation(index[a], index[b])
        else:
            after = snap.with_recognition(index[change["by"]], index[change["recognize"]])
        spend(len(unlocks))
        kept = tuple(
            sorted((s, o) for s, o in unlocks if verdict_on(world.rules, after, o, index[s], assume) != "blocked")
        )
        if kept:
            confirmed.append(({**change, "on": day}, kept))
    confirmed.sort(key=lambda item: (-len(item[1]), sorted(map(str, item[0].items()))))
    return LeverageResult(on, tuple(confirmed[:limit]))


def _check(question: m.LeverageQuestion, asked: Asked) -> None:
    for j, org in enumerate(question.leverage.orgs or ()):
        asked.need_org(org, "leverage", "orgs", j)


def _answer(question: m.LeverageQuestion, asked: Asked, prepared: Any, progress: Progress | None) -> LeverageResult:
    spec = question.leverage
    return leverage(
        asked.world,
        asked.on,
        orgs=spec.orgs,
        kinds=spec.kinds,
        limit=spec.limit,
        assume=asked.assume,
        progress=progress,
    )


def _same_change(a: dict[str, Any], b: dict[str, Any]) -> bool:
    strip = {k: v for k, v in a.items() if k != "on"}, {k: v for k, v in b.items() if k != "on"}
    if "establish" in strip[0] and "establish" in strip[1]:
        return sorted(strip[0]["establish"]) == sorted(strip[1]["establish"])
    return strip[0] == strip[1]


def _expect(question: m.LeverageQuestion, result: LeverageResult) -> dict[str, Any] | None:
    expect = question.expect
    if expect is None:
        return None
    out: list[str] = []
    changes = [change for change, _ in result.ranking]
    if expect.first is not None and not (changes and _same_change(expect.first, changes[0])):
        out.append(f"expected {expect.first} first, got {changes[0] if changes else 'nothing'}")
    for wanted in expect.includes or ():
        if not any(_same_change(wanted, c) for c in changes):
            out.append(f"expected {wanted} in the ranking")
    return outcome(out)


def _observe(question: m.LeverageQuestion, result: LeverageResult) -> dict[str, Any]:
    changes = [{k: v for k, v in change.items() if k != "on"} for change, _ in result.ranking]
    wanted = len(question.expect.includes or ()) if question.expect is not None else 0
    return {"first": changes[0] if changes else None, "includes": changes[: max(wanted, 1)]}


register(QuestionKind("leverage", m.LeverageQuestion, _check, _answer, _expect, _observe))
