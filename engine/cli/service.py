"""Long-running and service commands: serve, watch, replay."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cli._common import (
    EXIT_CANNOT_BIND,
    EXIT_FAILED,
    EXIT_OK,
    as_of_option,
    option,
    reading_flags,
)
from engine.common.errors import AccedeError, Problem
from engine.reading.loader import (
    Located,
    parse_event,
)
from engine.rendering.jsonout import dumps
from engine.validation import resolve_name
from engine.workspace import Workspace

if TYPE_CHECKING:
    # The server, the watcher and the decision log are imported by their own commands when they run.
    from rich.console import Console

#: A line longer than this on ``accede watch``'s input is refused unread.
WATCH_LINE_BYTES = 64 * 1024


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
    import socket

    import uvicorn  # only this command needs the server

    from api.settings import Settings

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
        from engine.watcher import Watcher, WatcherError  # durable_rules is the `watch` extra
    except ImportError:
        message = "the live watcher needs durable_rules: install it with `pip install 'accede[watch]'`"
        raise AccedeError.one("watch.failed", message) from None
    from engine.reading.json_strict import read_json

    world = ws.world(args.world).trusting(args.trust)
    problems: list[Problem] = []
    on = as_of_option(args, problems)
    pairs: list[tuple[str, str]] | None = None
    if args.subscribe:
        pairs = []
        for k, item in enumerate(args.subscribe):
            named_state, _, named_org = item.partition(":")
            report = option(f"--subscribe[{k}]")
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
    watcher = Watcher(world, on, pairs, args.assume, engine=args.engine)
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
            watcher = Watcher(watcher.world, on, watcher.subscriptions, args.assume, engine=args.engine)
            continue
        for change in changes:
            print(dumps({"line": number, **change.to_json()}), flush=True)
    return EXIT_OK


def cmd_replay(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """``accede replay LOG``: re-answer a decision log and report every verdict that would now differ."""
    from engine.decisions import read_log, replay, replay_json, replay_lines

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


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
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

    watch = sub.add_parser("watch", help="events as JSON lines on standard input; a JSON line per verdict change")
    watch.add_argument("--world", help="`default` or a world folder")
    watch.add_argument("--as-of", help="the date verdicts are judged on (default: today)")
    watch.add_argument("--subscribe", nargs="*", metavar="STATE:ORG", help="default: every non-member and organisation")
    reading_flags(watch)
    watch.add_argument(
        "--engine",
        choices=["incremental", "evaluator", "durable"],
        default="incremental",
        help="incremental (default: only the pairs an event can touch), evaluator (every subscription), "
        "durable (durable_rules standing queries)",
    )
    watch.set_defaults(func=cmd_watch)

    replaying = sub.add_parser("replay", help="re-answer a decision log; report every verdict that would now differ")
    replaying.add_argument("log", metavar="LOG", help="a decision log: one JSON line per answered request")
    replaying.add_argument("--world", help="the world to replay on: `default` or a world folder standing in for it")
    replaying.add_argument("--json", action="store_true", help="one JSON document")
    replaying.set_defaults(func=cmd_replay)
