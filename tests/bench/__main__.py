"""``make bench``: medians over repeated runs, each next to a baseline measured in the same run.

Targets (issue 2) are checked here, never in timed unit tests: the machines are shared and noisy.
Every figure is a median of repeated runs in this process, on seeded synthetic worlds, so runs
are comparable; the ratio column divides accede's median by the baseline's median.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from engine.evaluation.join import join
from engine.evaluation.sweep import matrix
from engine.reading.loader import load_world_folder
from engine.workspace import BUNDLED_WORLD, Workspace
from tests.bench import bulk, history, http, oneshot, page, questions, watch
from tests.bench.synthetic import Synthetic, synthetic_world

ON = date(2020, 1, 1)


def median_seconds(fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1e9


def lower_bound_matrix(syn: Synthetic) -> Callable[[], int]:
    """The same five conditions as plain set containment on precomputed Python sets, no evidence."""
    world, snap = syn.world, syn.world.as_of(ON)
    codes = world.codes
    related = [{codes[j] for j in range(len(codes)) if snap.rel[i] >> j & 1} for i in range(len(codes))]
    conflicts = [{codes[j] for j in range(len(codes)) if snap.conflict[i] >> j & 1} for i in range(len(codes))]
    sanctioned = {codes[i] for i in range(len(codes)) if snap.sanctioned >> i & 1}
    regions = [world.states[i].region for i in range(len(codes))]
    plans = []
    for org in syn.orgs:
        table = snap.status[org]
        members = {codes[i] for i in range(len(codes)) if table.get("member", 0) >> i & 1}
        allowed = {codes[i] for i in range(len(codes)) if (table.get("observer", 0) | table.get("partner", 0)) >> i & 1}
        version = world.orgs[org].versions[0]
        region_check = version.conditions[0].check
        plans.append((members, allowed, set(region_check.regions)))  # type: ignore[attr-defined]

    def run() -> int:
        blocked = 0
        for members, allowed, ok_regions in plans:
            for i, code in enumerate(codes):
                if code in members:
                    continue
                fails = (
                    regions[i] not in ok_regions
                    or not members <= related[i]
                    or code not in allowed
                    or code in sanctioned
                    or bool(conflicts[i] & members)
                )
                blocked += fails
        return blocked

    return run


def bitset_bound_matrix(syn: Synthetic) -> Callable[[], int]:
    """The physical limit: the same five conditions as integer bitsets over all states, masks only.

    Per organisation, one AND/OR per member for relations and conflicts, and one mask each for
    region, status and sanctions: no per-pair work at all, and no evidence. Issue 15's columnar
    target is within 10x of this.
    """
    world, snap = syn.world, syn.world.as_of(ON)
    n = len(world.codes)
    everyone = (1 << n) - 1
    region_of = [world.states[i].region for i in range(n)]
    plans = []
    for org in syn.orgs:
        table = snap.status[org]
        members = table.get("member", 0)
        allowed = table.get("observer", 0) | table.get("partner", 0)
        ok_regions = set(world.orgs[org].versions[0].conditions[0].check.regions)  # type: ignore[attr-defined]
        in_region = sum(1 << i for i in range(n) if region_of[i] in ok_regions)
        member_bits = [i for i in range(n) if members >> i & 1]
        plans.append((members, allowed, in_region, member_bits))

    def run() -> int:
        blocked = 0
        rel, conflict, sanctioned = snap.rel, snap.conflict, snap.sanctioned
        for members, allowed, in_region, member_bits in plans:
            fails = ~in_region | ~allowed | sanctioned
            for m in member_bits:
                fails |= ~rel[m] | conflict[m]
            blocked += (fails & everyone & ~members).bit_count()
        return blocked

    return run


def lower_bound_join(syn: Synthetic, state: str, org: str) -> Callable[[], bool]:
    """The same five conditions for one pair, as set containment on precomputed sets."""
    world, snap = syn.world, syn.world.as_of(ON)
    i = world.index[state]
    codes = world.codes
    related = {codes[j] for j in range(len(codes)) if snap.rel[i] >> j & 1}
    conflicts = {codes[j] for j in range(len(codes)) if snap.conflict[i] >> j & 1}
    sanctioned = {codes[k] for k in range(len(codes)) if snap.sanctioned >> k & 1}
    table = snap.status[org]
    members = {codes[k] for k in range(len(codes)) if table.get("member", 0) >> k & 1}
    allowed = {codes[k] for k in range(len(codes)) if (table.get("observer", 0) | table.get("partner", 0)) >> k & 1}
    ok_regions = set(world.orgs[org].versions[0].conditions[0].check.regions)  # type: ignore[attr-defined]
    region = world.states[i].region

    def run() -> bool:
        return (
            region in ok_regions
            and members <= related
            and state in allowed
            and state not in sanctioned
            and not conflicts & members
        )

    return run


def bench_world(label: str, syn: Synthetic, rows: list[tuple[str, float, float, str]]) -> None:
    world = syn.world
    snap = world.as_of(ON)

    def cold() -> None:
        snap.cache.clear()

    repeat = 7 if len(world.codes) <= 500 else 3
    lb = median_seconds(lower_bound_matrix(syn), repeat)
    masks = median_seconds(bitset_bound_matrix(syn), max(repeat, 21))
    full = median_seconds(lambda: matrix(world, ON), repeat, cold)
    full_ev = median_seconds(lambda: matrix(world, ON, parties=True), repeat, cold)
    # The sweep builds rows only when read (issue 15): what reading all of them costs, beside.
    read = median_seconds(lambda: matrix(world, ON).rows, repeat, cold)
    read_ev = median_seconds(lambda: matrix(world, ON, parties=True).rows, repeat, cold)
    target = "<= 20x" if len(world.codes) <= 500 else ""
    rows.append((f"{label}: full matrix, verdicts + failing ids (vs bare sets)", full, lb, target))
    rows.append((f"{label}: full matrix, verdicts + failing ids (vs bitset masks)", full, masks, "<= 10x"))
    rows.append(
        (
            f"{label}: full matrix, with evidence (who blocks)",
            full_ev,
            lb,
            "<= 3x" if len(world.codes) > 500 else target,
        )
    )
    rows.append((f"{label}: full matrix, every row built", read, lb, ""))
    rows.append((f"{label}: full matrix, every row built, with evidence", read_ev, lb, ""))
    candidates = [s for s in syn.states if not snap.members(syn.orgs[0]) >> world.index[s] & 1]
    state, org = candidates[len(candidates) // 2], syn.orgs[0]
    jlb = median_seconds(lower_bound_join(syn, state, org), 2001)
    evidence = median_seconds(lambda: join(world, state, org, ON, remedies=False), 2001)
    warm = median_seconds(lambda: join(world, state, org, ON), 2001)
    cold_join = median_seconds(lambda: join(world, state, org, ON), 501, cold)
    rows.append((f"{label}: one join with evidence", evidence, jlb, "< 20 us"))
    rows.append(
        (f"{label}: one join with evidence and remedies", warm, jlb, "< 15 us" if len(world.codes) <= 500 else "")
    )
    rows.append((f"{label}: same, cold condition cache", cold_join, jlb, ""))
    build = median_seconds(lambda: world.facts._build(ON), 5)
    rows.append((f"{label}: project the world on a new date", build, lb, ""))


def main() -> int:
    rows: list[tuple[str, float, float, str]] = []
    start = time.perf_counter()
    small = synthetic_world(200, 30)
    print(f"built 200 x 30 synthetic world in {time.perf_counter() - start:.2f}s", file=sys.stderr)
    bench_world("200 states x 30 orgs", small, rows)
    start = time.perf_counter()
    large = synthetic_world(2000, 300)
    print(f"built 2000 x 300 synthetic world in {time.perf_counter() - start:.2f}s", file=sys.stderr)
    bench_world("2000 states x 300 orgs", large, rows)

    def load() -> None:
        Workspace().default.as_of(date(2025, 9, 1))

    read_yaml_only = median_seconds(_read_only, 5)
    rows.append(("bundled world: load, validate, compile, project", median_seconds(load, 5), read_yaml_only, "< 1 s"))
    rows.extend(oneshot.bench_oneshot())
    # The 2000 x 300 history sweep takes a minute of world building; `python -m tests.bench.history` runs it.
    rows.extend(history.bench_history(synthetic=False))
    rows.extend(bulk.bench_bulk())

    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'accede':>12}  {'baseline':>12}  {'ratio':>7}  target")
    for name, ours, base, target in rows:
        print(f"{name:<{width}}  {_fmt(ours):>12}  {_fmt(base):>12}  {ours / base:>6.1f}x  {target}")
    print(
        "baselines: matrix and join rows = bare set containment of the same conditions on precomputed sets "
        "(no evidence), or the same conditions as integer-bitset masks only (the physical limit); "
        "bundled world row = reading its YAML files only; one-shot rows = `python -c pass` between the same runs"
    )
    questions.main()
    watch.main()
    page.main()
    return http.main()


def _read_only() -> None:
    load_world_folder(BUNDLED_WORLD)


def _fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


if __name__ == "__main__":
    sys.exit(main())
