"""``accede test``: every expectation of scenario files, as a test run."""

from __future__ import annotations

import argparse
from typing import Any

from rich.console import Console

from engine.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    budget_flags,
)
from engine.common.errors import AccedeError, Problem
from engine.reading.loader import (
    display,
    scenario_files,
)
from engine.rendering.text import (
    expectation_lines,
)
from engine.workspace import Workspace


def cmd_test(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    passed = failed = 0
    problems: list[Problem] = []
    for path in scenario_files(args.paths):
        try:
            result = ws.run_file(path)
        except AccedeError as exc:
            problems.extend(exc.problems)
            continue
        for ok, line in expectation_lines(display(path), result):
            passed += ok
            failed += not ok
            out.print(line, style=None if ok else "red", highlight=False)
    if problems:
        raise AccedeError(problems)
    print(f"{passed} passed, {failed} failed")
    return EXIT_FAILED if failed else EXIT_OK


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
    test = sub.add_parser("test", help="run every expectation in files or folders")
    test.add_argument("paths", nargs="+")
    budget_flags(test)
    test.set_defaults(func=cmd_test)
