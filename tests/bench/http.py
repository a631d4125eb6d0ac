"""The HTTP service under load on loopback: throughput, p50 and p99, a heavy neighbour, start-up, memory.

A live ``accede serve`` (``sys.executable -m engine.cli serve``, at 1 and at 2 uvicorn workers) is
started on a free 127.0.0.1 port and loaded by ``wrk`` (Debian's package; installed if missing and
possible). Every figure stands beside a bound measured on the same server in the same run:

* the what-if check (``POST /v1/check``) beside ``GET /healthz``, the framework's ceiling, at 1 and
  32 clients: requests/s with the ratio, p50 and p99;
* ``/healthz`` latency from one client while another posts a heavy scenario in a loop (three
  ``order`` questions over 16 SCO candidates), beside the idle ``/healthz`` latency of the same client;
* resident memory of the server's process tree after 10,000 and after 100,000 requests (what-ifs
  and GETs: the throughput runs count, topped up by a mix), with the ratio.

A missed target prints MISS beside its figure; it never fails the build. The last thing printed is a
Markdown table of every figure. ``python -m tests.bench.http`` runs this part alone;
``ACCEDE_BENCH_WORKERS=1`` narrows the worker counts.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

#: The Armenia what-if of issue 12: Armenia and Azerbaijan establish relations; can Armenia join the SCO?
WHAT_IF: dict[str, object] = {
    "state": "ARM",
    "org": "SCO",
    "as_of": "2025-09-01",
    "changes": [{"establish": ["ARM", "AZE"]}],
}
#: The memory mix alternates what-ifs (these, in turn) with GETs (below, in turn).
MIX_WHAT_IFS: tuple[dict[str, object], ...] = (
    WHAT_IF,
    {"state": "AZE", "org": "SCO", "as_of": "2025-09-01", "changes": [{"establish": ["ARM", "AZE"]}]},
    {"state": "TUR", "org": "SCO", "as_of": "2025-09-01", "changes": [{"sever": ["TUR", "CHN"]}]},
    {
        "state": "EGY",
        "org": "SCO",
        "as_of": "2025-09-01",
        "changes": [{"establish": ["ARM", "AZE"]}, {"sever": ["EGY", "IND"]}],
    },
)
MIX_GETS = ("/healthz", "/v1/organizations/SCO", "/v1/states/ARM")
#: SCO partners on 2025-09-02 (none a member: `accede show SCO`); each heavy question leaves one out.
SCO_CANDIDATES: tuple[str, ...] = ("AFG", "ARE", "ARM", "AZE", "BHR", "EGY", "KHM", "KWT", "LAO")
SCO_CANDIDATES += ("LKA", "MDV", "MMR", "MNG", "NPL", "QAT", "SAU", "TUR")
HEAVY: dict[str, object] = {
    "scenario": "bench: three admission orders over 16 SCO candidates",
    "world": "default",
    "as_of": "2025-09-02",
    "trust": "medium",
    "questions": [
        {
            "id": f"order-without-{left_out}",
            "order": {"org": "SCO", "applicants": [c for c in SCO_CANDIDATES if c != left_out]},
        }
        for left_out in SCO_CANDIDATES[:3]
    ],
}

DURATION = 6  # seconds per wrk throughput run
HEAVY_DURATION = 10  # seconds of /healthz measured beside the heavy scenario
MIX_CONNECTIONS = 16
MEMORY_COUNTS = (10_000, 100_000)
#: Worker counts measured; ACCEDE_BENCH_WORKERS="1" narrows it.
WORKER_COUNTS = tuple(int(w) for w in os.environ.get("ACCEDE_BENCH_WORKERS", "1,2").split(","))

RATIO_TARGET = 0.70  # what-if rps / healthz rps at 32 clients
P99_TARGET = 0.010  # what-if p99, seconds
HEAVY_P99_TARGET = 0.050  # healthz p99 beside the heavy scenario, seconds
RSS_DRIFT = 0.10  # RSS after 100,000 requests within 10% of RSS after 10,000
RSS_CEILING = 150.0  # MiB
STARTUP_TARGET = 2.0  # seconds to /readyz 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wrk() -> str | None:
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, check=False)
        found = shutil.which("wrk")
    return found


def _tree(pid: int) -> list[int]:
    """The server and its worker processes."""
    out = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            out.extend(_tree(int(child)))
    return out


def _rss_mib(pid: int) -> tuple[float, float]:
    """Resident memory of the server's whole process tree and of its largest process (a worker), in MiB.

    At 1 worker uvicorn serves in the one process; at N it adds N spawned workers and
    multiprocessing's resource tracker beside the supervisor, all counted in the total.
    """
    sizes = []
    for proc in _tree(pid):
        try:
            lines = Path(f"/proc/{proc}/status").read_text().splitlines()
        except FileNotFoundError:  # a process that ended between the listing and the read
            continue
        sizes += [int(line.split()[1]) / 1024 for line in lines if line.startswith("VmRSS:")]
    return sum(sizes), max(sizes, default=0.0)


def _status(url: str, body: dict[str, object] | None = None) -> int:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status: int = response.status
            return status
    except urllib.error.HTTPError as exc:
        return exc.code


def _lua(text: str) -> str:
    """``text`` as a Lua string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _seconds(text: str) -> float:
    found = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if found is None:
        raise ValueError(f"cannot read wrk latency {text!r}")
    value, unit = found.groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


