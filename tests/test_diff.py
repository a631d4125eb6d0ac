"""``accede diff OLD NEW``: the verdicts two rule sets disagree on, when, and the condition why.

The bundled world is asked the SPEC's example (the SCO without `sco.peace`); a three-state world
written to ``tmp_path`` pins exact intervals, causes (a condition, a decision stage, rules in force
on one side only), the CI gate, git revisions and the JSON document.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine import models as m
from engine.cli import main
from engine.compiler.world import compile_world
from engine.reading.loader import inline_world, validate
from engine.reading.yaml12 import Document, read_yaml
from engine.tooling.diff import Change, compare
from engine.workspace import Workspace
from tests.paths import ROOT

SUMMARY = re.compile(r"^(\d+) verdicts? changes? for (\d+) states? in (\d+) organisations?$", re.MULTILINE)

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, workspace: Workspace) -> Run:
    """``accede ARGS...`` from the checkout, on the session's compiled bundled world."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("engine.cli.Workspace", lambda **_: workspace)

    def call(*argv: str) -> tuple[int, str, str]:
        status = main(list(argv))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return call


def write(path: Path, data: Any) -> Path:
    """A YAML file written as JSON (every JSON document is YAML 1.2)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def bundled_sco() -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(ROOT / "rules" / "SCO.yaml").data
    return data


def sco_amended(**change: Any) -> dict[str, Any]:
    """The bundled SCO rules with a condition dropped (``drop=id``) or added (``add={...}``) in every version."""
    sco = bundled_sco()
    for version in sco["versions"]:
        version["conditions"] = [c for c in version["conditions"] if c["id"] != change.get("drop")]
        if "add" in change:
            version["conditions"].append(change["add"])
    return sco


def rules_copy(tmp_path: Path, sco: dict[str, Any]) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", folder)
    write(folder / "SCO.yaml", sco)
    return folder


def diff_json(run: Run, *argv: str) -> dict[str, Any]:
    status, out, err = run("diff", *argv, "--json")
    assert status == 0, err
    found = json.loads(out)
    assert isinstance(found, dict)
    return found


# --- the SPEC's example, on the bundled world ---------------------------------------------------


def test_dropping_sco_peace_changes_sco_verdicts_and_names_it(run: Run, tmp_path: Path, workspace: Workspace) -> None:
    new = rules_copy(tmp_path, sco_amended(drop="sco.peace"))
    status, out, err = run("diff", "rules", str(new))
    assert status == 0, err
    assert "Rules differ for SCO;" in out
    assert "SCO: sco.peace [only in OLD]: The applicant is not in armed conflict with a member state" in out
    found = SUMMARY.search(out)
    assert found is not None, out
    assert int(found[1]) > 0
    assert found[3] == "1"
    body = diff_json(run, "rules", str(new))
    assert body["compared"] == ["SCO"]
    assert body["from"] == "2003-09-19"
    assert body["until"] == "2026-11-28"
    assert {(g["org"], tuple(g["conditions"]), tuple(g["stages"])) for g in body["groups"]} == {
        ("SCO", ("sco.peace",), ())
    }
    changes = [c for g in body["groups"] for c in g["changes"]]
    assert len(changes) == int(found[1])
    for change in changes:
        assert "sco.peace" in change["old_failing"], change
        assert "sco.peace" not in change["new_failing"], change
        # The reason checks out on the day the change begins: the state fails sco.peace under the bundled rules.
        verdict = workspace.check(change["state"], "SCO", date.fromisoformat(change["from"]))
        assert "sco.peace" in verdict.failing, change


def test_a_single_rule_file_stands_in_for_its_organisation(run: Run, tmp_path: Path) -> None:
    one = write(tmp_path / "SCO.yaml", sco_amended(drop="sco.peace"))
    folder = rules_copy(tmp_path, sco_amended(drop="sco.peace"))
    recent = ("--from", "2024-01-01")
    assert (
        diff_json(run, "rules", str(one), *recent)["groups"] == diff_json(run, "rules", str(folder), *recent)["groups"]
    )


def test_identical_rule_sets_change_nothing_and_exit_0(run: Run, tmp_path: Path) -> None:
    status, out, err = run("diff", "rules", str(rules_copy(tmp_path, bundled_sco())), "--fail-on", "any")
    assert status == 0, err
    assert "0 verdicts change for 0 states in 0 organisations" in out
    assert "No organisation's conditions or decision differ" in out


def test_rewording_is_not_a_change(run: Run, tmp_path: Path) -> None:
    sco = bundled_sco()
    sco["versions"][-1]["conditions"][0]["text"] = "Reworded"
    body = diff_json(run, "rules", str(write(tmp_path / "SCO.yaml", sco)), "--fail-on", "any")
    assert body["compared"] == []
    assert body["reworded"] == ["SCO"]
    assert body["fail_on"] == {"rule": "any", "tripped": 0}


def test_fail_on_new_eligible_trips_on_an_amendment_that_admits_someone(run: Run, tmp_path: Path) -> None:
    # Without the prior-status requirement, states with relations to every member can get in
    # (every member assumed to agree, as no positions are on record).
    looser = write(tmp_path / "SCO.yaml", sco_amended(drop="sco.status"))
    argv = ("diff", "rules", str(looser), "--from", "2020-01-01", "--assume", "support", "--fail-on", "new-eligible")
    status, _, err = run(*argv)
    assert status == 1
    assert re.search(r"--fail-on new-eligible: tripped by \d+ changes?", err)


def test_fail_on_new_eligible_passes_an_amendment_that_only_blocks(run: Run, tmp_path: Path) -> None:
    asia = {"id": "sco.asia", "text": "The applicant lies in Asia", "check": {"region_in": ["Asia"]}}
    stricter = write(tmp_path / "SCO.yaml", sco_amended(add=asia))
    argv = ("diff", "rules", str(stricter), "--from", "2020-01-01", "--assume", "support")
    status, out, err = run(*argv, "--fail-on", "new-eligible")
    assert status == 0, err
    assert "SCO: sco.asia [only in NEW]" in out
    assert "--fail-on new-eligible: not tripped" in err
    status, _, _ = run(*argv, "--fail-on", "new-blocked")
    assert status == 1


def test_orgs_narrows_the_comparison(run: Run, tmp_path: Path) -> None:
    new = write(tmp_path / "SCO.yaml", sco_amended(drop="sco.peace"))
    body = diff_json(
        run, "rules", str(new), "--from", "2024-01-01", "--orgs", "nato", "Shanghai Cooperation Organisation"
    )
    assert body["compared"] == ["SCO"]
    assert diff_json(run, "rules", str(new), "--orgs", "NATO")["compared"] == []


# --- a world small enough to know every answer ------------------------------------------------

ORA: dict[str, Any] = {
    "org": "ORA",
    "name": "Organisation A",
    "statuses": ["member", "observer"],
    "versions": [
        {
            "valid_from": "2000-01-01",
            "conditions": [
                {"id": "ora.region", "text": "The applicant is in Asia", "check": {"region_in": ["Asia"]}},
                {"id": "ora.peace", "text": "At peace with the members", "check": {"no_conflict_with": "members"}},
            ],
            "decision": [{"by": "members", "pass": "unanimity"}],
        }
    ],
}

TINY: dict[str, Any] = {
    "name": "tiny",
    "default_relations": "established",
    "rules": "rules",
    "states": [
        {"code": "AAA", "name": "Alpha", "region": "Asia"},
        {"code": "BBB", "name": "Beta", "region": "Asia"},
        {"code": "CCC", "name": "Gamma", "region": "Europe"},
    ],
    "events": [
        {"admit": "AAA", "to": "ORA", "as": "member", "on": "2000-01-01"},
        {"conflict": ["AAA", "BBB"], "from": "2005-01-01", "until": "2010-01-01"},
    ],
}


def ora(**change: Any) -> dict[str, Any]:
    """ORA's rules amended: ``drop`` a condition id, ``decision`` replaced, ``valid_from`` moved."""
    out = copy.deepcopy(ORA)
    version = out["versions"][0]
    version["conditions"] = [c for c in version["conditions"] if c["id"] != change.get("drop")]
    if "decision" in change:
        version["decision"] = change["decision"]
    version["valid_from"] = change.get("valid_from", version["valid_from"])
    return out


