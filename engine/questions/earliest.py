"""Earliest: the first date on or after D on which a verdict is no longer blocked (or is eligible).

It reads the bid's story (``evaluation.bands``), which evaluates only the dates on which a fact
the verdict reads changes; the answer is the first interval that reaches the target, with the
event that began it, or null when no known event ever does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import models as m
from engine.compiler.world import World
from engine.evaluation.bands import Band, bands
from engine.evaluation.tally import Assume
from engine.questions.registry import Asked, Progress, QuestionKind, outcome, register

__all__ = ["EarliestResult", "earliest"]


@dataclass(frozen=True)
class EarliestResult:
    state: str
    org: str
    start: date
    target: str
    found: date | None
    verdict: str | None
    because: dict[str, Any] | None
    events: tuple[dict[str, Any], ...]
    rules_from: date | None
    failing_at_start: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "org": self.org,
            "from": self.start.isoformat(),
            "target": self.target,
            "date": self.found.isoformat() if self.found else None,
            "verdict": self.verdict,
            "because": self.because,
            "events": list(self.events),
            "rules_from": self.rules_from.isoformat() if self.rules_from else None,
            "failing_from": list(self.failing_at_start),
        }


def _reached(verdict: str, target: str) -> bool:
    return verdict in ("eligible", "member") if target == "eligible" else verdict != "blocked"


def earliest(
    world: World, state: str, org: str, *, start: date, assume: Assume, target: str = "not_blocked"
) -> EarliestResult:
    """The first date on or after ``start`` the verdict reaches ``target``, from the bid's story.

    ``because`` is the first of the events that made it so (as recorded); null when the state
    already reached it on ``start``, or when a new rule version did (``rules_from`` names it).
    """
    story = bands(world, state, org, start, None, assume=assume)
    first = next(story)
    failing = first.failing if first.verdict == "blocked" else ()
    band: Band | None = first
    while band is not None:
        if _reached(band.verdict, target):
            if band is first:
                return EarliestResult(state, org, start, target, start, band.verdict, None, (), None, failing)
            by_rules = None if band.because else band.rules_from
            because = band.because[0] if band.because else None
            return EarliestResult(
                state, org, start, target, band.start, band.verdict, because, band.because, by_rules, failing
            )
        band = next(story, None)
    return EarliestResult(state, org, start, target, None, None, None, (), None, failing)


def _check(question: m.EarliestQuestion, asked: Asked) -> None:
    spec = question.earliest
    asked.need_state(spec.state, "earliest", "state")
    asked.need_org(spec.org, "earliest", "org", on=spec.from_ or asked.on)


def _answer(question: m.EarliestQuestion, asked: Asked, prepared: Any, progress: Progress | None) -> EarliestResult:
    spec = question.earliest
    return earliest(
        asked.world, spec.state, spec.org, start=spec.from_ or asked.on, assume=asked.assume, target=spec.target
    )


def _expect(question: m.EarliestQuestion, result: EarliestResult) -> dict[str, Any] | None:
    expect = question.expect
    if expect is None:
        return None
    out: list[str] = []
    if expect.date is not None and expect.date != result.found:
        out.append(f"expected {expect.date.isoformat()}, got {result.found.isoformat() if result.found else 'never'}")
    if expect.never and result.found is not None:
        out.append(f"expected never, got {result.found.isoformat()}")
    if expect.verdict is not None and expect.verdict != result.verdict:
        out.append(f"expected the verdict {expect.verdict} then, got {result.verdict or 'none'}")
    return outcome(out)


def _observe(question: m.EarliestQuestion, result: EarliestResult) -> dict[str, Any]:
    return {
        "date": result.found.isoformat() if result.found is not None else None,
        "never": result.found is None,
        "verdict": result.verdict,
    }


register(QuestionKind("earliest", m.EarliestQuestion, _check, _answer, _expect, _observe))
