"""The decision log: every answer given to a client, one JSON line each, and its replay.

Operators keep it to replay past answers exactly and to see which of them a change of rules or
data would alter (as OPA's decision logs). It is off unless the service is given a file.

Writing (the HTTP service, after each answer it returns)::

    log = DecisionLog(path)          # opens in append mode; a file that cannot be opened is an
                                     # AccedeError (file.not-found), raised here, at start-up
    log.record(request_id=rid, kind="check", question=body, as_of=answer["as_of"],
               revision=workspace.default.revision, answer=answer)
    log.record(request_id=rid, kind="scenario", question=body, as_of=result["as_of"],
               revision=result["revision"], answer=result)
    log.close()

``record`` is thread-safe (requests are answered in a worker pool), writes each line with one
unbuffered append (so lines stay whole even with several worker processes on one local file),
and never raises: an I/O error is logged once on ``accede.decisions`` and logging stops; an answer
that is not JSON is logged and skipped. ``question`` is the body as the client sent it, and
``as_of`` the date the answer used (for a check without ``as_of``, the day it was answered).

One line of the log::

    {"id": "3f2a…", "time": "2026-03-01T09:30:00.123Z", "kind": "check",
     "question": {"state": "ARM", "org": "SCO"}, "as_of": "2026-03-01",
     "revision": "5e1c0d9a7b3f2e41", "answer": {"id": "check", "kind": "join", ...}}

Reading and replaying (``accede replay LOG``): ``read_log`` validates every line first, and
``replay`` re-answers each entry on a workspace (a check on its logged ``as_of``, so its "today"
is the day it was answered; a scenario as it was) and returns a ``Difference`` for each entry
whose verdicts now differ or whose revision does. Only verdict fields are compared (a verdict
and its failing ids, an earliest date, an order's conflicts), never the wording of evidence.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import FileIO
from pathlib import Path
from typing import Any, Literal, NamedTuple

from engine.common.dates import DATE_MESSAGE, parse_date
from engine.common.errors import AccedeError, Problem, shown
from engine.common.limits import DOCUMENT_BYTES
from engine.reading.json_strict import read_json
from engine.reading.loader import display
from engine.reading.yaml12 import Document
from engine.rendering.jsonout import dumps, flow
from engine.workspace import Workspace

__all__ = [
    "DecisionLog",
    "Difference",
    "Kind",
    "LogEntry",
    "VerdictChange",
    "read_log",
    "replay",
    "replay_json",
    "replay_lines",
]

log = logging.getLogger("accede.decisions")

Kind = Literal["check", "scenario"]
_KINDS: tuple[Kind, ...] = ("check", "scenario")
#: The fields of a log line, in the order they are written.
_FIELDS = ("id", "time", "kind", "question", "as_of", "revision", "answer")


def _now() -> datetime:
    return datetime.now(UTC)


class DecisionLog:
    """An append-only JSON-lines file of answered requests; see the module docstring."""

    def __init__(self, path: str | Path, *, clock: Callable[[], datetime] = _now) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            # Unbuffered: each line is one write, so it is on its way to the disk when record returns.
            self._file: FileIO | None = open(self.path, "ab", buffering=0)  # noqa: SIM115  (closed by close())
        except OSError as exc:
            message = f"cannot open the decision log `{shown(display(self.path))}`: {exc.strerror or exc}"
            raise AccedeError.one("file.not-found", message, file=display(self.path)) from None

    @property
    def active(self) -> bool:
        """Whether lines are still written (false once closed or after an I/O error)."""
        return self._file is not None

    def record(
        self,
        *,
        request_id: str,
        kind: Kind,
        question: Mapping[str, Any],
        as_of: date | str,
        revision: str | None,
        answer: Mapping[str, Any],
    ) -> None:
        """Append one answered request; never raises into the request that calls it."""
        if self._file is None:
            return
        entry = {
            "id": request_id,
            "time": self._clock().astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "kind": kind,
            "question": question,
            "as_of": as_of.isoformat() if isinstance(as_of, date) else as_of,
            "revision": revision,
            "answer": answer,
        }
        try:
            data = (dumps(entry) + "\n").encode("utf-8")
        except (TypeError, ValueError, RecursionError) as exc:
            # A bug in the caller, not in the disk: skip this entry and keep logging the others.
            log.error("decision log: request %s not logged: its answer is not JSON (%s)", shown(request_id), exc)
            return
        with self._lock:
            if self._file is None:
                return
            try:
                view = memoryview(data)
                while view:  # a regular file takes it all at once; a short write is finished, not lost
                    view = view[self._file.write(view) :]
            except (OSError, ValueError) as exc:
                log.error("decision log %s: %s; decisions are no longer logged", display(self.path), exc)
                self._close()

    def close(self) -> None:
        """Stop logging and close the file; later ``record`` calls do nothing."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        file, self._file = self._file, None
        if file is not None:
            try:
                file.close()
            except OSError as exc:
                log.error("decision log %s: %s on close", display(self.path), exc)

    def __enter__(self) -> DecisionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogEntry:
    """One line of a decision log, checked."""

    file: str
    line: int
    request_id: str
    time: str
    kind: Kind
    question: dict[str, Any]
    as_of: date
    revision: str | None
    answer: dict[str, Any]


