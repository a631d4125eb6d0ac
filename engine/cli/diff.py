"""``accede diff OLD NEW``: the verdicts that change between two rule sets, grouped by their cause.

Exit status 0 when the diff is computed (changes or none), 1 when ``--fail-on`` trips, 2 on bad
input (a path, revision, date or organisation that cannot be read).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from engine.cli._common import EXIT_FAILED, EXIT_OK, budget_flags, date_option, option, progress_bar, reading_flags
from engine.common.errors import AccedeError, Problem
from engine.compiler.world import World
from engine.rendering.jsonout import dumps
from engine.rendering.prose import plural
from engine.tooling.diff import (
    FAIL_ON,
    Cause,
    RuleDiff,
    RuleSet,
    check_rule_set,
    compare,
    read_rule_set,
    rules_folder,
    tripped,
)
from engine.validation import resolve_name
from engine.workspace import BUNDLED_WORLD, Workspace

__all__ = ["cmd_diff", "register"]

_STYLE = {"eligible": "green", "undetermined": "yellow", "blocked": "red", None: "dim"}


def _day(value: str | None, name: str, problems: list[Problem]) -> date | None:
    return None if value is None else date_option(value, name, problems)


def cmd_diff(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """Compare two rule sets on one world; every problem of both sides is reported at once."""
    problems: list[Problem] = []
    start = _day(args.from_, "--from", problems)
    until = _day(args.until, "--until", problems)
    if not problems and start is not None and until is not None and until <= start:
        message = f"`--until` {until.isoformat()} is not after `--from` {start.isoformat()}"
        problems.append(Problem("schema.invalid-value", message, field="--until"))
    world = ws.world(args.world).trusting(args.trust)
    folder = Path(args.world) if args.world not in (None, "default") else BUNDLED_WORLD
    sides: list[RuleSet] = []
    default_rules = rules_folder(folder)  # what a bare `REV` reads
    for arg, spec in (("OLD", args.old), ("NEW", args.new)):
        try:
            side = read_rule_set(spec, arg, default_rules=default_rules)
        except AccedeError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(check_rule_set(world, side))
        sides.append(side)
    orgs = None
    if args.orgs:
        report = option("--orgs")
        orgs = [code for name in args.orgs if (code := resolve_name(name, world.names.orgs, report, problems))]
    if problems:
        raise AccedeError(problems)
    old, new = sides
    with progress_bar(out) as tick:
        diff = compare(
            world, old.orgs, new.orgs, start=start, until=until, orgs=orgs, assume=args.assume, progress=tick
        )
    gate = tripped(diff, args.fail_on) if args.fail_on else []
    # An organisation one side defines and the other does not (a rules folder from before its file
    # existed) is compared with the world's own rules: say so, it is easily taken for no change.
    borrowed = {"old": sorted(new.orgs.keys() - old.orgs.keys()), "new": sorted(old.orgs.keys() - new.orgs.keys())}
    if args.json:
        body: dict[str, Any] = {"old": old.label, "new": new.label, "world": world.name, "revision": world.revision}
        body["borrowed"] = borrowed
        body |= diff.to_json()
        body["fail_on"] = {"rule": args.fail_on, "tripped": len(gate)} if args.fail_on else None
        print(dumps(body))
    else:
        _render(out, world, (old, new), diff)
        for which, codes in borrowed.items():
            # A lone rule file borrows the rest by design; a folder that lacks one is worth a word.
            if codes and len(sides[0 if which == "old" else 1].orgs) > 1:
                note = f"{which.upper()} has no rules for {', '.join(codes)}: the world's rules stand in for them"
                print(note, file=sys.stderr)
        if args.fail_on:
            verdict = f"tripped by {plural(len(gate), 'change')}" if gate else "not tripped"
            print(f"--fail-on {args.fail_on}: {verdict}", file=sys.stderr)
    return EXIT_FAILED if gate else EXIT_OK


def _failing(old: tuple[str, ...], new: tuple[str, ...]) -> str:
    """What fails differently: ``-sco.peace`` no longer fails under NEW, ``+sco.x`` fails only under NEW."""
    gone = [f"-{c}" for c in old if c not in new]
    added = [f"+{c}" for c in new if c not in old]
    return " ".join(gone + added) or "-"


def _cause_line(org: str, cause: Cause, diff: RuleDiff) -> str:
    """A cause as a person reads it: the conditions with their text, the stages, or missing rules."""
    if cause.no_rules is not None:
        return f"{cause.no_rules.upper()} has no {org} rules in force"
    parts = []
    for cid in cause.conditions:
        text, where = diff.conditions.get((org, cid), ("", "both"))
        note = {"both": "", "old": " [only in OLD]", "new": " [only in NEW]"}[where]
        parts.append(f"{cid}{note}: {text}" if text else f"{cid}{note}")
    parts += [f"decision stage `{name}`" for name in cause.stages]
    return "; ".join(parts)


def _render(console: Console, world: World, sides: tuple[RuleSet, RuleSet], diff: RuleDiff) -> None:
    old, new = sides
    horizon = world.facts.horizon
    period = f"from {diff.start.isoformat()}" + (f" until {diff.until.isoformat()}" if diff.until else " on")
    console.print(f"OLD {old.label}\nNEW {new.label}")
    if diff.reworded:
        console.print(f"Rules differ only in wording for {', '.join(diff.reworded)}: no verdict of theirs can change.")
    if not diff.compared:
        console.print("No organisation's conditions or decision differ: no verdict can change.")
    else:
        console.print(f"Rules differ for {', '.join(diff.compared)}; verdicts on `{world.name}` compared {period}.")
    for group in diff.groups:
        console.print()
        console.print(Text(f"{group.org}: {_cause_line(group.org, group.cause, diff)}", style="bold"))
        table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
        for name in ("state", "from", "until", "old", "new", "failing"):
            table.add_column(name, overflow="fold")
        for change in group.changes:
            table.add_row(
                change.state,
                change.start.isoformat(),
                change.end.isoformat() if change.end else "-",
                Text(change.old or "no rules", style=_STYLE[change.old]),
                Text(change.new or "no rules", style=_STYLE[change.new]),
                _failing(change.old_failing, change.new_failing),
            )
        console.print(table)
    counts = diff.summary()
    verbs = "1 verdict changes" if counts["changes"] == 1 else f"{counts['changes']} verdicts change"
    console.print()
    console.print(f"{verbs} for {plural(counts['states'], 'state')} in {plural(counts['orgs'], 'organisation')}")
    if diff.beyond_horizon and horizon is not None:
        console.print(
            Text(f"Beware: facts after {horizon.isoformat()} (the world's horizon) are not known.", style="yellow")
        )


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
    diff = sub.add_parser("diff", help="verdicts that change between two rule sets over a date range")
    diff.add_argument("old", metavar="OLD", help="a rules folder, a rule file, or a git revision REV[:path]")
    diff.add_argument("new", metavar="NEW", help="a rules folder, a rule file, or a git revision REV[:path]")
    diff.add_argument(
        "--from",
        dest="from_",
        metavar="DATE",
        help="ISO date, or `today` (default: the differing rules' first version)",
    )
    diff.add_argument(
        "--until", metavar="DATE", help="ISO date, or `today`, exclusive (default: the day after the world's horizon)"
    )
    diff.add_argument("--orgs", nargs="+", metavar="ORG", help="only these organisations")
    diff.add_argument("--world", help="`default` or a world folder")
    reading_flags(diff)
    diff.add_argument(
        "--fail-on", choices=FAIL_ON, help="exit 1 when a state becomes eligible, becomes blocked, or on any change"
    )
    diff.add_argument("--json", action="store_true")
    budget_flags(diff)
    diff.set_defaults(func=cmd_diff)
