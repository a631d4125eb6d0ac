"""Admission orders: who can be admitted after whom, when each admission changes the member set.

If Azerbaijan joins the SCO first, Armenia then needs relations with Azerbaijan. The search runs
over *sets* of admitted applicants, not over permutations: whether applicant *a* is blocked
depends only on who has been admitted before it, not in what order, so each set is evaluated
once (2^n sets, n at most 16) and the orders are read off the lattice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from engine import models as m
from engine.common.budget import spend
from engine.common.limits import ORDERS_LISTED
from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.world import World
from engine.evaluation.join import rules_in_force
from engine.evaluation.tally import Assume, decide
from engine.questions.registry import Asked, Progress, QuestionKind, outcome, register

__all__ = ["MAX_ORDERS", "OrderResult", "admission_orders"]

#: Most orders listed in a result; ``orders`` counts them all.
MAX_ORDERS = ORDERS_LISTED.file


@dataclass(frozen=True)
class OrderResult:
    org: str
    as_of: date
    applicants: tuple[str, ...]
    feasible: tuple[tuple[str, ...], ...]
    orders: int
    largest: int
    conflicts: tuple[tuple[str, str, tuple[str, ...]], ...]
    #: Every set of the largest size some order admits: the first thing an analyst asks.
    largest_sets: tuple[tuple[str, ...], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "org": self.org,
            "as_of": self.as_of.isoformat(),
            "applicants": list(self.applicants),
            "feasible": [list(o) for o in self.feasible],
            "orders": self.orders,
            "truncated": self.orders > len(self.feasible),
            "largest": self.largest,
            "largest_sets": [list(x) for x in self.largest_sets],
            "conflicts": [{"first": a, "then": b, "because": list(why)} for a, b, why in self.conflicts],
        }


def admission_orders(world: World, org: str, applicants: tuple[str, ...], on: date, assume: Assume) -> OrderResult:
    """Every maximal order in which each applicant, at its turn, is not blocked.

    ``feasible`` lists them all when they fit the cap, else only orders of the largest size;
    ``orders`` counts every maximal order.
    """
    version = rules_in_force(world.orgs[org], on)
    base = world.as_of(on)
    index = [world.index[a] for a in applicants]
    n = len(applicants)

    @cache
    def context(admitted: int) -> OrgContext:
        """The organisation once the set ``admitted`` (bits over applicants) has joined."""
        members = 0
        for j in bits(admitted):
            members |= 1 << index[j]
        return OrgContext(base.with_members(org, members) if members else base, org)

    def failing_after(admitted: int, k: int) -> tuple[str, ...] | None:
        """Why applicant k is blocked once ``admitted`` is in; None if it is not."""
        spend()
        ctx = context(admitted)
        i = index[k]
        failing = tuple(c.id for c in version.conditions if c.check.masks(ctx)[1] >> i & 1)
        if failing:
            return failing
        return ("decision",) if decide(ctx, version, i, assume) == "fails" else None

    @cache
    def open_after(admitted: int) -> int:
        """Applicants (as bits) not yet admitted and not blocked once ``admitted`` is in."""
        return sum(1 << k for k in range(n) if not admitted >> k & 1 and failing_after(admitted, k) is None)

    @cache
    def count(admitted: int) -> int:
        nxt = open_after(admitted)
        return 1 if not nxt else sum(count(admitted | 1 << k) for k in bits(nxt))

    @cache
    def largest(admitted: int) -> int:
        nxt = open_after(admitted)
        return admitted.bit_count() if not nxt else max(largest(admitted | 1 << k) for k in bits(nxt))

    feasible: list[tuple[str, ...]] = []
    best = largest(0)
    # When the orders do not all fit the listing, list the largest only (the ones an analyst
    # wants): branches that cannot reach the largest size are counted, not walked.
    total = count(0)
    floor = best if total > MAX_ORDERS else 0

    def walk(admitted: int, path: tuple[int, ...]) -> None:
        if len(feasible) >= MAX_ORDERS or largest(admitted) < floor:
            return
        nxt = open_after(admitted)
        if not nxt:
            feasible.append(tuple(applicants[k] for k in path))
            return
        for k in bits(nxt):
            walk(admitted | 1 << k, (*path, k))

    try:
        walk(0, ())
        sets = _largest_sets(open_after, largest, best)
        conflicts = []
        for a in range(n):
            for b in range(n):
                if a != b and failing_after(0, b) is None:
                    why = failing_after(1 << a, b)
                    if why is not None:
                        conflicts.append((applicants[a], applicants[b], why))
    finally:
        # The memoised closures refer to themselves (recursion), so they and their caches (a
        # snapshot per admitted set) are a reference cycle only the collector frees: tens of
        # thousands of objects whose collection stalled every thread for up to 80 ms. Emptied here,
        # they are freed at once.
        for memo in (context, open_after, count, largest):
            memo.cache_clear()
    named = tuple(tuple(applicants[k] for k in bits(found)) for found in sets)
    return OrderResult(org, on, applicants, tuple(feasible), total, best, tuple(conflicts), named)


def _largest_sets(open_after: Any, largest: Any, best: int) -> list[int]:
    """Every set of applicants of the largest size that some order admits (as bits), at most the cap."""
    found: set[int] = set()
    seen: set[int] = set()
    stack = [0]
    while stack and len(found) < MAX_ORDERS:
        admitted = stack.pop()
        if admitted in seen or largest(admitted) < best:
            continue
        seen.add(admitted)
        nxt = open_after(admitted)
        if not nxt:
            found.add(admitted)
        stack.extend(admitted | 1 << k for k in bits(nxt))
    return sorted(found)


def _check(question: m.OrderQuestion, asked: Asked) -> None:
    spec = question.order
    if not asked.need_org(spec.org, "order", "org"):
        return
    members = asked.world.as_of(asked.on).members(spec.org)
    for j, state in enumerate(spec.applicants):
        if not asked.need_state(state, "order", "applicants", j):
            continue
        report = asked.report("order", "applicants", j)
        if spec.applicants.index(state) != j:
            asked.problems.append(report("scenario.invalid-question", f"`{state}` is listed twice"))
        elif members >> asked.world.index[state] & 1:
            message = f"`{state}` is already a member of the {spec.org} on {asked.on.isoformat()}"
            asked.problems.append(report("scenario.invalid-question", message))


def _answer(question: m.OrderQuestion, asked: Asked, prepared: Any, progress: Progress | None) -> OrderResult:
    return admission_orders(asked.world, question.order.org, question.order.applicants, asked.on, asked.assume)


def _expect(question: m.OrderQuestion, result: OrderResult) -> dict[str, Any] | None:
    expect = question.expect
    if expect is None:
        return None
    out: list[str] = []
    if expect.largest is not None and expect.largest != result.largest:
        out.append(f"expected largest {expect.largest}, got {result.largest}")
    for order in expect.includes or ():
        if tuple(order) not in result.feasible:
            out.append(f"expected the order {' > '.join(order)} to be feasible")
    pairs = {(a, b) for a, b, _ in result.conflicts}
    for first, then in expect.conflicts or ():
        if (first, then) not in pairs:
            out.append(f"expected admitting {first} to block {then}")
    return outcome(out)


def _observe(question: m.OrderQuestion, result: OrderResult) -> dict[str, Any]:
    wanted = len(question.expect.includes or ()) if question.expect is not None else 0
    return {
        "largest": result.largest,
        "includes": [list(o) for o in result.feasible[: max(wanted, 1)]],
        "conflicts": [[a, b] for a, b, _ in result.conflicts],
    }


register(QuestionKind("order", m.OrderQuestion, _check, _answer, _expect, _observe))
