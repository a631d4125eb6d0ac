"""Earliest: the first date on or after D on which a verdict is no longer blocked, and why.

A verdict can only change on a date when a fact it reads changes: an event naming the applicant,
a change of membership in the organisation or in one its rules name, a stance on the bid, or a new
rule version. So those dates are the only ones evaluated, in order; the answer is the first that is
not blocked, with the event that made it so, or null when no known event ever clears it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import models as m
from engine.compiler.world import World
from engine.evaluation.join import join
from engine.evaluation.tally import Assume
from engine.questions.registry import Asked, Progress, QuestionKind, outcome, register

__all__ = ["EarliestResult", "earliest"]


@dataclass(frozen=True)
class EarliestResult:
    state: str
    org: str
    start: date
    found: date | None
    because: dict[str, Any] | None
    failing_at_start: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "org": self.org,
            "from": self.start.isoformat(),
            "date": self.found.isoformat() if self.found else None,
            "because": self.because,
            "failing_from": list(self.failing_at_start),
        }


def _relevant(world: World, state: str, org: str) -> list[tuple[date, Any]]:
    """(date, event) for every event that can change the verdict of ``state`` for ``org``."""
    orgs = {org, *world.rules.names.get(org, frozenset())}
    found: list[tuple[date, Any]] = []
    for key, timeline in world.facts.timelines.items():
        if state in key[1:] or (key[0] == "status" and key[2] in orgs):
            found.extend((step.on, step.event) for step in timeline.steps)
    for key, intervals in world.facts.intervals.items():
        if state in key[1:]:
            for interval in intervals:
                found.append((interval.start, interval.event))
                if interval.end is not None:
                    found.append((interval.end, interval.event))
    for version in world.orgs[org].versions:
        found.append((version.valid_from, None))
        if version.valid_until is not None:
            found.append((version.valid_until, None))
    return found


def earliest(world: World, state: str, org: str, start: date, assume: Assume) -> EarliestResult:
    first = join(world, state, org, start, assume=assume)
    if first.verdict != "blocked":
        return EarliestResult(state, org, start, start, None, ())
    events: dict[date, list[Any]] = {}
    for on, event in _relevant(world, state, org):
        if on > start:
            events.setdefault(on, []).append(event)
    for on in sorted(events):
        if join(world, state, org, on, assume=assume).verdict != "blocked":
            # Prefer an event that names the applicant: it is the likelier cause of the change.
            dated = sorted((e for e in events[on] if e is not None), key=lambda e: state not in str(e.syntax()))
            because = None
            if dated:
                event = dated[0]
                because = {**event.syntax(), **_provenance(event)}
                if event.spec.interval and event.when != on:
                    because = {**because, "until": on.isoformat()}  # the interval's end is what changed
            else:
                because = {"rules": f"the {org} rules in force from {on.isoformat()}"}
            return EarliestResult(state, org, start, on, because, first.failing)
    return EarliestResult(state, org, start, None, None, first.failing)


def _provenance(event: Any) -> dict[str, Any]:
    return {k: getattr(event, k) for k in ("source", "confidence") if getattr(event, k, None) is not None}


def _check(question: m.EarliestQuestion, asked: Asked) -> None:
    spec = question.earliest
    asked.need_state(spec.state, "earliest", "state")
    asked.need_org(spec.org, "earliest", "org", on=spec.from_ or asked.on)


def _answer(question: m.EarliestQuestion, asked: Asked, prepared: Any, progress: Progress | None) -> EarliestResult:
    spec = question.earliest
    return earliest(asked.world, spec.state, spec.org, spec.from_ or asked.on, asked.assume)


def _expect(question: m.EarliestQuestion, result: EarliestResult) -> dict[str, Any] | None:
    expect = question.expect
    if expect is None:
        return None
    out: list[str] = []
    if expect.date is not None and expect.date != result.found:
        out.append(f"expected {expect.date.isoformat()}, got {result.found.isoformat() if result.found else 'never'}")
    if expect.never and result.found is not None:
        out.append(f"expected never, got {result.found.isoformat()}")
    return outcome(out)


register(QuestionKind("earliest", m.EarliestQuestion, _check, _answer, _expect))
