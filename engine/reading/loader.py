"""Reading files into validated models, with every problem located in its file.

With ``yaml12`` and ``json_strict`` the only code that touches the filesystem: it finds files,
turns documents into frozen models (pydantic's errors become accede's stable codes through
``schema_errors``), and remembers where every state, organisation and event came from so that
the semantic pass can point at them too.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine import models as m
from engine.common.errors import AccedeError, Problem
from engine.reading.schema_errors import findings, original_path, prune, translate
from engine.reading.yaml12 import Document, Path_, format_path, read_yaml

__all__ = [
    "YAML_SUFFIXES",
    "Located",
    "WorldInput",
    "display",
    "folder_revision",
    "is_world_folder",
    "lint_targets",
    "load_rule_file",
    "load_scenario",
    "load_world_folder",
    "looks_like_scenario",
    "parse_event",
    "parse_events",
    "pruned_view",
    "read_document",
    "scenario_files",
    "validate",
    "yaml_files",
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
    not_recognized: tuple[tuple[m.NotRecognized, Located], ...] = ()


def display(path: Path) -> str:
    """A path as a user should see it: relative to the working directory when possible."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("../../..") else rel


@dataclass(frozen=True)
class _Pruned(Document):
    """A document whose broken list items were dropped: paths into the model are the file's again."""

    kept: dict[Path_, list[int]] = field(default_factory=dict)

    def problem(self, code: str, message: str, path: Path_ = (), rule_id: str | None = None) -> Problem:
        return super().problem(code, message, original_path(path, self.kept), rule_id)


def pruned_view(doc: Document, kept: dict[Path_, list[int]]) -> Document:
    """``doc`` as the later passes should see it after ``validate(partial=..., kept=kept)`` dropped items.

    A problem they report at ``questions[1]`` of the model is located at the question of the file
    it came from, which may be the third once the first two were dropped.
    """
    return _Pruned(doc.file, doc.data, doc.positions, kept) if kept else doc


def validate(
    doc: Document,
    model: type[T],
    prefix: Path_ = (),
    names: m.NameBook | None = None,
    *,
    partial: list[Problem] | None = None,
    kept: dict[Path_, list[int]] | None = None,
) -> T:
    """Validate a document (or the part of it at ``prefix``) into a frozen model.

    ``names`` are the world's (``validation.names.Names``): with them, a field that names a state
    or an organisation takes a name or alias and holds the code.

    With ``partial``, a document with schema problems is not given up at once: its problems are
    appended to ``partial``, the list items that hold them (the smallest question, event, state
    record, condition... around each) are dropped, and the model of what is left is returned if
    it validates, so later passes can check the rest in the same run. The caller must report
    ``partial`` and never evaluate such a model. Dropping items renumbers lists: ``kept`` receives,
    for each list that lost items, the original indexes of those it kept
    (``schema_errors.original_path`` turns a path in the model into the document's).
    """
    data = doc.data
    for part in prefix:
        data = data[part]
    if not isinstance(data, dict):
        raise AccedeError([doc.problem("schema.not-mapping", "expected a mapping at the top of the document", prefix)])
    context = {"names": names} if names is not None else None
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        found = findings(doc, exc, prefix, model)
    problems = [f.problem for f in found]
    if partial is not None and found and all(f.items for f in found):
        # Innermost items first; when what is left still fails (a list emptied below its minimum),
        # drop the items one level further out.
        for depth in range(max(len(f.items) for f in found)):
            pruned, dropped = prune(doc.data, {f.items[min(depth, len(f.items) - 1)] for f in found})
            for part in prefix:
                pruned = pruned[part]
            try:
                result = model.model_validate(pruned, context=context)
            except ValidationError:
                continue
            partial.extend(problems)
            if kept is not None:
                kept.update(dropped)
            return result
    raise AccedeError(problems)


def read_document(path: Path) -> Document:
    """One YAML file of a world, named as the user should see it (``load_world_folder``'s reader)."""
    return read_yaml(path, display(path))


