"""Reading files into validated models, with every problem located in its file.

The only module besides ``yamlio`` that touches the filesystem. It turns documents into frozen
models, translating pydantic's errors into accede's stable codes with file, line, column and
field, and remembers where every state, organisation and event came from so that the semantic
pass can point at them too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine import models as m
from engine.errors import AccedeError, Problem, did_you_mean
from engine.yamlio import Document, Path_, read_yaml

__all__ = ["Located", "WorldInput", "display", "load_scenario", "load_world_folder", "validate"]

T = TypeVar("T", bound=BaseModel)

_EVENT_LIST: TypeAdapter[tuple[m.Event, ...]] = TypeAdapter(tuple[m.Event, ...])
_EVENT: TypeAdapter[m.Event] = TypeAdapter(m.Event)


@dataclass(frozen=True, slots=True)
class Located:
    """Where something was written: a document and the path inside it."""

    doc: Document
    path: Path_

    def problem(self, code: str, message: str, sub: Path_ = (), rule_id: str | None = None) -> Problem:
        return self.doc.problem(code, message, (*self.path, *sub), rule_id)


@dataclass(frozen=True)
class WorldInput:
    """A world as read: its header and every item with the place it was written."""

    header: m.WorldFile
    states: tuple[tuple[m.StateRecord, Located], ...]
    organizations: tuple[tuple[m.Organization, Located], ...]
    events: tuple[tuple[m.Event, Located], ...]
    origin: str
    never_established: tuple[tuple[m.NeverEstablished, Located], ...] = ()


def display(path: Path) -> str:
    """A path as a user should see it: relative to the working directory when possible."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("../../..") else rel


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


def validate(doc: Document, model: type[T], prefix: Path_ = ()) -> T:
    """Validate a document (or the part of it at ``prefix``) into a frozen model."""
    data = doc.data
    for part in prefix:
        data = data[part]
    if not isinstance(data, dict):
        raise AccedeError([doc.problem("schema.not-mapping", "expected a mapping at the top of the document", prefix)])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise AccedeError(translate(doc, exc, prefix)) from None


def _event_items(doc: Document, key: str, events: Iterable[m.Event]) -> list[tuple[m.Event, Located]]:
    return [(event, Located(doc, (key, i))) for i, event in enumerate(events)]


def load_world_folder(folder: Path) -> WorldInput:
    """Read a world folder: ``world.yaml``, ``states.yaml``, ``organizations/``, ``events/`` and the rules folder."""
    if not (folder / "world.yaml").is_file():
        raise AccedeError.one("file.not-found", f"no world folder at `{display(folder)}` (it needs a world.yaml)")
    problems: list[Problem] = []
    header_doc = read_yaml(folder / "world.yaml", display(folder / "world.yaml"))
    try:
        header = validate(header_doc, m.WorldFile)
    except AccedeError as exc:
        raise AccedeError(exc.problems) from None
    states = [(s, Located(header_doc, ("states", i))) for i, s in enumerate(header.states)]
    orgs = [(o, Located(header_doc, ("organizations", i))) for i, o in enumerate(header.organizations)]
    events = _event_items(header_doc, "events", header.events)
    never = [(n, Located(header_doc, ("never_established", i))) for i, n in enumerate(header.never_established)]

    def each(paths: Iterable[Path], action: Any) -> None:
        for path in sorted(paths):
            try:
                action(read_yaml(path, display(path)))
            except AccedeError as exc:
                problems.extend(exc.problems)

    def add_part(doc: Document) -> None:
        # states.yaml and events/*.yaml are fragments of one world file: same shape, merged.
        part = validate(doc, m.WorldFile)
        states.extend((s, Located(doc, ("states", i))) for i, s in enumerate(part.states))
        events.extend(_event_items(doc, "events", part.events))
        never.extend((n, Located(doc, ("never_established", i))) for i, n in enumerate(part.never_established))

    def add_org(doc: Document) -> None:
        orgs.append((validate(doc, m.Organization), Located(doc, ())))

    if (folder / "states.yaml").is_file():
        each([folder / "states.yaml"], add_part)
    each(_yaml_files(folder / "organizations"), add_org)
    each(_yaml_files(folder / "events"), add_part)
    if header.rules is not None:
        rules_dir = (folder / header.rules).resolve()
        if not rules_dir.is_dir():
            problems.append(header_doc.problem("file.not-found", f"no rules folder `{header.rules}`", ("rules",)))
        else:
            each(_yaml_files(rules_dir), add_org)
    if problems:
        raise AccedeError(problems)
    return WorldInput(header, tuple(states), tuple(orgs), tuple(events), display(folder), tuple(never))


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]


def inline_world(doc: Document, world: m.WorldFile) -> WorldInput:
    """A world written inside a scenario file."""
    base: Path_ = ("world",)
    return WorldInput(
        world,
        tuple((s, Located(doc, (*base, "states", i))) for i, s in enumerate(world.states)),
        tuple((o, Located(doc, (*base, "organizations", i))) for i, o in enumerate(world.organizations)),
        tuple((e, Located(doc, (*base, "events", i))) for i, e in enumerate(world.events)),
        doc.file,
        tuple((n, Located(doc, (*base, "never_established", i))) for i, n in enumerate(world.never_established)),
    )


def load_scenario(path: Path) -> tuple[Document, m.Scenario]:
    doc = read_yaml(path, display(path))
    return doc, validate(doc, m.Scenario)


def load_rule_file(path: Path) -> tuple[Document, m.Organization]:
    doc = read_yaml(path, display(path))
    return doc, validate(doc, m.Organization)


def parse_events(doc: Document, path: Path_) -> tuple[m.Event, ...]:
    """Events given as a list at ``path`` of a document (an HTTP body, a forbid list)."""
    data = doc.data
    for part in path:
        data = data[part]
    try:
        return _EVENT_LIST.validate_python(data)
    except ValidationError as exc:
        raise AccedeError(translate(doc, exc, path)) from None


def parse_event(doc: Document) -> m.Event:
    """One event given as a whole document (a line of ``accede watch``'s input)."""
    try:
        return _EVENT.validate_python(doc.data)
    except ValidationError as exc:
        raise AccedeError(translate(doc, exc)) from None


def parse_day(text: str | None, field: str, today: date) -> date:
    """A date given outside a file (a command-line option, a query string); ``today`` when absent."""
    if text is None or text == "":
        return today
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise AccedeError.one("date.invalid", f"`{text[:40]}` is not an ISO 8601 calendar date (YYYY-MM-DD)", field=field)
