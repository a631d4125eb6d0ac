"""Reading HTTP request bodies into the engine's documents, within the documented limits.

Bodies are strict JSON (no YAML features, so no aliases), at most ``MAX_BODY`` bytes, nested at
most ``MAX_DEPTH`` deep, and without duplicate keys. Everything else is validated by the engine
exactly as a scenario file is.
"""

from __future__ import annotations

from typing import Any

from engine.common.errors import AccedeError, Problem
from engine.common.limits import BODY_BYTES, CHANGES, MATRIX_QUESTIONS, QUESTIONS
from engine.reading.json_strict import read_json
from engine.reading.yaml12 import Document

__all__ = ["MAX_BODY", "MAX_CHANGES", "MAX_MATRIX_QUESTIONS", "MAX_QUESTIONS", "read_body", "within_limits"]

# The service's values from the one table of limits (engine/common/limits.py).
MAX_BODY = BODY_BYTES.served
MAX_CHANGES = CHANGES.served
MAX_QUESTIONS = QUESTIONS.served
MAX_MATRIX_QUESTIONS = MATRIX_QUESTIONS.served


def read_body(body: bytes, name: str) -> Document:
    """A request body as a document the engine validates (strict JSON, within the body limit)."""
    return read_json(body, name, limit=MAX_BODY)


def within_limits(data: dict[str, Any]) -> None:
    """The service's own limits, tighter than a file's: a request is one interactive question."""
    problems: list[Problem] = []
    changes = data.get("changes")
    if isinstance(changes, list) and len(changes) > MAX_CHANGES:
        problems.append(
            Problem("limit.exceeded", f"{len(changes)} changes; the limit is {MAX_CHANGES}", field="changes")
        )
    questions = data.get("questions")
    if isinstance(questions, list):
        if len(questions) > MAX_QUESTIONS:
            message = f"{len(questions)} questions; the limit is {MAX_QUESTIONS}"
            problems.append(Problem("limit.exceeded", message, field="questions"))
        sweeps = sum(1 for q in questions if isinstance(q, dict) and "matrix" in q)
        if sweeps > MAX_MATRIX_QUESTIONS:
            message = f"{sweeps} matrix questions; the limit is {MAX_MATRIX_QUESTIONS}"
            problems.append(Problem("limit.exceeded", message, field="questions"))
    world = data.get("world", "default")
    if isinstance(world, str) and world != "default":
        # A folder path would let a client read files on the server.
        problems.append(
            Problem("scenario.unknown-world", "over HTTP a world is `default` or written inline", field="world")
        )
    if problems:
        raise AccedeError(problems)
