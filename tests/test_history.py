"""The history sweep on the bundled world: famous bids read off the whole history since 1945.

Each story is first what ``accede timeline`` says of the pair (the dates are the world's own
events: Armenia and Pakistan establishing relations on 2025-08-31, Finland's accession on
2023-04-04...); the sweep must tell it the same way, and agree with ``bands`` (the timeline's
engine) over every period the organisation has rules, interval for interval once intervals that
differ only in their failing or unknown conditions are merged.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from engine.compiler.world import World
from engine.evaluation.bands import bands
from engine.evaluation.history import VERDICTS, History, Verdict, history
from engine.evaluation.sweep import matrix
from engine.workspace import Workspace
from tests.laws.test_history_laws import bitsets

START = date(1945, 1, 1)
Spans = list[tuple[date, Verdict]]


@pytest.fixture(scope="module")
def world(workspace: Workspace) -> World:
    return workspace.default


@pytest.fixture(scope="module")
def until(world: World) -> date:
    assert world.facts.horizon is not None
    return world.facts.horizon + timedelta(days=1)


@pytest.fixture(scope="module")
def sweep(world: World, until: date) -> History:
    return history(world, START, until)


def spans(found: History, state: str, org: str, start: date, until: date) -> Spans:
    """A pair's intervals cut to [start, until)."""
    out: Spans = []
    for on, verdict in found.intervals(state, org):
        if on >= until:
            break
        if on <= start:
            out = [(start, verdict)]  # the interval in force on ``start``
        else:
            out.append((on, verdict))
    return out


def test_armenia_and_the_sco(sweep: History) -> None:
    """Blocked for want of relations with Pakistan until 2025-08-31; open for a day; then Pakistan's
    opposition at Tianjin blocks it again."""
    assert spans(sweep, "ARM", "SCO", date(2020, 1, 1), date(2026, 6, 1)) == [
        (date(2020, 1, 1), "blocked"),
        (date(2025, 8, 31), "undetermined"),
        (date(2025, 9, 1), "blocked"),
    ]
    assert sweep.verdict("ARM", "SCO", date(2025, 8, 30)) == "blocked"
    assert sweep.verdict("ARM", "SCO", date(2025, 8, 31)) == "undetermined"
    # Before the SCO's first rules (2003-09-19) no question can be asked.
    assert sweep.intervals("ARM", "SCO")[:2] == [(START, "none"), (date(2003, 9, 19), "undetermined")]


def test_finland_and_nato(sweep: History) -> None:
    assert sweep.intervals("FIN", "NATO") == [
        (START, "none"),
        (date(1949, 8, 24), "undetermined"),
        (date(2022, 5, 18), "blocked"),  # Türkiye opposes
        (date(2023, 3, 30), "eligible"),  # Türkiye ratifies
        (date(2023, 4, 4), "member"),
    ]


def test_sweden_and_nato(sweep: History) -> None:
    assert spans(sweep, "SWE", "NATO", date(2020, 1, 1), date(2025, 1, 1)) == [
        (date(2020, 1, 1), "undetermined"),
        (date(2022, 5, 18), "blocked"),
        (date(2024, 2, 26), "eligible"),
        (date(2024, 3, 7), "member"),
    ]


def test_a_dissolved_state_is_gone_and_a_founding_member_a_member(sweep: History) -> None:
    assert sweep.intervals("CSK", "UN") == [(START, "none"), (date(1945, 10, 24), "member"), (date(1993, 1, 1), "gone")]
    assert sweep.row("UN", date(1993, 1, 1))["CSK"] == "gone"
    assert sweep.row("UN", date(1992, 12, 31))["CSK"] == "member"


def test_an_organisation_without_rules_is_none_throughout(sweep: History) -> None:
    """The Security Council is a body states sit on, not one they apply to: it has no rules."""
    assert set(sweep.row("UNSC", date(2000, 1, 1)).values()) <= {"none", "gone"}
    assert len(sweep.orgs["UNSC"].dates) == 4  # the start and the three dissolutions


