"""What a one-shot command loads: ``accede check`` answers without the HTTP service, the report
renderers, the test runner or fmt's round-trip YAML (each is its own command's), and importing
``engine`` loads no stage of the pipeline. Checked in fresh processes: this one has them all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import engine
from tests.paths import ROOT

#: Modules of other commands, which `accede check` must not import.
NOT_FOR_CHECK = (
    "fastapi",
    "uvicorn",
    "starlette",
    "api",
    "ruamel.yaml",
    "engine.rendering.html",
    "engine.rendering.markdown",
    "engine.rendering.csvout",
    "engine.tooling.bulk",
    "engine.tooling.fmt",
    "engine.tooling.testing",
    "engine.tooling.schema",
    "engine.decisions",
    "engine.watcher",
)


def modules_after(code: str, cache_dir: Path) -> set[str]:
    """The modules a fresh interpreter holds after running ``code`` (which must print nothing)."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)), file=sys.stderr)"
    env = {**os.environ, "ACCEDE_CACHE_DIR": str(cache_dir)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    found: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return set(found)


def test_check_imports_neither_the_service_nor_other_commands_tools(tmp_path: Path) -> None:
    code = "from engine.cli import main\nimport contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()):\n"
    code += "    assert main(['check', 'ARM', 'SCO', '--as-of', '2025-08-30']) == 0"
    for _ in ("cold", "warm cache"):
        loaded = modules_after(code, tmp_path)
        assert "engine.workspace" in loaded, "the command did run"
        assert not [m for m in NOT_FOR_CHECK if m in loaded or any(x.startswith(m + ".") for x in loaded)]


def test_importing_the_facade_loads_no_stage(tmp_path: Path) -> None:
    loaded = modules_after("import engine", tmp_path)
    assert not [m for m in loaded if m.startswith("engine.")]
    assert "pydantic" not in loaded


def test_the_facade_names_what_it_lists() -> None:
    for name in engine.__all__:
        assert getattr(engine, name).__name__ == name
    assert set(engine.__all__) <= set(dir(engine))
