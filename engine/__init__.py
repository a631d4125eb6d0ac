"""accede: can this state join that organisation on that date, and if not, why?

The pipeline is read → parse → validate → compile → evaluate: ``yamlio`` and ``loader`` read
and validate files into frozen ``models``; ``world`` and ``rulebook`` compile them once;
``evaluate`` answers questions purely; ``render`` and ``cli`` turn answers into text and JSON.
"""

from engine.errors import AccedeError, Problem
from engine.evaluate import join, matrix
from engine.verdict import JoinVerdict, MatrixResult
from engine.workspace import Workspace
from engine.world import World

__all__ = ["AccedeError", "JoinVerdict", "MatrixResult", "Problem", "Workspace", "World", "join", "matrix"]
