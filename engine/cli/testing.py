"""``accede test``: every expectation of scenario files, as a test run.

Exit status: 0 every test passed; 1 a test failed (or coverage is below ``--threshold``); 2 a
file could not be read or prepared (the other files still ran, and the summary was printed); 5
nothing was collected (pytest's code; ``--allow-empty`` makes it 0).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cli._common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, budget_flags
from engine.common.errors import AccedeError
from engine.rendering.jsonout import dumps

if TYPE_CHECKING:
    # The test runner, its reports and the round-trip YAML of --update are imported by `accede
    # test` when it runs: every other command builds this parser too.
    from rich.console import Console

    from engine.tooling.coverage import Coverage
    from engine.tooling.testing import Suite
    from engine.workspace import Workspace

__all__ = ["EXIT_EMPTY", "register"]

#: Nothing was collected: no scenario file, no expectation, or ``-k`` deselected every test.
EXIT_EMPTY = 5


def _print_text(suite: Suite, out: Console, verbose: bool) -> None:
    from engine.tooling.testing import memo

    for case in suite.cases:
        if case.passed:
            out.print(f"PASS {case.id}", highlight=False)
            continue
        out.print(f"FAIL {case.id}: " + "; ".join(case.mismatches), style="red", highlight=False)
        if verbose:
            prepared = suite.prepared[case.file]
            for line in memo(case, prepared.world).splitlines():
                out.print(f"     {line}", highlight=False)
    for broken in suite.broken:
        out.print(f"ERROR {broken.file}", style="red", highlight=False)
        for problem in broken.problems:
            out.print(f"      {problem.render()}", highlight=False)


def _coverage_lines(report: Coverage) -> list[str]:
    lines = [f"coverage: {report.percent:.1f}% ({report.covered} of {report.required} outcomes)"]
    for c in report.conditions:
        marks = " ".join(o if o in c.seen else "-" * len(o) for o in ("holds", "fails", "unknown"))
        note = "" if c.remediable else "  (irremediable: not counted)"
        missing = f"  missing: {', '.join(c.missing)}" if c.missing else ""
        lines.append(f"  {c.id:<28} {marks}{missing}{note}")
    for s in report.stages:
        marks = " ".join(o if o in s.seen else "-" * len(o) for o in ("passes", "fails", "unknown"))
        lines.append(f"  {s.org} stage {s.stage:<18} {marks}")
    return lines


def cmd_test(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    from engine.tooling.coverage import coverage
    from engine.tooling.reports import junit_xml, suite_json
    from engine.tooling.testing import run_suite
    from engine.tooling.update import rewrites

    threshold = _threshold(args.threshold) if args.threshold is not None else None
    suite = run_suite(ws, args.paths, args.k)
    if args.update:
        changed = rewrites(suite)
        for rewrite in changed:
            sys.stdout.write(rewrite.diff())
            rewrite.write()
        print(f"rewrote the expectations of {len(changed)} file{'s' if len(changed) != 1 else ''}", file=sys.stderr)
        if changed:
            suite = run_suite(ws, args.paths, args.k)  # what the rewritten files now say
    report = None
    if args.coverage or threshold is not None:
        report = coverage((c.answer.to_json() for c in suite.cases), ws.default.rules)
    if args.junit:
        Path(args.junit).write_text(junit_xml(suite), encoding="utf-8")
    if args.json:
        document = suite_json(suite)
        if report is not None:
            document["coverage"] = report.to_json()
        print(dumps(document))
        print(suite.summary(), file=sys.stderr)
    else:
        _print_text(suite, out, args.verbose)
        for line in _coverage_lines(report) if report is not None else ():
            out.print(line, highlight=False)
        print(suite.summary())
    if suite.broken:
        return EXIT_BAD_INPUT
    below = report is not None and threshold is not None and report.percent < threshold
    if below:
        assert report is not None
        print(f"coverage {report.percent:.1f}% is below the threshold of {threshold:g}%", file=sys.stderr)
    if suite.failed or below:
        return EXIT_FAILED
    if not suite.cases and not args.allow_empty:
        print("no test was collected (no scenario file with an `expect`, or -k matched none)", file=sys.stderr)
        return EXIT_EMPTY
    return EXIT_OK


def _threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 100:
        raise AccedeError.one(
            "schema.invalid-value", f"`--threshold {text}`: a percentage from 0 to 100", field="--threshold"
        )
    return value


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
    test = sub.add_parser("test", help="run every expectation in files or folders")
    test.add_argument("paths", nargs="+")
    test.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE")
    test.add_argument("--json", action="store_true", help="one JSON document: summary, tests, errors (and coverage)")
    test.add_argument(
        "-k", metavar="PATTERN", help="only tests whose id (file::question) matches this regular expression"
    )
    test.add_argument("-v", "--verbose", action="store_true", help="the full verdict of every failure")
    test.add_argument("--coverage", action="store_true", help="which condition outcomes and stages the tests saw")
    test.add_argument("--threshold", type=str, help="with --coverage: exit 1 below this percentage")
    test.add_argument(
        "--update", action="store_true", help="rewrite failing expectations from the answers; print the diff"
    )
    test.add_argument("--allow-empty", action="store_true", help="exit 0 when nothing was collected")
    budget_flags(test)
    test.set_defaults(func=cmd_test)