def tiny_world(folder: Path, **header: Any) -> Path:
    write(folder / "world.yaml", {**TINY, **header})
    write(folder / "rules" / "ORA.yaml", ORA)
    return folder


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def changes_of(body: dict[str, Any]) -> set[tuple[Any, ...]]:
    """(org, conditions, stages, no_rules, state, from, until, old, new) for every change of a diff."""
    return {
        (g["org"], tuple(g["conditions"]), tuple(g["stages"]), g["no_rules"], *(_frozen(v) for v in c.values()))
        for g in body["groups"]
        for c in g["changes"]
    }


def test_a_dropped_condition_changes_exactly_the_interval_it_failed(run: Run, tmp_path: Path) -> None:
    world = tiny_world(tmp_path / "tiny")
    new = write(tmp_path / "ORA.yaml", ora(drop="ora.peace"))
    body = diff_json(run, str(world / "rules"), str(new), "--world", str(world))
    assert (body["from"], body["until"]) == ("2000-01-01", None)  # no horizon: the last interval is open
    assert changes_of(body) == {
        (
            "ORA",
            ("ora.peace",),
            (),
            None,
            "BBB",
            "2005-01-01",
            "2010-01-01",
            "blocked",
            "undetermined",
            ("ora.peace",),
            (),
        )
    }
    assert body["summary"] == {"changes": 1, "states": 1, "orgs": 1}


