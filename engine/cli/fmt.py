"""``accede fmt``: rule, world and scenario files in their canonical layout (``engine.tooling.fmt``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cli._common import EXIT_FAILED, EXIT_OK
from engine.common.errors import AccedeError, Problem
from engine.reading.writing import write_whole

if TYPE_CHECKING:
    # The layout engine (and ruamel.yaml under it) is imported by `accede fmt` when it runs.
    from rich.console import Console

    from engine.tooling.fmt import Formatted
    from engine.workspace import Workspace

__all__ = ["cmd_fmt", "register"]


def cmd_fmt(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """Check, show or write the canonical layout of every file named.

    Every file is read and laid out before any is written, so a file with a problem stops the
    command before it has changed anything.
    """
    from engine.tooling.fmt import LayoutError, diff, format_file, yaml_files

    results: list[Formatted] = []
    problems: list[Problem] = []
    seen: set[Path] = set()
    for name in args.paths:
        try:
            paths = yaml_files([name])
        except AccedeError as exc:
            problems.extend(exc.problems)
            continue
        for path in paths:
            if path.resolve() in seen:
                continue  # named twice, or reached through a link: one file, formatted once
            seen.add(path.resolve())
            try:
                results.append(format_file(path, str(path)))
            except AccedeError as exc:
                problems.extend(exc.problems)
            except LayoutError as exc:
                # A fault of fmt's, not of the file: said as one located line, and nothing is written.
                said = str(exc).removeprefix(f"{path}: ")
                message = f"{said}; this is a bug in `accede fmt`, please report it with the file"
                problems.append(Problem("internal.error", message, file=str(path)))
    if problems:
        raise AccedeError(problems)
    changed = [r for r in results if r.changed]
    mode = args.mode or "diff"
    for result in changed:
        if mode == "write":
            _write(result)
        if mode in ("write", "check"):
            sys.stdout.write(result.name + "\n")  # one path a line, as written, for scripts
        else:
            _show_diff(diff(result), out)
    files = f"{len(results)} file{'s' if len(results) != 1 else ''} checked"
    verb = "reformatted" if mode == "write" else "would be reformatted"
    print(f"{files}, {len(changed)} {verb}", file=sys.stderr)
    return EXIT_FAILED if changed and mode != "write" else EXIT_OK


def _write(result: Formatted) -> None:
    try:
        write_whole(result.path, result.after)
    except OSError as exc:
        message = f"cannot write `{result.name}`: {exc.strerror or exc}"
        raise AccedeError.one("file.not-found", message, file=result.name) from None


def _show_diff(text: str, out: Console) -> None:
    if not out.is_terminal:
        # Byte for byte, for `patch` and for review tools: no wrapping, no tab expansion.
        sys.stdout.write(text)
        return
    from rich.text import Text

    styles = {"+": "green", "-": "red", "@": "cyan"}
    for line in text.splitlines():
        style = "bold" if line.startswith(("+++", "---")) else styles.get(line[:1], "")
        out.print(Text(line, style=style), soft_wrap=True)


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
    fmt = sub.add_parser(
        "fmt",
        help="lay rule, world and scenario files out canonically",
        description="Lay rule, world and scenario files (.yaml, .yml; folders searched) out canonically: keys "
        "in their model's order, events and other records one to a line, comments kept. The data read "
        "back is always the same. Without a flag, show the changes as a diff.",
    )
    modes = fmt.add_mutually_exclusive_group()
    modes.add_argument(
        "--check", dest="mode", action="store_const", const="check", help="list files that would change; exit 1 if any"
    )
    modes.add_argument(
        "--diff", dest="mode", action="store_const", const="diff", help="print a unified diff; exit 1 if any (default)"
    )
    modes.add_argument("--write", dest="mode", action="store_const", const="write", help="rewrite changed files")
    fmt.add_argument("paths", nargs="+", metavar="PATH")
    fmt.set_defaults(func=cmd_fmt, mode=None)
