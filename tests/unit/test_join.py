"""One verdict (``engine/evaluation/join.py``): conditions and the decision combined."""

from __future__ import annotations

from tests.unit.toy import ask, toy_world


def test_unknown_judgement_is_undetermined_until_assessed() -> None:
    conditions = [{"id": "eu", "text": "European state", "check": {"assessed": "european_state"}}]
    assert ask(toy_world([], conditions), assume="support").verdict == "undetermined"
    assessed = [{"assess": "european_state", "of": "AAA", "as": True, "on": "2019-01-01"}]
    assert ask(toy_world(assessed, conditions), assume="support").verdict == "eligible"


def test_positions_on_record_and_assumptions_drive_the_decision() -> None:
    world = toy_world([{"oppose": "AAA", "by": "BBB", "in": "ORG", "on": "2019-01-01"}], [])
    verdict = ask(world, assume="support")
    assert verdict.verdict == "blocked"
    assert verdict.failing == ()  # a decision that cannot pass shows in the tally, not in failing
    assert verdict.decision.stages[0].oppose == ("BBB",)
    assert verdict.decision.stages[0].assumed == ("CCC",)
    assert ask(toy_world([], []), assume="support").verdict == "eligible"
    assert ask(toy_world([], [])).verdict == "undetermined"
