"""Property-based requests generated from /openapi.json: no 5xx, and every response fits its schema.

Bounded (a few dozen cases per operation) so it runs inside ``make test``; the `heavy` hypothesis
profile runs it deeper.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from engine.workspace import Workspace

app = create_app(Workspace())
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
# The coverage phase enumerates boundary values of every node of the (recursive) scenario schema:
# minutes, not seconds. Fuzzing with hypothesis covers the same ground within the test budget.
schema.config.phases.coverage.enabled = False

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_within_its_schema(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
    case.call_and_validate(checks=CHECKS)
