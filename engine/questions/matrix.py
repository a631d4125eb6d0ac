"""``matrix``: verdicts of every non-member (or the states listed) against the organisations named."""

from __future__ import annotations

from typing import Any

from engine import models as m
from engine.evaluation.sweep import matrix
from engine.evaluation.verdict import MatrixResult
from engine.questions.registry import Asked, Progress, QuestionKind, register

__all__: list[str] = []


def _check(question: m.MatrixQuestion, asked: Asked) -> None:
    for j, org in enumerate(question.matrix.orgs or ()):
        asked.need_org(org, "matrix", "orgs", j)
    for j, state in enumerate(question.matrix.states or ()):
        asked.need_state(state, "matrix", "states", j)


def _answer(question: m.MatrixQuestion, asked: Asked, prepared: Any, progress: Progress | None) -> MatrixResult:
    spec = question.matrix
    return matrix(asked.world, asked.on, orgs=spec.orgs, states=spec.states, assume=asked.assume)


register(QuestionKind("matrix", m.MatrixQuestion, _check, _answer))
