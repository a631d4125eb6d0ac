"""One-shot answers: ``accede check ARM SCO`` as a fresh process, as a user types it, by wall clock.

Three ways a process meets the world: with the cache off (``--no-cache``: every YAML file parsed),
on a miss (parsed, and the entry written), and warm (the entry read). Each is a median of
repeated runs, interleaved with ``python -c pass`` on the same interpreter so that the baseline
sees the same machine; the cache lives in a temporary folder, never the user's. Target (issue
15, part 4): warm, under 150 ms. ``python -m tests.bench.oneshot`` runs this part alone.

Python's own bytecode cache is on, in a temporary folder (``PYTHONPYCACHEPREFIX``), as for an
installed accede (pip compiles its modules when it installs them). One more row shows a warm run
with ``PYTHONDONTWRITEBYTECODE=1`` and no prefix, as some sandboxes and CI images set: the
libraries' bytecode from their installation is read, but an editable checkout with no
``__pycache__`` compiles accede's own modules from source in every process.
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.paths import ROOT

#: Issue 15's target for a warm one-shot answer, in seconds.
TARGET = 0.150
RUNS = 9


def _accede() -> list[str]:
    """The console script beside this interpreter (what a user runs), else the module."""
    script = Path(sys.executable).parent / "accede"
    return [str(script)] if script.exists() else [sys.executable, "-m", "engine.cli"]


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def bench_oneshot() -> list[tuple[str, float, float, str]]:
    """(label, seconds, bound seconds, target) for a fresh ``accede check ARM SCO``: no cache,
    a cache miss, a warm cache; each beside ``python -c pass`` measured between its runs."""
    check = [*_accede(), "check", "ARM", "SCO"]
    with tempfile.TemporaryDirectory(prefix="accede-oneshot-") as tmp:
        cache = Path(tmp) / "cache"
        env = {**os.environ, "ACCEDE_CACHE_DIR": str(cache), "PYTHONPYCACHEPREFIX": str(Path(tmp) / "bytecode")}
        for name in ("ACCEDE_CACHE", "PYTHONDONTWRITEBYTECODE"):
            env.pop(name, None)
        # Bytecode beside the sources only (the installed libraries'), none written: an editable
        # checkout's own modules are compiled from source in every process.
        uncompiled = {k: v for k, v in env.items() if k != "PYTHONPYCACHEPREFIX"}
        uncompiled["PYTHONDONTWRITEBYTECODE"] = "1"

        def empty() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        cases: list[tuple[str, list[str], Callable[[], None] | None, dict[str, str]]] = [
            ("no cache (--no-cache: every file parsed)", [*check, "--no-cache"], None, env),
            ("cache miss (parsed, entry written)", check, empty, env),
            ("warm cache", check, None, env),
            ("warm cache, PYTHONDONTWRITEBYTECODE=1", check, None, uncompiled),
        ]
        rows = []
        for label, command, setup, variables in cases:
            _timed(command, variables)  # the entry a warm run reads; byte-compiled modules, the page cache
            walls, cpus, bases = [], [], []
            for _ in range(RUNS):
                if setup is not None:
                    setup()
                wall, cpu = _timed(command, variables)
                walls.append(wall)
                cpus.append(cpu)
                bases.append(_timed([sys.executable, "-c", "pass"], env)[0])
            ours, base = statistics.median(walls), statistics.median(bases)
            target = f"< {TARGET * 1e3:.0f} ms" if label == "warm cache" else ""
            if target and ours >= TARGET:
                target += " MISS"
            cpu = statistics.median(cpus)
            rows.append(
                (
                    f"one-shot `accede check ARM SCO`, {label} ({cpu * 1e3:.0f} ms CPU; vs python -c pass)",
                    ours,
                    base,
                    target,
                )
            )
    return rows


def main() -> int:
    for label, ours, base, target in bench_oneshot():
        print(f"{label}: {ours * 1e3:.0f} ms (python -c pass {base * 1e3:.0f} ms) {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
