"""Dated histories of single facts: the building block of the world's event history.

A fact (relations between two states, one state's status in one organisation, a voter's stance
on a bid...) is a *key*; its history is a sorted run of steps, or a set of intervals for
conflicts and sanctions. "The fact on date D" is a bisection, so projecting the world on any date
is pure and cheap.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine import models as m

__all__ = ["Interval", "Step", "Timeline", "in_force"]


@dataclass(frozen=True, slots=True)
class Step:
    """From ``on`` the fact has ``value``, because of ``event`` (a models event)."""

    on: date
    value: Any
    event: m.Event


@dataclass(frozen=True, slots=True)
class Timeline:
    """The value of one fact over time: ``initial`` before the first step."""

    initial: Any
    steps: tuple[Step, ...]
    dates: tuple[date, ...]

    @classmethod
    def of(cls, initial: Any, steps: tuple[Step, ...]) -> Timeline:
        return cls(initial, steps, tuple(s.on for s in steps))

    def step_at(self, on: date) -> Step | None:
        """The step in force on ``on`` (an event dated D is in force on D), or None before any."""
        k = bisect_right(self.dates, on)
        return self.steps[k - 1] if k else None

    def at(self, on: date) -> Any:
        step = self.step_at(on)
        return self.initial if step is None else step.value

    def run_start(self, on: date) -> Step | None:
        """The first step of the unbroken run of the current value (when it began to hold)."""
        k = bisect_right(self.dates, on)
        if not k:
            return None
        value = self.steps[k - 1].value
        while k > 1 and self.steps[k - 2].value == value:
            k -= 1
        return self.steps[k - 1]


@dataclass(frozen=True, slots=True)
class Interval:
    """A fact in force on every date in [start, end); ``end`` None means ongoing."""

    start: date
    end: date | None
    event: m.ConflictEvent | m.Sanction

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on < self.end)


def in_force(intervals: tuple[Interval, ...], on: date) -> Interval | None:
    for interval in intervals:
        if interval.covers(on):
            return interval
    return None
