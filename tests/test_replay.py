"""The decision log and `accede replay`: answers logged as given, replayed exactly, changes reported."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.common.errors import AccedeError
from engine.decisions import DecisionLog, Difference, VerdictChange, read_log, replay
from engine.reading.loader import display
from engine.reading.yaml12 import Document
from engine.workspace import Workspace
from tests.paths import ROOT
from tests.unit.toy import REL, toy_world

ON = date(2025, 8, 30)
#: Armenia and the SCO the day before relations with Pakistan: blocked, unless a what-if adds them.
ARM_SCO: dict[str, Any] = {"state": "ARM", "org": "SCO", "as_of": "2025-08-30"}
WITH_PAK: dict[str, Any] = {**ARM_SCO, "changes": [{"establish": ["ARM", "PAK"], "on": "2025-08-01"}]}
STORY: dict[str, Any] = {
    "scenario": "Armenia's story",
    "world": "default",
    "as_of": "2025-09-02",
    "questions": [
        {"id": "story", "timeline": {"state": "ARM", "org": "SCO", "from": "2024-01-01", "until": "2026-01-01"}},
        {"id": "first-open", "earliest": {"state": "ARM", "org": "SCO", "from": "2024-01-01"}},
        {"id": "who", "matrix": {"orgs": ["SCO"], "states": ["ARM", "AZE", "TUR"]}},
    ],
}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def log_check(log: DecisionLog, ws: Workspace, question: dict[str, Any], request_id: str, today: date = ON) -> None:
    """Answer a check as the service does and log it as the service will."""
    answer = ws.check_request(Document("request", question), today=today).to_json()
    log.record(
        request_id=request_id,
        kind="check",
        question=question,
        as_of=answer["as_of"],
        revision=ws.default.revision,
        answer=answer,
    )


def log_scenario(log: DecisionLog, ws: Workspace, question: dict[str, Any], request_id: str) -> None:
    result = ws.run_document(Document("request", question)).to_json()
    log.record(
        request_id=request_id,
        kind="scenario",
        question=question,
        as_of=result["as_of"],
        revision=result["revision"],
        answer=result,
    )


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def toy_folder(folder: Path, events: list[dict[str, Any]], *, drop_state: str | None = None) -> Path:
    """A world folder holding the unit tests' toy world (``AAA`` applying to ``ORG``)."""
    world = toy_world(events, [REL])
    world["states"] = [s for s in world["states"] if s["code"] != drop_state]
    folder.mkdir()
    (folder / "world.yaml").write_text(json.dumps({"name": "toy", **world}), encoding="utf-8")
    return folder


# --- the log -------------------------------------------------------------------------------------


