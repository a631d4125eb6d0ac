"""Evidence: the facts that decide a condition for one applicant, each with where it came from."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, NamedTuple

__all__ = ["Evidence", "Outcome"]

#: A condition's outcome for one applicant (three-valued).
Outcome = Literal["holds", "fails", "unknown"]


class Evidence(NamedTuple):
    """One fact that decided a condition, with where it came from.

    A named tuple rather than a dataclass: a matrix builds thousands, and this is the cheapest
    immutable record Python offers.
    """

    kind: str  # relations | recognition | conflict | status | region | sanctions | assessment
    state: str
    fact: str
    since: date | None = None
    member_since: date | None = None
    source: str | None = None
    confidence: str | None = None
    #: The organisation ``member_since`` is about (a rule may read another one's members).
    member_of: str | None = None
    #: ``year`` or ``month`` when the source dates the fact no more precisely than that.
    precision: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "state": self.state,
            "fact": self.fact,
            "since": self.since.isoformat() if self.since else None,
        }
        if self.member_since is not None:
            out["member_since"] = self.member_since.isoformat()
            out["member_of"] = self.member_of
        if self.source is not None:
            out["source"] = self.source
        if self.confidence is not None:
            out["confidence"] = self.confidence
        if self.precision not in (None, "day"):
            out["precision"] = self.precision
        return out
