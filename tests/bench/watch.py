"""The live watcher: events per second with 100 subscriptions on the bundled world, per engine.

Each engine (incremental, the default; evaluator, every subscription re-evaluated after every
event; durable, the durable_rules standing queries) reads the same two feeds, each beside the bound
the watcher has always been measured against, in the same run: re-evaluating the same
subscriptions with the compiled evaluator on the live world after each event, with no watcher.

* ``relations``: 100 relations the subscribed states lack, established and then severed (the feed
  this bench has always timed);
* ``mixed``: about 1,100 events of every verb about the subscribed pairs (relations, conflicts,
  sanctions, stances, assessments, statuses and memberships, each later undone), long enough for
  the chained engines to flatten their layers as a long watch does.

Figures are medians of repeated runs (one for the slow engines on the long feed), by the wall
clock and by CPU time; every engine must print the same lines. The target (issue 15:
at least 10,000 events/s with 100 subscriptions on the incremental engine) prints MISS when missed
and fails nothing. ``python -m tests.bench.watch`` runs this part alone.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import models as m
from engine.common.errors import AccedeError
from engine.compiler.bitsets import bits
from engine.compiler.world import World
from engine.evaluation.join import verdict_on
from engine.reading.loader import Located, parse_event
from engine.reading.yaml12 import Document
from engine.watcher import ENGINES, Engine, Watcher
from engine.workspace import Workspace

ON = date(2025, 9, 1)
SUBSCRIPTIONS = 100
#: Issue 15's target for the incremental engine, in events per second with 100 subscriptions.
TARGET = 10_000
HERE = Located(Document("bench", {}), ())

Pairs = list[tuple[str, str]]


def _subscriptions(world: World) -> Pairs:
    snap = world.as_of(ON)
    pairs = [
        (world.codes[i], org)
        for org, compiled in sorted(world.orgs.items())
        if compiled.version_at(ON) is not None
        for i in bits(world.all & ~snap.members(org))
    ]
    return random.Random(20250831).sample(pairs, SUBSCRIPTIONS)


def relations_feed(world: World, subscriptions: Pairs) -> list[m.Event]:
    """Relations each subscribed state lacks, established, then severed (100 of each)."""
    snap = world.as_of(ON)
    events: list[m.Event] = []
    seen: set[tuple[str, ...]] = set()
    for state in sorted({s for s, _ in subscriptions}):
        for j in bits(world.all & ~snap.rel[world.index[state]]):
            pair = tuple(sorted((state, world.codes[j])))
            if pair not in seen and len(events) < 100:
                seen.add(pair)
                events.append(m.Establish.model_validate({"establish": list(pair), "on": ON.isoformat()}))
    severed = [m.Sever.model_validate({"sever": list(e.establish)}) for e in events if isinstance(e, m.Establish)]
    return [*events, *severed]


def mixed_feed(world: World, subscriptions: Pairs) -> list[m.Event]:
    """For each subscribed pair, events of every verb about it, each undone before the next pair's."""
    snap = world.as_of(ON)
    rng = random.Random(15)
    day = ON.isoformat()
    raw: list[dict[str, Any]] = []
    for state, org in subscriptions:
        i = world.index[state]
        members = [world.codes[j] for j in bits(snap.members(org) & ~(1 << i))] or ["USA"]
        voter = rng.choice(members)
        unrelated = [world.codes[j] for j in bits(world.all & ~snap.rel[i] & ~(1 << i))]
        if unrelated:
            other = rng.choice(unrelated)
            raw += [{"establish": [state, other], "on": day}, {"sever": [state, other]}]
        raw += [
            {"conflict": [state, voter], "from": day},
            {"end_conflict": [state, voter]},
            {"sanction": state, "from": day},
            {"lift_sanctions": state},
            {"support": state, "by": voter, "in": org},
            {"oppose": state, "by": voter, "in": org},
            {"abstain": state, "by": voter, "in": org},
            {"assess": "european_state", "of": state, "as": True},
            {"assess": "european_state", "of": state, "as": False},
        ]
        held = world.orgs[org].model.statuses
        status = snap.status.get(org, {})
        now = next((s for s in held if status.get(s, 0) >> i & 1), None)
        other_status = next((s for s in held if s not in (now, "member")), None)
        back = {"admit": state, "to": org, "as": now} if now is not None else {"leave": state, "from": org}
        if other_status is not None:
            raw += [{"admit": state, "to": org, "as": other_status}, back]
        raw += [{"admit": state, "to": org, "as": "member"}, back]
    return [parse_event(Document("bench", event)) for event in raw]


