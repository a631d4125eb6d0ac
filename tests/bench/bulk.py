"""Bulk runs: 1,000 generated what-if files through ``accede run --json``, on one job and on two.

Each run is a fresh ``python -m engine.cli`` process, as a user or a CI job would start it, so
start-up (imports, compiling the world, starting workers) is in the figure. The what-ifs vary
the applicant, the organisation, the date and the changes over the bundled world; every one is
valid (checked as it is generated), so the figure is of answering, not of refusing. Target: two
jobs at least 1.7x faster than one. ``python -m tests.bench.bulk`` runs it alone.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from engine.common.errors import AccedeError
from engine.compiler.bitsets import bits
from engine.compiler.world import World
from engine.evaluation.describe import vocabulary
from engine.reading.loader import scenario_files
from engine.reading.yaml12 import Document
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace
from tests.paths import ROOT

FILES = 1_000
SPEED_UP = 1.7
SEED = 20250831
#: The window the what-ifs are dated in: the bundled world's best-recorded years.
FIRST, LAST = date(2005, 1, 1), date(2026, 6, 1)


def _days(rng: random.Random, count: int) -> list[date]:
    # A pool of dates, not a new one per file: a team's what-ifs cluster on the dates that matter,
    # and the world keeps the projections of the last 64 dates it was asked about.
    span = (LAST - FIRST).days
    return sorted({FIRST + timedelta(days=rng.randrange(span)) for _ in range(count)})


def _what_if(rng: random.Random, world: World, days: list[date], keys: dict[str, list[str]], n: int) -> dict[str, Any]:
    """One what-if: an organisation, a date, three applicants, changes made for two of them, and six
    questions (three joins, one on a later date, what admitting the third would change, and when the
    second could first join)."""
    org = rng.choice(sorted(c for c, o in world.orgs.items() if o.versions))
    on = rng.choice([d for d in days if d >= world.orgs[org].versions[0].valid_from])
    later = rng.choice([d for d in days if d >= on])
    snap = world.as_of(on)
    members = [world.codes[i] for i in bits(snap.members(org))]
    applicants = rng.sample([c for c in world.codes if c not in members], 3)
    changes: list[dict[str, Any]] = []
    for state in applicants[:2]:
        pick = rng.randrange(4)
        earlier = rng.choice([d for d in days if d <= on] or [on]).isoformat()
        unrelated = [m for m in members if not snap.rel[world.index[state]] >> world.index[m] & 1]
        if pick == 0 and unrelated:
            changes.append({"establish": [state, rng.choice(unrelated)], "on": earlier})
        elif pick == 2 and keys.get(org):
            changes.append({"assess": rng.choice(keys[org]), "of": state, "as": rng.random() < 0.8, "on": earlier})
        elif pick == 3 and len(world.orgs[org].statuses) > 1:
            status = rng.choice(sorted(s for s in world.orgs[org].statuses if s != "member"))
            changes.append({"admit": state, "to": org, "as": status, "on": earlier})
        elif members:
            changes.append({"support": state, "by": rng.choice(members), "in": org})
    questions: list[dict[str, Any]] = [
        {"id": f"join-{k}", "join": {"state": state, "org": org}} for k, state in enumerate(applicants)
    ]
    questions.append({"id": "later", "as_of": later.isoformat(), "join": {"state": applicants[0], "org": org}})
    admit = {"admit": applicants[2], "to": org, "as": "member"}
    questions.append({"id": "what-changes", "impact": {"changes": [admit], "orgs": [org]}})
    questions.append({"id": "first-open", "earliest": {"state": applicants[1], "org": org, "from": on.isoformat()}})
    return {
        "scenario": f"what-if {n:04d}: {', '.join(applicants)} and the {org} on {on}",
        "world": "default",
        "as_of": on.isoformat(),
        "assume": rng.choice(["unknown", "support"]),
        "changes": changes,
        "questions": questions,
    }


def generate(folder: Path, count: int = FILES, seed: int = SEED) -> list[Path]:
    """``count`` valid what-if files in ``folder``: YAML whose values are written in flow style (JSON)."""
    ws = Workspace()
    world = ws.default
    keys: dict[str, list[str]] = {}
    for entry in vocabulary(world, "keys"):
        for reader in entry["read_by"]:
            keys.setdefault(reader["org"], []).append(entry["key"])
    rng = random.Random(seed)
    days = _days(rng, 48)
    written: list[Path] = []
    n = 0
    while len(written) < count:
        n += 1
        data = _what_if(rng, world, days, keys, n)
        try:
            ws.prepared(Document("generated", data), folder)
        except AccedeError:
            continue  # a state that did not exist yet, a status already held: draw again
        path = folder / f"what-if-{len(written):04d}.yaml"
        # One top-level key a line, as people write scenarios (and as `accede run` picks them out of a folder).
        path.write_text("".join(f"{key}: {dumps(value)}\n" for key, value in data.items()), encoding="utf-8")
        written.append(path)
    return written


def _in_process(folder: Path) -> float:
    """The same files answered in this process on a compiled world: the work alone, no start-up."""
    ws = Workspace()
    _ = ws.default
    files = list(scenario_files([str(folder)]))
    start = time.perf_counter()
    for path in files:
        ws.run_file(path)
    return time.perf_counter() - start


def _accede_run(folder: Path, jobs: int, out: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the process and its workers) of one ``accede run``."""
    # --no-cache: the figure includes compiling the world from its files, as it always has, and a
    # bench writes nothing into the user's cache.
    argv = [sys.executable, "-m", "engine.cli", "run", "--json", "--jobs", str(jobs), "--no-cache", str(folder)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with out.open("wb") as sink:
        subprocess.run(argv, stdout=sink, check=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


#: A fixed amount of pure-Python work, about a second: what the machine's parallelism is measured with.
_SPIN = "x = 0\nfor i in range(12_000_000):\n    x += i * i % 7\n"


def parallel_ceiling() -> float:
    """How much faster two processes do twice the work than one does it once, on this machine now.

    2.0 on two idle cores; less when the cores are shared with other work (a CI machine, a
    neighbour's tests), which caps any ``--jobs 2`` speed-up measured at the same time.
    """
    argv = [sys.executable, "-c", _SPIN]
    start = time.perf_counter()
    subprocess.run(argv, check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    pair = [subprocess.Popen(argv) for _ in range(2)]
    for process in pair:
        process.wait()
    two = time.perf_counter() - start
    return 2 * one / two


def bench_bulk() -> list[tuple[str, float, float, str]]:
    """(label, seconds, bound seconds, target) for 1,000 what-ifs on one job and on two.

    The speed-up is read beside the machine's ceiling, measured just before and after: two
    processes of plain Python on the same cores (``parallel_ceiling``). On a machine whose cores
    are shared with other work the ceiling, and so any speed-up, falls below 2.
    """
    with tempfile.TemporaryDirectory(prefix="accede-bulk-") as tmp:
        folder = Path(tmp) / "what-ifs"
        folder.mkdir()
        started = time.perf_counter()
        generate(folder)
        print(f"generated {FILES:,} what-if files in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        work = _in_process(folder)
        before = parallel_ceiling()
        one, one_cpu = _accede_run(folder, 1, Path(tmp) / "one.jsonl")
        two, two_cpu = _accede_run(folder, 2, Path(tmp) / "two.jsonl")
        ceiling = (before + parallel_ceiling()) / 2
        same = (Path(tmp) / "one.jsonl").read_bytes() == (Path(tmp) / "two.jsonl").read_bytes()
    if not same:
        raise AssertionError("accede run --jobs 2 printed something else than --jobs 1")
    label = f"bulk, {FILES:,} what-if files, run --json"
    return [
        (f"{label} --jobs 1 ({one_cpu:.1f} s CPU; vs answered in one warm process)", one, work, ""),
        (
            f"{label} --jobs 2 ({two_cpu:.1f} s CPU; speed-up {one / two:.2f}x, this machine's ceiling {ceiling:.2f}x)",
            two,
            one,
            f"<= {1 / SPEED_UP:.2f}x (>= {SPEED_UP}x faster)",
        ),
    ]


def main() -> int:
    rows = bench_bulk()
    width = max(len(r[0]) for r in rows)
    print(f"{'case':<{width}}  {'accede':>9}  {'baseline':>9}  {'ratio':>7}  target")
    for name, ours, base, target in rows:
        print(f"{name:<{width}}  {ours:>8.2f}s  {base:>8.2f}s  {ours / base:>6.2f}x  {target}")
    print(
        "baselines: --jobs 1 row = the same files answered in one warm process (no start-up); --jobs 2 row = --jobs 1; "
        "ceiling = two processes of plain Python against one, in the same run"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
