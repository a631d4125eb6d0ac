"""Remedies (``engine/compiler/remedies.py``): every route offered, minimised, forbidden ones left out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.compiler.remedies import MAX_OPTIONS, Change, minimise
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


# --- minimise: the integer-mask ordering is the ordering by sorted changes ----------------------

CHANGES = [
    ("establish", "AAA", "BBB"),
    ("establish", "AAA", "CCC"),
    ("recognize", "AAA", "BBB"),
    ("recognize", "AAA", "CCC"),
    ("admit", "AAA", "ORG", "member"),
    ("admit", "AAA", "ORG", "observer"),
    ("leave", "AAA", "ORG"),
    ("admit", "AAA", "OTH", "partner"),
    ("lift_sanctions", "AAA"),
    ("assess", "key", "AAA", "true"),
]


def reference_minimise(options: list[frozenset[Change]], cap: int) -> tuple[frozenset[Change], ...]:
    """minimise as the SPEC reads: no contradictions, smallest first by (size, sorted changes), no supersets."""
    clean = []
    for option in set(options):
        admits = [c[1:3] for c in option if c[0] in ("admit", "leave")]
        if len(admits) == len(set(admits)):
            clean.append(option)
    clean.sort(key=lambda o: (len(o), sorted(o)))
    kept: list[frozenset[Change]] = []
    for option in clean:
        if not any(k <= option for k in kept):
            kept.append(option)
        if len(kept) >= cap:
            break
    return tuple(kept)


@settings(max_examples=500)
@given(st.lists(st.frozensets(st.sampled_from(CHANGES), max_size=5), max_size=60))
def test_minimise_agrees_with_sorting_by_the_sorted_changes(options: list[frozenset[Change]]) -> None:
    assert minimise(options) == reference_minimise(options, MAX_OPTIONS)
