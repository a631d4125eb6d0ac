"""The ``accede`` command line: check, run, report, test, show, lint, serve, watch.

Exit status: 0 answered (and every expectation met), 1 an expectation failed, 2 bad input (one
located message per problem on standard error, never a traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from engine import models as m
from engine.common.budget import budget
from engine.common.dates import parse_day, today
from engine.common.errors import AccedeError, Problem
from engine.common.limits import DEADLINE, WORK
from engine.compiler.world import compile_world
from engine.decisions import read_log, replay, replay_json, replay_lines
from engine.evaluation.describe import describe_org, describe_state, vocabulary
from engine.reading.json_strict import read_json
from engine.reading.loader import (
    Located,
    display,
    lint_targets,
    load_rule_file,
    load_world_folder,
    parse_event,
    scenario_files,
    validate,
)
from engine.reading.yaml12 import read_yaml
from engine.rendering.csvout import render_csv
from engine.rendering.html import render_report
from engine.rendering.jsonout import dumps
from engine.rendering.markdown import Entry, render_markdown
from engine.rendering.prose import plural
from engine.rendering.text import (
    expectation_lines,
    render_join,
    render_org,
    render_scenario,
    render_state,
    render_timeline,
    render_vocabulary,
)
from engine.scenario import run as answer
from engine.validation import Ambiguous, resolve_name, validate_rules
from engine.validation.references import ambiguous
from engine.workspace import Workspace, later_passes

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2
#: What a shell reports for a process ended by SIGPIPE (128 + 13): a closed pipe is not an error of ours.
EXIT_PIPE = 141
#: ``accede serve`` could not bind its address (in use, or not allowed).
EXIT_CANNOT_BIND = 3


#: A line longer than this on ``accede watch``'s input is refused unread.
WATCH_LINE_BYTES = 64 * 1024


def _as_of(args: argparse.Namespace, problems: list[Problem]) -> date:
    """``--as-of``, or today; a bad date is collected with the other problems."""
    try:
        return parse_day(args.as_of, "--as-of", today())
    except AccedeError as exc:
        problems.extend(exc.problems)
        return today()


def _date_option(value: str, name: str, problems: list[Problem]) -> date:
    """A date option (``--from``), or ``today`` (UTC); a bad one is collected with the other problems."""
    try:
        return parse_day(value, name, today())
    except AccedeError as exc:
        problems.extend(exc.problems)
        return today()


def _option(name: str) -> Callable[[str, str], Problem]:
    """Locate a problem at a command-line argument."""
    return lambda code, message: Problem(code, message, field=name)


@contextmanager
def _progress(out: Console) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar for long sweeps, on a terminal only; it appears after a second of work."""
    if not out.is_terminal:
        yield None
        return
    with Progress(console=out, transient=True) as bar:
        task = bar.add_task("sweeping", total=None, visible=False)
        started = time.monotonic()

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=time.monotonic() - started > 1)

        yield tick


