"""pydantic's validation errors as accede's problems: a stable code, the field, the rule id, words.

pydantic reports union tags and Python-ish messages; an analyst should read `rule.unknown-check:
condition `sco.relations` uses unknown check `relations_wiht` (did you mean `relations_with`?)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from engine import models as m
from engine.common.errors import Problem, did_you_mean
from engine.reading.yaml12 import Document, Path_

__all__ = ["translate"]

_KNOWN_FIELDS: frozenset[str] = frozenset(
    name
    for model in (
        m.Condition,
        m.Version,
        m.Organization,
        m.Stage,
        m.StateRecord,
        m.WorldFile,
        m.Scenario,
        m.Expectation,
        m.JoinSpec,
        m.MatrixSpec,
        m.JoinQuestion,
        m.MatrixQuestion,
        m.Amendment,
        m.Establish,
        m.Admit,
        m.Leave,
        m.ConflictEvent,
        m.Support,
        m.Assess,
        m.Recognize,
    )
    for field_name, info in model.model_fields.items()
    for name in (field_name, info.alias or field_name)
)


def _clean_path(data: Any, loc: Sequence[str | int]) -> Path_:
    """Drop the union tags pydantic puts into error locations, keeping real keys and indexes."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            out.append(part)
            node = node[part]  # type: ignore[index]  # narrowed by the test above
        elif isinstance(node, dict) and isinstance(part, str) and part not in node and part.rstrip("_") in node:
            out.append(part.rstrip("_"))
            node = node[part.rstrip("_")]
    return tuple(out)


def _rule_id(data: Any, path: Path_) -> str | None:
    """The id of the condition a path lies inside, so rule errors name their rule."""
    node = data
    found: str | None = None
    for part in path:
        if isinstance(node, dict | list):
            try:
                node = node[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and isinstance(node.get("id"), str) and "check" in node:
                found = node["id"]
    return found


def translate(doc: Document, exc: ValidationError, prefix: Path_ = ()) -> list[Problem]:
    """pydantic errors as accede problems: stable code, located, readable."""
    root = doc.data
    for part in prefix:
        root = root[part]
    problems: list[Problem] = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        kind = error["type"]
        value = error.get("input")
        if kind in ("missing", "extra_forbidden"):
            path = _clean_path(root, loc[:-1])
            name = str(loc[-1]).rstrip("_")
            full = (*prefix, *path, name) if kind == "extra_forbidden" else (*prefix, *path)
            if kind == "missing":
                message = f"missing required field `{name}`"
                code = "schema.missing-field"
            else:
                message = f"unknown field `{name}`{did_you_mean(name, _KNOWN_FIELDS)}"
                code = "schema.unknown-field"
            problems.append(doc.problem(code, message, full, _rule_id(doc.data, full)))
            continue
        path = (*prefix, *_clean_path(root, loc))
        rule_id = _rule_id(doc.data, path)
        code, message = _describe(kind, value, error["msg"], rule_id)
        problems.append(doc.problem(code, message, path, rule_id))
    return problems


def _describe(kind: str, value: Any, msg: str, rule_id: str | None) -> tuple[str, str]:
    if kind == "name_ambiguous":
        return "world.ambiguous-name", msg
    if kind == "date_invalid":
        return "date.invalid", msg
    if kind == "check_invalid":
        if isinstance(value, dict) and len(value) == 1:
            verb = next(iter(value))
            who = f"condition `{rule_id}`" if rule_id else "a condition"
            return "rule.unknown-check", f"{who} uses unknown check `{verb}`{did_you_mean(str(verb), m.CHECK_VERBS)}"
        if isinstance(value, dict):
            keys = ", ".join(f"`{k}`" for k in value)
            return "schema.invalid-value", f"a check has exactly one key; found {keys or 'none'}"
        return "schema.not-mapping", "a check must be a mapping such as `{relations_with: members}`"
    if kind == "event_invalid":
        if not isinstance(value, dict):
            return "schema.not-mapping", "an event must be a mapping such as `{establish: [ARM, PAK], on: 2025-08-31}`"
        verbs = [k for k in value if k in m.EVENT_VERBS]
        if verbs:
            return "event.unknown-verb", "an event names one verb; found " + ", ".join(f"`{v}`" for v in verbs)
        guesses = [did_you_mean(str(k), m.EVENT_VERBS) for k in value]
        hint = next((g for g in guesses if g), "")
        keys = ", ".join(f"`{k}`" for k in value)
        return "event.unknown-verb", f"no known event verb among {keys}{hint}"
    if kind == "question_invalid":
        if not isinstance(value, dict):
            return "schema.not-mapping", "a question must be a mapping"
        kinds = ", ".join(f"`{k}`" for k in m.QUESTION_KINDS)
        guesses = [did_you_mean(str(k), m.QUESTION_KINDS) for k in value]
        hint = next((g for g in guesses if g), "")
        return "schema.invalid-value", f"a question names exactly one of {kinds}{hint}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "schema.not-mapping", "expected a mapping here"
    if kind == "group_invalid":
        return "schema.invalid-value", msg
    if kind == "literal_error":
        return "schema.invalid-value", f"`{value}` is not allowed: {msg[0].lower()}{msg[1:]}"
    if kind == "string_pattern_mismatch":
        return "schema.invalid-value", f"`{value}` is not a valid code or id here"
    text = msg[0].lower() + msg[1:] if msg else "invalid value"
    return "schema.invalid-value", f"`{_short(value)}`: {text}" if value is not None else text


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
