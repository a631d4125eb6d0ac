"""Turning events into per-fact timelines, refusing events that contradict what came before.

History events are applied in a canonical order (date, then verb, then content) so the order
they were written in never changes a verdict; a scenario's changes come after the history of
their date, in the order written. The first event of a fact in the world's own history also
fixes what held before it (SPEC: a first ``sever`` means relations existed before); a change
applied to a fact with no history starts from the world's default instead, so a what-if never
rewrites the past.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from engine import models as m
from engine.common.errors import Problem
from engine.compiler.timeline import Interval, Step, Timeline

__all__ = ["Key", "Placed", "build_history", "canonical_order"]

Key = m.FactKey

_VERB_RANK = {verb: rank for rank, verb in enumerate(m.EVENT_VERBS)}


@dataclass(frozen=True, slots=True)
class Placed:
    """An event with its date resolved, its order and a way to report a problem with it."""

    event: m.Event
    on: date
    order: tuple[Any, ...]
    report: Callable[[str, str], Problem] = field(compare=False, repr=False)
    is_change: bool = False
    #: A history event under a what-if: when a change has already brought about what it records
    #: (relations established a day earlier), it is absorbed, not reported as a contradiction.
    absorbable: bool = False


def canonical_order(event: m.Event, on: date, phase: int, position: int) -> tuple[Any, ...]:
    if phase == 0:
        return (on, 0, _VERB_RANK[event.verb], _Content(event))
    return (on, 1, position, "")


class _Content:
    """An event's content as canonical JSON, the last key of its history order.

    Written out only when two events of one fact on one date with one verb are compared, which
    is rare: writing it for every event was half the cost of compiling a world's facts.
    """

    __slots__ = ("_event", "_text")

    def __init__(self, event: m.Event) -> None:
        self._event = event
        self._text: str | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = json.dumps(self._event.syntax(), sort_keys=True, default=str)
        return self._text

    def __eq__(self, other: object) -> bool:
        text = _text_of(other)
        return NotImplemented if text is None else self.text == text

    def __lt__(self, other: object) -> bool:
        text = _text_of(other)
        return NotImplemented if text is None else self.text < text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return repr(self.text)


def _text_of(other: object) -> str | None:
    if isinstance(other, _Content):
        return other.text
    return other if isinstance(other, str) else None


def _describe_key(key: Key) -> str:
    kind = key[0]
    if kind == "rel":
        return f"diplomatic relations between {key[1]} and {key[2]}"
    if kind == "rec":
        return f"{key[1]}'s recognition of {key[2]}"
    if kind == "status":
        return f"{key[1]}'s status in the {key[2]}"
    if kind == "conflict":
        return f"an armed conflict between {key[1]} and {key[2]}"
    if kind == "sanction":
        return f"UN Security Council sanctions on {key[1]}"
    return " ".join(map(str, key))


@dataclass
class HistoryBuild:
    timelines: dict[Key, Timeline]
    intervals: dict[Key, tuple[Interval, ...]]
    problems: list[Problem]


def build_history(
    placed: Iterable[Placed],
    initial_of: Callable[[Key], Any],
    history_first: bool,
    pinned: Container[Key] = (),
) -> HistoryBuild:
    """Group events by fact, order them, and build timelines or interval sets.

    ``initial_of`` gives a fact's value before any event when the fact has no history of its own;
    with ``history_first`` the first history event of a relations fact fixes the value before it,
    unless the fact is ``pinned`` (a pair recorded as never having had relations).
    """
    by_key: dict[Key, list[Placed]] = {}
    for item in placed:
        by_key.setdefault(item.event.key(), []).append(item)
    out = HistoryBuild({}, {}, [])
    for key, items in by_key.items():
        items.sort(key=lambda p: p.order)
        if key[0] in ("conflict", "sanction"):
            out.intervals[key] = _intervals(key, items, out.problems)
        else:
            initial = initial_of(key)
            first = next((p for p in items if not p.is_change), None)
            if history_first and key[0] == "rel" and first is not None and key not in pinned:
                initial = first.event.verb == "sever"
            out.timelines[key] = _steps(key, items, initial, out.problems)
    return out


def _steps(key: Key, items: list[Placed], initial: Any, problems: list[Problem]) -> Timeline:
    value = initial
    steps: list[Step] = []
    for item in items:
        verb = item.event.verb
        target = item.event.target()
        if item.event.spec.strict and target == value:
            if not (item.absorbable and steps and steps[-1].event is not None and _by_change(steps, items)):
                problems.append(item.report("history.contradiction", _contradiction(key, verb, target, steps, item.on)))
            continue
        steps.append(Step(item.on, target, item.event))
        value = target
    return Timeline.of(initial, tuple(steps))


def _by_change(steps: list[Step], items: list[Placed]) -> bool:
    """Whether the value now in force was set by a scenario change (so a later record repeats it)."""
    last = steps[-1].event
    return any(p.is_change and p.event is last for p in items)


def _contradiction(key: Key, verb: str, target: Any, steps: list[Step], on: date) -> str:
    what = _describe_key(key)
    since = f" (since {steps[-1].on.isoformat()})" if steps else ""
    if verb == "admit":
        return f"`admit` on {on.isoformat()}: {key[1]} already holds status `{target}` in the {key[2]}{since}"
    if verb in ("sever", "withdraw_recognition", "leave"):
        return f"`{verb}` on {on.isoformat()}: {what} is not in force then{since}"
    return f"`{verb}` on {on.isoformat()}: {what} is already in force then{since}"


def _intervals(key: Key, items: list[Placed], problems: list[Problem]) -> tuple[Interval, ...]:
    intervals: list[Interval] = []
    for item in items:
        event = item.event
        if isinstance(event, m.ConflictEvent | m.Sanction):
            if event.until is not None and event.until <= item.on:
                problems.append(
                    item.report(
                        "schema.invalid-value",
                        f"`until` {event.until.isoformat()} is not after `from` {item.on.isoformat()}",
                    )
                )
                continue
            intervals.append(Interval(item.on, event.until, event))
            continue
        ended = False
        for k, interval in enumerate(intervals):
            if interval.covers(item.on):
                intervals[k] = replace(interval, end=item.on)
                ended = True
        if not ended and not item.absorbable:
            problems.append(
                item.report(
                    "history.contradiction",
                    f"`{event.verb}` on {item.on.isoformat()}: {_describe_key(key)} is not in force then",
                )
            )
    return tuple(intervals)