def load_world_folder(
    folder: Path,
    check: Callable[[WorldInput], Iterable[Problem]] | None = None,
    read: Callable[[Path], Document] = read_document,
) -> WorldInput:
    """Read a world folder: ``world.yaml``, ``states.yaml``, ``organizations/``, ``events/`` and the rules folder.

    Every schema problem of every file is reported at once. With ``check`` (the later passes,
    which the reading stage may not import: the caller hands them in), a folder with schema
    problems is read without the items that hold them (``validate(partial=...)``), ``check`` runs
    on the rest, and its problems are reported with the schema problems in the same run, less
    the consequences of what was dropped (a dropped state named elsewhere, a later event on the
    fact of a dropped one). A folder with problems always raises: nothing dropped is evaluated.

    ``read`` turns a file into its document: ``read_document``, or a world cache's reader, which
    hands back the documents of an unchanged folder without parsing them again (every later step
    is the same, so the answers are too).
    """
    if not is_world_folder(folder):
        raise AccedeError.one("file.not-found", f"no world folder at `{display(folder)}` (it needs a world.yaml)")
    problems: list[Problem] = []
    lost = _Lost()
    header_doc = read(folder / "world.yaml")
    kept: dict[Path_, list[int]] = {}
    # A header that cannot be read even in part leaves nothing to check the rest against.
    header = validate(header_doc, m.WorldFile, partial=problems, kept=kept)
    lost.dropped(header_doc.data, kept)
    states: list[tuple[m.StateRecord, Located]] = []
    orgs: list[tuple[m.Organization, Located]] = []
    events: list[tuple[m.Event, Located]] = []
    never: list[tuple[m.NeverEstablished, Located]] = []
    unrecognized: list[tuple[m.NotRecognized, Located]] = []

    def add_part(doc: Document, part: m.WorldFile, kept: dict[Path_, list[int]]) -> None:
        def at(key: str, i: int) -> Located:
            return Located(doc, original_path((key, i), kept))

        states.extend((s, at("states", i)) for i, s in enumerate(part.states))
        events.extend((e, at("events", i)) for i, e in enumerate(part.events))
        never.extend((n, at("never_established", i)) for i, n in enumerate(part.never_established))
        unrecognized.extend((n, at("not_recognized", i)) for i, n in enumerate(part.not_recognized))

    add_part(header_doc, header, kept)
    orgs.extend(
        (o, Located(header_doc, original_path(("organizations", i), kept))) for i, o in enumerate(header.organizations)
    )

    def each(paths: Iterable[Path], model: type[m.WorldFile] | type[m.Organization]) -> None:
        for path in sorted(paths):
            try:
                doc = read(path)
            except AccedeError as exc:
                problems.extend(exc.problems)
                continue
            kept: dict[Path_, list[int]] = {}
            try:
                found = validate(doc, model, partial=problems, kept=kept)
            except AccedeError as exc:
                problems.extend(exc.problems)
                lost.document(doc.data, model is m.Organization)
                continue
            lost.dropped(doc.data, kept)
            if isinstance(found, m.Organization):
                orgs.append((found, Located(doc, ())))
            else:
                # states.yaml and events/*.yaml are fragments of one world file: same shape, merged.
                add_part(doc, found, kept)

    if (folder / "states.yaml").is_file():
        each([folder / "states.yaml"], m.WorldFile)
    each(_yaml_files(folder / "organizations"), m.Organization)
    each(_yaml_files(folder / "events"), m.WorldFile)
    if header.rules is not None:
        rules_dir = (folder / header.rules).resolve()
        if not rules_dir.is_dir():
            problems.append(header_doc.problem("file.not-found", f"no rules folder `{header.rules}`", ("rules",)))
        else:
            each(_yaml_files(rules_dir), m.Organization)
    inp = WorldInput(
        header, tuple(states), tuple(orgs), tuple(events), display(folder), tuple(never), tuple(unrecognized)
    )
    if problems:
        if check is not None:
            problems += lost.without_consequences(check(inp), inp)
        raise AccedeError(problems)
    return inp


@dataclass
class _Lost:
    """What a world folder's dropped items and unreadable files held, so their consequences
    (a state unknown wherever it is named, a contradiction on the fact of a dropped event) are
    not reported as mistakes of their own."""

    codes: set[str] = field(default_factory=set)
    facts: set[m.FactKey] = field(default_factory=set)

    def dropped(self, data: Any, kept: dict[Path_, list[int]]) -> None:
        for path, index in kept.items():
            items = data
            for part in path:
                items = items[part]
            keep = set(index)
            gone = [items[i] for i in range(len(items)) if i not in keep]
            self._items(path, gone)

    def document(self, data: Any, organization: bool) -> None:
        if organization:
            self._items(("organizations",), [data])
        elif isinstance(data, dict):
            for key in ("states", "organizations", "events"):
                if isinstance(data.get(key), list):
                    self._items((key,), data[key])

    def _items(self, path: Path_, items: Iterable[Any]) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            if path in (("states",), ("organizations",)):
                self.codes.update(v for k in ("code", "org") if isinstance(v := item.get(k), str))
            elif path == ("events",) and (fact := _fact(item)) is not None:
                self.facts.add(fact)

    def without_consequences(self, problems: Iterable[Problem], inp: WorldInput) -> list[Problem]:
        docs = {
            loc.doc.file: loc.doc for _, loc in (*inp.states, *inp.organizations, *inp.events, *inp.never_established)
        }
        facts = {(loc.doc.file, format_path(loc.path)): event.key() for event, loc in inp.events}

        def caused(problem: Problem) -> bool:
            if problem.code in ("world.unknown-state", "world.unknown-org"):
                written = _written(docs.get(problem.file or ""), problem.field)
                return isinstance(written, str) and written in self.codes
            if problem.code == "history.contradiction":
                return facts.get((problem.file or "", problem.field or "")) in self.facts
            return False

        return [p for p in problems if not caused(p)]


