"""Evidence (``engine/compiler/evidence.py``): the facts that decide a condition, dated and sourced."""

from __future__ import annotations

from datetime import date

from tests.unit.toy import REL, ask, toy_world


def test_severed_relations_are_dated_evidence_with_their_source() -> None:
    world = toy_world([{"sever": ["AAA", "CCC"], "on": "2012-03-04", "source": "a cable", "confidence": "low"}], [REL])
    evidence = ask(world).conditions[0].evidence
    assert [(e.state, e.since, e.source, e.confidence) for e in evidence] == [
        ("CCC", date(2012, 3, 4), "a cable", "low")
    ]
