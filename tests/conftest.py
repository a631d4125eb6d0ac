"""Shared test set-up: hypothesis profiles and the bundled workspace, compiled once per session."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from engine.workspace import Workspace

# Fast by default; `HYPOTHESIS_PROFILE=heavy make test` for long property runs.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "heavy", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The broken scenario files are inputs of tests/test_broken_files.py, which checks each one's
# problems; accede's pytest plugin would otherwise collect each as a failing test file.
collect_ignore_glob = ["broken/*"]


@pytest.fixture(scope="session")
def workspace() -> Workspace:
    return Workspace()
