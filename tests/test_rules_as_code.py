"""Scenario files as a test suite: `accede test`'s reports, filters and exit codes, expectations of
every kind, `--update`, rule coverage, and the pytest plugin from a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.reading.yaml12 import parse_yaml
from engine.tooling.coverage import coverage
from engine.workspace import Workspace
from tests.paths import ROOT

GOOD = """\
scenario: two tests
as_of: 2025-09-01
trust: medium
questions:
  - id: before
    join: {state: ARM, org: SCO}
    as_of: 2025-08-30
    expect: {verdict: blocked, failing: [sco.relations]}
  - id: no-expectation
    join: {state: ARM, org: SCO}
  - id: who-could-join
    matrix: {orgs: [SCO], states: [ARM, AFG]}
    expect:
      rows: [{state: ARM, verdict: undetermined}, {state: AFG, verdict: blocked, failing: [sco.sanctions]}]
      counts: {undetermined: 1, blocked: 1}
"""

WRONG = """\
# A comment the rewrite must keep.
scenario: one wrong expectation
as_of: 2025-08-30
trust: medium
questions:
  - id: wrong
    join: {state: ARM, org: SCO}
    expect: {verdict: eligible, failing: [sco.relations]}   # the failing list is right, the verdict is not
"""

BROKEN = """\
scenario: a misspelt state
as_of: 2025-09-01
questions:
  - id: typo
    join: {state: ARN, org: SCO}
    expect: {verdict: blocked}
"""


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def suite(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


# --- accede test --------------------------------------------------------------------------------


def test_a_broken_file_is_an_error_and_the_others_still_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = suite(tmp_path, **{"a.yaml": GOOD, "b.yml": WRONG, "c.yaml": BROKEN})
    status, out, _ = run(capsys, "test", str(folder))
    assert status == 2
    assert out.rstrip().splitlines()[-1] == "2 passed, 1 failed, 1 error"
    assert "FAIL" in out
    assert "b.yml::wrong" in out, ".yml files are collected"
    assert "ERROR" in out
    assert "world.unknown-state" in out


def test_nothing_collected_is_not_a_success(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "rules.yaml").write_text("org: XX\n", encoding="utf-8")  # not a scenario file
    status, out, err = run(capsys, "test", str(tmp_path))
    assert status == 5
    assert out.strip() == "0 passed, 0 failed"
    assert "no test was collected" in err
    assert run(capsys, "test", "--allow-empty", str(tmp_path))[0] == 0
    folder = suite(tmp_path, **{"a.yaml": GOOD})
    assert run(capsys, "test", "-k", "nothing-is-called-this", str(folder))[0] == 5


def test_k_selects_by_id_and_counts_the_rest_deselected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = suite(tmp_path, **{"a.yaml": GOOD, "b.yml": WRONG})
    status, out, _ = run(capsys, "test", "-k", r"a\.yaml::before$", str(folder))
    assert status == 0
    assert out.rstrip().splitlines() == [
        f"PASS {_shown(folder / 'a.yaml')}::before",
        "1 passed, 0 failed, 2 deselected",
    ]


def _shown(path: Path) -> str:
    from engine.reading.loader import display  # noqa: PLC0415

    return display(path)


def test_json_and_junit_reports_say_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = suite(tmp_path, **{"a.yaml": GOOD, "b.yml": WRONG, "c.yaml": BROKEN})
    xml_path = tmp_path / "out.xml"
    status, out, err = run(capsys, "test", "--json", "--junit", str(xml_path), str(folder))
    assert status == 2
    document = json.loads(out)
    assert document["summary"] == {"passed": 2, "failed": 1, "errors": 1, "deselected": 0, "files": 3}
    assert err.strip() == "2 passed, 1 failed, 1 error", "the summary line is always printed"
    failed = [t for t in document["tests"] if not t["passed"]]
    assert [t["question"] for t in failed] == ["wrong"]
    assert failed[0]["mismatches"] == ["expected verdict eligible, got blocked"]
    assert document["errors"][0]["problems"][0]["code"] == "world.unknown-state"
    root = ET.parse(xml_path).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    names = sorted(c.get("name") or "" for c in root.iter("testcase"))
    assert names == ["<file>", "before", "who-could-join", "wrong"]


def test_verbose_prints_the_memo_of_a_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = suite(tmp_path, **{"b.yml": WRONG})
    status, out, _ = run(capsys, "test", "-v", str(folder))
    assert status == 1
    assert "Armenia cannot join the SCO on 2025-08-30" in out


# --- expectations of every kind -------------------------------------------------------------------


def _answers(ws: Workspace, text: str, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return {a.id: a.expect for a in ws.run_file(path).answers}


def test_matrix_rows_and_counts_are_checked(workspace: Workspace, tmp_path: Path) -> None:
    assert _answers(workspace, GOOD, tmp_path)["who-could-join"]["passed"]
    wrong = GOOD.replace("counts: {undetermined: 1, blocked: 1}", "counts: {undetermined: 2}")
    wrong = wrong.replace("{state: ARM, verdict: undetermined}", "{state: ARM, verdict: eligible}")
    expect = _answers(workspace, wrong, tmp_path)["who-could-join"]
    assert expect["mismatches"] == [
        "expected ARM eligible in the SCO, got undetermined",
        "expected 2 undetermined, got 1",
    ]


def test_to_settle_remedies_and_decision_are_checked(workspace: Workspace, tmp_path: Path) -> None:
    text = """\
