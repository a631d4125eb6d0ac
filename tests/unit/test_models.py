"""The models package (``engine/models/``): one facade naming everything, one verb table for every event."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from pydantic import TypeAdapter

from engine import models as m

SUBMODULES = sorted(info.name for info in pkgutil.iter_modules(m.__path__))

#: One event of each verb, as a file writes it.
SAMPLES: dict[str, dict[str, Any]] = {
    "establish": {"establish": ["BBB", "AAA"], "on": "2020-01-01"},
    "sever": {"sever": ["AAA", "BBB"], "on": "2020-01-01"},
    "recognize": {"recognize": "AAA", "by": "BBB", "on": "2020-01-01"},
    "withdraw_recognition": {"withdraw_recognition": "AAA", "by": "BBB", "on": "2020-01-01"},
    "admit": {"admit": "AAA", "to": "ORG", "as": "member", "on": "2020-01-01"},
    "leave": {"leave": "AAA", "from": "ORG", "on": "2020-01-01"},
    "conflict": {"conflict": ["AAA", "BBB"], "from": "2020-01-01", "until": "2021-01-01"},
    "end_conflict": {"end_conflict": ["AAA", "BBB"], "on": "2020-01-01"},
    "sanction": {"sanction": "AAA", "from": "2020-01-01"},
    "lift_sanctions": {"lift_sanctions": "AAA", "on": "2020-01-01"},
    "support": {"support": "AAA", "by": "BBB", "in": "ORG", "on": "2020-01-01"},
    "oppose": {"oppose": "AAA", "by": "BBB", "in": "ORG", "on": "2020-01-01"},
    "abstain": {"abstain": "AAA", "by": "BBB", "in": "ORG", "on": "2020-01-01"},
    "assess": {"assess": "democracy", "of": "AAA", "as": True, "on": "2020-01-01"},
}


def test_there_are_submodules() -> None:
    assert {"checks", "events", "rules", "scenarios", "worlds"} <= set(SUBMODULES)


def test_the_facade_names_exactly_what_the_submodules_export() -> None:
    """As hypothesis checks its ``strategies`` facade: one import gives every public name, and only those."""
    exported: dict[str, Any] = {}
    for name in SUBMODULES:
        module = importlib.import_module(f"{m.__name__}.{name}")
        assert hasattr(module, "__all__"), f"engine.models.{name} has no __all__"
        for public in module.__all__:
            exported[public] = getattr(module, public)
    assert set(m.__all__) == set(exported), {
        "not re-exported": sorted(set(exported) - set(m.__all__)),
        "not defined by a submodule": sorted(set(m.__all__) - set(exported)),
    }
    assert len(m.__all__) == len(set(m.__all__)), "a name is listed twice"
    for public, value in exported.items():
        assert getattr(m, public) is value, f"engine.models.{public} is not the submodule's"


def test_every_verb_has_a_sample() -> None:
    assert set(SAMPLES) == set(m.EVENT_VERBS)


@pytest.mark.parametrize("verb", m.EVENT_VERBS)
def test_every_event_verb_has_its_row_in_the_verb_table(verb: str) -> None:
    spec = m.VERBS[verb]
    assert spec.model.verb == verb
    event = TypeAdapter(m.Event).validate_python(SAMPLES[verb])
    assert type(event) is spec.model, "the Event union reads the verb as its own model"
    key = event.key()
    assert isinstance(key, tuple)
    assert key[:1] == (spec.fact,), f"{verb}: key {key} is not about a {spec.fact!r} fact"
