"""One broken file per error code: the code, the line and the words of each message.

Each file under ``tests/broken/`` starts with ``# expect: CODE LINE message words``. The files
go through ``accede lint`` as a user would run it: exit status 2, located messages, no traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.cli import main
from engine.common.errors import CODES

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))
_HEADER = re.compile(r"^# expect: (?P<code>\S+) (?P<line>\d+) (?P<words>.+)$")

# Codes whose input is not a file: generated in test_cli.py, HTTP-only and checked in test_api.py,
# or the watcher's recovery from a durable_rules failure (test_watcher.py).
GENERATED = {
    "file.not-found",
    "file.too-large",
    "limit.exceeded",
    "json.syntax",
    "http.not-found",
    "http.method-not-allowed",
    "internal.error",  # a server-side failure: tests/test_api.py forces one
    "watch.failed",
}


def _expectation(path: Path) -> tuple[str, int, str]:
    match = _HEADER.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} lacks an '# expect:' header"
    return match["code"], int(match["line"]), match["words"]


def test_every_code_has_a_broken_file() -> None:
    covered = {_expectation(p)[0] for p in FILES}
    assert set(CODES) - GENERATED <= covered, sorted(set(CODES) - GENERATED - covered)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_file(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, line, words = _expectation(path)
    rel = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    status = main(["lint", str(rel)])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    messages = [m for m in err.splitlines() if f": {code}: " in m]
    assert messages, f"no `{code}` in:\n{err}"
    located = f"{rel}:{line}:" if line else f"{rel}"
    assert any(m.startswith(located) and words in m for m in messages), err