def cmd_check(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    problems: list[Problem] = []
    on = _as_of(args, problems)
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
    start = _date_option(args.from_, "--from", problems)
    until = _date_option(args.until, "--until", problems)
    if problems:
        raise AccedeError(problems)
    spec = {"state": args.state, "org": args.org, "from": start.isoformat(), "until": until.isoformat()}
    with _progress(out) as tick:
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
    shape = _format(args)
    if shape in _REPORTS:
        entries = _answered(ws, args.paths, out)
        sys.stdout.write(_REPORTS[shape](entries))
        return _status(entries)
    files = list(scenario_files(args.paths))
    results = []
    problems: list[Problem] = []
    with _progress(out) as progress:
        for path in files:
            try:
                results.append((path, ws.run_file(path, progress)))
            except AccedeError as exc:
                problems.extend(exc.problems)
    if problems:
        raise AccedeError(problems)
    failed = False
    for path, result in results:
        failed = failed or any(a.passed is False for a in result.answers)
        if shape == "json":
            print(dumps(result.to_json()))
        else:
            assert result.evaluated_on is not None
            render_scenario(out, result.evaluated_on, result, display(path))
    return EXIT_FAILED if failed else EXIT_OK


#: ``run --format`` and ``report``: each report format as a whole document, dated today (UTC).
_REPORTS: dict[str, Callable[[list[Entry]], str]] = {
    "html": lambda entries: render_report(entries, today()),
    "markdown": lambda entries: render_markdown(entries, today()),
    "csv": render_csv,
}


def _format(args: argparse.Namespace) -> str:
    """``--format``, with ``--json`` its alias for ``--format json``; the two may not disagree."""
    if args.json and args.format not in (None, "json"):
        message = f"`--json` and `--format {args.format}` disagree: give one of them"
        raise AccedeError.one("schema.invalid-value", message, field="--format")
    return "json" if args.json else args.format or "text"


def _answered(ws: Workspace, paths: Sequence[str], out: Console) -> list[Entry]:
    """Every scenario file answered, with its description, for a report; every problem at once."""
    entries = []
    problems: list[Problem] = []
    with _progress(out) as progress:
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
    document = _REPORTS[shape](entries)
    if args.output == "-":
        sys.stdout.write(document)
        return _status(entries)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(document, encoding="utf-8", newline="")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        message = f"cannot write `{target}`: {exc.strerror or exc}"
        raise AccedeError.one("file.not-found", message, field="-o") from None
    questions = sum(len(e.result.answers) for e in entries)
    print(f"wrote {target} ({plural(len(entries), 'scenario')}, {plural(questions, 'question')})", file=sys.stderr)
    return _status(entries)


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


def cmd_show(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    problems: list[Problem] = []
    on = _as_of(args, problems)
    world = ws.world(args.world)
    # An organisation's code or name first: no organisation is named like a state.
    org = world.names.org(args.code)
    state = None if isinstance(org, str) else world.names.state(args.code)
    code = org if isinstance(org, str) else state if isinstance(state, str) else None
    if code is None:
        report = _option("STATE|ORG")
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


#: Flags of ``accede serve`` and the environment variables they set (``api.settings`` reads them).
_SERVE_ENV = {
    "host": "ACCEDE_HOST",
    "port": "ACCEDE_PORT",
    "workers": "ACCEDE_WORKERS",
    "threads": "ACCEDE_THREADS",
    "log_level": "ACCEDE_LOG_LEVEL",
    "log_format": "ACCEDE_LOG_FORMAT",
    "cors_origins": "ACCEDE_CORS_ORIGINS",
    "decision_log": "ACCEDE_DECISION_LOG",
    "answer_cache": "ACCEDE_ANSWER_CACHE",
    "work": "ACCEDE_WORK",
    "deadline": "ACCEDE_DEADLINE",
}


def cmd_serve(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """The HTTP service on the bundled world (uvicorn); compiled once per worker at start-up.

    Flags override ``ACCEDE_*`` variables; both are validated before anything starts (exit 2), and
    an address that cannot be bound exits 3 with one line saying so, before any worker starts.
    """
    import socket  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415  (only this command needs the server)

    from api.settings import Settings  # noqa: PLC0415

    flags: dict[str, str] = {}
    for name, variable in _SERVE_ENV.items():
        value = getattr(args, name, None)
        if value is not None:
            os.environ[variable] = str(value)
            flags[variable] = "--" + name.replace("_", "-")
    try:
        settings = Settings.from_env()
    except AccedeError as exc:
        # Name the flag the user typed, when a flag set the variable.
        raise AccedeError(
            Problem(p.code, p.message, field=flags.get(p.field or "", p.field)) for p in exc.problems
        ) from None
    try:
        with socket.create_server((settings.host, settings.port)):
            pass
    except OSError as exc:
        message = f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}"
        print(Problem("serve.cannot-bind", message, field="--port").render(), file=sys.stderr)
        return EXIT_CANNOT_BIND
    print(
        f"accede serving http://{settings.host}:{settings.port} (world default, {settings.workers} worker"
        f"{'s' if settings.workers != 1 else ''}; the revision is logged once compiled)",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        access_log=False,  # the service writes its own structured access log (api.middleware.context)
        timeout_keep_alive=5,  # an idle connection is closed after 5 s
        timeout_graceful_shutdown=10,
    )
    return EXIT_OK


def cmd_watch(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """Events as JSON lines on standard input; a JSON line per verdict that changes."""
    try:
        from engine.watcher import Watcher, WatcherError  # noqa: PLC0415  (durable_rules is the `watch` extra)
    except ImportError:
        message = "the live watcher needs durable_rules: install it with `pip install 'accede[watch]'`"
        raise AccedeError.one("watch.failed", message) from None

    world = ws.world(args.world).trusting(args.trust)
    problems: list[Problem] = []
    on = _as_of(args, problems)
    pairs: list[tuple[str, str]] | None = None
    if args.subscribe:
        pairs = []
        for k, item in enumerate(args.subscribe):
            named_state, _, named_org = item.partition(":")
            report = _option(f"--subscribe[{k}]")
            state = resolve_name(named_state, world.names.states, report, problems)
            org = resolve_name(named_org, world.names.orgs, report, problems)
            if state is None or org is None:
                continue
            if world.orgs[org].version_at(on) is None:
                problems.append(report("scenario.no-rules", f"the {org} has no rules in force on {on.isoformat()}"))
            else:
                pairs.append((state, org))
    if problems:
        raise AccedeError(problems)
    watcher = Watcher(world, on, pairs, args.assume)
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        name = f"<stdin>:{number}"
        try:
            doc = read_json(line, name, limit=WATCH_LINE_BYTES, what="line")
            event = parse_event(doc, world.names)
            changes = watcher.apply(event, Located(doc, ()))
        except AccedeError as exc:
            for problem in exc.problems:
                print(dumps({"line": number, "error": problem.as_dict()}), flush=True)
            continue
        except WatcherError as exc:
            # durable_rules' session may be half-updated: start a clean one on the last good world.
            print(dumps({"line": number, "error": {"code": "watch.failed", "message": str(exc)}}), flush=True)
            watcher = Watcher(watcher.world, on, watcher.subscriptions, args.assume)
            continue
        for change in changes:
            print(dumps({"line": number, **change.to_json()}), flush=True)
    return EXIT_OK


def cmd_replay(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """``accede replay LOG``: re-answer a decision log and report every verdict that would now differ."""
    entries = list(read_log(Path(args.log)))  # every line checked before anything is re-answered
    if args.world not in (None, "default"):
        ws = Workspace(Path(args.world))  # the logged questions name `default`: this world stands in for it
    differences = replay(entries, ws)
    if args.json:
        print(dumps(replay_json(differences, len(entries))))
    else:
        for line in replay_lines(differences, len(entries)):
            out.print(line, highlight=False)
    return EXIT_FAILED if any(d.changed for d in differences) else EXIT_OK


def _budget_flags(parser: argparse.ArgumentParser) -> None:
    """The same work budget and deadline as the service's, at the command line's own values."""
    parser.add_argument(
        "--max-work", type=int, default=WORK.file, help=f"work units the command may spend (default {WORK.file:,})"
    )
    parser.add_argument(
        "--max-seconds", type=float, default=DEADLINE.file, help=f"wall deadline in seconds (default {DEADLINE.file:,})"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accede", description="Can this state join that organisation on that date?")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="one verdict, explained")
    check.add_argument("state")
    check.add_argument("org")
    check.add_argument("--as-of", help="ISO date (default: today)")
    check.add_argument("--world", help="`default` or a world folder")
    check.add_argument("--assume", choices=["unknown", "support", "oppose"], default="unknown")
    check.add_argument(
        "--trust", choices=["low", "medium", "high"], default="low", help="least confidence of a fact to use"
    )
    check.add_argument("--json", action="store_true")
    _budget_flags(check)
    check.set_defaults(func=cmd_check)

    run = sub.add_parser("run", help="answer every question of scenario files")
    run.add_argument("paths", nargs="+")
    run.add_argument("--json", action="store_true", help="one JSON document per scenario file, one per line")
    run.add_argument(
        "--format",
        choices=["text", "json", "html", "markdown", "csv"],
        help="text (default); json (as --json); html (the report); markdown (a memo); csv (a row per verdict)",
    )
    _budget_flags(run)
    run.set_defaults(func=cmd_run)

    report = sub.add_parser("report", help="one self-contained HTML report of scenario files: memos, tables, timelines")
    report.add_argument("paths", nargs="+")
    report.add_argument("-o", "--output", required=True, metavar="FILE", help="the file to write (`-` standard output)")
    report.add_argument(
        "--format", choices=["html", "markdown", "csv"], help="default: from the suffix (.md, .csv), else html"
    )
    _budget_flags(report)
    report.set_defaults(func=cmd_report)

    test = sub.add_parser("test", help="run every expectation in files or folders")
    test.add_argument("paths", nargs="+")
    _budget_flags(test)
    test.set_defaults(func=cmd_test)

    timeline = sub.add_parser("timeline", help="the verdict of one pair over a period, as intervals with their causes")
    timeline.add_argument("state")
    timeline.add_argument("org")
    timeline.add_argument("--from", dest="from_", required=True, help="ISO date, or `today`")
    timeline.add_argument("--until", required=True, help="ISO date, or `today` (exclusive)")
    timeline.add_argument("--world", help="`default` or a world folder")
    timeline.add_argument("--assume", choices=["unknown", "support", "oppose"], default="unknown")
    timeline.add_argument(
        "--trust", choices=["low", "medium", "high"], default="low", help="least confidence of a fact to use"
    )
    timeline.add_argument("--json", action="store_true")
    _budget_flags(timeline)
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

    watch = sub.add_parser("watch", help="events as JSON lines on standard input; a JSON line per verdict change")
    watch.add_argument("--world", help="`default` or a world folder")
    watch.add_argument("--as-of", help="the date verdicts are judged on (default: today)")
    watch.add_argument("--subscribe", nargs="*", metavar="STATE:ORG", help="default: every non-member and organisation")
    watch.add_argument("--assume", choices=["unknown", "support", "oppose"], default="unknown")
    watch.add_argument(
        "--trust", choices=["low", "medium", "high"], default="low", help="least confidence of a fact to use"
    )
    watch.set_defaults(func=cmd_watch)

    serve = sub.add_parser("serve", help="the HTTP what-if service on the bundled world (flags override ACCEDE_*)")
    serve.add_argument("--host", help="address to bind (ACCEDE_HOST; default 127.0.0.1)")
    serve.add_argument("--port", help="1-65535 (ACCEDE_PORT; default 8000)")
    serve.add_argument("--workers", help="worker processes (ACCEDE_WORKERS; default 1)")
    serve.add_argument("--threads", help="evaluation threads per process (ACCEDE_THREADS)")
    serve.add_argument("--log-level", help="critical, error, warning, info or debug (ACCEDE_LOG_LEVEL; default info)")
    serve.add_argument("--log-format", help="json or text (ACCEDE_LOG_FORMAT; default json)")
    serve.add_argument("--cors-origins", help="comma-separated browser origins allowed (ACCEDE_CORS_ORIGINS)")
    serve.add_argument("--decision-log", help="append one JSON line per answer to FILE (ACCEDE_DECISION_LOG)")
    serve.add_argument("--answer-cache", help="answers kept to give again, 0 for none (ACCEDE_ANSWER_CACHE)")
    serve.add_argument("--work", help="work units per request (ACCEDE_WORK)")
    serve.add_argument("--deadline", help="seconds per request (ACCEDE_DEADLINE)")
    serve.set_defaults(func=cmd_serve)

    lint = sub.add_parser("lint", help="validate rule, world and scenario files")
    lint.add_argument("paths", nargs="+")
    lint.set_defaults(func=cmd_lint)

    replaying = sub.add_parser("replay", help="re-answer a decision log; report every verdict that would now differ")
    replaying.add_argument("log", metavar="LOG", help="a decision log: one JSON line per answered request")
    replaying.add_argument("--world", help="the world to replay on: `default` or a world folder standing in for it")
    replaying.add_argument("--json", action="store_true", help="one JSON document")
    replaying.set_defaults(func=cmd_replay)
    return parser


class _Console(Console):
    """rich's console, with a closed pipe handled where every other one is (``main``)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Prose wraps to a terminal's width; piped output keeps one line per paragraph for grep and diff.
    out = _Console(highlight=False, markup=False)  # data may contain [brackets]
    out.soft_wrap = not out.is_terminal
    ws = Workspace()
    try:
        # Long-running commands (serve, watch) have no budget; one-shot ones have the documented one.
        work, seconds = getattr(args, "max_work", None), getattr(args, "max_seconds", None)
        with budget(work, seconds):
            code: int = args.func(args, ws, out)
        sys.stdout.flush()
    except AccedeError as exc:
        for problem in exc.problems:
            print(problem.render(), file=sys.stderr)
        n = len(exc.problems)
        print(f"{n} problem{'s' if n != 1 else ''}", file=sys.stderr)
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
