"""Reading files into validated models, with every problem located in its file.

With ``yaml12`` and ``json_strict`` the only code that touches the filesystem: it finds files,
turns documents into frozen models (pydantic's errors become accede's stable codes through
``schema_errors``), and remembers where every state, organisation and event came from so that
the semantic pass can point at them too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine import models as m
from engine.common.errors import AccedeError, Problem
from engine.reading.schema_errors import translate
from engine.reading.yaml12 import Document, Path_, read_yaml

__all__ = [
    "Located",
    "WorldInput",
    "display",
    "is_world_folder",
    "lint_targets",
    "load_rule_file",
    "load_scenario",
    "load_world_folder",
    "parse_event",
    "parse_events",
    "scenario_files",
    "validate",
]

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


def validate(doc: Document, model: type[T], prefix: Path_ = (), names: m.NameBook | None = None) -> T:
    """Validate a document (or the part of it at ``prefix``) into a frozen model.

    ``names`` are the world's (``validation.names.Names``): with them, a field that names a state
    or an organisation takes a name or alias and holds the code.
    """
    data = doc.data
    for part in prefix:
        data = data[part]
    if not isinstance(data, dict):
        raise AccedeError([doc.problem("schema.not-mapping", "expected a mapping at the top of the document", prefix)])
    try:
        return model.model_validate(data, context={"names": names} if names is not None else None)
    except ValidationError as exc:
        raise AccedeError(translate(doc, exc, prefix)) from None


def _event_items(doc: Document, key: str, events: Iterable[m.Event]) -> list[tuple[m.Event, Located]]:
    return [(event, Located(doc, (key, i))) for i, event in enumerate(events)]


def load_world_folder(folder: Path) -> WorldInput:
    """Read a world folder: ``world.yaml``, ``states.yaml``, ``organizations/``, ``events/`` and the rules folder."""
    if not is_world_folder(folder):
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


def is_world_folder(folder: Path) -> bool:
    """Whether a folder holds a world (its ``world.yaml``)."""
    return (folder / "world.yaml").is_file()


def scenario_files(paths: Sequence[str]) -> Iterator[Path]:
    """The scenario files named on a command line: files as given, folders searched for ``*.yaml``."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.yaml") if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise AccedeError.one("file.not-found", f"no file or folder `{name}`", file=name)


def lint_targets(name: str) -> list[Path] | None:
    """What ``accede lint`` reads for one argument: a world folder's header, a folder's files, a file."""
    path = Path(name)
    if path.is_dir() and is_world_folder(path):
        return [path / "world.yaml"]
    if path.is_dir():
        return sorted(p for p in path.rglob("*.yaml") if p.is_file())
    if path.is_file():
        return [path]
    return None


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


def parse_events(doc: Document, path: Path_, names: m.NameBook | None = None) -> tuple[m.Event, ...]:
    """Events given as a list at ``path`` of a document (an HTTP body, a forbid list)."""
    data = doc.data
    for part in path:
        data = data[part]
    try:
        return _EVENT_LIST.validate_python(data, context={"names": names})
    except ValidationError as exc:
        raise AccedeError(translate(doc, exc, path)) from None


def parse_event(doc: Document, names: m.NameBook | None = None) -> m.Event:
    """One event given as a whole document (a line of ``accede watch``'s input)."""
    try:
        return _EVENT.validate_python(doc.data, context={"names": names})
    except ValidationError as exc:
        raise AccedeError(translate(doc, exc)) from None
