"""The service as operators run it: never stalled, never a 500 for bad input, observable, cacheable.

Each test is one failure an attack or a careless client found, and would catch its return. The
application runs in-process (``TestClient``, lifespan included) except where the point is the
real server: a heavy request beside ``/healthz``, the command line's exit statuses.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from engine.common.limits import DEADLINE, WORK
from engine.workspace import Workspace
from tests.paths import ROOT

ARMENIA = {"state": "ARM", "org": "SCO", "as_of": "2025-09-01", "changes": [{"establish": ["ARM", "AZE"]}]}
#: 16 applicants: the order search visits their subsets, far more than a small budget allows.
MANY = ["ARM", "AZE", "TUR", "EGY", "QAT", "SAU", "KWT", "ARE", "BHR", "KHM", "NPL", "LKA", "MMR", "MDV", "TKM", "MNG"]
HEAVY: dict[str, Any] = {
    "scenario": "heavy",
    "as_of": "2025-09-02",
    "trust": "medium",
    "questions": [{"id": f"o{k}", "order": {"org": "SCO", "applicants": MANY}} for k in range(3)],
}


@pytest.fixture(scope="module")
def workspace() -> Workspace:
    return Workspace()


@pytest.fixture(scope="module")
def client(workspace: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(workspace, Settings()), raise_server_exceptions=False) as test_client:
        yield test_client


def in_own_thread(fn: Any, *args: Any) -> None:
    """``anyio.run(fn, *args)`` in a thread of its own: Playwright's sync API (tests/browser) leaves
    an event loop marked running in the main thread, and anyio refuses to start a second one there."""
    import anyio  # noqa: PLC0415

    failure: list[BaseException] = []

    def target() -> None:
        try:
            anyio.run(fn, *args)
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=60)
    if failure:
        raise failure[0]


def codes(response: Any) -> list[str]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return [e["code"] for e in response.json()["errors"]]


# --- budgets and deadlines --------------------------------------------------------------------


def test_a_request_over_its_work_budget_is_refused_not_run_on(workspace: Workspace) -> None:
    tight = Settings(work=2_000)
    with TestClient(create_app(workspace, tight)) as small:
        response = small.post("/v1/scenarios/run", json=HEAVY)
    assert response.status_code == 422
    assert codes(response) == ["limit.exceeded"]
    assert response.json()["errors"][0]["field"] == "work"


def test_a_request_past_its_deadline_is_refused(workspace: Workspace) -> None:
    slow = {**HEAVY, "questions": [{"id": f"o{k}", "order": {"org": "SCO", "applicants": MANY}} for k in range(40)]}
    with TestClient(create_app(workspace, Settings(deadline=1, work=1 << 40))) as hurried:
        started = time.monotonic()
        response = hurried.post("/v1/scenarios/run", json=slow)
        took = time.monotonic() - started
    assert response.status_code == 422
    assert codes(response) == ["limit.exceeded"]
    assert response.json()["errors"][0]["field"] == "deadline"
    assert took < 30, "the work stopped at its deadline instead of running on"


def test_a_heavy_question_leaves_no_cyclic_garbage(workspace: Workspace) -> None:
    # A collection of the cycles a search leaves stops every thread, the event loop's too: the
    # order search once left 45,000 objects per question for the collector, stalling /healthz by
    # up to 80 ms, and computed its count twice. Reference counting alone must free what it made.
    import gc  # noqa: PLC0415

    from engine.questions.order import admission_orders  # noqa: PLC0415

    world = workspace.default
    on = world.as_of(date(2025, 9, 2)).on
    gc.collect()
    gc.disable()
    try:
        result = admission_orders(world, "SCO", tuple(MANY[:12]), on, "unknown")
        left = gc.collect()
    finally:
        gc.enable()
    assert result.orders > 0
    assert left < 500, f"{left} objects were left for the cyclic collector"


def test_the_service_takes_the_gil_back_quickly() -> None:
    # The loop waits for the GIL after every socket call; at CPython's 5 ms default a heavy
    # neighbour made /healthz's p99 72 ms.
    from api.workers import SWITCH_INTERVAL  # noqa: PLC0415

    assert SWITCH_INTERVAL <= 0.001


def test_the_default_budgets_are_the_documented_ones() -> None:
    settings = Settings.from_env({})
    assert (settings.work, settings.deadline) == (WORK.served, DEADLINE.served)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A real server, as operators start it, with a small deadline so a heavy request is cut short."""
    port = _free_port()
    env = {**os.environ, "ACCEDE_DEADLINE": "3", "ACCEDE_LOG_LEVEL": "warning"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise AssertionError("the server did not become ready")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_heavy_request_does_not_stall_healthz(server: str) -> None:
    heavy = {**HEAVY, "questions": HEAVY["questions"] * 10}
    done: dict[str, Any] = {}

    def post() -> None:
        started = time.monotonic()
        done["status"] = httpx.post(f"{server}/v1/scenarios/run", json=heavy, timeout=60).status_code
        done["seconds"] = time.monotonic() - started

    worker = threading.Thread(target=post)
    worker.start()
    time.sleep(0.3)  # the heavy request is computing now
    answered_while_busy = 0
    while worker.is_alive() and answered_while_busy < 5:
        assert httpx.get(f"{server}/healthz", timeout=5).status_code == 200
        answered_while_busy += 1
    worker.join(timeout=60)
    # healthz was answered while the heavy request was still being computed, or that request was
    # quick enough that there was nothing to wait for: either way it ended with an answer or a
    # problem, never a hung connection.
    assert done.get("status") in (200, 422), done
    assert answered_while_busy >= 1 or done["seconds"] < 0.3


# --- light requests on the loop, the rest in the pool -------------------------------------------


class Counted:
    """Counts the work the pool's threads are handed, and can force every request there."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from api import workers  # noqa: PLC0415

        self.threaded = 0
        original = workers.Pool._budgeted

        def budgeted(pool: Any, fn: Any) -> bytes:
            self.threaded += 1
            return original(pool, fn)

        monkeypatch.setattr(workers.Pool, "_budgeted", budgeted)


def answers(client: TestClient, bodies: list[dict[str, Any]]) -> list[tuple[int, bytes]]:
    out = []
    for body in bodies:
        response = client.post("/v1/check", json=body)
        out.append((response.status_code, response.content))
    return out


def test_a_light_check_is_answered_on_the_loop_and_the_same(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check of a projected date with a few changes never waits for a thread, and its answer is
    byte for byte the pool's; amendments, other trust levels and new dates go to the pool."""
    from api import workers  # noqa: PLC0415

    counted = Counted(monkeypatch)
    light_ones = [ARMENIA, {**ARMENIA, "changes": []}, {**ARMENIA, "state": "AZE"}]
    heavy_ones = [
        {**ARMENIA, "trust": "medium"},
        {**ARMENIA, "as_of": "1999-03-04"},
        {**ARMENIA, "amend": [{"org": "SCO", "drop": "sco.relations"}]},
    ]
    settings = Settings(answer_cache=0)
    with TestClient(create_app(workspace, settings)) as fresh:
        fresh.get("/readyz")
        fresh.post("/v1/check", json={**ARMENIA, "changes": [{"establish": ["ARM", "TUR"]}]})  # projects 2025-09-01
        counted.threaded = 0
        on_loop = answers(fresh, light_ones)
        assert counted.threaded == 0, "a light check was handed to a thread"
        answers(fresh, heavy_ones)
        assert counted.threaded == len(heavy_ones), "a request that is not light was answered on the loop"
        # Forced through the pool (a trial budget of nothing), the same requests give the same bytes.
        monkeypatch.setattr(workers, "LIGHT_WORK", -1)
        counted.threaded = 0
        assert answers(fresh, light_ones) == on_loop
        assert counted.threaded == len(light_ones), "a light request over its trial budget was not handed on"
    assert all(status == 200 for status, _ in on_loop)


def test_a_kept_decision_log_makes_nothing_light(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counted = Counted(monkeypatch)
    with TestClient(create_app(workspace, Settings(decision_log=str(tmp_path / "log.jsonl")))) as logged:
        logged.post("/v1/check", json=ARMENIA)
        logged.post("/v1/check", json={**ARMENIA, "state": "AZE"})
    assert counted.threaded == 2


# --- bad input is never a 500 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"state": "\\ud800", "org": "SCO"}',
        '{"state": "ARM", "org": "SCO", "changes": [{"establish": ["ARM", "\\udfff"]}]}',
        '{"state": "ARM", "org": "SCO", "as_of": 1e400}',
        '{"state": "ARM", "org": "SCO", "as_of": ' + "9" * 5000 + "}",
    ],
)
def test_hostile_json_is_a_400(client: TestClient, body: str) -> None:
    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert codes(response) == ["json.syntax"]


