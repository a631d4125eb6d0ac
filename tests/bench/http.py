"""The HTTP service under load on loopback: throughput, p50 and p99, start-up, memory.

A live ``accede serve`` (one uvicorn worker) is loaded by ``wrk`` (Debian's package; installed if
missing and possible), each run bounded in time and aimed at 127.0.0.1 only. The what-if check is
measured next to ``GET /healthz`` on the same server in the same run: the framework's ceiling.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

WHAT_IF: dict[str, object] = {
    "state": "ARM",
    "org": "SCO",
    "as_of": "2025-09-01",
    "changes": [{"establish": ["ARM", "AZE"], "on": "2025-09-01"}],
}
DURATION = 8  # seconds per wrk run
#: Worker counts measured; ACCEDE_BENCH_WORKERS="1" narrows it.
WORKER_COUNTS = tuple(int(w) for w in os.environ.get("ACCEDE_BENCH_WORKERS", "1,2").split(","))


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


def _rss_mib(pid: int) -> float:
    """Resident memory of the server's whole process tree, in MiB."""
    total = 0
    for proc in _tree(pid):
        for line in Path(f"/proc/{proc}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def _post(url: str, body: dict[str, object]) -> int:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        status: int = response.status
        return status


def _seconds(text: str) -> float:
    found = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if found is None:
        raise ValueError(f"cannot read wrk latency {text!r}")
    value, unit = found.groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def _run_wrk(wrk: str, url: str, connections: int, script: str | None) -> dict[str, float]:
    threads = min(2, connections)
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=DURATION + 30).stdout
    if "Latency Distribution" not in out:
        raise RuntimeError(f"wrk gave no latency distribution:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _seconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _seconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "requests": total, "errors": int(non2xx.group(1)) if non2xx else 0}


def main() -> int:
    wrk = _wrk()
    if wrk is None:
        print("http bench skipped: wrk is not installed and cannot be (needs root and apt-get)")
        return 0
    return max(bench_server(wrk, workers) for workers in WORKER_COUNTS)


def bench_server(wrk: str, workers: int) -> int:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    accede = str(Path(sys.executable).with_name("accede"))
    start = time.perf_counter()
    server = subprocess.Popen(
        [accede, "serve", "--port", str(port), "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        startup = None
        while time.perf_counter() - start < 30:
            try:
                if _post(f"{base}/v1/check", WHAT_IF) == 200:
                    startup = time.perf_counter() - start
                    break
            except OSError:
                time.sleep(0.02)
        if startup is None:
            print("http bench: the server did not answer within 30 s")
            return 1
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            body = json.dumps(WHAT_IF).replace("\\", "\\\\").replace('"', '\\"')
            script.write(
                f'wrk.method = "POST"\nwrk.body = "{body}"\nwrk.headers["Content-Type"] = "application/json"\n'
            )
        rss_start = _rss_mib(server.pid)
        rows = []
        served = 0
        for connections in (1, 32):
            health = _run_wrk(wrk, f"{base}/healthz", connections, None)
            check = _run_wrk(wrk, f"{base}/v1/check", connections, script.name)
            served += int(health["requests"] + check["requests"])
            rows.append((connections, health, check))
        rss_mid = _rss_mib(server.pid)
        while served < 100_000:
            served += int(_run_wrk(wrk, f"{base}/v1/check", 8, script.name)["requests"])
        rss_end = _rss_mib(server.pid)
        print()
        print(f"HTTP on loopback, {workers} uvicorn worker(s), wrk {DURATION}s per run")
        print("what-if = POST /v1/check with one change; ceiling = GET /healthz on the same server")
        print(f"{'clients':>7}  {'healthz rps':>11}  {'what-if rps':>11}  {'ratio':>6}  {'p50':>8}  {'p99':>8}  errors")
        for connections, health, check in rows:
            print(
                f"{connections:>7}  {health['rps']:>11.0f}  {check['rps']:>11.0f}  {check['rps'] / health['rps']:>6.2f}"
                f"  {check['p50'] * 1e3:>6.2f}ms  {check['p99'] * 1e3:>6.2f}ms  {int(check['errors'])}"
            )
        print(f"start-up to first what-if answer: {startup:.2f} s (target < 2 s)")
        print(
            f"server RSS: {rss_start:.0f} MiB after start-up, {rss_mid:.0f} MiB after the load runs, "
            f"{rss_end:.0f} MiB after {served:,} requests (target < 150 MiB and flat)"
        )
        return 0
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