def _reevaluated(world: World, subscriptions: Pairs, events: list[m.Event]) -> Callable[[], int]:
    """The bound: no watcher, the live world advanced by each event and every subscription's
    verdict computed on it (flattened every 256 events, as the chained engines do)."""
    index = [(world.index[state], org) for state, org in subscriptions]

    def run() -> int:
        live = world
        for k, event in enumerate(events, 1):
            try:
                live = live.with_changes([(event, HERE)], ON)
            except AccedeError:
                continue
            if k % 256 == 0:
                live = live.flattened()
            now = live.as_of(ON)
            for i, org in index:
                verdict_on(live.rules, now, org, i, "unknown")
        return 0

    return run


@dataclass
class Timing:
    """Medians of repeated runs, by the wall clock and by this process's CPU time (which other
    processes on a shared machine do not inflate)."""

    wall: float
    cpu: float


def _timed(make: Callable[[], Callable[[], Any]], repeat: int) -> tuple[Timing, Any]:
    """Medians of ``make()()`` over ``repeat`` runs (what ``make`` sets up is not timed), and what
    the first run returned."""
    walls, cpus, first = [], [], None
    for k in range(repeat):
        run = make()
        wall, cpu = time.perf_counter(), time.process_time()
        got = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        first = got if k == 0 else first
    return Timing(statistics.median(walls), statistics.median(cpus)), first


def _lines(watcher: Watcher, events: list[m.Event]) -> list[Any]:
    """What the watch command would print: each change, and the code of each refusal."""
    out: list[Any] = []
    for event in events:
        try:
            out.extend(change.to_json() for change in watcher.apply(event, HERE))
        except AccedeError as exc:
            out.extend(p.code for p in exc.problems)
    return out


def main() -> int:
    world = Workspace().default
    subscriptions = _subscriptions(world)
    feeds = {"relations": relations_feed(world, subscriptions), "mixed": mixed_feed(world, subscriptions)}
    rows: list[tuple[str, str, int, Timing, Timing]] = []
    for name, events in feeds.items():
        short = len(events) <= 200

        def plain(events: list[m.Event] = events) -> Callable[[], Any]:
            return _reevaluated(world, subscriptions, events)

        bound, _ = _timed(plain, 5 if short else 1)
        printed: dict[str, list[Any]] = {}
        for engine in ENGINES:

            def make(engine: Engine = engine, events: list[m.Event] = events) -> Callable[[], Any]:
                watcher = Watcher(world, ON, subscriptions, engine=engine)
                return lambda: _lines(watcher, events)

            # The fast engine is timed more often: its runs are short, so noise weighs more.
            timing, printed[engine] = _timed(make, 5 if short or engine == "incremental" else 1)
            rows.append((name, engine, len(events), timing, bound))
        assert all(lines == printed["evaluator"] for lines in printed.values()), f"{name}: the engines disagree"
        changes = sum(1 for line in printed["evaluator"] if isinstance(line, dict))
        refused = len(printed["evaluator"]) - changes
        print(f"feed {name}: {len(events)} events, {changes} verdict changes, {refused} refused, same lines")

    print()
    print(f"live watcher, bundled world, {SUBSCRIPTIONS} subscriptions, watch date {ON.isoformat()}")
    print("| feed | engine | events | events/s | CPU events/s | per event | bound events/s (CPU) | ratio | target | |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for name, label, n, t, bound in rows:
        rate, cpu_rate = n / t.wall, n / t.cpu
        target, mark = (f">= {TARGET:,}", "ok" if rate >= TARGET else "MISS") if label == "incremental" else ("", "")
        print(
            f"| {name} | {label} | {n:,} | {rate:,.0f} | {cpu_rate:,.0f} | {t.wall / n * 1e6:,.0f} us "
            f"| {n / bound.wall:,.0f} ({n / bound.cpu:,.0f}) | {rate / (n / bound.wall):.1f}x | {target} | {mark} |"
        )
    print(
        "bound: no watcher; the live world advanced by each event (what-if layers) and every "
        "subscription's verdict computed on it with the compiled evaluator, in the same run. "
        "Ratios and the target are by the wall clock"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
