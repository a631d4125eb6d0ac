"""The command line as a user meets it: words, JSON, exit statuses, and errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.cli import main
from engine.common.errors import AccedeError
from engine.reading.yaml12 import MAX_BYTES, parse_yaml
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace
from tests.paths import ROOT

ARMENIA = "fixtures/scenarios/armenia-sco.yaml"

MEMO = (
    "Armenia cannot join the SCO on 2025-08-30: it has no diplomatic relations with Pakistan, a member since "
    "2017-06-09 (SCO admission regulations, 2010). Remedy: establish diplomatic relations with Pakistan."
)


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_run_tells_the_armenia_story(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", ARMENIA)
    assert status == 0
    assert MEMO in out
    assert "expectation NOT met" not in out


def test_check_explains_one_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "ARM", "SCO", "--as-of", "2025-08-30")
    assert status == 0
    assert MEMO in out


def test_check_json_has_the_spec_shape(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check", "ARM", "SCO", "--as-of", "2025-08-31", "--json")
    assert status == 0
    body = json.loads(out)
    assert {"state", "org", "as_of", "verdict", "failing", "conditions", "decision", "remedies", "irremediable"} <= set(
        body
    )
    relations = next(c for c in body["conditions"] if c["id"] == "sco.relations")
    assert relations["outcome"] == "holds"
    assert {"by", "pass", "support", "oppose", "abstain", "unknown", "vetoed_by"} <= set(body["decision"]["stages"][0])


def test_run_json_is_the_engine_result_byte_for_byte(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "run", "--json", ARMENIA)
    assert status == 0
    expected = dumps(Workspace().run_file(Path(ARMENIA)).to_json())
    assert out == expected + "\n"


def test_test_command_counts_expectations(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "test", ARMENIA)
    assert status == 0
    assert out.splitlines()[-1] == "4 passed, 0 failed"
    assert f"PASS {ARMENIA}::before" in out


def test_test_command_fails_on_a_wrong_expectation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text(
        "scenario: wrong on purpose\nas_of: 2025-08-30\nquestions:\n"
        "  - id: w\n    join: {state: ARM, org: SCO}\n    expect: {verdict: eligible, failing: []}\n",
        encoding="utf-8",
    )
    status, out, _ = run(capsys, "test", str(scenario))
    assert status == 1
    assert "FAIL" in out
    assert "expected verdict eligible, got blocked" in out
    assert out.splitlines()[-1] == "0 passed, 1 failed"


def test_lint_passes_the_bundled_world_rules_and_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "lint", "fixtures/world", "rules", "fixtures/scenarios")
    assert status == 0, err
    assert "no problems" in out


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "many.yaml"
    scenario.write_text(
        "scenario: three mistakes\nas_of: 2025-09-01\nquestions:\n"
        "  - join: {state: ARN, org: SCO}\n  - join: {state: ARM, org: SCOO}\n  - join: {state: XXX, org: SCO}\n",
        encoding="utf-8",
    )
    status, _, err = run(capsys, "lint", str(scenario))
    assert status == 2
    lines = [line for line in err.splitlines() if ": world.unknown-" in line]
    assert [line.split(":")[1] for line in lines] == ["4", "5", "6"]
    assert err.splitlines()[-1] == "3 problems"


def test_missing_files_and_bad_dates_exit_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "run", "no/such/file.yaml")
    assert status == 2
    assert "file.not-found" in err
    status, _, err = run(capsys, "check", "ARM", "SCO", "--as-of", "31/08/2025")
    assert status == 2
    assert "date.invalid" in err
    assert "Traceback" not in err


def test_documents_over_the_size_limit_are_refused_before_parsing() -> None:
    with pytest.raises(AccedeError) as caught:
        parse_yaml(b"a: " + b"x" * MAX_BYTES, "huge.yaml")
    assert caught.value.problems[0].code == "file.too-large"


def test_too_many_changes_is_a_limit_error(workspace: Workspace) -> None:
    changes = "".join(f"  - {{assess: k{i}, of: ARM, as: true}}\n" for i in range(1001))
    text = f"scenario: flood\nas_of: 2025-09-01\nchanges:\n{changes}questions:\n  - join: {{state: ARM, org: SCO}}\n"
    with pytest.raises(AccedeError) as caught:
        workspace.run_text(text)
    assert caught.value.problems[0].code == "limit.exceeded"


def test_show_state_prints_what_the_world_holds_with_sources(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", "ARM", "--as-of", "2025-08-30")
    assert status == 0
    assert "Armenia (ARM) on 2025-08-30" in out
    assert "SCO: dialogue_partner since 2015-07-10" in out
    assert "PAK: no relations" in out
    assert "AZE: no relations [https://factually.co" in out  # the source, unmangled by markup
    assert "(never established;" in out


def test_show_org_json_lists_rules_and_members(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "show", "SCO", "--as-of", "2025-09-01", "--json")
    assert status == 0
    info = json.loads(out)
    assert info["rules"]["valid_from"] == "2025-09-01"
    assert info["counts"] == {"member": 10, "partner": 17}
    assert all(c["source"] and c["confidence"] for c in info["rules"]["conditions"])
    assert {"state": "PAK", "since": "2017-06-09"}.items() <= next(
        h for h in info["holders"]["member"] if h["state"] == "PAK"
    ).items()


def test_show_unknown_code_suggests_a_near_one(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "show", "ARMM")
    assert status == 2
    assert "did you mean `ARM` (Armenia)?" in err