def _fact(item: dict[str, Any]) -> m.FactKey | None:
    """The fact an event that failed validation is about, read from its required fields alone."""
    verbs = [k for k in item if k in m.VERBS]
    if len(verbs) != 1:
        return None
    model = m.VERBS[verbs[0]].model
    names = {info.alias or name for name, info in model.model_fields.items() if info.is_required()}
    try:
        return _EVENT.validate_python({k: v for k, v in item.items() if k in names}).key()
    except ValidationError:
        return None


def _written(doc: Document | None, where: str | None) -> Any:
    """The value at a problem's field (``events[3].sever[1]``) in its document, as written."""
    if doc is None or not where:
        return None
    node = doc.data
    for part in re.findall(r"\[(\d+)\]|([^.\[\]]+)", where):
        key: str | int = int(part[0]) if part[0] else part[1]
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def folder_revision(folder: Path) -> str:
    """A content hash of everything a world folder's world is made of: its files and its rules.

    The same bytes give the same revision on any machine (paths are hashed relative to the folder),
    so a revision names exactly the data an answer was computed on.
    """
    files = [folder / "world.yaml", folder / "states.yaml", *_yaml_files(folder / "organizations")]
    files += _yaml_files(folder / "events")
    header = read_yaml(folder / "world.yaml", display(folder / "world.yaml")).data
    rules = header.get("rules") if isinstance(header, dict) else None
    roots = [(folder, files)]
    if isinstance(rules, str) and (folder / rules).is_dir():
        roots.append(((folder / rules).resolve(), _yaml_files(folder / rules)))
    digest = hashlib.sha256()
    for root, paths in roots:
        for path in sorted(p for p in paths if p.is_file()):
            rel = os.path.relpath(path.resolve(), root.resolve())
            digest.update(rel.replace(os.sep, "/").encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def is_world_folder(folder: Path) -> bool:
    """Whether a folder holds a world (its ``world.yaml``)."""
    return (folder / "world.yaml").is_file()


#: The suffixes of YAML files: folders are searched for both.
YAML_SUFFIXES = (".yaml", ".yml")

_SCENARIO_KEY = re.compile(r"^(scenario|questions)[ \t]*:", re.MULTILINE)


def looks_like_scenario(path: Path) -> bool:
    """Whether a YAML file is meant as a scenario: a top-level ``scenario:`` or ``questions:`` key.

    The one test every command uses to pick scenario files out of a folder, so ``run``, ``test``
    and ``lint`` never classify the same file differently; a file meant as a scenario with a
    misspelt or missing field is still picked, and its problems reported. A textual test: a
    folder's world files (some are large) are not parsed just to be passed over.
    """
    try:
        head = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return True  # unreadable: let reading it report why
    return _SCENARIO_KEY.search(head) is not None


def yaml_files(folder: Path) -> list[Path]:
    """Every ``.yaml`` and ``.yml`` file under a folder, in path order; hidden folders and files
    (``.git``, ``.venv``, an editor's backups) are not the user's documents and are passed over."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix in YAML_SUFFIXES and p.is_file() and not any(x.startswith(".") for x in p.relative_to(folder).parts)
    )


def scenario_files(paths: Sequence[str]) -> Iterator[Path]:
    """The scenario files named on a command line: files as given, folders searched for scenario
    files (``.yaml`` and ``.yml`` that ``looks_like_scenario``)."""
    for name in paths:
        path = Path(name)
        if path.is_dir():
            yield from (p for p in yaml_files(path) if looks_like_scenario(p))
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
        return yaml_files(path)
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
        tuple((n, Located(doc, (*base, "not_recognized", i))) for i, n in enumerate(world.not_recognized)),
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
