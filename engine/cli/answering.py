"""Commands that answer: check, timeline, list, show, run, report.

The report renderers (HTML, Markdown, CSV) and the bulk runner are imported by the commands that
use them: ``accede check`` is one fresh process per question, and should load no more than it needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cli._common import (
    EXIT_FAILED,
    EXIT_OK,
    as_of_option,
    budget_flags,
    date_option,
    option,
    progress_bar,
    reading_flags,
)
from engine.common.dates import today
from engine.common.errors import AccedeError, Problem
from engine.evaluation.describe import describe_org, describe_state, vocabulary
from engine.reading.loader import (
    display,
    scenario_files,
)
from engine.reading.writing import write_whole
from engine.rendering.jsonout import dumps
from engine.rendering.prose import plural
from engine.rendering.text import (
    render_join,
    render_org,
    render_state,
    render_timeline,
    render_vocabulary,
)
from engine.scenario import run as answer
from engine.validation import Ambiguous
from engine.validation.references import ambiguous

if TYPE_CHECKING:
    from rich.console import Console

    from engine.rendering.markdown import Entry
    from engine.workspace import Workspace

#: The report formats (``run --format``, ``report``).
_REPORTS = ("html", "markdown", "csv")


def cmd_check(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    problems: list[Problem] = []
    on = as_of_option(args, problems)
    try:
        verdict = ws.check(args.state, args.org, on, args.world, assume=args.assume, trust=args.trust)
    except AccedeError as exc:
        raise AccedeError([*problems, *exc.problems]) from None
    if problems:
        raise AccedeError(problems)
    if args.json:
        print(dumps({"id": "check", "kind": "join", **verdict.to_json()}))
    else:
        render_join(out, ws.world(args.world) if args.world else ws.default, verdict)
    return EXIT_OK


def cmd_timeline(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """``accede timeline STATE ORG --from D1 --until D2``: the bid's story, as the timeline question."""
    problems: list[Problem] = []
    start = date_option(args.from_, "--from", problems)
    until = date_option(args.until, "--until", problems)
    if problems:
        raise AccedeError(problems)
    spec = {"state": args.state, "org": args.org, "from": start.isoformat(), "until": until.isoformat()}
    with progress_bar(out) as tick:
        result, world = ws.ask(
            {"timeline": spec}, start, args.world, assume=args.assume, progress=tick, trust=args.trust
        )
    if args.json:
        print(dumps({"id": "timeline", "kind": "timeline", **result.to_json()}))
    else:
        render_timeline(out, world, result)  # type: ignore[arg-type]  # the question is a timeline
    return EXIT_OK


