"""Reading HTTP request bodies into the engine's documents, within the documented limits.

Bodies are strict JSON (no YAML features, so no aliases), at most ``MAX_BODY`` bytes, nested at
most ``MAX_DEPTH`` deep, and without duplicate keys. Everything else is validated by the engine
exactly as a scenario file is.
"""

from __future__ import annotations

import json
from typing import Any

from engine.errors import AccedeError, Problem
from engine.yamlio import MAX_DEPTH, Document

__all__ = ["MAX_BODY", "MAX_CHANGES", "MAX_MATRIX_QUESTIONS", "MAX_QUESTIONS", "read_json", "within_limits"]

#: Largest request body accepted, in bytes.
MAX_BODY = 256 * 1024
#: Most hypothetical changes one request may add.
MAX_CHANGES = 100
#: Most questions one scenario request may ask.
MAX_QUESTIONS = 50
#: Most matrix questions one request may ask (each sweeps every state against every organisation).
MAX_MATRIX_QUESTIONS = 5


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise AccedeError.one("yaml.duplicate-key", f"key `{key}` appears twice in one object", field=key)
        out[key] = value
    return out


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def read_json(body: bytes, name: str) -> Document:
    """A request body as a document the engine validates; problems located by field path."""
    if len(body) > MAX_BODY:
        raise AccedeError.one("file.too-large", f"the body is {len(body)} bytes; the limit is {MAX_BODY}")
    try:
        data = json.loads(body, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise AccedeError.one("json.syntax", f"not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except (RecursionError, UnicodeDecodeError, ValueError) as exc:
        raise AccedeError.one("json.syntax", f"not valid JSON: {type(exc).__name__.lower()}") from None
    if _depth(data) > MAX_DEPTH:
        raise AccedeError.one("yaml.too-complex", f"the body nests deeper than {MAX_DEPTH} levels")
    if not isinstance(data, dict):
        raise AccedeError.one("schema.not-mapping", "the body must be a JSON object")
    return Document(name, data)


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