@pytest.mark.parametrize("as_of", ["", 0, False, [], "2025-W35-6", "20250831", "2025-02-30"])
def test_a_date_that_is_not_a_calendar_date_is_refused(client: TestClient, as_of: Any) -> None:
    response = client.post("/v1/check", json={"state": "ARM", "org": "SCO", "as_of": as_of})
    assert response.status_code == 422, response.text
    assert "date.invalid" in codes(response) or "schema.invalid-value" in codes(response)


@pytest.mark.parametrize("as_of", ["", "2025-W35-6", "20250831", "0"])
def test_a_query_date_that_is_not_a_calendar_date_is_refused(client: TestClient, as_of: str) -> None:
    response = client.get("/v1/matrix", params={"as_of": as_of, "org": "SCO"})
    assert response.status_code == 422
    assert codes(response) == ["date.invalid"]


def test_a_date_between_rule_versions_names_when_rules_are_in_force(workspace: Workspace) -> None:
    world = {
        "states": [{"code": "AAA", "name": "A", "region": "Asia"}],
        "organizations": [
            {
                "code": "ORG",
                "name": "O",
                "versions": [
                    {"valid_from": "2000-01-01", "valid_until": "2001-01-01", "conditions": [], "decision": []},
                    {"valid_from": "2002-01-01", "conditions": [], "decision": []},
                ],
            }
        ],
    }
    scenario = {
        "scenario": "gap",
        "as_of": "2001-06-01",
        "world": world,
        "questions": [{"join": {"state": "AAA", "org": "ORG"}}],
    }
    with TestClient(create_app(workspace, Settings())) as fresh:
        response = fresh.post("/v1/scenarios/run", json=scenario)
    assert response.status_code == 422
    assert codes(response) == ["scenario.no-rules"]
    assert "from 2000-01-01 until 2001-01-01, and from 2002-01-01" in response.json()["errors"][0]["message"]