@dataclass
class Load:
    """One wrk run: how many answers, how fast, and what went wrong."""

    requests: int
    seconds: float
    rps: float
    p50: float = 0.0
    p99: float = 0.0
    non2xx: int = 0
    socket_errors: int = 0


def _parse_wrk(out: str, latency: bool) -> Load:
    found = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m),", out)
    if found is None:
        raise RuntimeError(f"wrk gave no request count:\n{out}")
    requests, seconds = int(found.group(1)), _seconds(found.group(2) + found.group(3))
    load = Load(requests, seconds, requests / seconds if seconds else 0.0)
    if latency:
        if "Latency Distribution" not in out:
            raise RuntimeError(f"wrk gave no latency distribution:\n{out}")
        load.p50 = _seconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
        load.p99 = _seconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    load.non2xx = int(non2xx.group(1)) if non2xx else 0
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    load.socket_errors = sum(int(g) for g in errors.groups()) if errors else 0
    return load


def _run_wrk(wrk: str, url: str, connections: int, script: str | None, duration: int = DURATION) -> Load:
    threads = min(2, connections)
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=duration + 30).stdout
    return _parse_wrk(out, latency=True)


#: Distinct what-ifs posted round-robin: more than the answer cache keeps (1,024 by default), so each is new
#: to it when it comes round again.
DISTINCT = 6000
#: The organisations the distinct what-ifs ask about, on the what-if's date.
DISTINCT_ORGS = ("SCO", "NATO", "EU", "ASEAN", "AU", "OAS", "CIS", "GCC")


def _distinct_bodies() -> list[str]:
    """DISTINCT different what-ifs on one date: applicant, organisation and the relation established
    vary; each is checked to be a valid question here first, so every answer is a 200.

    The date stays the what-if's own: a new date costs a projection of the world, which is not
    what this measures (the history sweep of the main bench is about dates).
    """
    from engine.reading.json_strict import read_json  # noqa: PLC0415
    from engine.workspace import Workspace  # noqa: PLC0415

    ws = Workspace()
    world = ws.default
    on = world.as_of(__import__("datetime").date.fromisoformat(str(WHAT_IF["as_of"])))
    codes = sorted(world.index)
    orgs = [o for o in DISTINCT_ORGS if o in world.orgs and world.orgs[o].version_at(on.on) is not None]
    bodies: list[str] = []
    for other in codes:
        for state in codes:
            for org in orgs:
                if len(bodies) >= DISTINCT:
                    return bodies
                if state == other or on.rel[world.index[state]] >> world.index[other] & 1:
                    continue
                if on.members(org) >> world.index[state] & 1:
                    continue
                body = json.dumps(
                    {"state": state, "org": org, "as_of": WHAT_IF["as_of"], "changes": [{"establish": [state, other]}]}
                )
                try:
                    ws.check_request(read_json(body.encode(), "bench", limit=1 << 20), on.on)
                except Exception:
                    continue
                bodies.append(body)
    return bodies


def _distinct_script(folder: Path) -> Path:
    """A wrk script posting the distinct what-ifs round-robin, each wrk thread from its own half."""
    bodies = _distinct_bodies()
    script = folder / "distinct.lua"
    listing = ",\n".join(_lua(b) for b in bodies)
    script.write_text(
        f"local bodies = {{\n{listing}\n}}\n"
        "local threads = 0\n"
        "setup = function(thread) thread:set('offset', threads); threads = threads + 1 end\n"
        "local k = 0\n"
        "request = function()\n"
        "  local body = bodies[((offset + 2 * k) % #bodies) + 1]\n"
        "  k = k + 1\n"
        "  return wrk.format('POST', nil, {['Content-Type'] = 'application/json'}, body)\n"
        "end\n",
        encoding="utf-8",
    )
    return script


