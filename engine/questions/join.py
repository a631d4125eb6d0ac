"""``join``: one verdict, with evidence, the decision tally and remedies (forbidden changes left out)."""

from __future__ import annotations

from typing import Any

from engine import models as m
from engine.common.errors import did_you_mean
from engine.compiler.remedies import Change, change_syntax, change_text, event_change, parse_change, same_change
from engine.evaluation.join import join
from engine.evaluation.verdict import JoinVerdict
from engine.questions.registry import Asked, Progress, QuestionKind, outcome, register
from engine.reading.loader import Located
from engine.validation import validate_event

__all__ = ["check_expectation"]


def _check(question: m.JoinQuestion, asked: Asked) -> tuple[Change, ...]:
    spec = question.join
    asked.need_state(spec.state, "join", "state")
    models = {code: org.model for code, org in asked.world.orgs.items()}
    expect = question.expect
    if asked.need_org(spec.org, "join", "org") and expect is not None:
        known = asked.world.orgs[spec.org].condition_ids()
        named: list[tuple[str | tuple[str, str], int, str]] = [
            (name, j, cid) for name in ("failing", "holding") for j, cid in enumerate(getattr(expect, name) or ())
        ]
        if expect.to_settle is not None:
            named += [(("to_settle", "conditions"), j, cid) for j, cid in enumerate(expect.to_settle.conditions)]
        for name, j, cid in named:
            if cid not in known:
                message = f"the {spec.org} rules have no condition `{cid}`{did_you_mean(cid, known)}"
                where = name if isinstance(name, tuple) else (name,)
                asked.problems.append(asked.report("expect", *where, j)("scenario.unknown-condition", message))
    if expect is not None and expect.remedies is not None:
        for name in ("offered", "not_offered"):
            for j, event in enumerate(getattr(expect.remedies, name)):
                loc = Located(asked.doc, (*asked.path, "expect", "remedies", name, j))
                asked.problems.extend(validate_event(event, loc, asked.world.index, models, require_date=False))
    forbid: list[Change] = []
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


def _offered(verdict: JoinVerdict) -> list[Change]:
    """Every change some remedy of the verdict proposes."""
    return [parse_change(c) for r in verdict.remedies for c in r.changes]


def _open(verdict: JoinVerdict) -> tuple[set[str], set[str]]:
    """The conditions and decision stages an undetermined verdict leaves open."""
    settle = verdict.to_settle
    if settle is None:
        return set(), set()
    return {j.condition for j in settle.judgements}, {s.stage for s in settle.stages}


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
    if expect.to_settle is not None:
        conditions, stages = _open(verdict)
        for what, wanted, found_open in (
            ("conditions", set(expect.to_settle.conditions), conditions),
            ("stages", set(expect.to_settle.stages), stages),
        ):
            if wanted != found_open:
                listed, now = ", ".join(sorted(wanted)) or "none", ", ".join(sorted(found_open)) or "none"
                mismatches.append(f"expected {what} to settle [{listed}], got [{now}]")
    if expect.remedies is not None:
        offered = _offered(verdict)
        for event in expect.remedies.offered:
            if not any(same_change(event_change(event), c) for c in offered):
                mismatches.append(f"expected a remedy proposing {change_text(event_change(event))}")
        for event in expect.remedies.not_offered:
            if any(same_change(event_change(event), c) for c in offered):
                mismatches.append(f"expected no remedy proposing {change_text(event_change(event))}")
    if expect.decision is not None and expect.decision != verdict.decision.outcome:
        mismatches.append(f"expected the decision to be {expect.decision}, it {verdict.decision.outcome}")
    return outcome(mismatches)


def _observe(question: m.JoinQuestion, verdict: JoinVerdict) -> dict[str, Any]:
    """Each expectation key as the current answer would write it (``accede test --update``)."""
    conditions, stages = _open(verdict)
    day = verdict.as_of.isoformat()
    offered = [{k: v for k, v in change_syntax(c, day).items() if k not in ("on", "from")} for c in _offered(verdict)]
    return {
        "verdict": verdict.verdict,
        "failing": list(verdict.failing),
        "holding": list(verdict.holding),
        "to_settle": {"conditions": sorted(conditions), "stages": sorted(stages)},
        "remedies": {"offered": offered, "not_offered": []},
        "decision": verdict.decision.outcome,
    }


def _expect(question: m.JoinQuestion, verdict: JoinVerdict) -> dict[str, Any] | None:
    return check_expectation(question.expect, verdict) if question.expect is not None else None


register(QuestionKind("join", m.JoinQuestion, _check, _answer, _expect, _observe))
