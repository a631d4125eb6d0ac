"""Property-based requests generated from /openapi.json: no 5xx, and every response fits its schema;
and the interactive docs on that document, served whole by the service itself.

Bounded (a few dozen cases per operation) so it runs inside ``make test``; the `heavy` hypothesis
profile runs it deeper. Schemathesis also sends every example the document shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.routers.docs import ASSETS
from engine.workspace import Workspace

WS = Workspace()
app = create_app(WS)
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


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(WS)) as c:
        yield c


MEDIA = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}


def test_the_docs_page_and_everything_it_loads_come_from_the_service(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    # No host is named at all: not a CDN, not the online validator, not a favicon elsewhere.
    assert re.findall(r"(?:https?:)?//[\w.-]+", page.text) == []
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page.text) + re.findall(r"url: '([^']+)'", page.text)
    assert {"/docs/static/swagger-ui-bundle.js", "/docs/static/swagger-ui.css", "/openapi.json"} <= set(loaded)
    for ref in loaded:
        assert ref.startswith("/"), ref
        answer = client.get(ref)
        assert answer.status_code == 200, ref
        assert answer.content, ref
        suffix = ref[ref.rfind(".") :]
        assert answer.headers["content-type"].startswith(MEDIA[suffix]), ref
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")


def test_every_asset_is_served_and_nothing_else(client: TestClient) -> None:
    for name in ASSETS:
        assert client.get(f"/docs/static/{name}").status_code == 200
        assert client.head(f"/docs/static/{name}").status_code == 200
    for name in ("index.html", "redoc.standalone.js", "..%2F__init__.py", "swagger-ui.css.map"):
        missing = client.get(f"/docs/static/{name}")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"


def test_the_docs_are_not_operations_of_the_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/docs")]
