"""Bulk runs: many scenario files answered on this machine's cores or a Dask cluster, in input order.

A policy team's suite, or thousands of generated what-ifs, is many independent files, so the file
is the unit of work. Every executor answers a file the same way (``answer``): its bytes are read
here, then parsed, validated, answered and rendered where the work runs, into the exact text or
JSON line ``accede run`` prints. What comes back is plain data (that output and whether an
expectation failed, or the file's problems), never a pickled engine object, so a worker on
another machine needs accede and the file's bytes, nothing else.

- ``Serial``: this process, on the caller's workspace (``--jobs 1``).
- ``Processes``: ``concurrent.futures.ProcessPoolExecutor``; each worker compiles the world once,
  in its initializer (``--jobs N``).
- ``Dask``: a ``distributed.Client``; each worker compiles the world once per run, on the run's
  first task to reach it (``--executor dask://HOST:PORT``, the ``dask`` extra).

``run_files`` yields one ``FileResult`` per file in input order, each as soon as it and every
file before it are done, with a bounded window of files in flight: output streams and memory
stays flat over any number of files.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
import uuid
from collections import OrderedDict, deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal, Protocol, cast
from urllib.parse import urlsplit

from rich.console import Console

from engine.common.budget import budget
from engine.common.errors import AccedeError, Problem
from engine.common.limits import DOCUMENT_BYTES
from engine.questions.registry import Progress
from engine.reading.loader import display
from engine.reading.yaml12 import parse_yaml, read_yaml
from engine.rendering.jsonout import dumps
from engine.rendering.text import render_scenario
from engine.workspace import Workspace

__all__ = [
    "PLAIN",
    "Dask",
    "Executor",
    "FileResult",
    "Job",
    "Page",
    "Processes",
    "Serial",
    "Work",
    "answer",
    "cpus",
    "dask_address",
    "executor_for",
    "jobs_option",
    "run_files",
]

Shape = Literal["text", "json"]
#: What a worker sends back for one file: ``{"file", "output", "failed"}`` or ``{"file", "problems"}``.
Wire = dict[str, Any]
#: Files in flight per worker thread. Results are printed in input order, so a slow file holds
#: back those after it: with a deep window the other workers go on with later files meanwhile
#: (at four, one slow file in a thousand left a worker idle a tenth of the run); finished results
#: waiting their turn are a few kilobytes each.
_AHEAD = 16
#: The port ``dask scheduler`` listens on unless told otherwise.
DASK_PORT = 8786
#: How long ``Client`` may take to reach the scheduler before the run is refused.
_CONNECT_SECONDS = 10


@dataclass(frozen=True)
class Page:
    """The console text is printed to, as plain data: a worker renders exactly what it would show.

    Width, colours, links and the ASCII fallback all depend on it, so the values are read from the
    command's console once and every worker builds an identical one around a string.
    """

    width: int
    height: int
    terminal: bool
    color_system: str | None
    soft_wrap: bool
    no_color: bool
    encoding: str
    legacy_windows: bool

    @classmethod
    def of(cls, console: Console) -> Page:
        return cls(
            console.width,
            console.height,
            console.is_terminal,
            console.color_system,
            console.soft_wrap,
            console.no_color,
            console.encoding,
            console.legacy_windows,
        )

    def console(self, sink: io.StringIO) -> Console:
        # Every value explicit, so a worker's own environment (TERM, NO_COLOR, COLUMNS) changes nothing;
        # highlight and markup off as on the command line's console (data may contain [brackets]).
        return Console(
            file=sink,
            width=self.width,
            height=self.height,
            force_terminal=self.terminal,
            color_system=cast(Any, self.color_system),
            soft_wrap=self.soft_wrap,
            no_color=self.no_color,
            legacy_windows=self.legacy_windows,
            force_jupyter=False,
            highlight=False,
            markup=False,
        )


#: Piped output: 80 columns, no colours, one line per paragraph.
PLAIN = Page(
    80, 25, terminal=False, color_system=None, soft_wrap=True, no_color=False, encoding="utf-8", legacy_windows=False
)


class _Sink(io.StringIO):
    """Captured text that reports the encoding of the stream it will be written to (rich falls back
    to ASCII rules and boxes for one that is not UTF)."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]  # StringIO's is None; rich reads it
        return self._encoding


