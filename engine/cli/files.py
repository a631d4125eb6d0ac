"""``accede lint``: rule, world and scenario files validated without answering anything."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.console import Console

from engine import models as m
from engine.cli._common import (
    EXIT_OK,
)
from engine.common.errors import AccedeError, Problem
from engine.compiler.world import compile_world
from engine.reading.loader import (
    display,
    lint_targets,
    load_rule_file,
    load_world_folder,
    validate,
)
from engine.reading.yaml12 import read_yaml
from engine.validation import validate_rules
from engine.workspace import Workspace, later_passes


def _lint_file(path: Path, ws: Workspace) -> None:
    doc = read_yaml(path, display(path))
    data = doc.data if isinstance(doc.data, dict) else {}
    if "scenario" in data:
        _lint_scenario(ws, path)
    elif "org" in data:
        _lint_rule_file(path, ws)
    elif path.name == "world.yaml":
        compile_world(load_world_folder(path.parent, check=later_passes))
    else:
        validate(doc, m.WorldFile)


def _lint_scenario(ws: Workspace, path: Path) -> None:
    ws.prepare_file(path)


def _lint_rule_file(path: Path, ws: Workspace) -> None:
    """A lone rule file is checked against the bundled world's states and organisations."""
    doc, org = load_rule_file(path)
    states: dict[str, int]
    try:
        world = ws.default
        models = {c: o.model for c, o in world.orgs.items()}
        states = world.index
    except AccedeError:
        models, states = {}, {}
    models[org.code] = org
    reporters = {c: (lambda code, msg, p=(), rule_id=None: doc.problem(code, msg, p, rule_id)) for c in models}
    found = [p for p in validate_rules(models, reporters, states) if p.file == doc.file]
    if found:
        raise AccedeError(found)


def cmd_lint(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    problems: list[Problem] = []
    checked = 0
    for name in args.paths:
        targets = lint_targets(name)
        if targets is None:
            problems.append(Problem("file.not-found", f"no file or folder `{name}`", file=name))
            continue
        for target in targets:
            checked += 1
            try:
                _lint_file(target, ws)
            except AccedeError as exc:
                problems.extend(exc.problems)
    if problems:
        raise AccedeError(problems)
    out.print(f"{checked} file{'s' if checked != 1 else ''} checked, no problems", highlight=False)
    return EXIT_OK


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
    lint = sub.add_parser("lint", help="validate rule, world and scenario files")
    lint.add_argument("paths", nargs="+")
    lint.set_defaults(func=cmd_lint)
