"""Compiled checks (``engine/compiler/checks.py``): three-valued logic, and what no change can lift."""

from __future__ import annotations

from tests.unit.toy import ask, toy_world


def test_three_valued_combinators() -> None:
    unknown = {"assessed": "european_state"}
    fails = {"region_in": ["Asia"]}
    holds = {"region_in": ["Europe"]}
    cases = {
        "a": ({"all": [unknown, holds]}, "unknown"),
        "b": ({"all": [unknown, fails]}, "fails"),
        "c": ({"any": [unknown, holds]}, "holds"),
        "d": ({"any": [unknown, fails]}, "unknown"),
        "e": ({"not": unknown}, "unknown"),
        "f": ({"not": fails}, "holds"),
    }
    conditions = [{"id": k, "text": k, "check": check} for k, (check, _) in cases.items()]
    verdict = ask(toy_world([], conditions), assume="support")
    assert {c.id: c.outcome for c in verdict.conditions} == {k: want for k, (_, want) in cases.items()}
    assert verdict.irremediable == ("b",)  # a region cannot be changed
