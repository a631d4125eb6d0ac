"""What an answer is: verdicts with their reasons, as data first and text second.

Named tuples (building a pydantic model, or even a frozen dataclass, per verdict would cost more
than the whole evaluation); ``to_json`` gives the SPEC's result shapes with a fixed field order, so the JSON
printed by the command line and served over HTTP is byte for byte the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, NamedTuple

from engine.compiler.evidence import Evidence, Outcome

__all__ = [
    "ConditionResult",
    "Decision",
    "Evidence",
    "JoinVerdict",
    "MatrixResult",
    "MatrixRow",
    "Outcome",
    "Remedy",
    "StageTally",
    "VerdictName",
]

VerdictName = Literal["eligible", "undetermined", "blocked"]


class ConditionResult(NamedTuple):
    id: str
    text: str
    source: str | None
    confidence: str | None
    outcome: Outcome
    evidence: tuple[Evidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "confidence": self.confidence,
            "outcome": self.outcome,
            "evidence": [e.to_json() for e in self.evidence],
        }


class StageTally(NamedTuple):
    by: Any
    pass_: Any
    outcome: Literal["passes", "fails", "unknown"]
    voters: int
    needed: int
    support: tuple[str, ...]
    oppose: tuple[str, ...]
    abstain: tuple[str, ...]
    unknown: tuple[str, ...]
    vetoed_by: tuple[str, ...]
    assumed: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "pass": self.pass_,
            "outcome": self.outcome,
            "voters": self.voters,
            "needed": self.needed,
            "support": list(self.support),
            "oppose": list(self.oppose),
            "abstain": list(self.abstain),
            "unknown": list(self.unknown),
            "vetoed_by": list(self.vetoed_by),
            "assumed": list(self.assumed),
        }


class Decision(NamedTuple):
    outcome: Literal["passes", "fails", "unknown"]
    stages: tuple[StageTally, ...]

    def to_json(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "stages": [s.to_json() for s in self.stages]}


class Remedy(NamedTuple):
    """A set of changes, in event syntax, that would lift every remediable failing condition."""

    changes: tuple[dict[str, Any], ...]
    lifts: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"changes": list(self.changes), "lifts": list(self.lifts)}


class JoinVerdict(NamedTuple):
    state: str
    org: str
    as_of: date
    verdict: VerdictName
    conditions: tuple[ConditionResult, ...]
    decision: Decision
    remedies: tuple[Remedy, ...] = ()
    irremediable: tuple[str, ...] = ()
    rules_from: date | None = None
    status: str | None = None

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions if c.outcome == "fails")

    @property
    def holding(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions if c.outcome == "holds")

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions if c.outcome == "unknown")

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "org": self.org,
            "as_of": self.as_of.isoformat(),
            "verdict": self.verdict,
            "status": self.status,
            "rules_from": self.rules_from.isoformat() if self.rules_from else None,
            "failing": list(self.failing),
            "unknown": list(self.unknown),
            "conditions": [c.to_json() for c in self.conditions],
            "decision": self.decision.to_json(),
            "remedies": [r.to_json() for r in self.remedies],
            "irremediable": list(self.irremediable),
        }


class MatrixRow(NamedTuple):
    """One (state, organisation) verdict of a sweep; ``parties`` names who blocks, per condition."""

    state: str
    org: str
    verdict: VerdictName
    failing: tuple[str, ...]
    parties: dict[str, tuple[str, ...]] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "state": self.state,
            "org": self.org,
            "verdict": self.verdict,
            "failing": list(self.failing),
        }
        if self.parties is not None:
            out["parties"] = {cid: list(codes) for cid, codes in self.parties.items()}
        return out


@dataclass(frozen=True, slots=True)
class MatrixResult:
    as_of: date
    rows: tuple[MatrixRow, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "rows": [r.to_json() for r in self.rows]}