@dataclass(frozen=True)
class Job:
    """What every file of one run shares: the output asked for and the budget."""

    shape: Shape = "json"
    page: Page = PLAIN
    #: Work units each file may spend (one per verdict evaluated); None: unlimited.
    work: int | None = None
    #: The run's wall deadline as the user gave it, in seconds, and as a time (``time.time()``).
    seconds: float | None = None
    deadline: float | None = None


@dataclass(frozen=True)
class Work:
    """One file to answer, as it travels to a worker."""

    #: The file as the user sees it (relative to this process's working directory), for titles and problems.
    name: str
    #: The file's folder, absolute: world folders the scenario names are found from it.
    folder: str
    text: bytes


@dataclass(frozen=True)
class FileResult:
    """One file answered: what to print and whether an expectation failed, or why it could not be."""

    file: str
    output: str = ""
    failed: bool = False
    problems: tuple[Problem, ...] = ()

    @classmethod
    def of(cls, wire: Wire) -> FileResult:
        if "problems" in wire:
            return cls(wire["file"], problems=tuple(Problem(**p) for p in wire["problems"]))
        return cls(wire["file"], wire["output"], wire["failed"])


def answer(ws: Workspace, job: Job, work: Work, progress: Progress | None = None) -> Wire:
    """Parse, validate, answer and render one file: what every executor runs, wherever it runs."""
    left = None if job.deadline is None else job.deadline - time.time()
    try:
        # The work budget is per file, so a file's answer never depends on which files ran before
        # it on the same worker; the deadline is the run's, whatever worker the file lands on.
        with budget(job.work, left) as held:
            if held is not None:
                held.seconds = job.seconds  # a refusal names the deadline the user set, not what was left
            result = ws.run_document(parse_yaml(work.text, work.name), Path(work.folder), progress)
    except AccedeError as exc:
        return {"file": work.name, "problems": [p.as_dict() for p in exc.problems]}
    failed = any(a.passed is False for a in result.answers)
    if job.shape == "json":
        return {"file": work.name, "output": dumps(result.to_json()) + "\n", "failed": failed}
    assert result.evaluated_on is not None  # a scenario is always answered on a world
    sink = _Sink(job.page.encoding)
    render_scenario(job.page.console(sink), result.evaluated_on, result, work.name)
    return {"file": work.name, "output": sink.getvalue(), "failed": failed}


def _read(path: Path) -> Work | Wire:
    """A file's bytes to send, or the loader's own refusal of it, worded as a serial run words it."""
    name = display(path)
    try:
        size: int | None = path.stat().st_size
    except OSError:
        size = None
    if size is None or size > DOCUMENT_BYTES.file:
        try:
            read_yaml(path, name)  # refuses it without reading it: missing, or too large
        except AccedeError as exc:
            return {"file": name, "problems": [p.as_dict() for p in exc.problems]}
    return Work(name, str(path.parent.resolve()), path.read_bytes())


class Executor(Protocol):
    """Answers files somewhere and yields their wire results in the order the files came."""

    def answers(self, job: Job, works: Iterable[Work | Wire]) -> Generator[Wire, None, None]: ...


class _Pending(Protocol):
    def result(self) -> Any: ...


def _in_order(submit: Callable[[Work], _Pending], works: Iterable[Work | Wire], window: int) -> Iterator[Wire]:
    """Results of ``submit`` in input order, with at most ``window`` files in flight.

    The next file is submitted before a result is handed on, so workers keep busy while the
    caller prints. A file refused on reading is answered already and only keeps its place.
    """
    pending: deque[_Pending] = deque()
    items = iter(works)

    def push() -> bool:
        item = next(items, None)
        if item is None:
            return False
        if isinstance(item, Work):
            pending.append(submit(item))
        else:
            done: Future[Wire] = Future()
            done.set_result(item)
            pending.append(done)
        return True

    while len(pending) < window and push():
        pass
    while pending:
        wire: Wire = pending.popleft().result()
        push()
        yield wire