def _mix_script(folder: Path, count: int, marker: Path) -> Path:
    """A wrk script alternating what-ifs and GETs that stops after ``count`` answers and says so in ``marker``.

    wrk runs for its whole ``-d`` even when its threads stop; the marker tells the bench to interrupt
    it (SIGINT: wrk then prints its summary as usual).
    """
    bodies = ", ".join(_lua(json.dumps(b)) for b in MIX_WHAT_IFS)
    paths = ", ".join(_lua(p) for p in MIX_GETS)
    script = folder / "mix.lua"
    script.write_text(
        f"""local bodies = {{{bodies}}}
local paths = {{{paths}}}
local posts, gets = {{}}, {{}}
local posted, got, answered = 0, 0, 0
init = function(args)
  for i, b in ipairs(bodies) do
    posts[i] = wrk.format("POST", "/v1/check", {{["Content-Type"] = "application/json"}}, b)
  end
  for i, p in ipairs(paths) do gets[i] = wrk.format("GET", p) end
end
request = function()
  if posted <= got then
    posted = posted + 1
    return posts[(posted - 1) % #posts + 1]
  end
  got = got + 1
  return gets[(got - 1) % #gets + 1]
end
response = function(status, headers, body)
  answered = answered + 1
  if answered == {count} then
    local f = io.open({_lua(str(marker))}, "w")
    f:write("done")
    f:close()
    wrk.thread:stop()
  end
end
"""
    )
    return script


