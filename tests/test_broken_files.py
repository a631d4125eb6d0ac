"""One broken file per error code and per kind of mistake: the code, the line, the field and the words.

Each file under ``tests/broken/`` starts with ``# expect: CODE LINE message words``, optionally
followed by ``# field: questions[0].expect.verdict`` (the field the problem must name) and
``# problems: N`` (how many problems the file has; one unless it says otherwise). The files go
through ``accede lint`` as a user would run it: exit status 2, located messages, one line per
problem, no traceback and no Python repr.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.cli import main
from engine.common.errors import CODES

BROKEN = Path(__file__).parent / "broken"
FILES = sorted(BROKEN.glob("*.yaml"))
_HEADER = re.compile(r"^# expect: (?P<code>\S+) (?P<line>\d+) (?P<words>.+)$")
_OPTION = re.compile(r"^# (?P<key>field|problems): (?P<value>.+)$")
#: What a Python repr of a dict, a tuple or a list of dicts looks like inside a message.
REPRS = ("{'", "('", "[{")

# Codes whose input is not a file: generated in test_cli.py, HTTP-only and checked in test_api.py,
# or the watcher's recovery from a durable_rules failure (test_watcher.py).
GENERATED = {
    "file.not-found",
    "file.too-large",
    "limit.exceeded",
    "json.syntax",
    "json.duplicate-key",  # HTTP bodies and watch lines: tests/test_api.py
    "http.not-found",
    "http.method-not-allowed",
    "http.not-ready",
    "http.too-slow",
    "internal.error",  # a server-side failure: tests/test_api.py forces one
    "watch.failed",
    "serve.cannot-bind",
}


@dataclass(frozen=True)
class Expectation:
    code: str
    line: int
    words: str
    field: str | None = None
    problems: int = 1


def _expectation(path: Path) -> Expectation:
    lines = path.read_text(encoding="utf-8").splitlines()
    match = _HEADER.match(lines[0])
    assert match, f"{path.name} lacks an '# expect:' header"
    options: dict[str, str] = {}
    for line in lines[1:3]:
        if found := _OPTION.match(line):
            options[found["key"]] = found["value"]
    return Expectation(
        match["code"],
        int(match["line"]),
        match["words"],
        options.get("field"),
        int(options.get("problems", "1")),
    )


def test_every_code_has_a_broken_file() -> None:
    covered = {_expectation(p).code for p in FILES}
    assert set(CODES) - GENERATED <= covered, sorted(set(CODES) - GENERATED - covered)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_file(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _expectation(path)
    rel = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    status = main(["lint", str(rel)])
    err = capsys.readouterr().err
    assert status == 2
    assert "Traceback" not in err
    *lines, summary = err.splitlines()
    # One line per problem, then the count: a newline in user input cannot forge a problem line.
    n = expected.problems
    assert summary == f"{n} problem{'s' if n != 1 else ''}", err
    assert len(lines) == n, err
    assert all(line.startswith(f"{rel}") for line in lines), err
    assert not [line for line in lines if any(r in line for r in REPRS)], err
    assert "Input should be" not in err
    messages = [m for m in lines if f": {expected.code}: " in m]
    assert messages, f"no `{expected.code}` in:\n{err}"
    located = f"{rel}:{expected.line}:" if expected.line else f"{rel}"
    found = [m for m in messages if m.startswith(located) and expected.words in m]
    assert found, err
    if expected.field is not None:
        assert any(m.endswith(f" (field `{expected.field}`)") for m in found), err
