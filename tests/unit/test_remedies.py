"""Remedies (``engine/compiler/remedies.py``): every route offered, minimised, forbidden ones left out."""

from __future__ import annotations

from tests.unit.toy import REC, REL, ask, toy_world


def test_relations_imply_recognition_and_remedies_offer_both_routes() -> None:
    world = toy_world([{"sever": ["AAA", "BBB"], "on": "2010-01-01"}], [REC])
    verdict = ask(world)
    assert verdict.failing == ("rec",)
    changes = sorted(tuple(sorted(next(iter(c)) for c in r.changes)) for r in verdict.remedies)
    assert changes == [("establish",), ("recognize",)]
    # Ruling out new relations leaves recognition as the only way.
    verdict = ask(world, forbid=[{"establish": ["BBB", "AAA"]}])
    assert [r.changes[0] for r in verdict.remedies] == [{"recognize": "AAA", "by": "BBB", "on": "2020-01-01"}]


def test_one_change_lifting_two_conditions_is_the_minimal_remedy() -> None:
    world = toy_world([{"sever": ["AAA", "BBB"], "on": "2010-01-01"}], [REL, REC])
    verdict = ask(world)
    assert set(verdict.failing) == {"rel", "rec"}
    assert [r.changes for r in verdict.remedies] == [({"establish": ["AAA", "BBB"], "on": "2020-01-01"},)]
