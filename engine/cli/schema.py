"""``accede schema``: JSON Schemas of scenario, rule and world files, for editors and validators."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.cli._common import EXIT_OK
from engine.common.errors import AccedeError
from engine.reading.writing import write_whole

if TYPE_CHECKING:
    from rich.console import Console

    from engine.workspace import Workspace

__all__ = ["cmd_schema", "register"]


def cmd_schema(args: argparse.Namespace, ws: Workspace, out: Console) -> int:
    """Print the schemas as one JSON document, or with ``--output DIR`` write one file per kind.

    Each file is written whole or not at all (a temporary file beside it, then renamed), so an
    editor reading the folder never sees half a schema.
    """
    # Building every model's JSON schema is this command's work alone.
    from engine.tooling.schema import document, dumps, files

    if args.output is None:
        sys.stdout.write(dumps(document()))
        return EXIT_OK
    folder = Path(args.output)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = "it is a file" if folder.exists() else exc.strerror or str(exc)
        raise AccedeError.one("file.not-found", f"cannot write into `{args.output}`: {why}", field="--output") from None
    for name, text in files().items():
        target = folder / name
        try:
            write_whole(target, text)
        except OSError as exc:
            message = f"cannot write `{target}`: {exc.strerror or exc}"
            raise AccedeError.one("file.not-found", message, field="--output") from None
        out.print(f"wrote {target}")
    return EXIT_OK


def register(sub: Any) -> None:
    """Add this module's commands to the parser."""
    schema = sub.add_parser(
        "schema",
        help="JSON Schemas of scenario, rule and world files",
        description="Print the JSON Schemas (draft 2020-12) of scenario, rule and world files as one JSON "
        "document keyed scenario, rules, world; with --output, write one file per kind of file instead.",
    )
    schema.add_argument(
        "--output",
        metavar="DIR",
        help="write scenario, rules, world and world-part .schema.json files into DIR (made if missing)",
    )
    schema.set_defaults(func=cmd_schema)