def read_log(path: Path) -> Iterator[LogEntry]:
    """The entries of a decision log with their line numbers; blank lines are skipped.

    Every line is checked; once all are read, an ``AccedeError`` carries every malformed one,
    located by line (``json.syntax`` for a line that is not JSON, ``schema.*`` for a field), so a
    caller that must not act on a bad log reads it whole first (``list(read_log(path))``).
    """
    name = display(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise AccedeError.one(
            "file.not-found", f"cannot read `{shown(name)}`: {exc.strerror or exc}", file=name
        ) from None
    problems: list[Problem] = []
    with handle:
        for number, raw in enumerate(handle, 1):  # split on b"\n" only, as the lines were written
            if not raw.strip():
                continue
            try:
                doc = read_json(raw.rstrip(b"\r\n"), name, limit=DOCUMENT_BYTES.file, what="line")
            except AccedeError as exc:
                problems += [dataclasses.replace(p, line=number) for p in exc.problems]
                continue
            entry = _entry(doc.data, name, number, problems)
            if entry is not None:
                yield entry
    if problems:
        raise AccedeError(problems)


def _entry(data: dict[str, Any], name: str, number: int, problems: list[Problem]) -> LogEntry | None:
    # Unknown fields are tolerated: a log written by a later accede may carry more.
    found: list[Problem] = []

    def bad(code: str, field: str, message: str) -> None:
        found.append(Problem(code, message, file=name, line=number, field=field))

    missing = [key for key in _FIELDS if key not in data]
    for key in missing:
        bad("schema.missing-field", key, f"missing required field `{key}`")
    if missing:
        problems.extend(found)
        return None
    request_id, time, kind, question = data["id"], data["time"], data["kind"], data["question"]
    revision, answer, as_of = data["revision"], data["answer"], parse_date(data["as_of"])
    if not isinstance(request_id, str):
        bad("schema.invalid-value", "id", "the request id must be a string")
    if not isinstance(time, str) or not _is_timestamp(time):
        bad("schema.invalid-value", "time", f"`{shown(time)}` is not an ISO 8601 timestamp")
    if kind not in _KINDS:
        bad("schema.invalid-value", "kind", f"`{shown(kind)}` is not `check` or `scenario`")
    if not isinstance(question, dict):
        bad("schema.invalid-value", "question", "the question must be a JSON object")
    if as_of is None:
        bad("date.invalid", "as_of", DATE_MESSAGE.format(value=shown(data["as_of"], 40)))
    if revision is not None and not isinstance(revision, str):
        bad("schema.invalid-value", "revision", "the revision must be a string or null")
    if not isinstance(answer, dict):
        bad("schema.invalid-value", "answer", "the answer must be a JSON object")
    elif kind == "scenario" and not (
        isinstance(answer.get("results"), list) and all(isinstance(r, dict) for r in answer["results"])
    ):
        bad("schema.invalid-value", "answer.results", "a scenario's answer must list its results as objects")
    if found or as_of is None:
        problems.extend(found)
        return None
    return LogEntry(name, number, request_id, time, kind, question, as_of, revision, answer)


def _is_timestamp(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


# --- replaying ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerdictChange:
    """One verdict of an answer that differs: what it was when logged and what it is now.

    ``subject`` names what the verdict is about within its question (``ARM SCO``, a matrix row,
    ``ARM SCO from 2024-01-01`` for a timeline's interval); None means absent on that side.
    """

    question: str
    subject: str
    before: str | None
    after: str | None
    failing_before: tuple[str, ...]
    failing_after: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "subject": self.subject,
            "before": self.before,
            "after": self.after,
            "failing_before": list(self.failing_before),
            "failing_after": list(self.failing_after),
        }


@dataclass(frozen=True, slots=True)
class Difference:
    """A logged answer that replays differently: its verdicts, or only its revision (informational).

    ``problems`` holds why the question can no longer be answered at all (a state the world has
    lost, a change that now contradicts the history); that counts as a change.
    """

    line: int
    request_id: str
    kind: Kind
    changes: tuple[VerdictChange, ...]
    revision_before: str | None
    revision_after: str | None
    problems: tuple[Problem, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "id": self.request_id,
            "kind": self.kind,
            "changes": [c.to_json() for c in self.changes],
            "problems": [p.as_dict() for p in self.problems],
            "revision_before": self.revision_before,
            "revision_after": self.revision_after,
        }

    def lines(self) -> list[str]:
        """One line per changed verdict, as ``accede replay`` prints them."""
        head = f"line {self.line} (request {shown(self.request_id, 9)})"
        out = []
        for c in self.changes:
            where = "" if self.kind == "check" else f"question `{shown(c.question)}`: "
            out.append(
                f"{head}: {where}{c.subject} {c.before or '(absent)'} -> {c.after or '(absent)'} "
                f"(failing [{', '.join(c.failing_before)}] -> [{', '.join(c.failing_after)}])"
            )
        for p in self.problems:
            unplaced = dataclasses.replace(p, file=None, line=None, column=None)
            out.append(f"{head}: no longer answered: {unplaced.render()}")
        return out


def replay(entries: Iterable[LogEntry], workspace: Workspace) -> list[Difference]:
    """Re-answer each logged request on ``workspace``; one ``Difference`` per entry that differs.

    Pure apart from what the workspace reads: a broken world raises (it is not a changed answer),
    a question the world can no longer answer is a ``Difference`` with its problems.
    """
    baseline = workspace.default  # compiled first: a world that does not load fails the replay, not each entry
    out: list[Difference] = []
    for entry in entries:
        try:
            answer, revision = _reanswer(entry, workspace, baseline.revision)
        except AccedeError as exc:
            out.append(Difference(entry.line, entry.request_id, entry.kind, (), entry.revision, None, exc.problems))
            continue
        changes = _compare(_results(entry.kind, entry.answer), _results(entry.kind, answer))
        if changes or revision != entry.revision:
            out.append(Difference(entry.line, entry.request_id, entry.kind, changes, entry.revision, revision))
    return out


def _reanswer(entry: LogEntry, workspace: Workspace, revision: str | None) -> tuple[dict[str, Any], str | None]:
    name = f"{entry.file}:{entry.line}"
    question = copy.deepcopy(entry.question)  # the entry stays as it was read
    if entry.kind == "check":
        question.setdefault("as_of", entry.as_of.isoformat())
        return workspace.check_request(Document(name, question), today=entry.as_of).to_json(), revision
    result = workspace.run_document(Document(name, question)).to_json()
    return result, result.get("revision")


def _results(kind: Kind, answer: Mapping[str, Any]) -> list[dict[str, Any]]:
    if kind == "check":
        return [dict(answer)]
    return [r for r in answer.get("results", []) if isinstance(r, dict)]


class _Point(NamedTuple):
    verdict: str
    failing: tuple[str, ...]


def _compare(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> tuple[VerdictChange, ...]:
    old = {str(r.get("id")): _points(r) for r in before}
    new = {str(r.get("id")): _points(r) for r in after}
    changes: list[VerdictChange] = []
    for qid in dict.fromkeys([*old, *new]):
        was, now = old.get(qid, {}), new.get(qid, {})
        for subject in dict.fromkeys([*was, *now]):
            b, a = was.get(subject), now.get(subject)
            if b != a:
                changes.append(
                    VerdictChange(
                        qid,
                        subject,
                        b.verdict if b else None,
                        a.verdict if a else None,
                        b.failing if b else (),
                        a.failing if a else (),
                    )
                )
    return tuple(changes)


# What each kind of answer decides, keyed by what it is about; wording and evidence left out.
# Each kind registers its own reading here, so a new kind adds one function and one row.


def _ids(value: object) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _rows(value: object) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _pair(r: Mapping[str, Any]) -> str:
    return f"{r.get('state')} {r.get('org')}"


def _join(r: dict[str, Any]) -> dict[str, _Point]:
    return {_pair(r): _Point(str(r.get("verdict")), _ids(r.get("failing")))}


def _matrix(r: dict[str, Any]) -> dict[str, _Point]:
    return {_pair(row): _Point(str(row.get("verdict")), _ids(row.get("failing"))) for row in _rows(r.get("rows"))}


def _timeline(r: dict[str, Any]) -> dict[str, _Point]:
    return {
        f"{_pair(r)} from {i.get('from')}": _Point(str(i.get("verdict")), _ids(i.get("failing")))
        for i in _rows(r.get("intervals"))
    }


def _earliest(r: dict[str, Any]) -> dict[str, _Point]:
    day = r.get("date")
    return {f"{_pair(r)} earliest": _Point(str(day) if day else "never", _ids(r.get("failing_from")))}


def _order(r: dict[str, Any]) -> dict[str, _Point]:
    org = r.get("org")
    out = {f"{org} largest admissible set": _Point(str(r.get("largest")), ())}
    for c in _rows(r.get("conflicts")):
        out[f"{org} {c.get('first')} first, then {c.get('then')}"] = _Point("conflict", _ids(c.get("because")))
    return out


def _impact(r: dict[str, Any]) -> dict[str, _Point]:
    return {
        f"{_pair(row)} under the changes": _Point(
            f"{row.get('before')} to {row.get('after')}", _ids(row.get("failing_after"))
        )
        for row in _rows(r.get("changed"))
    }


def _leverage(r: dict[str, Any]) -> dict[str, _Point]:
    out = {}
    for rank, item in enumerate(_rows(r.get("ranking")), 1):
        change = (
            {k: v for k, v in item.get("change", {}).items() if k != "on"}
            if isinstance(item.get("change"), dict)
            else {}
        )
        unlocks = ", ".join(_pair(u) for u in _rows(item.get("unlocks")))
        out[f"leverage of {flow(change)}"] = _Point(f"rank {rank} (unlocks {unlocks})", ())
    return out


_READINGS: dict[str, Callable[[dict[str, Any]], dict[str, _Point]]] = {
    "join": _join,
    "matrix": _matrix,
    "timeline": _timeline,
    "earliest": _earliest,
    "order": _order,
    "impact": _impact,
    "leverage": _leverage,
}


def _points(result: dict[str, Any]) -> dict[str, _Point]:
    reading = _READINGS.get(str(result.get("kind")))
    if reading is not None:
        return reading(result)
    # A kind this reader does not know: the whole answer but its expectation, as one fingerprint.
    body = {k: v for k, v in result.items() if k != "expect"}
    digest = hashlib.sha256(dumps(body).encode("utf-8")).hexdigest()[:12]
    return {f"{result.get('kind')} answer": _Point(f"answer {digest}", ())}


# --- reporting ----------------------------------------------------------------------------------


def _revisions(differences: Iterable[Difference]) -> Counter[tuple[str | None, str | None]]:
    return Counter(
        (d.revision_before, d.revision_after)
        for d in differences
        if d.revision_after is not None and d.revision_before != d.revision_after
    )


def replay_lines(differences: list[Difference], replayed: int) -> list[str]:
    """The text ``accede replay`` prints: each changed verdict, revisions, then the closing line."""
    lines = [line for d in differences if d.changed for line in d.lines()]
    for (before, after), n in sorted(_revisions(differences).items(), key=lambda kv: (-kv[1], str(kv[0]))):
        lines.append(f"revision {before} -> {after} for {n} answer{'s' if n != 1 else ''} (informational)")
    changed = sum(d.changed for d in differences)
    lines.append(f"{replayed} answer{'s' if replayed != 1 else ''} replayed, {changed} changed")
    return lines


def replay_json(differences: list[Difference], replayed: int) -> dict[str, Any]:
    """The same report as one JSON document (``accede replay --json``)."""
    return {
        "replayed": replayed,
        "changed": sum(d.changed for d in differences),
        "differences": [d.to_json() for d in differences if d.changed],
        "revisions": [
            {"before": before, "after": after, "answers": n} for (before, after), n in _revisions(differences).items()
        ],
    }
