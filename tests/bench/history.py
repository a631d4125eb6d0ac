"""The history sweep, timed (issue 15's target, here and never in timed tests).

``history`` gives every (state, organisation) verdict on every change date of a period by stepping
one snapshot from date to date. Its bound, measured in the same run on the same dates, is the
per-date approach it replaces: project the world afresh on each change date (``as_of``) and sweep
it (``matrix``). Both run on a world with cold caches (its facts flattened into a copy), so each
pays for its own projections; the bound is measured in full on every date, not extrapolated, and
its answers are checked against the sweep's before any figure is printed.

Run alone as ``python -m tests.bench.history`` (``--quick`` leaves out the 2000 x 300 world, whose
construction alone takes several seconds).
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import date, timedelta

from engine.compiler.world import World
from engine.evaluation.history import History, change_dates, history
from engine.evaluation.sweep import matrix
from engine.workspace import Workspace
from tests.bench.synthetic import synthetic_world

__all__ = ["bench_history", "main"]

#: The bundled world's whole history: the UN Charter's year on.
SINCE = date(1945, 1, 1)
APPLICANT = ("eligible", "undetermined", "blocked")

Row = tuple[str, float, float, str]


def cold(world: World) -> World:
    """The same world with fresh caches: no snapshot, no change index, no memoised check."""
    return World(world.facts.flattened(), world.rules, world.revision)


def timed_sweeps(world: World, start: date, until: date, repeat: int) -> tuple[float, History]:
    """Median seconds of the history sweep over ``repeat`` runs, each on a cold copy made untimed."""
    times = []
    found: History | None = None
    for _ in range(repeat):
        fresh = cold(world)
        begin = time.perf_counter_ns()
        found = history(fresh, start, until)
        times.append(time.perf_counter_ns() - begin)
    assert found is not None
    return statistics.median(times) / 1e9, found


def per_date(world: World, days: list[date]) -> dict[date, dict[tuple[str, str], str]]:
    """The bound: a fresh projection and a matrix on every date (non-members' verdicts)."""
    return {on: {(r.state, r.org): r.verdict for r in matrix(world, on).rows} for on in days}


def _agree(found: History, rows: dict[date, dict[tuple[str, str], str]]) -> None:
    """The two approaches give the same verdicts (a faster wrong answer would be no result)."""
    for on, want in rows.items():
        got = {(s, org): v for org in found.orgs for s, v in found.row(org, on).items() if v in APPLICANT}
        assert got == want, f"history and matrix differ on {on.isoformat()}"


def _case(label: str, world: World, start: date, until: date, repeat: int, target: str) -> Row:
    days = change_dates(world, sorted(world.orgs), start, until)
    pairs = len(world.codes) * len(world.orgs)
    ours, found = timed_sweeps(world, start, until, repeat)
    fresh = cold(world)
    begin = time.perf_counter()
    rows = per_date(fresh, days)
    bound = time.perf_counter() - begin
    _agree(found, rows)
    period = f"[{start.isoformat()}, {until.isoformat()})"
    name = f"{label}: history {period}, {len(days)} change dates x {pairs} pairs ({found.changes()} changes)"
    return (name, ours, bound, target)


def bench_history(*, synthetic: bool = True) -> list[Row]:
    """(label, seconds, bound seconds, target) rows: the bundled world's whole history, and a
    seeded 2000 x 300 synthetic world's (its events fall on a handful of dates, each touching
    every organisation: the sweep's least favourable case)."""
    world = Workspace().default
    horizon = world.facts.horizon
    assert horizon is not None, "the bundled world states its horizon"
    rows = [_case("bundled world", world, SINCE, horizon + timedelta(days=1), 5, "< 1 s")]
    if synthetic:
        start = time.perf_counter()
        large = synthetic_world(2000, 300)
        print(f"built 2000 x 300 synthetic world in {time.perf_counter() - start:.2f}s", file=sys.stderr)
        rows.append(_case("2000 states x 300 orgs", large.world, date(2000, 1, 1), date(2006, 1, 1), 1, ""))
    return rows


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> int:
    rows = bench_history(synthetic="--quick" not in (sys.argv[1:] if argv is None else argv))
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'case':<{width}}  {'accede':>12}  {'baseline':>12}  {'ratio':>8}  target")
    for name, ours, base, target in rows:
        print(f"{name:<{width}}  {_fmt(ours):>12}  {_fmt(base):>12}  {ours / base:>7.3g}x  {target}")
    print(
        "baseline: a fresh projection (as_of) and a matrix on every one of the same change dates, "
        "measured in full once; accede: the history sweep, median of repeated cold runs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
