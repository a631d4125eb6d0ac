"""Decision tallies (``engine/evaluation/tally.py``): when a stage passes, fails or stays unknown."""

from __future__ import annotations

from typing import Any

import pytest

from engine import models as m
from engine.evaluation.tally import _Counts, stage_outcome


def counts(voters: int, support: int = 0, oppose: int = 0, unknown: int | None = None, **veto: bool) -> _Counts:
    known = support + oppose
    return _Counts(
        voters,
        support,
        oppose,
        voters - known if unknown is None else unknown,
        veto.get("veto_opposes", False),
        veto.get("veto_unknown", False),
    )


@pytest.mark.parametrize(
    ("rule", "c", "expected"),
    [
        ("unanimity", counts(0), "passes"),  # an empty voter group passes unanimity...
        ("majority", counts(0), "fails"),  # ...and nothing else
        ("two_thirds", counts(0), "fails"),
        ("unanimity", counts(3, support=2, unknown=0), "passes"),  # the third abstained: no block
        ("unanimity", counts(3, support=2, oppose=1), "fails"),
        ("unanimity", counts(3, support=2), "unknown"),
        ("majority", counts(4, support=3), "passes"),
        ("majority", counts(4, support=2, oppose=2), "fails"),  # half is not a majority
        ("majority", counts(4, support=2), "unknown"),
        ("two_thirds", counts(10, support=7), "passes"),  # ceil(20/3) = 7
        ("two_thirds", counts(10, support=6, oppose=4), "fails"),
        ("two_thirds", counts(10, support=6, oppose=3), "unknown"),
        (m.AtLeast(at_least=9), counts(15, support=9), "passes"),
        (m.AtLeast(at_least=9), counts(15, support=3, oppose=7), "fails"),  # 3 + 5 unknown < 9
        (m.AtLeast(at_least=9), counts(15, support=12, veto_opposes=True), "fails"),
        (m.AtLeast(at_least=9), counts(15, support=12, veto_unknown=True), "unknown"),
    ],
)
def test_stage_tallies(rule: Any, c: _Counts, expected: str) -> None:
    assert stage_outcome(rule, c) == expected
