"""What every command shares: exit statuses, date options, problem locations, progress, budgets."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import get_args

from rich.console import Console

from engine import models as m
from engine.common.dates import parse_day, today
from engine.common.errors import AccedeError, Problem
from engine.common.limits import DEADLINE, WORK

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CANNOT_BIND",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_PIPE",
    "as_of_option",
    "budget_flags",
    "date_option",
    "option",
    "progress_bar",
    "reading_flags",
]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: What a shell reports for a process ended by SIGPIPE (128 + 13): a closed pipe is not an error of ours.
EXIT_PIPE = 141
#: ``accede serve`` could not bind its address (in use, or not allowed).
EXIT_CANNOT_BIND = 3


def as_of_option(args: argparse.Namespace, problems: list[Problem]) -> date:
    """``--as-of``, or today; a bad date is collected with the other problems."""
    try:
        return parse_day(args.as_of, "--as-of", today())
    except AccedeError as exc:
        problems.extend(exc.problems)
        return today()


def date_option(value: str, name: str, problems: list[Problem]) -> date:
    """A date option (``--from``), or ``today`` (UTC); a bad one is collected with the other problems."""
    try:
        return parse_day(value, name, today())
    except AccedeError as exc:
        problems.extend(exc.problems)
        return today()


def option(name: str) -> Callable[[str, str], Problem]:
    """Locate a problem at a command-line argument."""
    return lambda code, message: Problem(code, message, field=name)


@contextmanager
def progress_bar(out: Console) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar for long sweeps, on a terminal only; it appears after a second of work."""
    if not out.is_terminal:
        yield None
        return
    from rich.progress import Progress  # a terminal's long sweeps only

    with Progress(console=out, transient=True) as bar:
        task = bar.add_task("sweeping", total=None, visible=False)
        started = time.monotonic()

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=time.monotonic() - started > 1)

        yield tick


def reading_flags(parser: argparse.ArgumentParser) -> None:
    """How a command reads the world: which one, what silent voters do, which facts to trust (the
    scenario's ``world``, ``assume`` and ``trust``, with the same values)."""
    parser.add_argument("--assume", choices=list(get_args(m.Assume)), default="unknown")
    parser.add_argument(
        "--trust", choices=list(get_args(m.Trust)), default="low", help="least confidence of a fact to use"
    )


def budget_flags(parser: argparse.ArgumentParser) -> None:
    """The same work budget and deadline as the service's, at the command line's own values."""
    parser.add_argument(
        "--max-work", type=int, default=WORK.file, help=f"work units the command may spend (default {WORK.file:,})"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=DEADLINE.file, help=f"wall deadline in seconds (default {DEADLINE.file:,})"
    )
