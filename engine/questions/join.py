"""``join``: one verdict, with evidence, the decision tally and remedies (forbidden changes left out)."""

from __future__ import annotations

from typing import Any

from engine import models as m
from engine.common.errors import did_you_mean
from engine.compiler.remedies import Change, event_change
from engine.evaluation.join import join
from engine.evaluation.verdict import JoinVerdict
from engine.questions.registry import Asked, Progress, QuestionKind, outcome, register
from engine.reading.loader import Located
from engine.validation import validate_event

__all__ = ["check_expectation"]


def _check(question: m.JoinQuestion, asked: Asked) -> tuple[Change, ...]:
    spec = question.join
    asked.need_state(spec.state, "join", "state")
    if asked.need_org(spec.org, "join", "org") and question.expect is not None:
        known = asked.world.orgs[spec.org].condition_ids()
        for name in ("failing", "holding"):
            for j, cid in enumerate(getattr(question.expect, name) or ()):
                if cid not in known:
                    message = f"the {spec.org} rules have no condition `{cid}`{did_you_mean(cid, known)}"
                    asked.problems.append(asked.report("expect", name, j)("scenario.unknown-condition", message))
    forbid: list[Change] = []
    models = {code: org.model for code, org in asked.world.orgs.items()}
    for j, event in enumerate(spec.forbid):
        loc = Located(asked.doc, (*asked.path, "join", "forbid", j))
        asked.problems.extend(validate_event(event, loc, asked.world.index, models, require_date=False))
        forbid.append(event_change(event))
    return tuple(forbid)


def _answer(
    question: m.JoinQuestion, asked: Asked, forbid: tuple[Change, ...], progress: Progress | None
) -> JoinVerdict:
    spec = question.join
    return join(asked.world, spec.state, spec.org, asked.on, assume=asked.assume, forbid=forbid)


def check_expectation(expect: m.Expectation, verdict: JoinVerdict) -> dict[str, Any]:
    """Compare a verdict with what the analyst expected; one readable line per mismatch."""
    mismatches: list[str] = []
    if expect.verdict is not None and expect.verdict != verdict.verdict:
        mismatches.append(f"expected verdict {expect.verdict}, got {verdict.verdict}")
    if expect.failing is not None and set(expect.failing) != set(verdict.failing):
        want = ", ".join(sorted(expect.failing)) or "none"
        got = ", ".join(verdict.failing) or "none"
        mismatches.append(f"expected failing [{want}], got [{got}]")
    for cid in expect.holding or ():
        if cid not in verdict.holding:
            found = next((c.outcome for c in verdict.conditions if c.id == cid), None)
            mismatches.append(f"expected `{cid}` to hold, it {found if found is not None else 'is not in force'}")
    return outcome(mismatches)


def _expect(question: m.JoinQuestion, verdict: JoinVerdict) -> dict[str, Any] | None:
    return check_expectation(question.expect, verdict) if question.expect is not None else None


register(QuestionKind("join", m.JoinQuestion, _check, _answer, _expect))