def test_a_duplicate_json_key_has_a_json_code(client: TestClient) -> None:
    body = '{"state": "ARM", "state": "AZE", "org": "SCO"}'
    response = client.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert codes(response) == ["json.duplicate-key"]


def test_codes_are_not_case_folded_beyond_ascii(client: TestClient) -> None:
    # The long s folds to "s" under Unicode case folding: it must not name the SCO.
    assert client.get("/v1/organizations/\u017fCO").status_code == 404
    assert client.get("/v1/organizations/sco").status_code == 200


# --- strict and literal ---------------------------------------------------------------------------


def test_unknown_query_parameters_are_refused(client: TestClient) -> None:
    response = client.get("/v1/matrix", params={"orgg": "SCO"})
    assert response.status_code == 422
    assert codes(response) == ["schema.unknown-field"]
    assert "`orgg`" in response.json()["errors"][0]["message"]


# --- operator basics ----------------------------------------------------------------------------


def test_head_works_wherever_get_does(client: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/v1/organizations", "/v1/states/ARM"):
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""
        assert int(response.headers["content-length"]) > 0


def test_a_405_names_the_methods_allowed(client: TestClient) -> None:
    response = client.get("/v1/check")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    response = client.post("/healthz")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}


def test_request_ids_are_echoed_or_generated(client: TestClient) -> None:
    assert client.get("/healthz", headers={"x-request-id": "abc-123"}).headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"x-request-id": "bad id\twith tab"}).headers["x-request-id"]
    assert generated != "bad id\twith tab"
    assert len(generated) == 32


