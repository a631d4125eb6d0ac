"""accede: can this state join that organisation on that date, and if not, why?

The pipeline, a folder per stage, each importing only the stages below it:
``common`` (problems, dates, limits) → ``models`` (the file formats) → ``reading`` (YAML 1.2,
strict JSON, the loader) → ``validation`` (the semantic pass) → ``compiler`` (timelines, facts,
checks, the rulebook, the World) → ``evaluation`` (tallies, join, the sweep) → ``questions`` (one
module per kind) → ``scenario`` → ``workspace`` → ``rendering`` and ``watcher`` → ``cli``.

This facade names what a program embedding accede needs.
"""

from engine.common.errors import AccedeError, Problem
from engine.compiler.world import World, compile_world
from engine.evaluation.join import join
from engine.evaluation.sweep import matrix
from engine.evaluation.verdict import JoinVerdict, MatrixResult
from engine.workspace import Workspace

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