class Serial:
    """Every file in this process, on the caller's workspace (``--jobs 1``).

    ``progress`` opens the command's progress bar around each file (closed before its output is
    printed, so the bar never interleaves with it).
    """

    def __init__(
        self,
        workspace: Workspace | None = None,
        progress: Callable[[], AbstractContextManager[Progress | None]] | None = None,
    ) -> None:
        self._ws = workspace or Workspace()
        self._progress = progress or (lambda: nullcontext(None))

    def answers(self, job: Job, works: Iterable[Work | Wire]) -> Generator[Wire, None, None]:
        for work in works:
            if isinstance(work, Work):
                with self._progress() as tick:
                    wire = answer(self._ws, job, work, tick)
                yield wire
            else:
                yield work


#: Each worker process's workspaces, by (default world, run): compiled once, by the first task
#: of a run to need one. Keyed by run so a long-lived Dask worker never answers a new run from an
#: old run's compilation of a world folder that has changed since; the last two are kept, for two
#: runs sharing a cluster.
_HELD: OrderedDict[tuple[str | None, str], Workspace] = OrderedDict()
_HELD_LOCK = threading.Lock()
_KEEP = 2


def _workspace(world: str | None, run: str) -> Workspace:
    with _HELD_LOCK:
        # Compiled under the lock: the worker's other threads would only wait for the same world.
        found = _HELD.get((world, run))
        if found is None:
            found = Workspace(Path(world)) if world is not None else Workspace()
            _ = found.default
            _HELD[world, run] = found
            while len(_HELD) > _KEEP:
                _HELD.popitem(last=False)
        return found


def _start_worker(world: str | None, run: str) -> None:
    """A local worker's initializer: compile the world before the first file arrives."""
    # Ctrl-C is the parent's to handle: it cancels what is queued and waits for what is running,
    # instead of every worker printing its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _workspace(world, run)


def _answer_in_worker(job: Job, work: Work, world: str | None, run: str) -> Wire:
    return answer(_workspace(world, run), job, work)


class Processes:
    """``jobs`` local worker processes (``--jobs N``), started fresh (spawn) for each run.

    Spawned rather than forked: nothing of the parent's state (threads, a half-built world, open
    files) is inherited, and it behaves the same on every platform. As with any spawned pool, a
    script that uses it runs it under ``if __name__ == "__main__":`` (workers import the script).
    """

    def __init__(self, jobs: int, world: Path | None = None) -> None:
        self.jobs = jobs
        self._world = None if world is None else str(world)

    def answers(self, job: Job, works: Iterable[Work | Wire]) -> Generator[Wire, None, None]:
        run = uuid.uuid4().hex
        pool = ProcessPoolExecutor(
            self.jobs, mp_context=get_context("spawn"), initializer=_start_worker, initargs=(self._world, run)
        )
        try:

            def submit(work: Work) -> Future[Wire]:
                return pool.submit(_answer_in_worker, job, work, self._world, run)

            yield from _in_order(submit, works, self.jobs * _AHEAD)
        finally:
            # Stopped early (a closed pipe, Ctrl-C, a bug): drop what is queued, not wait for it.
            pool.shutdown(wait=True, cancel_futures=True)


