"""The deeper questions on the bundled world: order, impact, leverage, each beside brute force."""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from engine import models as m
from engine.compiler.bitsets import bits
from engine.evaluation.join import verdict_on
from engine.evaluation.sweep import matrix
from engine.questions.impact import impact
from engine.questions.leverage import leverage
from engine.questions.order import admission_orders
from engine.reading.loader import Located
from engine.reading.yaml12 import Document
from engine.workspace import Workspace

ON = date(2025, 9, 2)


def _median(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _brute_orders(world: Any, org: str, applicants: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Every permutation, each cut at its first blocked applicant: the maximal prefixes."""
    base = world.as_of(ON)
    index = world.index
    found = set()
    for perm in itertools.permutations(applicants):
        admitted = 0
        prefix: list[str] = []
        for code in perm:
            snap = base.with_members(org, admitted) if admitted else base
            if verdict_on(world.rules, snap, org, index[code], "unknown") == "blocked":
                break
            prefix.append(code)
            admitted |= 1 << index[code]
        snap = base.with_members(org, admitted) if admitted else base
        rest = [c for c in applicants if c not in prefix]
        if all(verdict_on(world.rules, snap, org, index[c], "unknown") == "blocked" for c in rest):
            found.add(tuple(prefix))
    return found


def main() -> int:
    world = Workspace().default
    snap = world.as_of(ON)
    partners = [world.codes[i] for i in bits(snap.status["SCO"].get("partner", 0))]
    twelve = tuple(partners[:12])
    seven = tuple(partners[:7])
    rows: list[tuple[str, float, float | None, str]] = []
    ours = _median(lambda: admission_orders(world, "SCO", twelve, ON, "unknown"), 5)
    rows.append(("order, 12 SCO partners (subsets, memoised)", ours, None, "< 1 s"))
    ours7 = _median(lambda: admission_orders(world, "SCO", seven, ON, "unknown"), 5)
    brute7 = _median(lambda: _brute_orders(world, "SCO", seven), 1)
    assert set(admission_orders(world, "SCO", seven, ON, "unknown").feasible) == _brute_orders(world, "SCO", seven)
    rows.append(("order, 7 SCO partners", ours7, brute7, "brute force: all 5,040 permutations"))

    doc = Document("bench", {})
    change = m.Establish.model_validate({"establish": ["ARM", "AZE"], "on": ON.isoformat()})
    after = world.with_changes([(change, Located(doc, ()))], ON)
    ours_i = _median(lambda: impact(world, after, [change], ON, orgs=None, assume="unknown"), 5)

    def full_diff() -> int:
        before_rows = {(r.state, r.org): r for r in matrix(world, ON).rows}
        after_rows = {(r.state, r.org): r for r in matrix(after, ON).rows}
        return sum(1 for k in before_rows.keys() & after_rows.keys() if before_rows[k][2:4] != after_rows[k][2:4])

    brute_i = _median(full_diff, 5)
    rows.append(("impact of one change (touched pairs only)", ours_i, brute_i, "brute force: two full matrices"))

    ours_l = _median(
        lambda: leverage(world, ON, orgs=None, kinds=("establish", "recognize"), limit=20, assume="unknown"), 3
    )
    rows.append(("leverage over the bundled world, all orgs", ours_l, None, "< 2 s"))

    def brute_leverage_sco() -> int:
        base_rows = {r.state: r.verdict for r in matrix(world, ON, orgs=["SCO"]).rows}
        index = world.index
        count = 0
        for a, b in itertools.combinations(world.codes, 2):
            i, j = index[a], index[b]
            if snap.rel[i] >> j & 1:
                continue
            variant = snap.with_relation(i, j)
            for code in (a, b):
                if base_rows.get(code) != "blocked":
                    continue
                if verdict_on(world.rules, variant, "SCO", index[code], "unknown") != "blocked":
                    count += 1
        return count

    ours_ls = _median(lambda: leverage(world, ON, orgs=["SCO"], kinds=("establish",), limit=500, assume="unknown"), 3)
    brute_ls = _median(brute_leverage_sco, 1)
    rows.append(("leverage, SCO, new relations only", ours_ls, brute_ls, "brute force: every missing pair"))

    print()
    print(f"deeper questions on the bundled world, {ON.isoformat()} (medians)")
    print(f"{'question':<46} {'accede':>10} {'brute force':>12} {'ratio':>7}  note")
    for name, seconds, brute, note in rows:
        ratio = f"{brute / seconds:>6.1f}x" if brute else "      -"
        brute_text = f"{brute * 1e3:>10.1f}ms" if brute else "           -"
        print(f"{name:<46} {seconds * 1e3:>8.1f}ms {brute_text} {ratio}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