def test_every_answer_names_its_revision(client: TestClient, workspace: Workspace) -> None:
    revision = workspace.default.revision
    assert len(revision) == 16
    for response in (client.get("/healthz"), client.post("/v1/check", json=ARMENIA), client.get("/v1/nothing")):
        assert response.headers["accede-revision"] == revision
    assert client.get("/healthz").json()["revision"] == revision
    run = client.post(
        "/v1/scenarios/run",
        json={"scenario": "s", "as_of": "2025-09-01", "questions": [{"join": {"state": "ARM", "org": "SCO"}}]},
    )
    assert run.json()["revision"] == revision


def test_gets_are_cacheable_and_revalidate(client: TestClient) -> None:
    first = client.get("/v1/organizations/SCO", params={"as_of": "2025-09-01"})
    assert first.status_code == 200
    tag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    again = client.get("/v1/organizations/SCO", params={"as_of": "2025-09-01"}, headers={"if-none-match": tag})
    assert again.status_code == 304
    assert again.content == b""
    other = client.get("/v1/organizations/SCO", params={"as_of": "2020-01-01"}, headers={"if-none-match": tag})
    assert other.status_code == 200, "another date is another answer"


def test_readyz_answers_once_compiled(workspace: Workspace) -> None:
    app = create_app(Workspace(), Settings())
    cold = TestClient(app, raise_server_exceptions=False)
    assert cold.get("/readyz").status_code == 503  # no lifespan has run: nothing compiled yet
    with TestClient(app) as warm:
        assert warm.get("/readyz").status_code == 200


def test_the_access_log_is_one_structured_line_per_request(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="accede.access"):
        client.get("/healthz", headers={"x-request-id": "log-me"})
    (record,) = [r for r in caplog.records if getattr(r, "request_id", None) == "log-me"]
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)  # type: ignore[attr-defined]
    assert record.duration_ms >= 0  # type: ignore[attr-defined]
    assert len(record.revision) == 16  # type: ignore[attr-defined]


def test_cors_is_off_by_default_and_opt_in(workspace: Workspace) -> None:
    origin = {"origin": "https://analyst.example"}
    with TestClient(create_app(workspace, Settings())) as closed:
        assert "access-control-allow-origin" not in closed.get("/healthz", headers=origin).headers
    with TestClient(create_app(workspace, Settings(cors_origins=("https://analyst.example",)))) as opened:
        assert (
            opened.get("/healthz", headers=origin).headers["access-control-allow-origin"] == "https://analyst.example"
        )


def test_a_question_asked_again_is_answered_from_the_cache_with_the_same_bytes(workspace: Workspace) -> None:
    with TestClient(create_app(workspace, Settings())) as fresh:
        first = fresh.post("/v1/check", json=ARMENIA)
        again = fresh.post("/v1/check", json=ARMENIA)
        other = fresh.post("/v1/check", json={**ARMENIA, "state": "AZE"})
        get_first = fresh.get("/v1/states/ARM?as_of=2025-09-01")
        get_again = fresh.get("/v1/states/ARM?as_of=2025-09-01")
        get_other = fresh.get("/v1/states/ARM?as_of=2025-09-02")
        refused = [fresh.post("/v1/check", json={**ARMENIA, "state": "XXX"}) for _ in range(2)]
    assert [r.headers["accede-cache"] for r in (first, again, other)] == ["miss", "hit", "miss"]
    assert again.content == first.content
    assert other.content != first.content
    assert [r.headers["accede-cache"] for r in (get_first, get_again, get_other)] == ["miss", "hit", "miss"]
    assert get_again.content == get_first.content
    assert [r.status_code for r in refused] == [422, 422]
    assert "accede-cache" not in refused[1].headers


