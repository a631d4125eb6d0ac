"""The world cache (``engine/reading/cache.py``): same answers as a fresh read, content decides
validity, damage is a miss, concurrent writers both succeed, and nothing but JSON is written.

Every test keeps its cache in its own temporary folder (``ACCEDE_CACHE_DIR``); the session's
conftest points the variable away from the user's home for every other test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.cli import main
from engine.common.errors import AccedeError
from engine.reading.cache import WorldCache
from engine.reading.loader import folder_revision
from engine.workspace import BUNDLED_WORLD, Workspace
from tests.paths import ROOT
from tests.unit.toy import REL

ORG: dict[str, Any] = {
    "org": "ORG",
    "name": "The Organisation",
    "statuses": ["member", "observer"],
    "versions": [
        {
            "valid_from": "2000-01-01",
            "conditions": [REL],
            "decision": [],
        }
    ],
}


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ACCEDE_CACHE_DIR", str(folder))
    monkeypatch.delenv("ACCEDE_CACHE", raising=False)
    monkeypatch.chdir(ROOT)
    return folder


def toy_folder(folder: Path, severed: bool = False) -> Path:
    """A world folder in the shape of the bundled one: a header, states, events and a rules folder beside it."""
    (folder / "world" / "events").mkdir(parents=True)
    (folder / "rules").mkdir()
    header = {"name": "toy", "default_relations": "established", "rules": "../rules"}
    (folder / "world" / "world.yaml").write_text(json.dumps(header), encoding="utf-8")
    states = [{"code": c, "name": f"{c.title()}land", "region": "Europe"} for c in ("AAA", "BBB", "CCC")]
    (folder / "world" / "states.yaml").write_text(json.dumps({"states": states}), encoding="utf-8")
    write_events(folder, severed)
    (folder / "rules" / "ORG.yaml").write_text(json.dumps(ORG), encoding="utf-8")
    return folder / "world"


def write_events(folder: Path, severed: bool) -> None:
    events: list[dict[str, Any]] = [{"admit": "BBB", "to": "ORG", "as": "member", "on": "2000-01-01"}]
    if severed:
        events.append({"sever": ["AAA", "BBB"], "on": "2010-01-01"})
    (folder / "world" / "events" / "history.yaml").write_text(json.dumps({"events": events}), encoding="utf-8")


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    status = main(["check", *argv, "--json"])
    out = capsys.readouterr().out
    assert status == 0, out
    found: dict[str, Any] = json.loads(out)
    return found


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*"))


# --- the same answers ----------------------------------------------------------------------------


def test_every_bundled_scenario_is_answered_the_same_from_the_cache(
    cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*flags: str) -> str:
        status = main(["run", "--json", "fixtures/scenarios", *flags])
        out = capsys.readouterr().out
        assert status == 0, out
        return out

    fresh = run("--no-cache")
    assert not cache_dir.exists(), "--no-cache writes nothing"
    run()  # a miss: compiles from the files and keeps their documents
    revision = folder_revision(BUNDLED_WORLD.resolve())
    assert WorldCache(cache_dir).reading(BUNDLED_WORLD.resolve(), revision) is not None, "the entry was written"
    from_cache = run()
    assert from_cache == fresh
    assert len(from_cache.splitlines()) == len(list((ROOT / "fixtures" / "scenarios").rglob("*.yaml")))


@pytest.mark.parametrize(
    ("change", "breaks"),
    [
        ({"establish": ["AAA", "BBB"], "on": "2012-01-01"}, False),
        ({"establish": ["AAA", "BBB"], "on": "2005-01-01"}, True),  # relations are in force then
    ],
)
def test_what_ifs_on_a_world_from_the_cache_are_answered_as_on_a_fresh_one(
    tmp_path: Path, change: dict[str, Any], breaks: bool
) -> None:
    folder = toy_folder(tmp_path / "toy", severed=True)
    cache = WorldCache(tmp_path / "cache")
    Workspace(cache=cache).folder_world(folder)
    scenario = tmp_path / "what-if.yaml"
    question = {"scenario": "what if", "world": "toy/world", "as_of": "2020-01-01", "changes": [change]}
    question["questions"] = [{"id": "q", "join": {"state": "AAA", "org": "ORG"}}]
    scenario.write_text(json.dumps(question), encoding="utf-8")
    said = []
    for ws in (Workspace(), Workspace(cache=cache)):
        try:
            said.append(ws.run_file(scenario).to_json())
        except AccedeError as exc:
            said.append({"problems": [p.as_dict() for p in exc.problems]})
    assert said[0] == said[1]
    assert ("problems" in said[0]) is breaks


# --- validity is content ------------------------------------------------------------------------


def test_a_changed_world_or_rules_file_is_read_afresh(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = toy_folder(tmp_path / "toy")
    ask = ("AAA", "ORG", "--as-of", "2020-01-01", "--world", str(folder))
    assert check(capsys, *ask)["verdict"] == "eligible"
    assert len(entries(cache_dir)) == 1
    write_events(tmp_path / "toy", severed=True)
    assert check(capsys, *ask)["verdict"] == "blocked", "an edited event file is not answered from the old entry"
    rules = tmp_path / "toy" / "rules" / "ORG.yaml"
    rules.write_text(json.dumps({**ORG, "versions": [{**ORG["versions"][0], "conditions": []}]}), encoding="utf-8")
    assert check(capsys, *ask)["verdict"] == "eligible", "an edited rules file is not answered from the old entry"
    assert len(entries(cache_dir)) == 3, "one entry per content"


def test_a_touched_but_unchanged_file_is_still_a_hit(tmp_path: Path) -> None:
    folder = toy_folder(tmp_path / "toy")
    cache = WorldCache(tmp_path / "cache")
    Workspace(cache=cache).folder_world(folder)
    (entry,) = entries(cache.folder)
    written = entry.stat().st_mtime_ns
    states = folder / "states.yaml"
    os.utime(states, ns=(states.stat().st_atime_ns, states.stat().st_mtime_ns + 10**9))
    assert cache.reading(folder.resolve(), folder_revision(folder.resolve())) is not None
    Workspace(cache=cache).folder_world(folder)
    assert entry.stat().st_mtime_ns == written, "a hit writes nothing"


def test_a_world_with_problems_is_never_kept(
    tmp_path: Path, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = toy_folder(tmp_path / "toy")
    (folder / "events" / "broken.yaml").write_text(
        json.dumps({"events": [{"admit": "ZZZ", "to": "ORG", "as": "member", "on": "2001-01-01"}]}), "utf-8"
    )
    status = main(["check", "AAA", "ORG", "--world", str(folder)])
    assert status == 2
    assert "world.unknown-state" in capsys.readouterr().err
    assert not cache_dir.exists() or entries(cache_dir) == []


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("name: [unclosed", id="not-yaml"),
        pytest.param("- a list", id="not-a-mapping"),
        pytest.param('{"name": "toy", "rules": "../nowhere"}', id="no-rules-folder"),
        pytest.param(None, id="no-header"),
    ],
)
def test_a_broken_folder_is_reported_the_same_with_or_without_the_cache(tmp_path: Path, header: str | None) -> None:
    folder = toy_folder(tmp_path / "toy")
    if header is None:
        (folder / "world.yaml").unlink()
    else:
        (folder / "world.yaml").write_text(header, encoding="utf-8")
    said = []
    for ws in (Workspace(), Workspace(cache=WorldCache(tmp_path / "cache"))):
        with pytest.raises(AccedeError) as caught:
            ws.folder_world(folder)
        said.append([p.as_dict() for p in caught.value.problems])
    assert said[0] == said[1]
    assert not (tmp_path / "cache").exists()


# --- damage is a miss ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: "", id="empty"),
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "\x00\xff not json", id="garbage"),
        pytest.param(lambda text: "[]", id="foreign-shape"),
        pytest.param(lambda text: text.replace('"format":1', '"format":999'), id="other-format"),
        pytest.param(lambda text: text.replace('"documents":[[', '"documents":[[7,'), id="bad-document"),
    ],
)
def test_a_damaged_entry_is_ignored_and_rewritten(
    tmp_path: Path, damage: Any, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = toy_folder(tmp_path / "toy", severed=True)
    ask = ("AAA", "ORG", "--as-of", "2020-01-01", "--world", str(folder))
    fresh = check(capsys, *ask, "--no-cache")
    assert check(capsys, *ask) == fresh
    (entry,) = entries(cache_dir)
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    assert check(capsys, *ask) == fresh
    assert json.loads(entry.read_text(encoding="utf-8"))["format"] == 1, "rewritten whole"
    assert WorldCache(cache_dir).reading(folder.resolve(), folder_revision(folder.resolve())) is not None


def test_another_users_entry_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = toy_folder(tmp_path / "toy")
    cache = WorldCache(tmp_path / "cache")
    Workspace(cache=cache).folder_world(folder)
    (entry,) = entries(cache.folder)
    assert cache.reading(folder.resolve(), folder_revision(folder.resolve())) is not None
    # Giving the file away takes root; reading it as another user does not: the entry, written by
    # this process, is then owned by someone else.
    owner = entry.stat().st_uid
    monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    assert cache.reading(folder.resolve(), folder_revision(folder.resolve())) is None


def test_an_unwritable_cache_folder_is_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ACCEDE_CACHE_DIR", str(blocker / "cache"))
    folder = toy_folder(tmp_path / "toy")
    cache = WorldCache.from_environment()
    assert cache is not None
    world = Workspace(cache=cache).folder_world(folder)
    assert world.codes == ("AAA", "BBB", "CCC")
    assert blocker.read_text(encoding="utf-8") == "not a folder"


# --- writers at once ----------------------------------------------------------------------------


def test_processes_writing_the_same_entry_at_once_all_succeed(cache_dir: Path) -> None:
    command = [sys.executable, "-m", "engine.cli", "check", "ARM", "SCO", "--as-of", "2025-08-30", "--json"]
    env = {**os.environ, "ACCEDE_CACHE_DIR": str(cache_dir)}
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert [status for status, _, _ in results] == [0, 0, 0, 0], [err for _, _, err in results]
    assert len({out for _, out, _ in results}) == 1
    (entry,) = entries(cache_dir)
    assert entry.name.startswith("world-"), "no temporary file is left behind"
    json.loads(entry.read_bytes())


# --- what is written ----------------------------------------------------------------------------


def test_the_cache_holds_json_only(tmp_path: Path) -> None:
    folder = toy_folder(tmp_path / "toy")
    cache = WorldCache(tmp_path / "cache")
    Workspace(cache=cache).folder_world(folder)
    (entry,) = entries(cache.folder)
    assert entry.suffix == ".json"
    body = json.loads(entry.read_text(encoding="utf-8"), parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    assert set(body) == {"format", "accede", "revision", "documents"}
    assert body["revision"] == folder_revision(folder.resolve())
    kept = {rel for rel, _, _ in body["documents"]}
    assert kept == {
        "world.yaml",
        "states.yaml",
        os.path.join("events", "history.yaml"),
        os.path.join("..", "rules", "ORG.yaml"),
    }
    assert str(tmp_path) not in entry.read_text(encoding="utf-8"), "paths are kept relative to the world folder"


def test_turned_off_it_writes_nothing(
    tmp_path: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = toy_folder(tmp_path / "toy")
    monkeypatch.setenv("ACCEDE_CACHE", "off")
    check(capsys, "AAA", "ORG", "--world", str(folder))
    monkeypatch.delenv("ACCEDE_CACHE")
    check(capsys, "AAA", "ORG", "--world", str(folder), "--no-cache")
    assert not cache_dir.exists()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"ACCEDE_CACHE_DIR": "/elsewhere", "XDG_CACHE_HOME": "/xdg"}, Path("/elsewhere")),
        ({"XDG_CACHE_HOME": "/xdg"}, Path("/xdg/accede")),
        ({"XDG_CACHE_HOME": "relative/is/ignored"}, Path.home() / ".cache" / "accede"),
        ({}, Path.home() / ".cache" / "accede"),
    ],
)
def test_where_the_cache_is(environ: dict[str, str], expected: Path) -> None:
    cache = WorldCache.from_environment(environ)
    assert cache is not None
    assert cache.folder == expected


@pytest.mark.parametrize("value", ["off", "OFF", "0", "false", "no"])
def test_the_environment_turns_it_off(value: str) -> None:
    assert WorldCache.from_environment({"ACCEDE_CACHE": value, "ACCEDE_CACHE_DIR": "/elsewhere"}) is None