PAIRS = [
    ("ARM", "SCO"),
    ("FIN", "NATO"),
    ("SWE", "NATO"),
    ("UKR", "EU"),
    ("GBR", "EU"),
    ("IRN", "SCO"),
    ("MAR", "AU"),
    ("CHN", "WTO"),
]


@pytest.mark.parametrize(("state", "org"), PAIRS, ids=[f"{s}-{o}" for s, o in PAIRS])
def test_history_agrees_with_the_timeline(world: World, sweep: History, until: date, state: str, org: str) -> None:
    for begin, end in world.orgs[org].periods():
        stop = min(end, until) if end is not None else until
        merged: Spans = []
        for band in bands(world, state, org, begin, stop):
            if not merged or merged[-1][1] != band.verdict:
                merged.append((band.start, band.verdict))
        assert spans(sweep, state, org, begin, stop) == merged


def test_a_row_is_the_matrix_of_its_date(world: World, sweep: History) -> None:
    for on in (date(1960, 1, 1), date(1993, 1, 1), date(2025, 8, 31), date(2025, 9, 1)):
        rows = {(r.state, r.org): r.verdict for r in matrix(world, on).rows}
        snap = world.as_of(on)
        for org, row in sweep.rows_on(on).items():
            applicants = {(s, org): v for s, v in row.items() if v in ("eligible", "undetermined", "blocked")}
            assert applicants == {k: v for k, v in rows.items() if k[1] == org}, f"{org} on {on}"
            if world.orgs[org].version_at(on) is not None:  # without rules, every state is `none`
                existing = world.facts.existing(on)
                members = {s for s, v in row.items() if v == "member"}
                assert members == set(snap.codes_of(snap.members(org) & existing)), f"{org} on {on}"


def test_the_sweep_covers_every_change_date(world: World, sweep: History, until: date) -> None:
    assert sweep.days[0] == START
    assert sweep.days[-1] < until
    assert date(2025, 8, 31) in sweep.days
    assert date(1993, 1, 1) in sweep.days  # Czechoslovakia's dissolution
    assert date(2025, 9, 1) in sweep.days  # the SCO's current rules, and Tianjin
    with pytest.raises(ValueError, match="outside the history"):
        sweep.row("SCO", until)


def test_json(sweep: History) -> None:
    doc = sweep.to_json()
    assert doc["from"] == "1945-01-01"
    assert doc["verdicts"] == list(VERDICTS)
    assert doc["orgs"]["NATO"]["FIN"][-1] == ["2023-04-04", "member"]
    assert doc["horizon"] == "2026-11-27"
    assert json.loads(json.dumps(doc)) == doc


def test_a_subset_of_organisations_and_another_assumption(world: World) -> None:
    supported = history(world, date(2020, 1, 1), date(2026, 1, 1), orgs=["NATO"], assume="support")
    assert list(supported.orgs) == ["NATO"]
    # Every silent ally supporting, Finland's bid was open before Türkiye's opposition was recorded.
    assert supported.verdict("FIN", "NATO", date(2022, 5, 1)) == "undetermined"  # judgements not on record
    with pytest.raises(ValueError, match="unknown organisations"):
        history(world, START, None, orgs=["NOPE"])
    with pytest.raises(ValueError, match="not after"):
        history(world, START, START)


def test_stepped_snapshots_of_the_bundled_world_are_projections(world: World, until: date) -> None:
    """Every 25th change date since 1945 (and the last), stepped through every one before it."""
    reference = Workspace().default.facts  # compiled apart: its snapshots are built whole
    days = list(world.facts.change_dates(START, until))
    checked = 0
    for k, (snap, _) in enumerate(world.facts.walk(days)):
        if k % 25 == 0 or k == len(days) - 1:
            assert bitsets(snap) == bitsets(reference.as_of(snap.on)), f"stepped to {snap.on}"
            checked += 1
    assert checked > 40
