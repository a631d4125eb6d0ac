"""Problems a user can act on: one root exception carrying every problem found.

Each problem has a stable code (``rule.unknown-check``), a message, and where known the file,
line, column, field path and rule id. Codes are part of the interface: tests, analysts and API
clients key on them, so never rename one.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["CODES", "WARNINGS", "AccedeError", "Problem", "did_you_mean", "shown"]

#: Every error code accede emits, with what it means. ``tests/broken/`` holds one file per code.
CODES: dict[str, str] = {
    "file.not-found": "a file or folder named on the command line or in a scenario does not exist",
    "file.too-large": "a document is larger than the documented size limit",
    "yaml.syntax": "the file is not valid YAML",
    "yaml.duplicate-key": "a mapping names the same key twice",
    "yaml.unsupported-tag": "an explicit YAML tag (such as !!python/object) was used",
    "yaml.too-complex": "the document nests too deeply or expands too many aliases",
    "schema.not-mapping": "a document or entry that must be a mapping is something else",
    "schema.missing-field": "a required field is absent",
    "schema.unknown-field": "a field that the format does not define",
    "schema.invalid-value": "a value of the wrong type or outside its allowed values",
    "date.invalid": "a date that is not an ISO 8601 calendar date (YYYY-MM-DD)",
    "event.unknown-verb": "an event whose verb is not in the event vocabulary",
    "rule.unknown-check": "a condition uses a check outside the closed vocabulary",
    "rule.duplicate-condition": "two conditions of one version share an id",
    "rule.overlapping-versions": "two rule versions are in force on the same date",
    "rule.members-of-cycle": "organisations whose groups refer to each other in a cycle",
    "rule.unknown-status": "a check or event names a status the organisation does not declare",
    "rule.duplicate-org": "two rule files define the same organisation",
    "world.unknown-state": "a state code that the world does not declare",
    "world.unknown-org": "an organisation code that the world does not declare",
    "world.ambiguous-name": "a name that fits several states or organisations (the message lists them)",
    "world.duplicate-state": "two state records share a code",
    "history.contradiction": "an event contradicts the history before it",
    "scenario.unknown-world": "a scenario names a world that does not exist",
    "scenario.invalid-question": "a question that cannot be asked as written (an applicant already a member...)",
    "scenario.duplicate-question": "two questions of one scenario share an id",
    "scenario.unknown-condition": "an amendment or expectation names a condition id the rules lack",
    "scenario.before-rules": "a question dated before the organisation's first rule version",
    "scenario.no-rules": "a question about an organisation that has no accession rules",
    "limit.exceeded": "a request exceeds a documented limit (changes, questions, search size)",
    "json.syntax": "an HTTP body or an input line that is not a JSON document",
    "json.duplicate-key": "a JSON object names the same key twice",
    "serve.cannot-bind": "accede serve could not listen on its address (exit status 3)",
    "watch.failed": "the watcher could not apply an event; it was skipped and the watch restarted clean",
    "http.not-found": "an HTTP path that names no resource",
    "http.method-not-allowed": "an HTTP method the path does not accept",
    "http.not-ready": "the service is still compiling its world (/readyz answers 503 until it is done)",
    "http.too-slow": "a request body that arrived too slowly (the connection is closed)",
    "internal.error": "the service failed on a request through no fault of the request (a bug; it is logged)",
}

#: What `accede lint --strict` warns of: not wrong, but what a reviewer of rules and tests wants to see.
WARNINGS: dict[str, str] = {
    "lint.no-source": "a rule condition names no article or document it encodes",
    "lint.unused-amendment": "a scenario drops a condition that no rule version in force on its dates has",
    "lint.no-expectation": "a question of a scenario file carries no `expect`, so `accede test` checks nothing of it",
    "lint.implied-condition": "a condition implied by another of the same version can never be the one that fails",
    "lint.same-version": "a rule version identical to the one before it (only its dates differ)",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as we know."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    rule_id: str | None = None

    def __post_init__(self) -> None:
        # A typo in a code would silently break every client keyed on it.
        if self.code not in CODES and self.code not in WARNINGS:
            raise ValueError(f"unregistered error code {self.code!r}")

    def render(self) -> str:
        """``file:line:col: code: message (field `x`)`` in the style of OPA and Cedar."""
        place = ""
        if self.file is not None:
            place = self.file
            if self.line is not None:
                place += f":{self.line}"
                if self.column is not None:
                    place += f":{self.column}"
            place += ": "
        tail = f" (field `{_escaped(self.field)}`)" if self.field else ""
        # The last line of defence: whatever a message echoes, a problem stays one line.
        return f"{_escaped(place)}{self.code}: {_escaped(self.message)}{tail}"

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "rule_id": self.rule_id,
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.code)


class AccedeError(Exception):
    """The one root exception for user errors: carries every problem found, sorted."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        unique = dict.fromkeys(problems)  # keeps order, drops exact repeats
        self.problems: tuple[Problem, ...] = tuple(sorted(unique, key=Problem.sort_key))
        super().__init__("\n".join(p.render() for p in self.problems))

    @classmethod
    def one(cls, code: str, message: str, **where: str | int | None) -> AccedeError:
        return cls([Problem(code, message, **where)])  # type: ignore[arg-type]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean `x`?)`` when a close choice exists, else an empty string.

    The word typed is never suggested back: it is not a choice, or it would not be an error.
    """
    close = difflib.get_close_matches(word, [c for c in choices if c != word], n=1, cutoff=0.6)
    return f" (did you mean `{_escaped(close[0])}`?)" if close else ""


#: Characters that would break a message's one line or change how it reads (bidi overrides).
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ch in _BIDI or unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
        return f"\\u{ord(ch):04x}"
    return ch


def _escaped(text: str) -> str:
    # The common case (plain text) costs one scan and no copy.
    if text.isprintable() or all(_escape_char(ch) == ch for ch in text):
        return text
    return "".join(_escape_char(ch) for ch in text)


def shown(value: object, limit: int = 60) -> str:
    """User text as a message shows it: on one line, control characters escaped, cut at ``limit``.

    Every message that echoes what a user wrote (a code, a key, a value) goes through here, so
    a newline in a state code cannot forge a second problem line and a megabyte of text cannot
    flood a terminal: ``\\n``, ``\\t``, other C0 and C1 controls, line separators, bidi
    overrides and lone surrogates become ``\\uXXXX``-style escapes, and text longer than
    ``limit`` characters ends in ``…``.
    """
    text = value if isinstance(value, str) else str(value)
    limit = max(limit, 1)
    out: list[str] = []
    used = 0
    for i, ch in enumerate(text):
        piece = _escape_char(ch)
        # Keep room for the ellipsis unless this is the last character and it fits.
        room = limit if i == len(text) - 1 else limit - 1
        if used + len(piece) > room:
            out.append("…")
            break
        out.append(piece)
        used += len(piece)
    return "".join(out)