scenario: what settles it, what is offered
as_of: 2025-09-01
trust: medium
questions:
  - id: open
    join: {state: ARM, org: SCO}
    expect: {to_settle: {stages: [consensus]}, decision: unknown}
  - id: offered
    join: {state: ARM, org: SCO}
    as_of: 2025-08-30
    expect: {remedies: {offered: [{establish: [PAK, ARM]}], not_offered: [{establish: [ARM, AZE]}]}}
  - id: wrong
    join: {state: ARM, org: SCO}
    as_of: 2025-08-30
    expect: {remedies: {not_offered: [{establish: [ARM, PAK]}]}, decision: fails, to_settle: {stages: [x]}}
"""
    answers = _answers(workspace, text, tmp_path)
    assert answers["open"] == {"passed": True, "mismatches": []}
    assert answers["offered"] == {"passed": True, "mismatches": []}
    assert answers["wrong"]["mismatches"] == [
        "expected stages to settle [x], got [none]",
        "expected no remedy proposing {establish: [ARM, PAK]}",
        "expected the decision to be fails, it unknown",
    ]


def test_unknown_ids_in_expectations_are_refused_where_they_are_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    misspelt = GOOD.replace("failing: [sco.sanctions]}]", "failing: [sco.sanction]}]")
    two_orgs = GOOD.replace("matrix: {orgs: [SCO], states", "matrix: {orgs: [SCO, NATO], states")
    folder = suite(tmp_path, **{"a.yaml": misspelt, "b.yaml": two_orgs})
    status, out, _ = run(capsys, "test", str(folder))
    assert status == 2
    assert "a.yaml:14:" in out
    assert "scenario.unknown-condition: the SCO rules have no condition `sco.sanction` (did you mean" in out
    assert "(field `questions[2].expect.rows[1].failing[0]`)" in out
    assert "b.yaml:14:14: scenario.invalid-question: name the row's `org`" in out


# --- --update ---------------------------------------------------------------------------------------


def test_update_rewrites_only_what_fails_and_keeps_comments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = suite(tmp_path, **{"b.yaml": WRONG})
    status, out, _ = run(capsys, "test", "--update", str(folder))
    assert status == 0, "after the rewrite the expectations hold"
    assert "-    expect: {verdict: eligible" in out
    assert "+    expect: {verdict: blocked" in out
    text = (folder / "b.yaml").read_text(encoding="utf-8")
    assert text.startswith("# A comment the rewrite must keep.")
    assert "# the failing list is right" in text
    assert parse_yaml(text, "b.yaml").data["questions"][0]["expect"] == {
        "verdict": "blocked",
        "failing": ["sco.relations"],
    }
    again, out2, _ = run(capsys, "test", "--update", str(folder))
    assert again == 0
    assert "+" not in out2.replace("+0", ""), "a second update changes nothing"


# --- coverage ---------------------------------------------------------------------------------------


def _plain_count(answers: list[dict[str, Any]], ws: Workspace) -> dict[tuple[str, str], set[str]]:
    """Condition outcomes counted straight from the JSON, independently of engine.tooling.coverage."""
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)

    def in_force(org: str, on: str) -> list[str]:
        version = ws.default.rules.orgs[org].version_at(date.fromisoformat(on))
        return [c.id for c in version.conditions] if version is not None else []

    for body in answers:
        if body["kind"] == "join":
            for c in body["conditions"]:
                seen[(body["org"], c["id"])].add(c["outcome"])
        rows = [(r["org"], body["as_of"], r) for r in body.get("rows", ())] if body["kind"] == "matrix" else []
        if body["kind"] == "timeline":
            rows = [(body["org"], i["from"], i) for i in body["intervals"]]
        for org, on, row in rows:
            if row["verdict"] == "member":
                continue
            for cid in in_force(org, on):
                seen[(org, cid)].add(
                    "fails" if cid in row["failing"] else "unknown" if cid in row["unknown"] else "holds"
                )
    return seen


def test_coverage_agrees_with_a_plain_count_over_the_json_answers(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "test", "--json", "--coverage", "fixtures/scenarios")
    assert status == 0
    document = json.loads(out)
    answers = [t["answer"] for t in document["tests"]]
    counted = _plain_count(answers, workspace)
    for row in document["coverage"]["conditions"]:
        plain = counted.get((row["org"], row["id"]), set())
        assert {o for o in ("holds", "fails", "unknown") if row[o]} == plain, row["id"]
    assert document["coverage"]["required"] == 2 * sum(r["remediable"] for r in document["coverage"]["conditions"])


def test_the_bundled_scenarios_cover_every_remediable_condition(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "test", "--coverage", "--threshold", "100", "fixtures/scenarios")
    assert status == 0, out[-2000:] + err


def test_a_threshold_above_the_coverage_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = suite(tmp_path, **{"a.yaml": GOOD})
    status, out, err = run(capsys, "test", "--coverage", "--threshold", "100", str(folder))
    assert status == 1
    assert "below the threshold of 100%" in err
    assert "sco.peace" in out
    assert run(capsys, "test", "--threshold", "101", str(folder))[0] == 2


def test_coverage_of_nothing_tested_is_empty(workspace: Workspace) -> None:
    report = coverage([], workspace.default.rules)
    assert report.conditions == ()
    assert report.percent == 100.0


# --- the pytest plugin, as a user installs it ---------------------------------------------------------


def test_pytest_collects_one_item_per_expectation_and_writes_junit(tmp_path: Path) -> None:
    folder = suite(tmp_path, **{"a.yaml": GOOD, "b.yml": WRONG})
    xml_path = tmp_path / "out.xml"
    # From outside the repository, so only the installed entry point can bring the plugin in.
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder), f"--junitxml={xml_path}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "2 passed" in done.stdout
    assert "1 failed" in done.stdout
    assert "expected verdict eligible, got blocked" in done.stdout
    assert "Armenia cannot join the SCO" in done.stdout, "a failure shows the memo"
    cases = {(c.get("classname"), c.get("name")) for c in ET.parse(xml_path).getroot().iter("testcase")}
    assert ("b.yml", "wrong") in cases
    assert ("a.yaml", "who-could-join") in cases
    listed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--co", str(folder), "-k", "before"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "a.yaml::before" in listed.stdout
    assert "who-could-join" not in listed.stdout


# --- lint --strict, machine-readable errors ----------------------------------------------------------

REVIEWED_RULES = """\
org: XXA
name: A reviewed organisation
versions:
  - valid_from: 2000-01-01
    conditions:
      - id: xxa.relations
        text: relations with every member
        source: Article 1
        check: {relations_with: members}
      - id: xxa.recognition
        text: recognised by every member
        check: {recognized_by: members}
    decision: [{by: members, pass: unanimity}]
  - valid_from: 2010-01-01
    conditions:
      - id: xxa.relations
        text: relations with every member
        source: Article 1
        check: {relations_with: members}
      - id: xxa.recognition
        text: recognised by every member
        check: {recognized_by: members}
    decision: [{by: members, pass: unanimity}]
