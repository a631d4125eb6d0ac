"""Evaluation off the event loop, in a bounded pool, each request under its budget and deadline.

The loop only reads requests and writes answers, so ``/healthz``, ``/readyz`` and light requests
are answered while heavy ones compute. A request's work runs in a worker thread under the
service's work budget and deadline (``engine.common.budget``; the values are the ``served``
column of the limits table): the engine's searches spend from it and stop with
``limit.exceeded``. The deadline is also kept here, from outside: should a computation not reach
a budget check in time, the client gets ``limit.exceeded`` when the deadline passes and the
thread's eventual answer is dropped. Serialising the answer happens in the worker too.

A light request (a check of a date already projected, with a few changes: ``api.deps.light``)
is first tried on the loop under a trial budget of ``LIGHT_WORK`` units and ``LIGHT_SECONDS``:
handing it to a thread costs more than answering it (a wait for the GIL each way, while the loop
holds it for other requests), and it holds the loop for well under a millisecond. Should it run
past that budget it is not answered there but handed to the pool, which answers it from scratch.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio
import anyio.to_thread

from engine.common.budget import Overflow, budget
from engine.common.errors import AccedeError, Problem
from engine.common.limits import DEADLINE, WORK
from engine.rendering.jsonout import dumps

__all__ = ["SWITCH_INTERVAL", "Pool", "pool_size"]

#: How long a thread may hold the GIL before another waiting thread takes it (CPython's default is
#: 5 ms). The event loop gives up the GIL at every socket call, and with a heavy question computing
#: in a worker it then waited up to 5 ms to get it back, several times per request: /healthz's p99
#: beside a heavy scenario was 72 ms. At 0.5 ms the loop is back within a fraction of a millisecond,
#: for a few per cent of the heavy question's speed.
SWITCH_INTERVAL = 0.0005

#: The trial budget of a light request on the event loop: a check is one unit; a few joins at most.
LIGHT_WORK = 8
#: How long a light request may hold the loop (checked where the engine spends work).
LIGHT_SECONDS = 0.002

#: Grace beyond the deadline before the loop stops waiting for a worker that did not stop itself.
_GRACE = 1.0


def pool_size() -> int:
    """Worker threads per process: enough that light requests are not queued behind a heavy one."""
    return max(4, 2 * (os.cpu_count() or 1))


class Pool:
    """A bounded set of worker threads; ``compute`` runs one request's work there."""

    def __init__(self, size: int | None = None, work: int = WORK.served, seconds: float = DEADLINE.served) -> None:
        self.size = size or pool_size()
        self.work = work
        self.seconds = seconds
        self._limiter = anyio.CapacityLimiter(self.size)

    async def compute(self, fn: Callable[[], Any], *, light: bool = False) -> bytes:
        """``fn()`` in a worker under the budget, its answer serialised there; limit.exceeded past the deadline.

        ``light``: tried on the loop first, under the trial budget (see the module's docstring).
        """
        if light:
            # One turn of the loop first: requests already read go ahead of this one, so a burst of
            # light checks is answered in turn rather than by whoever the loop reached last (the
            # p99 of new what-ifs at 32 clients: 29-149 ms without this turn, 30-71 ms with it).
            await asyncio.sleep(0)
            try:
                with budget(LIGHT_WORK, LIGHT_SECONDS, trial=True):
                    return _encoded(fn())
            except Overflow:
                pass  # heavier than it looked: the pool answers it, from the start
        job = partial(self._budgeted, fn)
        with anyio.move_on_after(self.seconds + _GRACE):
            return await anyio.to_thread.run_sync(job, limiter=self._limiter, abandon_on_cancel=True)
        # Only reached when the wait was cancelled: the worker ran past the deadline without stopping.
        message = f"the question took longer than its deadline of {self.seconds:g} s"
        raise AccedeError([Problem("limit.exceeded", message + "; ask less", field="deadline")])

    def _budgeted(self, fn: Callable[[], Any]) -> bytes:
        with budget(self.work, self.seconds):
            return _encoded(fn())


def _encoded(answer: Any) -> bytes:
    # A lone surrogate a client sent and the answer echoes is written as its escape, not refused.
    return dumps(answer).encode("utf-8", "backslashreplace")