def test_a_replaced_decision_is_named_by_its_stage(run: Run, tmp_path: Path) -> None:
    world = tiny_world(tmp_path / "tiny", horizon="2019-12-31")
    new = write(tmp_path / "ORA.yaml", ora(decision=[]))
    status, out, err = run("diff", str(world / "rules"), str(new), "--world", str(world), "--fail-on", "new-eligible")
    assert status == 1, err
    assert "ORA: decision stage `consensus`" in out
    body = diff_json(run, str(world / "rules"), str(new), "--world", str(world))
    assert body["until"] == "2020-01-01"  # the day after the horizon
    # BBB's conflict blocks it under both rule sets, for the same reason: no change from 2005 to 2010.
    assert changes_of(body) == {
        ("ORA", (), ("consensus",), None, "BBB", "2000-01-01", "2005-01-01", "undetermined", "eligible", (), ()),
        ("ORA", (), ("consensus",), None, "BBB", "2010-01-01", "2020-01-01", "undetermined", "eligible", (), ()),
    }


def test_rules_in_force_on_one_side_only_are_the_cause(run: Run, tmp_path: Path) -> None:
    world = tiny_world(tmp_path / "tiny")
    new = write(tmp_path / "ORA.yaml", ora(valid_from="1995-01-01"))
    body = diff_json(run, str(world / "rules"), str(new), "--world", str(world), "--until", "2001-01-01")
    assert body["from"] == "1995-01-01"
    # Before 2000 nobody is a member: an empty group passes unanimity, and nobody is at war with members.
    assert changes_of(body) == {
        ("ORA", (), (), "old", "AAA", "1995-01-01", "2000-01-01", None, "eligible", (), ()),
        ("ORA", (), (), "old", "BBB", "1995-01-01", "2000-01-01", None, "eligible", (), ()),
        ("ORA", (), (), "old", "CCC", "1995-01-01", "2000-01-01", None, "blocked", (), ("ora.region",)),
    }
    status, out, _ = run("diff", str(world / "rules"), str(new), "--world", str(world), "--until", "2001-01-01")
    assert status == 0
    assert "ORA: OLD has no ORA rules in force" in out
    assert "3 verdicts change for 3 states in 1 organisation" in out


def test_the_json_document_is_stable_and_complete(run: Run, tmp_path: Path) -> None:
    world = tiny_world(tmp_path / "tiny")
    new = write(tmp_path / "ORA.yaml", ora(drop="ora.peace"))
    argv = ("diff", str(world / "rules"), str(new), "--world", str(world), "--json", "--fail-on", "any")
    status, first, _ = run(*argv)
    assert status == 1
    assert run(*argv)[1] == first  # the same inputs, the same bytes
    body = json.loads(first)
    assert list(body) == [
        "old", "new", "world", "revision", "borrowed", "from", "until", "compared", "reworded", "groups", "summary",
        "fail_on",
    ]  # fmt: skip
    assert (body["old"], body["new"], body["world"]) == (str(world / "rules"), str(new), "tiny")
    (group,) = body["groups"]
    assert list(group) == ["org", "conditions", "stages", "no_rules", "changes"]
    assert list(group["changes"][0]) == ["state", "from", "until", "old", "new", "old_failing", "new_failing"]
    assert body["fail_on"] == {"rule": "any", "tripped": 1}
    assert body["borrowed"] == {"old": [], "new": []}  # both sides define ORA


# --- git revisions ----------------------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding the tiny world, whose second commit drops `ora.peace`."""
    # git is what a clone of this project is made with, so it is always there: no skip.
    assert shutil.which("git") is not None, "accede diff's revision tests need git on PATH"
    folder = tiny_world(tmp_path / "repo")
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "ORA as it was")
    write(folder / "rules" / "ORA.yaml", ora(drop="ora.peace"))
    git(folder, "commit", "-q", "-a", "-m", "ORA without ora.peace")
    return folder


WITHOUT_PEACE = {
    ("ORA", ("ora.peace",), (), None, "BBB", "2005-01-01", "2010-01-01", "blocked", "undetermined", ("ora.peace",), ())
}