def test_the_answer_cache_is_bounded_in_entries_and_bytes() -> None:
    from api.answers import AnswerCache  # noqa: PLC0415

    cache = AnswerCache(entries=3, max_bytes=1000)
    for k in range(5):
        cache.put(("POST /v1/check", "2025-09-01", str(k).encode()), b"x" * 100)
    assert len(cache) == 3
    assert cache.get(("POST /v1/check", "2025-09-01", b"0")) is None
    assert cache.get(("POST /v1/check", "2025-09-01", b"4")) == b"x" * 100
    cache.put(("POST /v1/check", "2025-09-01", b"big"), b"y" * 900)
    assert len(cache) == 1, "bytes bound the cache as well as entries"
    off = AnswerCache(entries=0)
    off.put(("GET /", "2025-09-01", b""), b"z")
    assert len(off) == 0


def test_the_decision_log_records_every_answer(workspace: Workspace, tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    with TestClient(create_app(workspace, Settings(decision_log=str(log)))) as logged:
        logged.post("/v1/check", json=ARMENIA, headers={"x-request-id": "r1"})
        again = logged.post("/v1/check", json=ARMENIA, headers={"x-request-id": "r2"})
    assert again.headers["accede-cache"] == "miss", "a kept decision log keeps no answer cache"
    first, second = (json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
    entry = first
    assert second["id"] == "r2"
    assert (entry["id"], entry["kind"], entry["as_of"]) == ("r1", "check", "2025-09-01")
    assert entry["answer"]["verdict"] in ("blocked", "undetermined", "eligible")


@pytest.mark.parametrize(
    ("env", "field"),
    [
        ({"ACCEDE_PORT": "99999"}, "ACCEDE_PORT"),
        ({"ACCEDE_WORKERS": "0"}, "ACCEDE_WORKERS"),
        ({"ACCEDE_LOG_FORMAT": "xml"}, "ACCEDE_LOG_FORMAT"),
    ],
)
def test_bad_settings_are_refused_by_name(env: dict[str, str], field: str) -> None:
    from engine.common.errors import AccedeError  # noqa: PLC0415

    with pytest.raises(AccedeError) as caught:
        Settings.from_env(env)
    assert caught.value.problems[0].field == field


def test_serve_refuses_a_bad_port_and_a_busy_one() -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "engine.cli", "serve", "--port", "99999"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert "(field `--port`)" in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [sys.executable, "-m", "engine.cli", "serve", "--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert busy.returncode == 3
    assert "serve.cannot-bind" in busy.stderr
    assert "Traceback" not in busy.stderr


def test_a_body_that_trickles_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    import anyio  # noqa: PLC0415

    import api.middleware.body_limit as body_limit  # noqa: PLC0415

    monkeypatch.setattr(body_limit, "BODY_SECONDS", 0.2)
    chunks = [{"type": "http.request", "body": b'{"state": "ARM",', "more_body": True}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            return chunks.pop()
        await anyio.sleep(5)  # the client stops sending
        return {"type": "http.request", "body": b"}", "more_body": False}

    async def reader(scope: Any, receive: Any, send: Any) -> None:
        while (await receive()).get("more_body"):
            pass

    async def send(message: Any) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/check", "headers": []}
    in_own_thread(body_limit.BodyLimit(reader, limit=1000), scope, receive, send)
    assert sent[0]["status"] == 408
    assert b"http.too-slow" in sent[1]["body"]


def test_a_client_gone_mid_body_is_one_log_line(caplog: pytest.LogCaptureFixture) -> None:
    from starlette.requests import ClientDisconnect  # noqa: PLC0415

    from api.middleware.context import RequestContext  # noqa: PLC0415

    async def reader(scope: Any, receive: Any, send: Any) -> None:
        raise ClientDisconnect

    async def nothing() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        raise AssertionError("nothing is sent to a client that left")

    scope = {"type": "http", "method": "POST", "path": "/v1/check", "headers": []}
    with caplog.at_level(logging.INFO, logger="accede.access"):
        in_own_thread(RequestContext(reader, revision=lambda: "r"), scope, nothing, send)
    gone = [r for r in caplog.records if r.getMessage() == "client disconnected mid-request"]
    assert len(gone) == 1
    assert gone[0].exc_info is None, "no traceback"