class Dask:
    """A Dask cluster (``--executor dask://HOST:PORT``); ``address`` is the scheduler's, ``tcp://HOST:PORT``.

    Workers answer from their own installation's bundled world, and read world folders a scenario
    names at the same absolute path as here (a shared file system); scenarios on the bundled world
    or an inline one need nothing but their bytes, which travel with the task.
    """

    def __init__(self, address: str) -> None:
        try:
            import distributed  # noqa: F401, PLC0415  (the `dask` extra, imported only when asked for)
        except ImportError:
            message = "`--executor dask://...` needs Dask distributed: install it with `pip install 'accede[dask]'`"
            raise AccedeError.one("schema.invalid-value", message, field="--executor") from None
        self.address = address

    def answers(self, job: Job, works: Iterable[Work | Wire]) -> Generator[Wire, None, None]:
        from distributed import Client  # noqa: PLC0415  (checked in __init__)

        try:
            # distributed's Client is untyped; what is used of it is submit, nthreads and close.
            client: Any = Client(self.address, timeout=_CONNECT_SECONDS, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            message = f"cannot reach the Dask scheduler at `{self.address}`: {exc}"
            raise AccedeError.one("schema.invalid-value", message, field="--executor") from None
        run = uuid.uuid4().hex
        try:
            threads = sum(client.nthreads().values())

            def submit(work: Work) -> _Pending:
                pending: _Pending = client.submit(_answer_in_worker, job, work, None, run, pure=False)
                return pending

            yield from _in_order(submit, works, max(threads, 1) * _AHEAD)
        finally:
            client.close()


def cpus() -> int:
    """The CPUs this process may run on (its affinity where the platform says, else all of them)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def jobs_option(value: str | None) -> int:
    """``--jobs``: a number of processes; ``0`` or ``auto`` is one per CPU; absent is one."""
    if value is None:
        return 1
    text = value.strip().lower()
    if text in ("auto", "0"):
        return cpus()
    if text.isdigit():  # ASCII digits only: int() would also take "١٢" and "1_0"
        return int(text)
    message = f"`--jobs` takes a number of processes, or `auto` (or 0) for one per CPU; not `{value}`"
    raise AccedeError.one("schema.invalid-value", message, field="--jobs")


def dask_address(url: str) -> str:
    """``dask://HOST[:PORT]`` as the scheduler's address, ``tcp://HOST:PORT`` (Dask's port 8786 by default)."""
    bad = AccedeError.one(
        "schema.invalid-value",
        f"`{url}` is not a Dask scheduler's address: write `dask://HOST:PORT`",
        field="--executor",
    )
    parts = urlsplit(url.strip())
    if (
        parts.scheme != "dask"
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise bad
    try:
        port = parts.port  # a ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        raise bad from None
    if port == 0:
        raise bad
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"tcp://{host}:{port or DASK_PORT}"


def executor_for(
    jobs: str | None,
    executor: str | None,
    *,
    files: int,
    workspace: Workspace | None = None,
    progress: Callable[[], AbstractContextManager[Progress | None]] | None = None,
) -> Executor:
    """The executor the command line asks for: ``--executor`` a cluster, ``--jobs`` local processes.

    No more processes than files are started, and one means this process: a pool would only add
    its start-up.
    """
    if executor is not None:
        if jobs is not None:
            message = "`--jobs` is for this machine's processes and `--executor` for a cluster's: give one of them"
            raise AccedeError.one("schema.invalid-value", message, field="--jobs")
        return Dask(dask_address(executor))
    n = min(jobs_option(jobs), files)
    if n <= 1:
        return Serial(workspace, progress)
    return Processes(n)


def run_files(
    paths: Iterable[Path],
    executor: Executor | int | None = None,
    *,
    shape: Shape = "json",
    page: Page = PLAIN,
    work: int | None = None,
    seconds: float | None = None,
) -> Generator[FileResult, None, None]:
    """Every file answered, one result per file, in input order: by ``executor``, or on that many
    local processes when it is a number (1, or None: this process).

    ``shape`` is ``json`` (one JSON document and a newline per file) or ``text`` (as ``accede run``
    prints it on ``page``); ``work`` is each file's work budget and ``seconds`` the whole run's
    deadline. Close the iterator to stop early: queued files are dropped.
    """
    deadline = None if seconds is None else time.time() + seconds
    job = Job(shape, page, work, seconds, deadline)
    if executor is None or isinstance(executor, int):
        chosen: Executor = Processes(executor) if executor is not None and executor > 1 else Serial()
    else:
        chosen = executor
    with closing(chosen.answers(job, (_read(p) for p in paths))) as wires:
        for wire in wires:
            yield FileResult.of(wire)
