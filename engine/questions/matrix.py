"""``matrix``: verdicts of every non-member (or the states listed) against the organisations named."""

from __future__ import annotations

from typing import Any

from engine import models as m
from engine.common.errors import did_you_mean
from engine.evaluation.sweep import matrix
from engine.evaluation.verdict import MatrixResult
from engine.questions.registry import Asked, Progress, QuestionKind, outcome, register

__all__: list[str] = []


def _check(question: m.MatrixQuestion, asked: Asked) -> None:
    for j, org in enumerate(question.matrix.orgs or ()):
        asked.need_org(org, "matrix", "orgs", j)
    for j, state in enumerate(question.matrix.states or ()):
        asked.need_state(state, "matrix", "states", j)
    expect = question.expect
    swept = question.matrix.orgs
    for j, row in enumerate(expect.rows or () if expect is not None else ()):
        report = asked.report("expect", "rows", j)
        if row.org is None and (swept is None or len(swept) != 1):
            message = "name the row's `org`: the sweep covers more than one organisation"
            asked.problems.append(report("scenario.invalid-question", message))
        elif row.org is not None and swept is not None and row.org not in swept:
            message = f"the sweep does not cover the {row.org} (orgs: {', '.join(swept)})"
            asked.problems.append(report("scenario.invalid-question", message))
        else:
            org = _row_org(question, row)
            known = asked.world.orgs[org].condition_ids() if org in asked.world.orgs else frozenset()
            for k, cid in enumerate(row.failing or ()):
                if cid not in known:
                    message = f"the {org} rules have no condition `{cid}`{did_you_mean(cid, known)}"
                    asked.problems.append(
                        asked.report("expect", "rows", j, "failing", k)("scenario.unknown-condition", message)
                    )


def _row_org(question: m.MatrixQuestion, row: m.RowExpectation) -> str:
    return row.org or (question.matrix.orgs or ("",))[0]


def _expect(question: m.MatrixQuestion, result: MatrixResult) -> dict[str, Any] | None:
    expect = question.expect
    if expect is None:
        return None
    out: list[str] = []
    # Rows are looked up one by one and counts read off the bitsets: no other row is built.
    for want in expect.rows or ():
        org = _row_org(question, want)
        got = result.row_of(want.state, org)
        verdict = got.verdict if got is not None else "member"  # the sweep leaves members out
        if verdict != want.verdict:
            out.append(f"expected {want.state} {want.verdict} in the {org}, got {verdict}")
        elif want.failing is not None and got is not None and set(want.failing) != set(got.failing):
            wanted = ", ".join(sorted(want.failing)) or "none"
            out.append(
                f"expected {want.state} failing [{wanted}] in the {org}, got [{', '.join(got.failing) or 'none'}]"
            )
    if expect.counts is not None:
        counts = result.counts()
        for verdict, n in sorted(expect.counts.items()):
            if counts.get(verdict, 0) != n:
                out.append(f"expected {n} {verdict}, got {counts.get(verdict, 0)}")
    return outcome(out)


def _observe(question: m.MatrixQuestion, result: MatrixResult) -> dict[str, Any]:
    observed = []
    for want in question.expect.rows or () if question.expect is not None else ():
        got = result.row_of(want.state, _row_org(question, want))
        row: dict[str, Any] = {"state": want.state, **({"org": want.org} if want.org is not None else {})}
        row["verdict"] = got.verdict if got is not None else "member"
        if want.failing is not None:
            row["failing"] = list(got.failing) if got is not None else []
        observed.append(row)
    counts = result.counts()
    return {"rows": observed, "counts": {v: counts[v] for v in sorted(counts)}}


def _answer(question: m.MatrixQuestion, asked: Asked, prepared: Any, progress: Progress | None) -> MatrixResult:
    spec = question.matrix
    return matrix(asked.world, asked.on, orgs=spec.orgs, states=spec.states, assume=asked.assume)


register(QuestionKind("matrix", m.MatrixQuestion, _check, _answer, _expect, _observe))
