"""Answers as CSV for spreadsheets: one row per verdict, every scenario in one table.

A row is a verdict of one state for one organisation: a join, a matrix row, an impact row (the
verdict after the changes, with the one before), a timeline interval (``from`` and ``until``),
an earliest answer (its ``date``, empty for never). Orders and leverage rankings are not
verdicts and give no row. Ids in ``failing`` and ``unknown`` are separated by spaces.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from engine.evaluation.verdict import JoinVerdict, MatrixResult
from engine.questions import KINDS
from engine.questions.earliest import EarliestResult
from engine.questions.impact import ImpactResult
from engine.questions.timeline import TimelineResult
from engine.rendering.markdown import Entry

__all__ = ["COLUMNS", "RENDERERS", "render_csv"]

#: The header, in order. ``date`` is the day a verdict is given for (a join's or matrix's as_of,
#: an earliest answer's date); a timeline interval has ``from`` and ``until`` instead.
COLUMNS = (
    "scenario",
    "file",
    "question",
    "kind",
    "state",
    "org",
    "date",
    "from",
    "until",
    "verdict",
    "failing",
    "unknown",
    "before",
    "failing_before",
)

Row = dict[str, str]


def _ids(ids: Iterable[str]) -> str:
    return " ".join(ids)


def _join(result: JoinVerdict) -> Iterator[Row]:
    yield {
        "state": result.state,
        "org": result.org,
        "date": result.as_of.isoformat(),
        "verdict": result.verdict,
        "failing": _ids(result.failing),
        "unknown": _ids(result.unknown),
    }


def _matrix(result: MatrixResult) -> Iterator[Row]:
    day = result.as_of.isoformat()
    for r in result.rows:
        yield {
            "state": r.state,
            "org": r.org,
            "date": day,
            "verdict": r.verdict,
            "failing": _ids(r.failing),
            "unknown": _ids(r.unknown),
        }


def _impact(result: ImpactResult) -> Iterator[Row]:
    day = result.as_of.isoformat()
    for before, after in result.changed:
        yield {
            "state": after.state,
            "org": after.org,
            "date": day,
            "verdict": after.verdict,
            "failing": _ids(after.failing),
            "unknown": _ids(after.unknown),
            "before": before.verdict,
            "failing_before": _ids(before.failing),
        }


def _timeline(result: TimelineResult) -> Iterator[Row]:
    for band in result.intervals:
        yield {
            "state": result.state,
            "org": result.org,
            "from": band.start.isoformat(),
            "until": (band.end or result.until).isoformat(),
            "verdict": band.verdict,
            "failing": _ids(band.failing),
            "unknown": _ids(band.unknown),
        }


def _earliest(result: EarliestResult) -> Iterator[Row]:
    yield {
        "state": result.state,
        "org": result.org,
        "date": result.found.isoformat() if result.found else "",
        "from": result.start.isoformat(),
        "verdict": result.verdict or "",
    }


def _none(result: Any) -> Iterator[Row]:
    """Orders and rankings: no verdict of their own to list."""
    return iter(())


#: Each kind's rows; every registered kind has an entry (checked at import).
RENDERERS: dict[str, Callable[[Any], Iterable[Row]]] = {
    "join": _join,
    "matrix": _matrix,
    "order": _none,
    "impact": _impact,
    "leverage": _none,
    "earliest": _earliest,
    "timeline": _timeline,
}
assert RENDERERS.keys() == KINDS.keys(), "every question kind needs a CSV renderer"


def _safe(value: str) -> str:
    """A text a spreadsheet will not run as a formula (a title written "=1+1" stays text)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def render_csv(entries: Iterable[Entry]) -> str:
    """One header and a row per verdict of every scenario, in question order."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        result = entry.result
        for answer in result.answers:
            found = result.verdicts.get(answer.id)
            if found is None:
                continue
            where = {"scenario": _safe(result.title), "file": _safe(entry.file), "question": _safe(answer.id)}
            for row in RENDERERS[answer.kind](found):
                writer.writerow({**where, "kind": answer.kind, **row})
    return buffer.getvalue()
