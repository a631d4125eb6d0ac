"""``accede lint``: rule, world and scenario files validated without answering anything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from engine import models as m
from engine.cli._common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from engine.common.errors import AccedeError, Problem
from engine.compiler.world import compile_world
from engine.reading.loader import (
    display,
    lint_targets,
    load_rule_file,
    load_world_folder,
    looks_like_scenario,
    validate,
)
from engine.reading.yaml12 import read_yaml
from engine.rendering.jsonout import dumps
from engine.rendering.prose import plural
from engine.validation import validate_rules
from engine.workspace import Workspace, later_passes


def _lint_file(path: Path, ws: Workspace) -> list[Problem]:
    """Raise the file's problems; return its warnings (``--strict`` shows them)."""
    doc = read_yaml(path, display(path))
    data = doc.data if isinstance(doc.data, dict) else {}
    if looks_like_scenario(path):
        from engine.tooling.review import scenario_warnings

        return scenario_warnings(ws.prepare_file(path))
    if "org" in data:
        return _lint_rule_file(path, ws)
    if path.name == "world.yaml":
        compile_world(load_world_folder(path.parent, check=later_passes))
    else:
        validate(doc, m.WorldFile)
    return []


def _lint_rule_file(path: Path, ws: Workspace) -> list[Problem]:
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
    from engine.tooling.review import rule_warnings

    return rule_warnings(doc, org)


def cmd_lint(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """Exit 0 clean; 1 with ``--strict`` and a warning; 2 on any problem (all of them listed)."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    checked = 0
    for name in args.paths:
        targets = lint_targets(name)
        if targets is None:
            problems.append(Problem("file.not-found", f"no file or folder `{name}`", file=name))
            continue
        for target in targets:
            checked += 1
            try:
                warnings.extend(_lint_file(target, ws))
            except AccedeError as exc:
                problems.extend(exc.problems)
    problems.sort(key=Problem.sort_key)
    shown = sorted(warnings, key=Problem.sort_key) if args.strict else []
    shape = "json" if args.json else args.format
    if shape == "sarif":
        from engine.tooling.reports import sarif

        print(dumps(sarif(problems, shown)))
    elif shape == "json":
        document = {
            "checked": checked,
            "errors": [p.as_dict() for p in problems],
            "warnings": [p.as_dict() for p in shown],
        }
        print(dumps(document))
    elif problems:
        # As every command reports bad input: a line per problem, then the count (warnings after).
        for problem in [*problems, *shown]:
            print(problem.render(), file=sys.stderr)
        print(plural(len(problems), "problem"), file=sys.stderr)
    else:
        for warning in shown:
            print(warning.render(), file=sys.stderr)
        found = plural(len(shown), "warning") if shown else "no problems"
        out.print(f"{plural(checked, 'file')} checked, {found}", highlight=False)
    if problems:
        return EXIT_BAD_INPUT
    return EXIT_FAILED if shown else EXIT_OK


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
    lint = sub.add_parser("lint", help="validate rule, world and scenario files")
    lint.add_argument("paths", nargs="+")
    lint.add_argument("--strict", action="store_true", help="also warn of what a reviewer wants to see; exit 1 on any")
    lint.add_argument("--json", action="store_true", help="one JSON document: errors and warnings")
    lint.add_argument("--format", choices=["text", "json", "sarif"], help="text (default), json, or SARIF 2.1.0")
    lint.set_defaults(func=cmd_lint)
