"""The work a question may cost and the time it may take: one budget per request or command.

Searches that can grow with their input (``order`` over subsets, a timeline over every dated
event, ``leverage`` over candidate relations, a scenario of many questions) spend from the
budget in their loops; when it is used up, or the wall deadline has passed, they stop with
``limit.exceeded`` naming what ran out, instead of running on. The unit of work is one verdict
evaluated (one applicant, one organisation, one date); a sweep spends one unit per pair.

The budget is a context variable set by the door (the HTTP worker, the command line) around the
work: the engine never reads a clock otherwise, and without a budget nothing is limited.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from engine.common.errors import AccedeError

__all__ = ["Budget", "Overflow", "budget", "spend"]


class Overflow(Exception):  # noqa: N818  (a signal to the caller, not an error shown to anyone)
    """A trial budget ran out: the caller moves the work somewhere it may take longer."""


@dataclass(slots=True)
class Budget:
    """Work units left and the monotonic time by which the work must be done."""

    work: int
    limit: int
    deadline: float | None
    seconds: float | None
    #: A trial (``budget(..., trial=True)``): running out raises ``Overflow``, not ``limit.exceeded``.
    trial: bool = False

    def spend(self, units: int) -> None:
        self.work -= units
        if self.trial and (self.work < 0 or (self.deadline is not None and time.monotonic() > self.deadline)):
            raise Overflow
        if self.work < 0:
            message = f"the question needs more than {self.limit} units of work (one per verdict evaluated)"
            raise AccedeError.one("limit.exceeded", message + "; ask less, or raise the work budget", field="work")
        if self.deadline is not None and time.monotonic() > self.deadline:
            message = f"the question took longer than its deadline of {self.seconds:g} s"
            raise AccedeError.one("limit.exceeded", message + "; ask less, or raise the deadline", field="deadline")


_CURRENT: ContextVar[Budget | None] = ContextVar("accede_budget", default=None)


def spend(units: int = 1) -> None:
    """Spend from the budget in force, if any (a loop of the engine calls this per verdict)."""
    current = _CURRENT.get()
    if current is not None:
        current.spend(units)


@contextmanager
def budget(work: int | None, seconds: float | None, *, trial: bool = False) -> Iterator[Budget | None]:
    """Run the enclosed work under a budget of ``work`` units and ``seconds`` (None: unlimited).

    A ``trial`` budget raises ``Overflow`` when it runs out, for a caller that tries work where it
    must stay short (the service's event loop) and moves it elsewhere if it does not.
    """
    if work is None and seconds is None:
        yield None
        return
    found = Budget(
        work if work is not None else 1 << 62,
        work if work is not None else 1 << 62,
        time.monotonic() + seconds if seconds is not None else None,
        seconds,
        trial,
    )
    token = _CURRENT.set(found)
    try:
        yield found
    finally:
        _CURRENT.reset(token)
