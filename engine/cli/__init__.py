"""The ``accede`` command line: check, run, report, test, show, lint, serve, watch.

Exit status: 0 answered (and every expectation met), 1 an expectation failed, 2 bad input (one
located message per problem on standard error, never a traceback)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from rich.console import Console

from engine.cli import answering, diff, files, fmt, schema, service, testing
from engine.cli._common import EXIT_BAD_INPUT, EXIT_PIPE
from engine.common.budget import budget
from engine.common.errors import AccedeError, Problem
from engine.reading.cache import WorldCache
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accede", description="Can this state join that organisation on that date?")
    sub = parser.add_subparsers(dest="command", required=True)
    for commands in (answering, testing, service, files, schema, fmt, diff):
        commands.register(sub)
    # Every command may read a world, so every command takes the flag (after its name, where people type it).
    for command in sub.choices.values():
        command.add_argument(
            "--no-cache", action="store_true", help="parse world files afresh, not from the world cache"
        )
    return parser


class _Console(Console):
    """rich's console, with a closed pipe handled where every other one is (``main``)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def _report(args: argparse.Namespace, problems: Sequence[Problem]) -> None:
    """Bad input, as the output was asked for: under ``--json`` (or ``--format json``) one JSON
    document ``{"errors": [...]}`` on standard output, under ``--format sarif`` a SARIF log; one
    located line per problem on standard error in any case, and the count."""
    shape = "json" if getattr(args, "json", False) else getattr(args, "format", None)
    if shape == "json":
        print(dumps({"errors": [p.as_dict() for p in problems]}))
    elif shape == "sarif":
        from engine.tooling.reports import sarif

        print(dumps(sarif(problems)))
    for problem in problems:
        print(problem.render(), file=sys.stderr)
    n = len(problems)
    print(f"{n} problem{'s' if n != 1 else ''}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Prose wraps to a terminal's width; piped output keeps one line per paragraph for grep and diff.
    out = _Console(highlight=False, markup=False)  # data may contain [brackets]
    out.soft_wrap = not out.is_terminal
    ws = Workspace(cache=None if args.no_cache else WorldCache.from_environment())
    try:
        # Long-running commands (serve, watch) have no budget; one-shot ones have the documented one.
        work, seconds = getattr(args, "max_work", None), getattr(args, "max_seconds", None)
        with budget(work, seconds):
            code: int = args.func(args, ws, out)
        sys.stdout.flush()
    except AccedeError as exc:
        _report(args, exc.problems)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (`accede run --json ... | head`): stop quietly, as Unix tools do.
        # Python would report the failed flush of stdout at exit: point it at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_PIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
