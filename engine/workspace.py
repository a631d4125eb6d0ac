"""Where worlds come from: the bundled ``default`` world and world folders, compiled once each.

A ``Workspace`` is what the command line and the HTTP service hold: it loads and compiles each
world the first time it is named and keeps it, so rules are compiled once, not per question.
It is also the one place a door's question becomes the engine's: a check request, a matrix
asked in a query string, a state or organisation named in a path. Each is validated by the same
checks a scenario file goes through, so one mistake has one code and one wording at every door;
the door only says where the client wrote it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from engine import models as m
from engine.common.errors import AccedeError, Problem
from engine.compiler.world import World, compile_world
from engine.evaluation.describe import describe_org, describe_state
from engine.evaluation.join import join
from engine.evaluation.tally import Assume
from engine.evaluation.verdict import JoinVerdict
from engine.questions.registry import Asked, Result
from engine.reading.cache import Reading, WorldCache
from engine.reading.loader import (
    WorldInput,
    display,
    folder_revision,
    inline_world,
    is_world_folder,
    load_world_folder,
    pruned_view,
    validate,
)
from engine.reading.yaml12 import Document, parse_yaml, read_yaml
from engine.scenario import Answer, Prepared, ScenarioResult, prepare, run
from engine.validation import Report, resolve_name

__all__ = ["BUNDLED", "BUNDLED_SCENARIOS", "BUNDLED_WORLD", "Workspace"]

#: The package's own data: the world, its rules and the golden scenarios (see ``engine/bundled``).
BUNDLED = Path(str(resources.files("engine.bundled")))
BUNDLED_WORLD = BUNDLED / "fixtures" / "world"
BUNDLED_SCENARIOS = BUNDLED / "fixtures" / "scenarios"


#: Where a check request's fields are once it is a scenario, and where the client wrote them.
_CHECK_FIELDS = ((re.compile(r"^questions\[0\]\.join\."), ""), (re.compile(r"^questions\[0\]\."), ""))
#: Where a matrix asked in a query string is in its scenario, and the query parameter it came from.
_MATRIX_FIELDS = (
    (re.compile(r"^questions\[0\]\.matrix\.orgs(\[\d+\])?"), "org"),
    (re.compile(r"^questions\[0\]\.matrix\.states(\[\d+\])?"), "state"),
)


def _relocated(exc: AccedeError, places: Sequence[tuple[re.Pattern[str], str]]) -> AccedeError:
    """The problems of a scenario built for a request, named by the fields the client wrote."""

    def moved(problem: Problem) -> Problem:
        field = problem.field or ""
        for pattern, outer in places:
            if pattern.match(field):
                field = pattern.sub(outer, field, count=1)
                break
        return Problem(problem.code, problem.message, field=field or None, rule_id=problem.rule_id)

    return AccedeError(moved(p) for p in exc.problems)


def later_passes(inp: WorldInput) -> list[Problem]:
    """The semantic and history problems of a world read in part (what ``load_world_folder`` asks)."""
    try:
        compile_world(inp)
    except AccedeError as exc:
        return list(exc.problems)
    return []


def _at(field: str) -> Report:
    """Locate a problem at a field the caller names (a path or query parameter)."""
    return lambda code, message: Problem(code, message, field=field)


class Workspace:
    """Compiled worlds by name or folder, loaded on first use and kept.

    With a ``cache`` (the command line's: ``WorldCache.from_environment()``), a folder whose files
    are unchanged since a run that compiled it is read from the cache's documents, not parsed again.
    """

    def __init__(self, default_world: Path = BUNDLED_WORLD, cache: WorldCache | None = None) -> None:
        self._default = default_world
        self._cache = cache
        self._worlds: dict[Path, World] = {}
        self._default_world: World | None = None
        self._lock = threading.Lock()

    def folder_world(self, folder: Path) -> World:
        key = folder.resolve()
        with self._lock:
            found = self._worlds.get(key)
        if found is None:
            found = self._compile_folder(key)
            with self._lock:
                self._worlds.setdefault(key, found)
        return found

    def _compile_folder(self, folder: Path) -> World:
        cache = self._cache
        if cache is None or not is_world_folder(folder):
            # Not a world folder: the loader says so, in its words, before any hashing.
            return compile_world(load_world_folder(folder, check=later_passes), folder_revision(folder))
        # The key first (a header that cannot be read fails here as the loader's first step would).
        revision = folder_revision(folder)
        kept = cache.reading(folder, revision)
        reading = kept or Reading()
        # A world with problems raises here, before anything is stored.
        world = compile_world(load_world_folder(folder, check=later_passes, read=reading.read), revision)
        # Stored only when the files did not change while they were read: the entry's key must name
        # exactly the content it holds.
        if kept is None and folder_revision(folder) == revision:
            cache.store(folder, revision, reading.documents)
        return world

    @property
    def compiled(self) -> bool:
        """Whether the default world is compiled already (a service is ready once it is)."""
        return self._default_world is not None

    @property
    def default(self) -> World:
        # Held directly once loaded: resolving the folder is file-system work, and a request does none.
        world = self._default_world
        if world is None:
            world = self._default_world = self.folder_world(self._default)
        return world

    def resolve(self, name: str, base_dir: Path | None, doc: Document) -> World:
        """``default`` is the bundled world; anything else is a folder relative to the scenario."""
        if name == "default":
            return self.default
        folder = (base_dir or Path.cwd()) / name
        if not is_world_folder(folder):
            raise AccedeError(
                [
                    doc.problem(
                        "scenario.unknown-world", f"no world `{name}`: not `default` and not a world folder", ("world",)
                    )
                ]
            )
        return self.folder_world(folder)

    def world(self, name: str | None) -> World:
        """A world named on the command line: ``default`` or a folder path."""
        if name in (None, "default"):
            return self.default
        return self.folder_world(Path(name))

    def read_scenario(
        self, doc: Document, base_dir: Path | None, partial: list[Problem] | None = None
    ) -> tuple[m.Scenario, World, Document]:
        """A scenario document as a model, with the world it names, and the document to locate by.

        The world comes first: the names a scenario may use for states and organisations are
        that world's. When the world cannot be had, the document's own schema problems are
        reported with the world's, so one run shows every mistake. With ``partial``, schema
        problems are appended there and the model of the rest is returned (see ``prepared``).
        """
        data = doc.data if isinstance(doc.data, dict) else {}
        named = data.get("world", "default")
        try:
            if isinstance(named, dict):
                world = compile_world(inline_world(doc, validate(doc, m.WorldFile, ("world",))))
            else:
                world = self.resolve(named if isinstance(named, str) else "default", base_dir, doc)
        except AccedeError as exc:
            problems = list(exc.problems)
            try:
                validate(doc, m.Scenario)
            except AccedeError as more:
                problems += [p for p in more.problems if not (p.field or "").startswith("world")]
            raise AccedeError(problems) from None
        kept: dict[tuple[str | int, ...], list[int]] = {}
        scenario = validate(doc, m.Scenario, names=world.names, partial=partial, kept=kept)
        return scenario, world, pruned_view(doc, kept)

    def prepared(self, doc: Document, base_dir: Path | None) -> Prepared:
        """A scenario document validated whole: every problem of the file in one run.

        A schema problem does not stop the later passes: the questions or changes that hold one
        are left out, the rest is checked against the world, and every problem found is reported
        together (fixing a file takes one round, not three). Nothing is answered unless none is.
        """
        partial: list[Problem] = []
        scenario, world, view = self.read_scenario(doc, base_dir, partial)
        if not partial:
            return prepare(doc, scenario, world)
        try:
            prepare(view, scenario, world)
        except AccedeError as exc:
            raise AccedeError([*partial, *exc.problems]) from None
        raise AccedeError(partial)

    def prepare_file(self, path: Path) -> Prepared:
        """Read and validate one scenario file (what ``accede lint`` does to it)."""
        doc = read_yaml(path, display(path))
        return self.prepared(doc, path.parent)

    def run_file(self, path: Path, progress: Callable[[int, int], None] | None = None) -> ScenarioResult:
        """Read, validate and answer one scenario file."""
        return run(self.prepare_file(path), progress)

    def run_document(
        self, doc: Document, base_dir: Path | None = None, progress: Callable[[int, int], None] | None = None
    ) -> ScenarioResult:
        """Validate and answer a scenario already parsed (an HTTP body, a test's document)."""
        return run(self.prepared(doc, base_dir), progress)

    def run_text(self, text: str | bytes, name: str = "<request>") -> ScenarioResult:
        return self.run_document(parse_yaml(text, name))

    def ask(
        self,
        question: dict[str, Any],
        on: date,
        world: str | None = None,
        *,
        assume: Assume = "unknown",
        progress: Callable[[int, int], None] | None = None,
        trust: str = "low",
    ) -> tuple[Result, World]:
        """One question asked on the command line (``{"timeline": {...}}``), validated like a scenario's.

        Returns the answer and the world it was answered on (for wording it).
        """
        data = {
            "scenario": "command line",
            "world": world or "default",
            "as_of": on.isoformat(),
            "assume": assume,
            "trust": trust,
            "questions": [{"id": "cli", **question}],
        }
        result = self.run_document(Document("<command line>", data), Path.cwd(), progress)
        assert result.evaluated_on is not None
        return result.verdicts["cli"], result.evaluated_on

    def check(
        self,
        state: str,
        org: str,
        on: date,
        world: str | None = None,
        *,
        assume: Assume = "unknown",
        trust: str = "low",
    ) -> JoinVerdict:
        """One verdict, as ``accede check`` gives it: names and the date checked as a scenario's are.

        A direct path, not a one-question scenario: no document is built and validated for two
        codes and a date, and a problem is located at the argument the user typed (``state``,
        ``org``), not at a scenario field they never wrote.
        """
        compiled = self.world(world).trusting(trust)
        problems: list[Problem] = []
        doc = Document("<command line>", {"state": state, "org": org})
        asked = Asked(compiled, doc, (), on, assume, problems)
        code = resolve_name(state, compiled.names.states, asked.report("state"), problems)
        named = resolve_name(org, compiled.names.orgs, asked.report("org"), problems)
        if named is not None:
            asked.need_org(named, "org")
        if problems or code is None or named is None:
            raise AccedeError(problems)
        return join(compiled, code, named, on, assume=assume)

    def check_request(self, doc: Document, today: date) -> Answer:
        """A check request (see ``models.CheckRequest``) answered as its one-question scenario.

        Problems name the request's fields, not the scenario's (``state``, ``changes[0]``); a
        request without ``as_of`` is asked on ``today``, which the caller reads from its clock.
        """
        data = doc.data
        if isinstance(data, dict):
            fields = m.CheckRequest.model_fields
            problems = [
                Problem("schema.unknown-field", f"unknown field `{k}`", field=str(k)) for k in data if k not in fields
            ]
            problems += [
                Problem("schema.missing-field", f"missing required field `{k}`", field=k)
                for k, info in fields.items()
                if info.is_required() and k not in data
            ]
            if problems:
                raise AccedeError(problems)
        try:
            request = validate(doc, m.CheckRequest, names=self.default.names)
            result = run(prepare(doc, request.scenario(today), self.default))
        except AccedeError as exc:
            raise _relocated(exc, _CHECK_FIELDS) from None
        return result.answers[0]

    def matrix(self, on: date, orgs: Sequence[str] | None = None, states: Sequence[str] | None = None) -> Answer:
        """The default world's matrix, asked and checked exactly as a scenario's ``matrix`` question.

        Problems name the parameter the code came from: ``org`` or ``state``.
        """
        spec: dict[str, Any] = {}
        if orgs:
            spec["orgs"] = list(orgs)
        if states:
            spec["states"] = list(states)
        data = {
            "scenario": "matrix",
            "world": "default",
            "as_of": on.isoformat(),
            "questions": [{"id": "matrix", "matrix": spec}],
        }
        try:
            result = self.run_document(Document("request", data))
        except AccedeError as exc:
            raise _relocated(exc, _MATRIX_FIELDS) from None
        return result.answers[0]

    def describe_state(self, code: str, on: date, field: str = "state") -> dict[str, Any]:
        """What the default world holds about one state on a date (``accede show STATE --json``).

        An unknown code is ``world.unknown-state``, located at ``field``.
        """
        world = self.default
        problems: list[Problem] = []
        found = resolve_name(code, world.names.states, _at(field), problems)
        if found is None:
            raise AccedeError(problems)
        return describe_state(world, found, on)

    def describe_org(self, code: str, on: date, field: str = "org") -> dict[str, Any]:
        """What the default world holds about one organisation on a date (``accede show ORG --json``).

        An unknown code is ``world.unknown-org``, located at ``field``.
        """
        world = self.default
        problems: list[Problem] = []
        found = resolve_name(code, world.names.orgs, _at(field), problems)
        if found is None:
            raise AccedeError(problems)
        return describe_org(world, found, on)

    def organizations(self, on: date) -> list[dict[str, Any]]:
        """Every organisation of the default world: statuses, rule versions, members on ``on``."""
        world = self.default
        snap = world.as_of(on)
        return [
            {
                "org": code,
                "name": org.name,
                "called": org.model.called or f"the {code}",
                "statuses": sorted(org.statuses),
                "versions": [v.valid_from.isoformat() for v in org.versions],
                "members": snap.members(code).bit_count(),
            }
            for code, org in sorted(world.orgs.items())
        ]

    def summary(self) -> dict[str, Any]:
        """The default world's name and size."""
        world = self.default
        return {
            "world": world.name,
            "revision": world.revision,
            "states": len(world.codes),
            "organizations": len(world.orgs),
        }
