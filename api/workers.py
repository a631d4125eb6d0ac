"""Evaluation off the event loop, in a bounded pool, each request under its budget and deadline.

The loop only reads requests and writes answers, so ``/healthz``, ``/readyz`` and light requests
are answered while heavy ones compute. A request's work runs in a worker thread under the
service's work budget and deadline (``engine.common.budget``; the values are the ``served``
column of the limits table): the engine's searches spend from it and stop with
``limit.exceeded``. The deadline is also kept here, from outside: should a computation not reach
a budget check in time, the client gets ``limit.exceeded`` when the deadline passes and the
thread's eventual answer is dropped. Serialising the answer happens in the worker too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio
import anyio.to_thread

from engine.common.budget import budget
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

    async def compute(self, fn: Callable[[], Any]) -> bytes:
        """``fn()`` in a worker under the budget, its answer serialised there; limit.exceeded past the deadline."""
        job = partial(self._budgeted, fn)
        with anyio.move_on_after(self.seconds + _GRACE):
            return await anyio.to_thread.run_sync(job, limiter=self._limiter, abandon_on_cancel=True)
        # Only reached when the wait was cancelled: the worker ran past the deadline without stopping.
        message = f"the question took longer than its deadline of {self.seconds:g} s"
        raise AccedeError([Problem("limit.exceeded", message + "; ask less", field="deadline")])

    def _budgeted(self, fn: Callable[[], Any]) -> bytes:
        with budget(self.work, self.seconds):
            return dumps(fn()).encode("utf-8", "backslashreplace")
