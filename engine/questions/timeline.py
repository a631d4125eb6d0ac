"""Timeline: a bid's story over a period, as exact intervals of one verdict, each with its cause.

The intervals come from ``evaluation.bands``: boundaries are the dates of recorded events and rule
versions, never samples. "Armenia and the SCO: blocked (no relations with Pakistan) until
2025-08-31, then open."
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import models as m
from engine.evaluation.bands import Band, bands
from engine.questions.registry import Asked, Progress, QuestionKind, in_force, outcome, register

__all__ = ["TimelineResult"]


@dataclass(frozen=True)
class TimelineResult:
    state: str
    org: str
    start: date
    until: date
    intervals: tuple[Band, ...]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "state": self.state,
            "org": self.org,
            "from": self.start.isoformat(),
            "until": self.until.isoformat(),
            "intervals": [b.to_json() for b in self.intervals],
        }
        if any(b.beyond_horizon for b in self.intervals):
            out["beyond_horizon"] = True
        return out


def _check(question: m.TimelineQuestion, asked: Asked) -> None:
    spec = question.timeline
    asked.need_state(spec.state, "timeline", "state")
    if spec.until <= spec.from_:
        message = f"`until` {spec.until.isoformat()} is not after `from` {spec.from_.isoformat()}"
        asked.problems.append(asked.report("timeline", "until")("schema.invalid-value", message))
    if asked.need_org(spec.org, "timeline", "org", on=spec.from_) and spec.until > spec.from_:
        org = asked.world.orgs[spec.org]
        gap = org.uncovered(spec.from_, spec.until)
        if gap is not None:
            message = f"the {spec.org} has no rules in force on {gap.isoformat()}, inside the period ({in_force(org)})"
            asked.problems.append(asked.report("timeline", "until")("scenario.no-rules", message))


def _answer(question: m.TimelineQuestion, asked: Asked, prepared: Any, progress: Progress | None) -> TimelineResult:
    spec = question.timeline
    found = bands(asked.world, spec.state, spec.org, spec.from_, spec.until, assume=asked.assume, progress=progress)
    return TimelineResult(spec.state, spec.org, spec.from_, spec.until, tuple(found))


def _matches(want: m.IntervalExpectation, band: Band) -> bool:
    return (
        want.from_ == band.start
        and want.verdict == band.verdict
        and (want.failing is None or set(want.failing) == set(band.failing))
    )


def _expect(question: m.TimelineQuestion, result: TimelineResult) -> dict[str, Any] | None:
    expect = question.expect
    if expect is None:
        return None
    out: list[str] = []
    got = ", ".join(f"{b.start.isoformat()} {b.verdict}" for b in result.intervals)
    if expect.intervals is not None and (
        len(expect.intervals) != len(result.intervals)
        or not all(_matches(w, b) for w, b in zip(expect.intervals, result.intervals, strict=False))
    ):
        want = ", ".join(f"{w.from_.isoformat()} {w.verdict}" for w in expect.intervals)
        out.append(f"expected the intervals [{want}], got [{got}]")
    for w in expect.includes or ():
        if not any(_matches(w, b) for b in result.intervals):
            out.append(f"expected an interval from {w.from_.isoformat()} {w.verdict}, got [{got}]")
    return outcome(out)


def _observe(question: m.TimelineQuestion, result: TimelineResult) -> dict[str, Any]:
    intervals = [
        {"from": b.start.isoformat(), "verdict": b.verdict, **({"failing": list(b.failing)} if b.failing else {})}
        for b in result.intervals
    ]
    return {"intervals": intervals, "includes": intervals}


register(QuestionKind("timeline", m.TimelineQuestion, _check, _answer, _expect, _observe))
