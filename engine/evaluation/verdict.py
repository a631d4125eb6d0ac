"""What an answer is: verdicts with their reasons, as data first and text second.

Named tuples (building a pydantic model, or even a frozen dataclass, per verdict would cost more
than the whole evaluation); ``to_json`` gives the SPEC's result shapes with a fixed field order, so the JSON
printed by the command line and served over HTTP is byte for byte the same.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, NamedTuple

from engine.compiler.evidence import Evidence, Outcome

# The sweep's answer lives with its columns; re-exported here, where every other answer shape is.
from engine.evaluation.columns import MatrixResult, MatrixRow

__all__ = [
    "ConditionResult",
    "Decision",
    "Evidence",
    "FailedStage",
    "JoinVerdict",
    "Judgement",
    "MatrixResult",
    "MatrixRow",
    "OpenStage",
    "Outcome",
    "Remedy",
    "StageTally",
    "ToSettle",
    "VerdictName",
]

#: An applicant's verdict is one of three; a state that already holds `member` is answered `member`.
VerdictName = Literal["eligible", "undetermined", "blocked", "member"]


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
    name: str
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
    #: Members of the veto group with no position on record: the stage cannot pass without them.
    veto_unknown: tuple[str, ...] = ()
    #: Voters whose stance on record has low confidence (reported by one side only...).
    low_confidence: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
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
            "veto_unknown": list(self.veto_unknown),
            "low_confidence": list(self.low_confidence),
        }


class Decision(NamedTuple):
    outcome: Literal["passes", "fails", "unknown"]
    stages: tuple[StageTally, ...]

    def to_json(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "stages": [s.to_json() for s in self.stages]}


class Judgement(NamedTuple):
    """A judgement that would decide an unknown condition: the `assess` event an analyst can record.

    ``decides`` is the outcome the condition takes when the judgement is recorded ``true``.
    """

    condition: str
    key: str
    of: str
    change: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"condition": self.condition, "assess": self.key, "of": self.of, "change": self.change}


class OpenStage(NamedTuple):
    """A decision stage that turns on positions not on record (SPEC, What would settle it).

    ``pivotal`` are the voters whose opposition alone would make the stage fail.
    """

    stage: str
    voters: tuple[str, ...]
    support_needed: int
    pivotal: tuple[str, ...]
    veto: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "voters": list(self.voters),
            "support_needed": self.support_needed,
            "pivotal": list(self.pivotal),
            "veto_without_position": list(self.veto),
        }


class ToSettle(NamedTuple):
    """What would settle an undetermined verdict: judgements to record, positions to learn."""

    judgements: tuple[Judgement, ...]
    stages: tuple[OpenStage, ...]

    def to_json(self) -> list[dict[str, Any]]:
        return [*(j.to_json() for j in self.judgements), *(s.to_json() for s in self.stages)]


class FailedStage(NamedTuple):
    """A decision stage that fails, and who makes it fail."""

    stage: str
    voters: tuple[str, ...]
    because: Literal["veto", "opposition", "too few supporters"]

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "voters": list(self.voters), "because": self.because}


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
    #: When the state came to hold ``status`` in the organisation (membership, suspension...).
    status_since: date | None = None
    to_settle: ToSettle | None = None
    blocked_by: tuple[FailedStage, ...] = ()
    beyond_horizon: bool = False

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions if c.outcome == "fails")

    @property
    def holding(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions if c.outcome == "holds")

    @property
    def unknown(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.conditions if c.outcome == "unknown")

    @property
    def member_since(self) -> date | None:
        return self.status_since if self.verdict == "member" else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "state": self.state,
            "org": self.org,
            "as_of": self.as_of.isoformat(),
            "verdict": self.verdict,
            "status": self.status,
            "status_since": self.status_since.isoformat() if self.status_since else None,
            "rules_from": self.rules_from.isoformat() if self.rules_from else None,
            "failing": list(self.failing),
            "unknown": list(self.unknown),
            "conditions": [c.to_json() for c in self.conditions],
            "decision": self.decision.to_json() if self.verdict != "member" else None,
            "remedies": [r.to_json() for r in self.remedies],
            "irremediable": list(self.irremediable),
        }
        if self.verdict == "member":
            out["member_since"] = out["status_since"]
        if self.to_settle is not None:
            out["to_settle"] = self.to_settle.to_json()
        if self.blocked_by:
            out["blocked_by"] = [f.to_json() for f in self.blocked_by]
        if self.beyond_horizon:
            out["beyond_horizon"] = True
        return out
