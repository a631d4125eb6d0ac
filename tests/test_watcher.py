"""The durable_rules watcher against the evaluator: random worlds, random event streams, zero mismatches.

After every event, every subscribed pair's verdict and condition outcomes as the watcher holds them
equal what the compiled evaluator computes on the same live world, and the change lines it printed
are exactly the verdicts that moved.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import models as m
from engine.cli import main
from engine.common.errors import AccedeError
from engine.compiler.context import OrgContext
from engine.compiler.world import World
from engine.evaluation.join import verdict_on
from engine.reading.loader import parse_event
from engine.reading.yaml12 import Document
from engine.watcher import Watcher, WatcherError
from engine.workspace import Workspace
from tests.paths import ROOT
from tests.strategies import event_streams, watched_worlds

ON = date(2020, 1, 1)


def evaluator_view(world: World, pair: tuple[str, str]) -> tuple[dict[str, str], str]:
    state, org = pair
    snap = world.as_of(ON)
    ctx = OrgContext(snap, org)
    i = world.index[state]
    version = world.orgs[org].version_at(ON)
    assert version is not None
    outcomes: dict[str, str] = {}
    if snap.members(org) >> i & 1:
        return outcomes, verdict_on(world.rules, snap, org, i, "unknown")  # a member: nothing evaluated
    for c in version.conditions:
        holds, fails = c.check.masks(ctx)
        outcomes[c.id] = "holds" if holds >> i & 1 else "fails" if fails >> i & 1 else "unknown"
    return outcomes, verdict_on(world.rules, snap, org, i, "unknown")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_watcher_agrees_with_the_evaluator_after_every_event(data: st.DataObject) -> None:
    inline = data.draw(watched_worlds())
    events = data.draw(event_streams(inline))
    scenario = {"scenario": "w", "world": inline, "as_of": ON.isoformat(), "questions": [{"matrix": {}}]}
    world = Workspace().run_document(Document("gen", scenario)).evaluated_on
    assert world is not None
    watcher = Watcher(world, ON)  # every (state, org) pair
    applied = 0
    for k, raw in enumerate(events):
        before = watcher.verdicts()
        event = parse_event(Document(f"e{k}", raw))
        try:
            changes = watcher.apply(event)
        except AccedeError:
            assert watcher.verdicts() == before  # a refused event changes nothing
            continue
        applied += 1
        after = watcher.verdicts()
        outcomes = watcher.outcomes()
        for pair in watcher.subscriptions:
            expected_outcomes, expected = evaluator_view(watcher.world, pair)
            assert after[pair] == expected, (k, raw, pair)
            assert outcomes[pair] == expected_outcomes, (k, raw, pair)
        moved = {p for p in watcher.subscriptions if before[p] != after[p]}
        assert {(c.state, c.org) for c in changes} == moved
        for change in changes:
            assert (change.before, change.after) == (
                before[(change.state, change.org)],
                after[(change.state, change.org)],
            )


def test_watch_command_reports_changes_and_survives_bad_lines() -> None:
    lines = [
        {"establish": ["ARM", "PAK"], "on": "2025-08-30"},
        "not json",
        {"admitt": "AZE"},
        {"sever": ["ARM", "KAZ"], "on": "2025-08-30"},
    ]
    feed = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "engine.cli", "watch", "--as-of", "2025-08-30", "--subscribe", "ARM:SCO", "AZE:SCO"],
        input=feed, capture_output=True, text=True, cwd=ROOT, check=True, timeout=120,
    )  # fmt: skip
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert out[0] == {
        "line": 1, "state": "ARM", "org": "SCO", "before": "blocked", "after": "undetermined",
        "flipped": ["sco.relations"], "event": {"establish": ["ARM", "PAK"], "on": "2025-08-30"},
    }  # fmt: skip
    assert [o["error"]["code"] for o in out if "error" in o] == ["json.syntax", "event.unknown-verb"]
    assert out[-1]["line"] == 4
    assert out[-1]["after"] == "blocked"


def test_an_admitted_state_is_reported_a_member(workspace: Workspace) -> None:
    watcher = Watcher(workspace.default, date(2026, 6, 1), [("AZE", "SCO")])
    (change,) = watcher.apply(m.Admit.model_validate({"admit": "AZE", "to": "SCO", "as": "member"}))
    assert (change.state, change.org, change.after) == ("AZE", "SCO", "member")
    assert change.before != "member"
    assert watcher.verdicts()[("AZE", "SCO")] == "member"


def test_many_events_keep_the_layers_flat(workspace: Workspace) -> None:
    # Pakistan's reported objection (low confidence) left out: KAZ's stance is the one that moves.
    watcher = Watcher(workspace.default.trusting("medium"), date(2025, 9, 1), [("ARM", "SCO")])
    for k in range(300):
        verb = "support" if k % 2 else "oppose"
        watcher.apply(m.Support.model_validate({"support": "ARM", "by": "KAZ", "in": "SCO"}) if verb == "support"
                      else m.Oppose.model_validate({"oppose": "ARM", "by": "KAZ", "in": "SCO"}))  # fmt: skip
    assert watcher.verdicts()[("ARM", "SCO")] == "undetermined"  # the last stance is support


def test_a_durable_rules_failure_skips_the_line_and_restarts_clean(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = {"n": 0}
    real = Watcher.apply

    def flaky(self: Watcher, event: Any, where: Any = None) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise WatcherError("simulated")
        return real(self, event, where)

    monkeypatch.setattr(Watcher, "apply", flaky)
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"sever": ["ARM", "KAZ"]}\n{"sever": ["ARM", "KAZ"]}\n'))
    assert main(["watch", "--as-of", "2025-09-01", "--subscribe", "ARM:SCO", "--trust", "medium"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0]["error"]["code"] == "watch.failed"
    assert out[1] == {
        "line": 2, "state": "ARM", "org": "SCO", "before": "undetermined", "after": "blocked",
        "flipped": ["sco.relations"], "event": {"sever": ["ARM", "KAZ"], "on": "2025-09-01"},
    }  # fmt: skip
