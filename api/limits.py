"""What one request may ask: the service's limits, tighter than a file's.

A file is an analyst's own work on their own machine; a request is one interactive question on
a shared server. The values are the ``served`` column of the one table of limits
(``engine/common/limits.py``, which the README's tables are checked against); this module only
applies them to a body before the engine does any work. The engine then applies a file's
limits as it always does, which a request within these is far inside.
"""

from __future__ import annotations

from typing import Any

from engine.common.errors import AccedeError, Problem
from engine.common.limits import CHANGES, MATRIX_QUESTIONS, QUESTIONS

__all__ = ["within_limits"]


def within_limits(data: dict[str, Any], *, scenario: bool) -> None:
    """Refuse a body over the service's limits; every problem at once.

    A whole ``scenario`` is also refused a ``world`` other than ``default`` or an inline one:
    a folder path would let a client read the server's files.
    """
    problems: list[Problem] = []
    changes = data.get("changes")
    if isinstance(changes, list) and len(changes) > CHANGES.served:
        message = f"{len(changes)} changes; the limit is {CHANGES.served}"
        problems.append(Problem("limit.exceeded", message, field="changes"))
    questions = data.get("questions")
    if isinstance(questions, list):
        if len(questions) > QUESTIONS.served:
            message = f"{len(questions)} questions; the limit is {QUESTIONS.served}"
            problems.append(Problem("limit.exceeded", message, field="questions"))
        sweeps = sum(1 for q in questions if isinstance(q, dict) and "matrix" in q)
        if sweeps > MATRIX_QUESTIONS.served:
            message = f"{sweeps} matrix questions; the limit is {MATRIX_QUESTIONS.served}"
            problems.append(Problem("limit.exceeded", message, field="questions"))
    world = data.get("world", "default")
    if scenario and isinstance(world, str) and world != "default":
        message = "over HTTP a world is `default` or written inline"
        problems.append(Problem("scenario.unknown-world", message, field="world"))
    if problems:
        raise AccedeError(problems)