def test_git_revisions_are_read_as_rules_folders(run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    assert changes_of(diff_json(run, "HEAD~1:rules", "HEAD:rules", "--world", ".")) == WITHOUT_PEACE
    # `REV` alone reads the world's rules folder as that revision holds it; `REV:./path` is relative here.
    assert changes_of(diff_json(run, "HEAD~1", "HEAD", "--world", ".")) == WITHOUT_PEACE
    assert changes_of(diff_json(run, "HEAD~1:./rules/ORA.yaml", "rules", "--world", ".")) == WITHOUT_PEACE
    assert changes_of(diff_json(run, "HEAD", "rules", "--world", ".")) == set()


def test_a_bad_revision_is_a_located_error(run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    status, out, err = run("diff", "HEAD~7", "HEAD:nowhere", "--world", ".")
    assert status == 2
    assert out == ""
    assert "file.not-found: no rules file or folder `HEAD~7`, and `HEAD~7` is not a revision" in err
    assert "(field `OLD`)" in err
    assert "the revision `HEAD` has no rule files at `nowhere` (field `NEW`)" in err
    assert err.splitlines()[-1] == "2 problems"
    status, _, err = run("diff", "--world", ".", "--", "--output=oops", "HEAD")
    assert status == 2
    assert "`--output=oops` is not a git revision" in err
    assert not (repo / "oops").exists()


# --- bad input ----------------------------------------------------------------------------------


def test_bad_inputs_exit_2_with_located_messages(run: Run, tmp_path: Path) -> None:
    status, _, err = run("diff", "no/such/rules", "rules", "--from", "2020-02-30", "--orgs", "NOPE")
    assert status == 2
    assert "file.not-found: no rules file or folder `no/such/rules`" in err
    assert "(field `OLD`)" in err
    assert "date.invalid: `2020-02-30` is not an ISO 8601 calendar date (YYYY-MM-DD) (field `--from`)" in err
    assert "world.unknown-org: unknown organisation `NOPE`" in err
    assert "(field `--orgs`)" in err
    assert "Traceback" not in err
    status, _, err = run("diff", "rules", "rules", "--from", "2020-01-01", "--until", "2019-01-01")
    assert status == 2
    assert "`--until` 2019-01-01 is not after `--from` 2020-01-01 (field `--until`)" in err
    broken = bundled_sco()
    broken["versions"][1]["conditions"][1]["check"] = {"relations_with": ["ZZZ"]}
    path = write(tmp_path / "SCO.yaml", broken)
    status, _, err = run("diff", "rules", str(path))
    assert status == 2
    assert re.search(r"SCO\.yaml:\d+:\d+: world\.unknown-state: unknown state `ZZZ`", err), err
    status, _, err = run("diff", "rules", str(write(tmp_path / "XYZ.yaml", {**ORA, "org": "XYZ"})))
    assert status == 2
    assert "XYZ.yaml:" in err
    assert "the world `default` has no organisation `XYZ`" in err


# --- the sweep's dates ------------------------------------------------------------------------


def test_a_status_in_the_recognition_organisation_is_a_change_date() -> None:
    """Recognition by default follows membership of one organisation: joining it moves the verdicts
    of another organisation whose rules never name it (so its status dates must be swept)."""
    world: dict[str, Any] = {
        "default_relations": "none",
        "recognition_default": {"among": "ORA", "source": "test"},
        "states": [{"code": c, "name": f"State {c}", "region": "Asia"} for c in ("AAA", "BBB", "CCC")],
        "organizations": [
            {"code": "ORA", "name": "A", "statuses": ["member"], "versions": []},
            {"code": "ORB", "name": "B", "statuses": ["member"], "versions": [{"valid_from": "2000-01-01"}]},
        ],
        "events": [
            {"admit": "AAA", "to": "ORA", "as": "member", "on": "2000-01-01"},
            {"admit": "BBB", "to": "ORA", "as": "member", "on": "2010-01-01"},
        ],
    }
    doc = Document("test.yaml", {"world": world})
    compiled = compile_world(inline_world(doc, validate(doc, m.WorldFile, ("world",))))
    condition = {"id": "orb.known", "text": "Recognised by AAA", "check": {"recognized_by": ["AAA"]}}
    orb = {**world["organizations"][1], "versions": [{"valid_from": "2000-01-01", "conditions": [condition]}]}
    diff = compare(compiled, {}, {"ORB": m.Organization.model_validate(orb)})
    bbb = [c for org, c in diff.changes if org == "ORB" and c.state == "BBB"]
    assert bbb == [Change("BBB", date(2000, 1, 1), date(2010, 1, 1), "eligible", "blocked", (), ("orb.known",))]
    assert compiled.orgs["ORB"].versions[0].conditions == ()  # the world's own rules are left as they were
