"""The analyst's page, timed (issue 13's targets, here and never in timed tests).

On a real server on loopback: the page's first render in headless chromium (the Performance API's
first contentful paint and the first verdict drawn), a what-if round trip as the page makes it,
and the full heatmap on a date (every non-member against every organisation) as the server
answers it. Each figure is printed beside its target; a miss says MISS and fails nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from typing import Any

__all__ = ["main"]

WHAT_IF = {"state": "ARM", "org": "SCO", "as_of": "2025-09-01", "changes": [{"establish": ["ARM", "AZE"]}]}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str, body: dict[str, Any] | None = None) -> float:
    """Seconds for one request, answered 200."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 200
    return time.perf_counter() - started


def _first_render(base: str) -> tuple[float, float] | None:
    """(first contentful paint, first verdict drawn) in seconds, or None without a browser."""
    chromium = os.environ.get("ACCEDE_CHROMIUM") or shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        return None
    if chromium is None:
        return None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/", wait_until="load")
            # The page marks its first answer drawn (performance.mark('accede:first-answer')).
            page.wait_for_function("() => performance.getEntriesByName('accede:first-answer').length > 0")
            paint, drawn = page.evaluate(
                """() => [(performance.getEntriesByName('first-contentful-paint')[0] || {startTime: 0}).startTime,
                          performance.getEntriesByName('accede:first-answer')[0].startTime]"""
            )

        finally:
            browser.close()
    return float(paint) / 1000, float(drawn) / 1000


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISS"


def main() -> int:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                _get(f"{base}/readyz")
                break
            except OSError:
                time.sleep(0.05)
        whatifs = [_get(f"{base}/v1/check", WHAT_IF) for _ in range(50)]
        heatmaps = [_get(f"{base}/v1/matrix?as_of=2025-08-30") for _ in range(10)]
        healthz = [_get(f"{base}/healthz") for _ in range(50)]
        render = _first_render(base)
    finally:
        server.terminate()
        server.wait(timeout=20)
    whatif, heatmap, bound = (statistics.median(x) * 1000 for x in (whatifs, heatmaps, healthz))
    print("\n## The analyst's page (loopback, 1 worker)\n")
    print("| figure | accede | bound, same run | ratio | target | |")
    print("|---|---|---|---|---|---|")
    rows = [("what-if round trip (median of 50)", whatif, 100), ("full heatmap on a date (median of 10)", heatmap, 200)]
    for name, value, target in rows:
        ratio = f"{value / bound:.1f}x"
        print(
            f"| {name} | {value:.2f} ms | healthz {bound:.2f} ms | {ratio} | < {target} ms | {_mark(value < target)} |"
        )
    if render is None:
        print("| first render | not measured: chromium or playwright is missing | | | < 1 s | |")
    else:
        paint, drawn = render
        figure = f"{paint * 1000:.0f} / {drawn * 1000:.0f} ms"
        print(f"| first contentful paint / first verdict drawn | {figure} | | | < 1 s | {_mark(drawn < 1)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
