"""The durable_rules watcher: events per second with 100 subscriptions on the bundled world,
next to re-evaluating the same subscriptions with the compiled evaluator after each event."""

from __future__ import annotations

import random
import time
from datetime import date

from engine import models as m
from engine.compiler.bitsets import bits
from engine.evaluation.join import verdict_on
from engine.reading.loader import Located
from engine.reading.yaml12 import Document
from engine.watcher import Watcher
from engine.workspace import Workspace

ON = date(2025, 9, 1)


def main() -> int:
    world = Workspace().default
    snap = world.as_of(ON)
    rng = random.Random(20250831)
    pairs = [
        (world.codes[i], org)
        for org, compiled in sorted(world.orgs.items())
        if compiled.version_at(ON) is not None
        for i in bits(world.all & ~snap.members(org))
    ]
    subscriptions = rng.sample(pairs, 100)
    states = sorted({s for s, _ in subscriptions})
    events: list[m.Establish | m.Sever] = []
    seen: set[tuple[str, ...]] = set()
    for state in states:  # relations each subscribed state lacks, established then severed
        i = world.index[state]
        for j in bits(world.all & ~snap.rel[i]):
            pair = tuple(sorted((state, world.codes[j])))
            if pair in seen:
                continue
            seen.add(pair)
            events.append(m.Establish.model_validate({"establish": list(pair), "on": ON.isoformat()}))
            if len(events) >= 100:
                break
        if len(events) >= 100:
            break
    events += [
        m.Sever.model_validate({"sever": list(e.establish), "on": ON.isoformat()})
        for e in events
        if isinstance(e, m.Establish)
    ]
    here = Located(Document("bench", {}), ())

    start = time.perf_counter()
    watcher = Watcher(world, ON, subscriptions)
    setup = time.perf_counter() - start
    start = time.perf_counter()
    reported = sum(len(watcher.apply(event, here)) for event in events)
    watched = time.perf_counter() - start

    start = time.perf_counter()
    live = world
    for event in events:
        live = live.with_changes([(event, here)], ON)
        now = live.as_of(ON)
        for state, org in subscriptions:
            verdict_on(live.rules, now, org, world.index[state], "unknown")
    evaluated = time.perf_counter() - start

    print()
    print(f"live watcher, bundled world, {len(subscriptions)} subscriptions, {len(events)} events on {ON.isoformat()}")
    print(f"{'path':<44} {'events/s':>9}  {'per event':>10}")
    for name, seconds in (
        ("durable_rules watcher (incremental)", watched),
        ("evaluator, all subscriptions after each event", evaluated),
    ):
        print(f"{name:<44} {len(events) / seconds:>9.0f}  {seconds / len(events) * 1e3:>8.2f}ms")
    print(f"watcher set-up {setup * 1e3:.0f} ms; {reported} verdict changes reported")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