"""


def test_lint_strict_warns_what_a_reviewer_wants(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "XXA.yaml"
    rules.write_text(REVIEWED_RULES, encoding="utf-8")
    assert run(capsys, "lint", str(rules))[0] == 0, "warnings are not errors"
    status, out, _ = run(capsys, "lint", "--strict", "--json", str(rules))
    assert status == 1
    found = [(w["code"], w["line"], w["rule_id"]) for w in json.loads(out)["warnings"]]
    assert found == [
        ("lint.no-source", 10, "xxa.recognition"),
        ("lint.implied-condition", 12, "xxa.recognition"),
        ("lint.same-version", 14, None),
        ("lint.no-source", 20, "xxa.recognition"),
        ("lint.implied-condition", 22, "xxa.recognition"),
    ]
    assert "relations imply recognition" in json.loads(out)["warnings"][1]["message"]


def test_lint_strict_warns_of_untested_questions_and_idle_amendments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD + "amend:\n  SCO: {drop: [sco.status]}\n"  # sco.status is in force: no warning
    idle = GOOD.replace("as_of: 2025-09-01\n", "as_of: 2005-01-01\n", 1).replace("    as_of: 2025-08-30\n", "")
    idle = idle + "amend:\n  SCO: {drop: [sco.peace]}\n"  # sco.peace is not in the 2003 rules
    folder = suite(tmp_path, **{"a.yaml": text, "b.yaml": idle})
    status, _out, err = run(capsys, "lint", "--strict", str(folder))
    assert status == 1
    assert err.count("lint.no-expectation") == 2
    assert "questions[1]" in err
    assert err.count("lint.unused-amendment") == 1
    assert "b.yaml" in err.split("lint.unused-amendment")[0].splitlines()[-1]


def test_errors_are_json_under_json_and_sarif_for_code_scanning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "check", "ARN", "SCO", "--json")
    assert status == 2
    assert json.loads(out)["errors"][0]["code"] == "world.unknown-state"
    assert "world.unknown-state" in err
    broken = ROOT / "tests" / "broken" / "date-invalid.yaml"
    status, out, _ = run(capsys, "lint", "--format", "sarif", str(broken.relative_to(ROOT)))
    assert status == 2
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "date.invalid"
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "tests/broken/date-invalid.yaml"
    assert location["region"]["startLine"] > 0
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["date.invalid"]


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ({"relations_with": "members"}, {"recognized_by": "members"}, "relations imply recognition"),
        ({"relations_with": ["AAA", "BBB"]}, {"relations_with": ["AAA"]}, "a larger group implies a smaller one"),
        ({"member_of": "ORB"}, {"status_in": {"in": "ORB", "status": ["member", "observer"]}}, "membership"),
        ({"all": [{"assessed": "x"}, {"member_of": "ORB"}]}, {"assessed": "x"}, "the same check"),
        ({"region_in": ["Asia"]}, {"any": [{"assessed": "x"}, {"region_in": ["Asia", "Europe"]}]}, "region"),
        ({"relations_with": ["AAA"]}, {"relations_with": ["AAA", "BBB"]}, None),
        ({"recognized_by": "members"}, {"relations_with": "members"}, None),
        ({"status_in": {"in": "ORB", "status": ["observer"]}}, {"member_of": "ORB"}, None),
        ({"any": [{"assessed": "x"}, {"assessed": "y"}]}, {"assessed": "x"}, None),
    ],
)
def test_implication_follows_the_domain_axioms(a: dict[str, Any], b: dict[str, Any], why: str | None) -> None:
    from pydantic import TypeAdapter  # noqa: PLC0415

    from engine import models as m  # noqa: PLC0415
    from engine.tooling.review import implies  # noqa: PLC0415

    check: TypeAdapter[m.Check] = TypeAdapter(m.Check)
    found = implies(check.validate_python(a), check.validate_python(b), "ORA")
    assert (found is None) == (why is None), found
    if why is not None:
        assert why in (found or "")


def test_the_bundled_files_are_clean_under_lint_strict(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "lint", "--strict", "rules", "fixtures/world", "fixtures/scenarios")
    assert status == 0, err
    assert out.strip().endswith("checked, no problems")