def test_a_line_holds_the_request_the_answer_and_what_it_was_computed_on(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "decisions.jsonl"
    clock = lambda: datetime(2026, 3, 1, 9, 30, tzinfo=UTC)  # noqa: E731
    with DecisionLog(path, clock=clock) as log:
        log_check(log, workspace, {"state": "Armenia", "org": "SCO"}, "3f2a9b8c7d6e5f4a")
    (line,) = lines_of(path)
    assert list(line) == ["id", "time", "kind", "question", "as_of", "revision", "answer"]
    assert line["id"] == "3f2a9b8c7d6e5f4a"
    assert line["time"] == "2026-03-01T09:30:00.000Z"
    assert line["kind"] == "check"
    assert line["question"] == {"state": "Armenia", "org": "SCO"}, "the body as the client sent it"
    assert line["as_of"] == "2025-08-30", "a check without as_of logs the day it was answered"
    assert line["revision"] == workspace.default.revision
    assert line["answer"]["verdict"] == "blocked"
    assert line["answer"]["failing"] == ["sco.relations"]


def test_the_log_appends_to_what_is_there(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "decisions.jsonl"
    for request_id in ("first", "second"):
        with DecisionLog(path) as log:
            log_check(log, workspace, ARM_SCO, request_id)
    assert [line["id"] for line in lines_of(path)] == ["first", "second"]


def test_threads_logging_at_once_give_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    answer = {"id": "check", "kind": "join", "verdict": "blocked", "failing": ["sco.relations"], "pad": "x" * 5000}
    log = DecisionLog(path)

    def worker(k: int) -> None:
        for n in range(100):
            log.record(request_id=f"{k}-{n}", kind="check", question=ARM_SCO, as_of=ON, revision="r", answer=answer)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    lines = lines_of(path)
    assert len(lines) == 800
    assert {line["id"] for line in lines} == {f"{k}-{n}" for k in range(8) for n in range(100)}
    assert all(line["answer"] == answer for line in lines)
    assert len(list(read_log(path))) == 800


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs a device that is always full")
def test_an_io_error_is_logged_once_and_logging_stops(caplog: pytest.LogCaptureFixture) -> None:
    log = DecisionLog("/dev/full")
    with caplog.at_level(logging.ERROR, logger="accede.decisions"):
        for n in range(3):
            log.record(request_id=str(n), kind="check", question=ARM_SCO, as_of=ON, revision="r", answer={})
    assert not log.active
    assert len(caplog.records) == 1
    assert "no longer logged" in caplog.records[0].getMessage()
    log.close()  # closing a stopped log is harmless


def test_an_answer_that_is_not_json_is_skipped_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log, caplog.at_level(logging.ERROR, logger="accede.decisions"):
        log.record(request_id="bad", kind="check", question={}, as_of=ON, revision=None, answer={"x": float("nan")})
        log.record(request_id="good", kind="check", question={}, as_of=ON, revision=None, answer={})
        assert log.active
    assert [line["id"] for line in lines_of(path)] == ["good"]
    assert "request bad not logged" in caplog.text


def test_a_log_that_cannot_be_opened_is_an_error_at_start(tmp_path: Path) -> None:
    with pytest.raises(AccedeError) as caught:
        DecisionLog(tmp_path / "no-such-folder" / "decisions.jsonl")
    (problem,) = caught.value.problems
    assert problem.code == "file.not-found"
    assert "cannot open the decision log" in problem.message


# --- replay --------------------------------------------------------------------------------------


def test_a_log_replayed_on_its_own_world_changes_nothing(
    tmp_path: Path, workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log:
        log_check(log, workspace, ARM_SCO, "dated")
        # Answered "today" (2025-08-30): replayed on that day, not on the day of the replay.
        log_check(log, workspace, {"state": "ARM", "org": "SCO"}, "undated")
        log_check(log, workspace, WITH_PAK, "what-if")
        log_scenario(log, workspace, STORY, "story")
    entries = list(read_log(path))
    assert [(e.line, e.request_id, e.kind) for e in entries] == [
        (1, "dated", "check"),
        (2, "undated", "check"),
        (3, "what-if", "check"),
        (4, "story", "scenario"),
    ]
    assert replay(entries, workspace) == []
    status, out, err = run(capsys, "replay", str(path))
    assert (status, out, err) == (0, "4 answers replayed, 0 changed\n", "")


def test_evidence_wording_is_not_a_changed_verdict(tmp_path: Path, workspace: Workspace) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log:
        log_check(log, workspace, ARM_SCO, "reworded")
    line = lines_of(path)[0]
    for condition in line["answer"]["conditions"]:
        condition["text"] = "worded otherwise"
        for evidence in condition["evidence"]:
            evidence["fact"] = "said otherwise"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert replay(read_log(path), workspace) == []


def test_a_changed_world_is_reported_verdict_by_verdict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logged_on = Workspace(toy_folder(tmp_path / "before", []))
    severed = Workspace(toy_folder(tmp_path / "after", [{"sever": ["AAA", "BBB"], "on": "2010-01-01"}]))
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log:
        log_check(log, logged_on, {"state": "AAA", "org": "ORG", "as_of": "2020-01-01"}, "aaa")
        log_check(log, logged_on, {"state": "DDD", "org": "ORG", "as_of": "2020-01-01"}, "ddd")
    entries = list(read_log(path))
    assert replay(entries, logged_on) == []
    (difference, unchanged) = replay(entries, severed)
    assert difference == Difference(
        line=1,
        request_id="aaa",
        kind="check",
        changes=(VerdictChange("check", "AAA ORG", "undetermined", "blocked", (), ("rel",)),),
        revision_before=logged_on.default.revision,
        revision_after=severed.default.revision,
    )
    assert difference.lines() == ["line 1 (request aaa): AAA ORG undetermined -> blocked (failing [] -> [rel])"]
    # DDD's verdict is the same on the new world: only the revision differs, which is no change.
    assert not unchanged.changed
    assert (unchanged.line, unchanged.revision_before != unchanged.revision_after) == (2, True)
    # `--world` replays on a world folder standing in for the one the answers were given on.
    status, out, _ = run(capsys, "replay", str(path), "--world", str(tmp_path / "after"))
    assert status == 1
    assert out.splitlines() == [
        "line 1 (request aaa): AAA ORG undetermined -> blocked (failing [] -> [rel])",
        f"revision {logged_on.default.revision} -> {severed.default.revision} for 2 answers (informational)",
        "2 answers replayed, 1 changed",
    ]


def test_a_question_the_world_can_no_longer_answer_is_a_change(tmp_path: Path) -> None:
    logged_on = Workspace(toy_folder(tmp_path / "before", []))
    without_ddd = Workspace(toy_folder(tmp_path / "after", [], drop_state="DDD"))
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log:
        log_check(log, logged_on, {"state": "DDD", "org": "ORG", "as_of": "2020-01-01"}, "ddd")
    (difference,) = replay(read_log(path), without_ddd)
    assert difference.changed
    assert [p.code for p in difference.problems] == ["world.unknown-state"]
    (line,) = difference.lines()
    assert line.startswith("line 1 (request ddd): no longer answered: world.unknown-state: unknown state `DDD`")


def test_replay_reports_a_changed_answer_and_exits_1(
    tmp_path: Path, workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    # An answer given with a what-if, logged as if the client had not asked for it: the world says otherwise.
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log:
        log_check(log, workspace, ARM_SCO, "same")
        log_check(log, workspace, WITH_PAK, "3f2a9b8c7d6e5f4a")
    lines = lines_of(path)
    lines[1]["question"].pop("changes")
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    status, out, err = run(capsys, "replay", str(path))
    assert (status, err) == (1, "")
    assert out.splitlines() == [
        "line 2 (request 3f2a9b8c…): ARM SCO undetermined -> blocked (failing [] -> [sco.relations])",
        "2 answers replayed, 1 changed",
    ]

    status, out, _ = run(capsys, "replay", "--json", str(path))
    assert status == 1
    assert json.loads(out) == {
        "replayed": 2,
        "changed": 1,
        "differences": [
            {
                "line": 2,
                "id": "3f2a9b8c7d6e5f4a",
                "kind": "check",
                "changes": [
                    {
                        "question": "check",
                        "subject": "ARM SCO",
                        "before": "undetermined",
                        "after": "blocked",
                        "failing_before": [],
                        "failing_after": ["sco.relations"],
                    }
                ],
                "problems": [],
                "revision_before": workspace.default.revision,
                "revision_after": workspace.default.revision,
            }
        ],
        "revisions": [],
    }


def test_a_scenario_names_the_question_whose_verdict_changed(
    tmp_path: Path, workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log:
        log_scenario(log, workspace, STORY, "story")
    (line,) = lines_of(path)
    row = next(r for r in line["answer"]["results"][2]["rows"] if r["state"] == "AZE")
    row["verdict"], row["failing"] = "eligible", []
    line["revision"] = "0123456789abcdef"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")

    status, out, _ = run(capsys, "replay", str(path))
    assert status == 1
    assert out.splitlines() == [
        f"line 1 (request story): question `who`: AZE SCO eligible -> blocked (failing [] -> {row_failing(workspace)})",
        f"revision 0123456789abcdef -> {workspace.default.revision} for 1 answer (informational)",
        "1 answer replayed, 1 changed",
    ]


def row_failing(workspace: Workspace) -> str:
    """How the replay prints AZE's failing SCO conditions in the STORY matrix, as answered now."""
    result = workspace.run_document(Document("request", STORY)).to_json()
    row = next(r for r in result["results"][2]["rows"] if r["state"] == "AZE")
    assert row["verdict"] == "blocked"
    return "[" + ", ".join(row["failing"]) + "]"


def test_a_malformed_line_is_a_located_problem_and_exits_2(
    tmp_path: Path, workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "decisions.jsonl"
    with DecisionLog(path) as log:
        log_check(log, workspace, ARM_SCO, "good")
    with path.open("a", encoding="utf-8") as f:
        f.write('{"id": "cut short", "time": \n')
        f.write('{"id": "x", "time": "yesterday", "kind": "check", "question": {}, "as_of": "2025-13-01"}\n')

    status, out, err = run(capsys, "replay", str(path))
    assert (status, out) == (2, ""), "nothing is replayed from a bad log"
    shown = display(path)
    assert err.splitlines() == [
        f"{shown}:2:29: json.syntax: not valid JSON: Expecting value",
        f"{shown}:3: schema.missing-field: missing required field `revision` (field `revision`)",
        f"{shown}:3: schema.missing-field: missing required field `answer` (field `answer`)",
        "3 problems",
    ]
    with pytest.raises(AccedeError) as caught:
        list(read_log(path))
    assert {(p.code, p.line) for p in caught.value.problems} == {
        ("json.syntax", 2),
        ("schema.missing-field", 3),
    }


def test_wrong_fields_are_named(tmp_path: Path) -> None:
    path = tmp_path / "decisions.jsonl"
    entry = {
        "id": 7,
        "time": "yesterday",
        "kind": "matrix",
        "question": [],
        "as_of": "2025-13-01",
        "revision": 1,
        "answer": {},
    }
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")
    with pytest.raises(AccedeError) as caught:
        list(read_log(path))
    assert sorted((p.code, p.field) for p in caught.value.problems) == [
        ("date.invalid", "as_of"),
        ("schema.invalid-value", "id"),
        ("schema.invalid-value", "kind"),
        ("schema.invalid-value", "question"),
        ("schema.invalid-value", "revision"),
        ("schema.invalid-value", "time"),
    ]
    assert all(p.line == 1 for p in caught.value.problems)


def test_a_missing_log_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "replay", str(tmp_path / "none.jsonl"))
    assert (status, out) == (2, "")
    assert "file.not-found: cannot read" in err
