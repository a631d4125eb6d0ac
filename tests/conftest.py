"""Shared test set-up: hypothesis profiles and the bundled workspace, compiled once per session."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

from engine.workspace import Workspace

# Fast by default; `HYPOTHESIS_PROFILE=heavy make test` for long property runs.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "heavy", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The command line keeps a world cache (engine/reading/cache.py). The suite's runs, in this process
# and in every process it starts (they inherit the variable), keep theirs in a folder of the
# session's, removed at its end: never in the user's ~/.cache.
_CACHE_DIR = tempfile.mkdtemp(prefix="accede-tests-cache-")
os.environ["ACCEDE_CACHE_DIR"] = _CACHE_DIR


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE_DIR, ignore_errors=True)


# The broken scenario files are inputs of tests/test_broken_files.py, which checks each one's
# problems; accede's pytest plugin would otherwise collect each as a failing test file.
collect_ignore_glob = ["broken/*"]


@pytest.fixture(scope="session")
def workspace() -> Workspace:
    return Workspace()