def cmd_list(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """``accede list states|orgs|keys``: the vocabulary an analyst writes."""
    world = ws.world(args.world)
    info = vocabulary(world, args.what)
    if args.json:
        print(dumps(info))
    else:
        render_vocabulary(out, args.what, info)
    return EXIT_OK


def cmd_run(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """``accede run SCENARIO...``: every file answered (on ``--jobs`` processes or a Dask cluster),
    printed in input order as it comes; every problem of every file reported at the end."""
    shape = _format(args)
    if shape in _REPORTS:
        if args.executor is not None or args.jobs not in (None, "1"):
            # A report is one document built from every answer in this process; workers send text back.
            message = f"`--jobs` and `--executor` give text or json output, not `--format {shape}`"
            raise AccedeError.one("schema.invalid-value", message, field="--jobs" if args.jobs else "--executor")
        entries = _answered(ws, args.paths, out)
        sys.stdout.write(_render_report(shape, entries))
        return _status(entries)
    from engine.tooling import bulk

    files = list(scenario_files(args.paths))
    executor = bulk.executor_for(
        args.jobs, args.executor, files=len(files), workspace=ws, progress=lambda: progress_bar(out)
    )
    failed = False
    problems: list[Problem] = []
    results = bulk.run_files(
        files,
        executor,
        shape="json" if shape == "json" else "text",
        page=bulk.Page.of(out),
        work=args.max_work,
        seconds=args.max_seconds,
    )
    with closing(results):
        for result in results:
            problems.extend(result.problems)
            failed = failed or result.failed
            # As it comes: a long run shows its answers while the rest are still being worked out.
            sys.stdout.write(result.output)
            sys.stdout.flush()
    if problems:
        raise AccedeError(problems)
    return EXIT_FAILED if failed else EXIT_OK


def _render_report(shape: str, entries: list[Entry]) -> str:
    """``run --format`` and ``report``: one report format as a whole document, dated today (UTC)."""
    if shape == "html":
        from engine.rendering.html import render_report

        return render_report(entries, today())
    if shape == "markdown":
        from engine.rendering.markdown import render_markdown

        return render_markdown(entries, today())
    from engine.rendering.csvout import render_csv

    return render_csv(entries)


def _format(args: argparse.Namespace) -> str:
    """``--format``, with ``--json`` its alias for ``--format json``; the two may not disagree."""
    if args.json and args.format not in (None, "json"):
        message = f"`--json` and `--format {args.format}` disagree: give one of them"
        raise AccedeError.one("schema.invalid-value", message, field="--format")
    return "json" if args.json else args.format or "text"


def _answered(ws: Workspace, paths: Sequence[str], out: Console) -> list[Entry]:
    """Every scenario file answered, with its description, for a report; every problem at once."""
    from engine.rendering.markdown import Entry

    entries = []
    problems: list[Problem] = []
    with progress_bar(out) as progress:
        for path in scenario_files(paths):
            try:
                prepared = ws.prepare_file(path)
                entries.append(Entry(display(path), answer(prepared, progress), prepared.scenario.description))
            except AccedeError as exc:
                problems.extend(exc.problems)
    if problems:
        raise AccedeError(problems)
    return entries


def _status(entries: Sequence[Entry]) -> int:
    failed = any(a.passed is False for e in entries for a in e.result.answers)
    return EXIT_FAILED if failed else EXIT_OK


#: The report format a file's suffix asks for; any other suffix is HTML.
_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".csv": "csv"}


def cmd_report(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """``accede report SCENARIO... -o FILE``: one self-contained HTML file (or Markdown, CSV) of every answer.

    The file is written whole or not at all (a temporary file beside it, then renamed); exit 1
    when an expectation is not met, as ``run``.
    """
    target = Path(args.output)
    shape = args.format or _SUFFIXES.get(target.suffix.lower(), "html")
    if args.output != "-" and not target.parent.is_dir():
        raise AccedeError.one("file.not-found", f"no folder `{target.parent}` to write the report in", field="-o")
    entries = _answered(ws, args.paths, out)
    document = _render_report(shape, entries)
    if args.output == "-":
        sys.stdout.write(document)
        return _status(entries)
    try:
        write_whole(target, document)
    except OSError as exc:
        message = f"cannot write `{target}`: {exc.strerror or exc}"
        raise AccedeError.one("file.not-found", message, field="-o") from None
    questions = sum(len(e.result.answers) for e in entries)
    print(f"wrote {target} ({plural(len(entries), 'scenario')}, {plural(questions, 'question')})", file=sys.stderr)
    return _status(entries)


def cmd_show(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    problems: list[Problem] = []
    on = as_of_option(args, problems)
    world = ws.world(args.world)
    # An organisation's code or name first: no organisation is named like a state.
    org = world.names.org(args.code)
    state = None if isinstance(org, str) else world.names.state(args.code)
    code = org if isinstance(org, str) else state if isinstance(state, str) else None
    if code is None:
        report = option("STATE|ORG")
        if isinstance(org, Ambiguous) or isinstance(state, Ambiguous):
            found = org if isinstance(org, Ambiguous) else state
            assert isinstance(found, Ambiguous)
            problems.append(report(*ambiguous(found)))
        else:
            hint = world.names.states.did_you_mean(args.code) or world.names.orgs.did_you_mean(args.code)
            problems.append(report("world.unknown-state", f"unknown state or organisation `{args.code}`{hint}"))
    if problems or code is None:
        raise AccedeError(problems)
    info = describe_org(world, code, on) if code in world.orgs else describe_state(world, code, on)
    if args.json:
        print(dumps(info))
    elif code in world.orgs:
        render_org(out, info)
    else:
        render_state(out, info)
    return EXIT_OK


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
    check = sub.add_parser("check", help="one verdict, explained")
    check.add_argument("state")
    check.add_argument("org")
    check.add_argument("--as-of", help="ISO date (default: today)")
    check.add_argument("--world", help="`default` or a world folder")
    reading_flags(check)
    check.add_argument("--json", action="store_true")
    budget_flags(check)
    check.set_defaults(func=cmd_check)

    run = sub.add_parser("run", help="answer every question of scenario files")
    run.add_argument("paths", nargs="+")
    run.add_argument("--json", action="store_true", help="one JSON document per scenario file, one per line")
    run.add_argument(
        "--format",
        choices=["text", "json", "html", "markdown", "csv"],
        help="text (default); json (as --json); html (the report); markdown (a memo); csv (a row per verdict)",
    )
    run.add_argument(
        "--jobs",
        metavar="N",
        help="answer the files on N local processes (default 1; 0 or `auto`: one per CPU); output as with 1",
    )
    run.add_argument(
        "--executor",
        metavar="URL",
        help="answer the files on a Dask cluster, `dask://HOST:PORT` (needs `pip install 'accede[dask]'`)",
    )
    budget_flags(run)
    run.set_defaults(func=cmd_run)

    report = sub.add_parser("report", help="one self-contained HTML report of scenario files: memos, tables, timelines")
    report.add_argument("paths", nargs="+")
    report.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write (`-` standard output)")
    report.add_argument(
        "--format", choices=["html", "markdown", "csv"], help="default: from the suffix (.md, .csv), else html"
    )
    budget_flags(report)
    report.set_defaults(func=cmd_report)

    timeline = sub.add_parser("timeline", help="the verdict of one pair over a period, as intervals with their causes")
    timeline.add_argument("state")
    timeline.add_argument("org")
    timeline.add_argument("--from", dest="from_", required=True, help="ISO date, or `today`")
    timeline.add_argument("--until", required=True, help="ISO date, or `today` (exclusive)")
    timeline.add_argument("--world", help="`default` or a world folder")
    reading_flags(timeline)
    timeline.add_argument("--json", action="store_true")
    budget_flags(timeline)
    timeline.set_defaults(func=cmd_timeline)

    listing = sub.add_parser("list", help="the vocabulary: states, organisations, assessment keys")
    listing.add_argument("what", choices=["states", "orgs", "keys"])
    listing.add_argument("--world", help="`default` or a world folder")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help="what the world holds about one state or organisation, with sources")
    show.add_argument("code", metavar="STATE|ORG")
    show.add_argument("--as-of", help="ISO date (default: today)")
    show.add_argument("--world", help="`default` or a world folder")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)