def _run_mix(wrk: str, base: str, count: int, folder: Path) -> Load:
    """Exactly ``count`` answers of the what-if/GET mix (fewer only if 300 s pass first)."""
    folder = Path(tempfile.mkdtemp(prefix="mix-", dir=folder))  # a marker of its own
    marker = folder / "done"
    script = _mix_script(folder, count, marker)
    cmd = [wrk, "-t1", f"-c{MIX_CONNECTIONS}", "-d300s", "-s", str(script), f"{base}/healthz"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        while not marker.exists() and proc.poll() is None:
            time.sleep(0.02)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    return _parse_wrk(out, latency=False)


@dataclass
class Heavy:
    """The heavy client's requests: (status, seconds, problem code if any)."""

    answers: list[tuple[int, float, str]] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        statuses = Counter(f"{status} {code}".strip() for status, _, code in self.answers)
        parts = [f"{n} x {label}" for label, n in sorted(statuses.items())]
        parts += [f"{n} x {label}" for label, n in sorted(self.failures.items())]
        seconds = [s for _, s, _ in self.answers]
        timing = f"; {statistics.median(seconds):.2f} s median, {max(seconds):.2f} s max" if seconds else ""
        return f"{len(self.answers)} answered ({', '.join(parts) or 'none'}){timing}"


def _heavy_loop(port: int, stop: threading.Event, heavy: Heavy) -> None:
    """Post the heavy scenario, one at a time on a fresh connection each, until ``stop``.

    Each post has its own title, so the answer cache never has it: every one is computed.
    """
    sent = 0
    while not stop.is_set():
        sent += 1
        body = json.dumps({**HEAVY, "scenario": f"{HEAVY['scenario']} #{sent}"}).encode()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        try:
            conn.request("POST", "/v1/scenarios/run", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            seconds = time.perf_counter() - start
            code = ""
            if response.status != 200:
                try:
                    problems = json.loads(data).get("problems") or [json.loads(data)]
                    code = str(problems[0].get("code", ""))
                except (ValueError, AttributeError, IndexError):
                    code = "unreadable"
            heavy.answers.append((response.status, seconds, code))
        except OSError as exc:
            heavy.failures[type(exc).__name__] += 1
        finally:
            conn.close()


@dataclass
class ServerLog:
    """What the server itself logged: statuses of the access log, and anything above info."""

    lines: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    notable: Counter[str] = field(default_factory=Counter)


def _read_log(path: Path) -> ServerLog:
    log = ServerLog()
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            log.lines += 1
            try:
                record = json.loads(line)
            except ValueError:
                if re.search(r"error|warning|traceback|exception", line, re.I):
                    log.notable[line.strip()[:120]] += 1
                continue
            if not isinstance(record, dict):
                continue
            if record.get("logger") == "accede.access" and "status" in record:
                log.statuses[int(record["status"])] += 1
            elif record.get("level") not in ("info", "debug"):
                log.notable[f"{record.get('level')}: {str(record.get('message'))[:100]}"] += 1
    return log


@dataclass
class Run:
    """Every figure measured on one server."""

    workers: int
    startup: float = 0.0
    first_answer: float = 0.0
    loads: dict[str, Load] = field(default_factory=dict)
    heavy: Heavy = field(default_factory=Heavy)
    rss: dict[str, float] = field(default_factory=dict)  # the whole process tree
    worker_rss: dict[str, float] = field(default_factory=dict)  # its largest process
    served: dict[str, int] = field(default_factory=dict)
    what_ifs: int = 0
    log: ServerLog = field(default_factory=ServerLog)
    seconds: float = 0.0

    def errors(self) -> tuple[int, int]:
        """Non-2xx answers and socket errors over every wrk run on this server."""
        return sum(load.non2xx for load in self.loads.values()), sum(load.socket_errors for load in self.loads.values())


def _serve(workers: int, port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--workers", str(workers)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def bench_server(wrk: str, workers: int, folder: Path) -> Run | None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    run = Run(workers)
    began = time.perf_counter()
    log_path = folder / f"server-{workers}.log"
    server = _serve(workers, port, log_path)
    answered = 0  # every answer this server gave, in order: the memory figures count them
    try:
        while time.perf_counter() - began < 30:
            try:
                answered += 1
                if _status(f"{base}/readyz") == 200:
                    run.startup = time.perf_counter() - began
                    break
            except OSError:
                answered -= 1
                time.sleep(0.02)
        else:
            print(f"http bench: the server ({workers} workers) was not ready within 30 s")
            return None
        status = _status(f"{base}/v1/check", WHAT_IF)
        answered += 1
        run.first_answer = time.perf_counter() - began
        if status != 200:
            print(f"http bench: the what-if answered {status}, not 200")
            return None
        run.rss["start"], run.worker_rss["start"] = _rss_mib(server.pid)

        def mix_to(total: int, name: str) -> None:
            nonlocal answered
            if total > answered:
                load = _run_mix(wrk, base, total - answered, folder)
                run.loads[name] = load
                answered += load.requests
                run.what_ifs += (load.requests + 1) // 2
            run.served[name] = answered
            run.rss[name], run.worker_rss[name] = _rss_mib(server.pid)

        mix_to(MEMORY_COUNTS[0], "mix-1")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=folder, delete=False) as script:
            script.write(
                f'wrk.method = "POST"\nwrk.body = {_lua(json.dumps(WHAT_IF))}\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
        for connections in (1, 32):
            run.loads[f"healthz-{connections}"] = health = _run_wrk(wrk, f"{base}/healthz", connections, None)
            run.loads[f"check-{connections}"] = check = _run_wrk(wrk, f"{base}/v1/check", connections, script.name)
            answered += health.requests + check.requests
            run.what_ifs += check.requests
        distinct = _distinct_script(folder)
        run.loads["distinct-32"] = fresh = _run_wrk(wrk, f"{base}/v1/check", 32, str(distinct))
        answered += fresh.requests
        run.what_ifs += fresh.requests
        mix_to(MEMORY_COUNTS[1], "mix-2")

        stop = threading.Event()
        client = threading.Thread(target=_heavy_loop, args=(port, stop, run.heavy), daemon=True)
        client.start()
        time.sleep(0.2)  # the first heavy request is being computed
        run.loads["healthz-heavy"] = beside = _run_wrk(wrk, f"{base}/healthz", 1, None, HEAVY_DURATION)
        stop.set()
        client.join(timeout=30)
        answered += beside.requests + len(run.heavy.answers)
        run.served["heavy"] = answered
        run.rss["heavy"], run.worker_rss["heavy"] = _rss_mib(server.pid)
        run.seconds = time.perf_counter() - began
        return run
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        run.log = _read_log(log_path)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def _rows(run: Run) -> list[tuple[str, str, str, str, str, str]]:
    """(figure, accede, bound, ratio, target, mark) for one server."""
    rows = []
    for clients in (1, 32):
        health, check = run.loads[f"healthz-{clients}"], run.loads[f"check-{clients}"]
        ratio = check.rps / health.rps
        rows.append(
            (
                f"what-if throughput, {clients} client{'s' if clients > 1 else ''}, the same question (answer cache)",
                f"{check.rps:,.0f} req/s",
                f"healthz {health.rps:,.0f} req/s",
                f"{ratio:.2f}",
                f">= {RATIO_TARGET:.2f}" if clients == 32 else "",
                _mark(ratio >= RATIO_TARGET) if clients == 32 else "",
            )
        )
        rows.append(
            (
                f"what-if p50 / p99, {clients} client{'s' if clients > 1 else ''}, the same question",
                f"{_ms(check.p50)} / {_ms(check.p99)} ms",
                f"healthz {_ms(health.p50)} / {_ms(health.p99)} ms",
                f"p99 {check.p99 / health.p99:.1f}x",
                f"p99 < {P99_TARGET * 1e3:g} ms",
                _mark(check.p99 < P99_TARGET),
            )
        )
    health, fresh = run.loads["healthz-32"], run.loads["distinct-32"]
    ratio = fresh.rps / health.rps
    rows.append(
        (
            "what-if throughput, 32 clients, every question new (no answer-cache hit)",
            f"{fresh.rps:,.0f} req/s",
            f"healthz {health.rps:,.0f} req/s",
            f"{ratio:.2f}",
            f">= {RATIO_TARGET:.2f}",
            _mark(ratio >= RATIO_TARGET),
        )
    )
    rows.append(
        (
            "what-if p50 / p99, 32 clients, every question new",
            f"{_ms(fresh.p50)} / {_ms(fresh.p99)} ms",
            f"healthz {_ms(health.p50)} / {_ms(health.p99)} ms",
            f"p99 {fresh.p99 / health.p99:.1f}x",
            f"p99 < {P99_TARGET * 1e3:g} ms",
            _mark(fresh.p99 < P99_TARGET),
        )
    )
    idle, beside = run.loads["healthz-1"], run.loads["healthz-heavy"]
    rows.append(
        (
            "healthz p50 / p99, 1 client, heavy scenario alongside",
            f"{_ms(beside.p50)} / {_ms(beside.p99)} ms",
            f"healthz idle {_ms(idle.p50)} / {_ms(idle.p99)} ms",
            f"p99 {beside.p99 / idle.p99:.1f}x",
            f"p99 < {HEAVY_P99_TARGET * 1e3:g} ms",
            _mark(beside.p99 < HEAVY_P99_TARGET),
        )
    )
    rows.append(
        (
            "heavy scenario (3 orders x 16 SCO candidates), 1 client in a loop",
            run.heavy.summary(),
            "",
            "",
            "422 limit.exceeded is the budget working",
            "",
        )
    )
    high = MEMORY_COUNTS[1]
    first, second = run.rss["mix-1"], run.rss["mix-2"]
    drift = second / first
    largest = max(run.worker_rss.values())
    within = abs(drift - 1) <= RSS_DRIFT and run.served["mix-2"] >= high
    rows.append(
        (
            f"server RSS after {run.served['mix-1']:,} / {run.served['mix-2']:,} requests "
            f"(~{run.what_ifs:,} what-ifs, the rest GETs)",
            f"{first:.0f} / {second:.0f} MiB",
            f"RSS after {run.served['mix-1']:,}",
            f"{drift:.3f}",
            f"within {RSS_DRIFT:.0%}" + ("" if run.served["mix-2"] >= high else f" after {high:,}"),
            _mark(within),
        )
    )
    rows.append(
        (
            "server RSS after start-up / after the heavy scenario (largest process at any point)",
            f"{run.rss['start']:.0f} / {run.rss['heavy']:.0f} MiB ({largest:.0f})",
            f"RSS after {run.served['mix-2']:,}",
            f"{run.rss['heavy'] / second:.3f}",
            f"< {RSS_CEILING:g} MiB a process",
            _mark(largest < RSS_CEILING),
        )
    )
    rows.append(
        (
            "start-up to /readyz 200 / first what-if answered",
            f"{run.startup:.2f} / {run.first_answer:.2f} s",
            "",
            "",
            f"< {STARTUP_TARGET:g} s",
            _mark(run.startup < STARTUP_TARGET),
        )
    )
    non2xx, socket_errors = run.errors()
    statuses = ", ".join(f"{n:,} x {s}" for s, n in sorted(run.log.statuses.items()))
    rows.append(
        (
            "errors: wrk non-2xx / socket errors; server access log",
            f"{non2xx} / {socket_errors}; {statuses or 'no access lines'}",
            "",
            "",
            "no 5xx",
            _mark(not any(s >= 500 for s in run.log.statuses)),
        )
    )
    return rows


def _print_run(run: Run) -> None:
    print()
    print(
        f"HTTP on loopback, {run.workers} uvicorn worker(s), wrk {DURATION}s per throughput run ({run.seconds:.0f} s)"
    )
    print(f"{'clients':>7}  {'healthz rps':>11}  {'what-if rps':>11}  {'ratio':>6}  {'p50':>8}  {'p99':>8}  errors")
    for clients in (1, 32):
        health, check = run.loads[f"healthz-{clients}"], run.loads[f"check-{clients}"]
        print(
            f"{clients:>7}  {health.rps:>11.0f}  {check.rps:>11.0f}  {check.rps / health.rps:>6.2f}"
            f"  {check.p50 * 1e3:>6.2f}ms  {check.p99 * 1e3:>6.2f}ms  {check.non2xx + check.socket_errors}"
        )
    print(
        f"start-up to /readyz 200: {run.startup:.2f} s (target < {STARTUP_TARGET:g} s)",
        _mark(run.startup < STARTUP_TARGET),
    )
    print(
        f"server RSS: {run.rss['start']:.0f} MiB after start-up, {run.rss['mix-1']:.0f} MiB after "
        f"{run.served['mix-1']:,} requests, {run.rss['mix-2']:.0f} MiB after {run.served['mix-2']:,}, "
        f"{run.rss['heavy']:.0f} MiB after the heavy scenario; largest process {max(run.worker_rss.values()):.0f} MiB "
        f"(target < {RSS_CEILING:g} MiB a process, within {RSS_DRIFT:.0%} from {MEMORY_COUNTS[0]:,} to "
        f"{MEMORY_COUNTS[1]:,} requests)"
    )
    fresh = run.loads["distinct-32"]
    print(
        f"{'32 new':>7}  {run.loads['healthz-32'].rps:>11.0f}  {fresh.rps:>11.0f}  "
        f"{fresh.rps / run.loads['healthz-32'].rps:>6.2f}  {fresh.p50 * 1e3:>6.2f}ms  {fresh.p99 * 1e3:>6.2f}ms  "
        f"{fresh.non2xx + fresh.socket_errors}  (every question new to the answer cache)"
    )
    idle, beside = run.loads["healthz-1"], run.loads["healthz-heavy"]
    print(
        f"healthz from 1 client beside the heavy scenario: p50 {_ms(beside.p50)} ms, p99 {_ms(beside.p99)} ms "
        f"(idle: {_ms(idle.p50)} / {_ms(idle.p99)} ms; target p99 < {HEAVY_P99_TARGET * 1e3:g} ms) "
        f"{_mark(beside.p99 < HEAVY_P99_TARGET)}"
    )
    print(f"heavy scenario: {run.heavy.summary()}")
    for message, n in run.log.notable.most_common(5):
        print(f"server log: {n} x {message}")


def _markdown(runs: list[Run]) -> None:
    print()
    print("| workers | figure | accede | bound, same run | ratio | target | |")
    print("|---|---|---|---|---|---|---|")
    for run in runs:
        for figure, ours, bound, ratio, target, mark in _rows(run):
            print(f"| {run.workers} | {figure} | {ours} | {bound} | {ratio} | {target} | {mark} |")
    print()
    print(
        "Loopback, wrk on the same 2-core machine as the server. what-if = `POST /v1/check` (ARM, SCO, "
        "2025-09-01, establish ARM-AZE); default workers: 1. With 2 workers the one /healthz connection "
        "and a heavy request may or may not share a process."
    )
    for run in runs:
        check = run.loads["check-32"]
        print(
            f"At 32 clients latency includes queueing: by Little's law the mean is 32 / throughput, "
            f"{32 / check.rps * 1e3:.1f} ms at {check.rps:,.0f} req/s ({run.workers} worker(s))."
        )


def main() -> int:
    wrk = _wrk()
    if wrk is None:
        print("http bench skipped: wrk is not installed and cannot be (needs root and apt-get)")
        return 0
    began = time.perf_counter()
    runs = []
    with tempfile.TemporaryDirectory(prefix="accede-bench-") as folder:
        for workers in WORKER_COUNTS:
            run = bench_server(wrk, workers, Path(folder))
            if run is None:
                return 1
            _print_run(run)
            runs.append(run)
    _markdown(runs)
    print(f"HTTP part: {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
