"""The page's tests drive Debian's chromium through Playwright against the real service.

Playwright cannot download its own browser here, so the tests launch ``/usr/bin/chromium`` with
flags that keep it from calling any other host; where it is missing (or Playwright is not
installed) every test skips and says why (``test_page`` decides; ``pytest -rs`` prints it). The service runs as
operators start it: ``python -m engine.cli serve`` on a free port, ready once ``/readyz`` is 200.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.paths import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request

#: Debian's chromium; ``ACCEDE_CHROMIUM`` names another build (or a missing one, to see the skip).
CHROMIUM = Path(os.environ.get("ACCEDE_CHROMIUM", "/usr/bin/chromium"))
#: Without these, chromium reaches out on its own: updates, sync, field trials, QUIC probes.
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
SCREENSHOTS = ROOT / "build" / "screenshots"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Service:
    """The running service: its address, and plain HTTP to compare the page with the JSON."""

    url: str

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=30) as resp:
            return json.load(resp)

    def post(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(
            self.url + path, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.load(resp)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("service") / "serve.log"
    env = {**os.environ, "ACCEDE_LOG_LEVEL": "warning"}
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "engine.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise AssertionError(f"the service exited with {proc.returncode}: {log.read_text()}")
                try:
                    with urllib.request.urlopen(url + "/readyz", timeout=1) as resp:
                        if resp.status == 200:
                            break
                except (urllib.error.URLError, OSError):
                    pass
                time.sleep(0.1)
            else:
                raise AssertionError("the service did not become ready in 90 s")
            yield Service(url)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (skipped above when missing)

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Visit:
    """One page in a fresh context, with every request it made and every error it printed."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def shot(self, name: str, full_page: bool = False) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.base + "/")]


def _visit(browser: Browser, service: Service, width: int, height: int) -> Iterator[Visit]:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    visit = Visit(page, service.url)

    def on_request(request: Request) -> None:
        visit.requests.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            visit.errors.append(f"console {message.type}: {message.text}")

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: visit.errors.append(f"page error: {exc}"))
    page.goto(service.url + "/")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("#ask-out article")
    yield visit
    context.close()


@pytest.fixture
def visit(browser: Browser, service: Service) -> Iterator[Visit]:
    """The page at 1280 px, loaded and its first answer drawn."""
    yield from _visit(browser, service, 1280, 800)


@pytest.fixture
def phone(browser: Browser, service: Service) -> Iterator[Visit]:
    """The page at 375 px, a phone's width."""
    yield from _visit(browser, service, 375, 812)
