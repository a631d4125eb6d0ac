"""Every documented limit in one table: what a file may hold, and the service's tighter values.

A file is an analyst's own work on their own machine; an HTTP request is one interactive question
on a shared server, so the service states tighter values beside the file limits. The README's
tables are checked against this one (``tests/unit/test_limits.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ALIAS_EXPANSIONS",
    "BODY_BYTES",
    "CHANGES",
    "DEADLINE",
    "DOCUMENT_BYTES",
    "IMPACT_CHANGES",
    "LIMITS",
    "MATRIX_QUESTIONS",
    "NESTING_DEPTH",
    "ORDERS_LISTED",
    "ORDER_APPLICANTS",
    "QUESTIONS",
    "REMEDIES",
    "REMEDY_OPTIONS",
    "SNAPSHOTS_CACHED",
    "WORK",
    "Limit",
]


@dataclass(frozen=True, slots=True)
class Limit:
    """One limit: its value in files, the service's value (None: the same), and why it exists."""

    name: str
    file: int
    service: int | None
    why: str

    @property
    def served(self) -> int:
        """The value a request to the HTTP service is held to."""
        return self.file if self.service is None else self.service


DOCUMENT_BYTES = Limit(
    "document size (bytes)", 8 * 1024 * 1024, None, "checked before parsing; the largest bundled file is far smaller"
)
BODY_BYTES = Limit("request body (bytes)", 8 * 1024 * 1024, 256 * 1024, "a request is one question, not a world")
NESTING_DEPTH = Limit("nesting depth", 64, None, "deeper data is never a rule; it is an attack or a bug")
ALIAS_EXPANSIONS = Limit(
    "alias expansions per document", 1_000, None, "honest reuse fits; a billion laughs is refused in milliseconds"
)
CHANGES = Limit("changes per scenario or request", 1_000, 100, "a what-if, not a second world")
QUESTIONS = Limit("questions per scenario", 500, 50, "each question is evaluated in full")
MATRIX_QUESTIONS = Limit("matrix questions per scenario", 500, 5, "each sweeps every state against every organisation")
IMPACT_CHANGES = Limit("changes per impact question", 100, None, "impact compares two sweeps of the touched pairs")
ORDER_APPLICANTS = Limit("applicants per order question", 16, None, "the search visits every subset: 2^16 at most")
ORDERS_LISTED = Limit("orders listed per order question", 100, None, "the rest are counted, not listed")
REMEDY_OPTIONS = Limit(
    "remedy alternatives kept at each search step", 32, None, "remedy search is a product of alternatives"
)
REMEDIES = Limit("remedies reported per verdict", 10, None, "smallest first; more would bury the answer")
SNAPSHOTS_CACHED = Limit("dates whose projection a world keeps", 64, None, "a sweep over many dates evicts the oldest")
WORK = Limit(
    "work units per question set (one per verdict evaluated)",
    20_000_000,
    500_000,
    "a search over subsets or dates stops with limit.exceeded instead of running on",
)
DEADLINE = Limit(
    "wall deadline per request or command (seconds)",
    3_600,
    10,
    "one heavy request must not hold a worker; the command line's is an hour (--deadline raises it)",
)

#: The table, in the order the README lists it.
LIMITS: tuple[Limit, ...] = (
    DOCUMENT_BYTES,
    BODY_BYTES,
    NESTING_DEPTH,
    ALIAS_EXPANSIONS,
    CHANGES,
    QUESTIONS,
    MATRIX_QUESTIONS,
    IMPACT_CHANGES,
    ORDER_APPLICANTS,
    ORDERS_LISTED,
    REMEDY_OPTIONS,
    REMEDIES,
    SNAPSHOTS_CACHED,
    WORK,
    DEADLINE,
)
