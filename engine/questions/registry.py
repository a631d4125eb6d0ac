"""The question kinds: each registers its checks, its answer and its expectation here.

``scenario.py`` and the renderer look a kind up by name instead of testing types (as OPA's
built-ins register themselves), so adding a kind is one new module and one line in
``engine/questions/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from engine import models as m
from engine.common.errors import Problem
from engine.compiler.rulebook import CompiledOrg
from engine.compiler.world import World
from engine.reading.yaml12 import Document, Path_
from engine.validation import check_org, check_state

__all__ = ["KINDS", "Asked", "Progress", "QuestionKind", "Result", "in_force", "outcome", "register"]

#: Hears of long sweeps: ``(done, total)``.
Progress = Callable[[int, int], None]


class Result(Protocol):
    """What every kind's answer is: data first, with the SPEC's JSON shape."""

    def to_json(self) -> dict[str, Any]: ...


@dataclass
class Asked:
    """One question in its scenario: what its checks and its answer are handed."""

    world: World
    doc: Document
    path: Path_  # where the question is written: ("questions", k)
    on: date
    assume: m.Assume
    problems: list[Problem]

    def report(self, *sub: str | int) -> Callable[[str, str], Problem]:
        """Locate a problem at a field of this question."""
        return lambda code, message: self.doc.problem(code, message, (*self.path, *sub))

    def need_state(self, code: str, *sub: str | int) -> bool:
        return check_state(code, self.world.names.states, self.report(*sub), self.problems)

    def need_org(self, code: str, *sub: str | int, on: date | None = None) -> bool:
        """A known organisation with rules in force on the question's date (or ``on``)."""
        if not check_org(code, self.world.names.orgs, self.report(*sub), self.problems):
            return False
        day = on or self.on
        first = self.world.orgs[code].first_date
        if first is None:
            self.problems.append(
                self.report(*sub)("scenario.no-rules", f"the {code} has no accession rules to evaluate")
            )
            return False
        if day < first:
            message = (
                f"the question is dated {day.isoformat()}, before the {code} rules are in force "
                f"(from {first.isoformat()})"
            )
            self.problems.append(self.report(*sub)("scenario.before-rules", message))
            return False
        if self.world.orgs[code].version_at(day) is None:
            message = f"the {code} has no rules in force on {day.isoformat()} ({in_force(self.world.orgs[code])})"
            self.problems.append(self.report(*sub)("scenario.no-rules", message))
            return False
        return True


def in_force(org: CompiledOrg) -> str:
    """When an organisation's rules are in force, in words: "rules are in force from A until B"."""
    parts = [
        f"from {begin.isoformat()}" + (f" until {end.isoformat()}" if end is not None else "")
        for begin, end in org.periods()
    ]
    return "rules are in force " + ", and ".join(parts)


@dataclass(frozen=True)
class QuestionKind:
    """A kind of question: its model, the checks run before anything is answered, the answer, and
    the comparison with what the analyst expected (``None`` for kinds without expectations), and
    what the answer says for each expectation key (``observe``, so expectations can be rewritten).

    ``check`` returns what ``answer`` needs beyond the question (forbidden changes, a what-if world).
    """

    name: str
    model: type[m.QuestionBase]
    check: Callable[[Any, Asked], Any]
    answer: Callable[[Any, Asked, Any, Progress | None], Result]
    expect: Callable[[Any, Any], dict[str, Any] | None] | None = None
    #: Each expectation key as the current answer would write it, for ``accede test --update``.
    observe: Callable[[Any, Any], dict[str, Any]] | None = None


#: Every kind, by the key a scenario writes (``join``, ``matrix``...).
KINDS: dict[str, QuestionKind] = {}


def register(kind: QuestionKind) -> QuestionKind:
    if kind.name in KINDS:
        raise ValueError(f"question kind {kind.name!r} registered twice")
    KINDS[kind.name] = kind
    return kind


def outcome(mismatches: list[str]) -> dict[str, Any]:
    """An expectation's result: ``{passed, mismatches}``."""
    return {"passed": not mismatches, "mismatches": mismatches}
