"""Where worlds come from: the bundled ``default`` world and world folders, compiled once each.

A ``Workspace`` is what the command line and the HTTP service hold: it loads and compiles each
world the first time it is named and keeps it, so rules are compiled once, not per question.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from importlib import resources
from pathlib import Path

from engine import models as m
from engine.common.errors import AccedeError
from engine.compiler.world import World, compile_world
from engine.evaluation.tally import Assume
from engine.evaluation.verdict import JoinVerdict
from engine.reading.loader import is_world_folder, load_scenario, load_world_folder, validate
from engine.reading.yaml12 import Document, parse_yaml
from engine.scenario import ScenarioResult, prepare, run

__all__ = ["BUNDLED", "BUNDLED_SCENARIOS", "BUNDLED_WORLD", "Workspace"]

#: The package's own data: the world, its rules and the golden scenarios (see ``engine/bundled``).
BUNDLED = Path(str(resources.files("engine.bundled")))
BUNDLED_WORLD = BUNDLED / "fixtures" / "world"
BUNDLED_SCENARIOS = BUNDLED / "fixtures" / "scenarios"


class Workspace:
    """Compiled worlds by name or folder, loaded on first use and kept."""

    def __init__(self, default_world: Path = BUNDLED_WORLD) -> None:
        self._default = default_world
        self._worlds: dict[Path, World] = {}
        self._default_world: World | None = None
        self._lock = threading.Lock()

    def folder_world(self, folder: Path) -> World:
        key = folder.resolve()
        with self._lock:
            found = self._worlds.get(key)
        if found is None:
            found = compile_world(load_world_folder(key))
            with self._lock:
                self._worlds.setdefault(key, found)
        return found

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

    def run_file(self, path: Path, progress: Callable[[int, int], None] | None = None) -> ScenarioResult:
        """Read, validate and answer one scenario file."""
        doc, scenario = load_scenario(path)
        return run(prepare(doc, scenario, self.resolve, path.parent), progress)

    def run_document(self, doc: Document, base_dir: Path | None = None) -> ScenarioResult:
        """Validate and answer a scenario already parsed (an HTTP body, a test's document)."""
        scenario = validate(doc, m.Scenario)
        return run(prepare(doc, scenario, self.resolve, base_dir))

    def run_text(self, text: str | bytes, name: str = "<request>") -> ScenarioResult:
        return self.run_document(parse_yaml(text, name))

    def check(
        self, state: str, org: str, on: date, world: str | None = None, assume: Assume = "unknown"
    ) -> JoinVerdict:
        """One verdict, as ``accede check`` gives it; its inputs are validated like a scenario's."""
        data = {
            "scenario": f"{state} and the {org}",
            "world": world or "default",
            "as_of": on.isoformat(),
            "assume": assume,
            "questions": [{"id": "check", "join": {"state": state, "org": org}}],
        }
        result = self.run_document(Document("<command line>", data), Path.cwd())
        verdict = result.verdicts["check"]
        assert isinstance(verdict, JoinVerdict)  # the question above is a join
        return verdict
