"""The combining rule, stated once: how conditions and the decision make a verdict.

A failing condition or a failed decision blocks; otherwise an unknown condition or an unknown
decision leaves the verdict undetermined; otherwise the applicant is eligible. ``combine`` says it
of one applicant; ``combine_masks`` says the same of many at once, on bitsets (the matrix's
columns). The columnar laws (``tests/test_columnar_matrix.py``) hold the two forms equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the result types import the matrix's columns, which import this rule
    from engine.evaluation.tally import StageOutcome
    from engine.evaluation.verdict import VerdictName

__all__ = ["combine", "combine_masks"]


def combine(failing: bool, unknown: bool, decision: StageOutcome) -> VerdictName:
    """One applicant: a failing condition or a failed decision blocks; an unknown leaves it open."""
    if failing or decision == "fails":
        return "blocked"
    return "undetermined" if unknown or decision == "unknown" else "eligible"


def combine_masks(
    candidates: int, failing: int, unknown: int, decision_fails: int, decision_unknown: int
) -> tuple[int, int, int]:
    """The same rule over bitsets of candidates: (eligible, undetermined, blocked)."""
    blocked = candidates & (failing | decision_fails)
    undetermined = candidates & ~blocked & (unknown | decision_unknown)
    return candidates & ~blocked & ~undetermined, undetermined, blocked
