"""Questions: one module per kind (its checks, its answer, its expectation) behind one registry.

Importing this package registers every kind; ``KINDS`` is then complete.
"""

from engine.questions import earliest, impact, join, leverage, matrix, order, timeline
from engine.questions.registry import KINDS, Asked, QuestionKind, Result

__all__ = [
    "KINDS",
    "Asked",
    "QuestionKind",
    "Result",
    "earliest",
    "impact",
    "join",
    "leverage",
    "matrix",
    "order",
    "timeline",
]
