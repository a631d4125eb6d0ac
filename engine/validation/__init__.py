"""Validation: every semantic problem of rules, worlds, events and amendments, found at once.

Schema problems are the reading stage's; this stage checks what a schema cannot see (unknown
states and organisations, duplicate ids, overlapping versions, cycles of ``members_of``...).
History contradictions need the timelines, so the compiler reports those.
"""

from engine.validation.names import Ambiguous, Names, Vocabulary
from engine.validation.references import (
    Report,
    check_org,
    check_state,
    resolve_name,
    unknown_org,
    unknown_state,
)
from engine.validation.semantic import (
    STAGES,
    CheckedWorld,
    amend_org,
    validate_amendments,
    validate_event,
    validate_rules,
    validate_world,
)

__all__ = [
    "STAGES",
    "Ambiguous",
    "CheckedWorld",
    "Names",
    "Report",
    "Vocabulary",
    "amend_org",
    "check_org",
    "check_state",
    "resolve_name",
    "unknown_org",
    "unknown_state",
    "validate_amendments",
    "validate_event",
    "validate_rules",
    "validate_world",
]
