"""accede: can this state join that organisation on that date, and if not, why?

The pipeline, a folder per stage, each importing only the stages below it:
``common`` (problems, dates, limits) → ``models`` (the file formats) → ``reading`` (YAML 1.2,
strict JSON, the loader) → ``validation`` (the semantic pass) → ``compiler`` (timelines, facts,
checks, the rulebook, the World) → ``evaluation`` (tallies, join, the sweep) → ``questions`` (one
module per kind) → ``scenario`` → ``workspace`` → ``rendering`` and ``watcher`` → ``cli``.

This facade names what a program embedding accede needs. Each name is imported when first used
(PEP 562): importing any one stage (``engine.models``, ``engine.cli``) runs this file first, and a
one-shot command must not pay for the whole pipeline before it has parsed its arguments.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.common.errors import AccedeError, Problem
    from engine.compiler.world import World, compile_world
    from engine.evaluation.join import join
    from engine.evaluation.sweep import matrix
    from engine.evaluation.verdict import JoinVerdict, MatrixResult
    from engine.workspace import Workspace

#: Where each name of the facade lives.
_HOMES = {
    "AccedeError": "engine.common.errors",
    "Problem": "engine.common.errors",
    "World": "engine.compiler.world",
    "compile_world": "engine.compiler.world",
    "join": "engine.evaluation.join",
    "matrix": "engine.evaluation.sweep",
    "JoinVerdict": "engine.evaluation.verdict",
    "MatrixResult": "engine.evaluation.verdict",
    "Workspace": "engine.workspace",
}

__all__ = [
    "AccedeError",
    "JoinVerdict",
    "MatrixResult",
    "Problem",
    "Workspace",
    "World",
    "compile_world",
    "join",
    "matrix",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # once found, a plain module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
