"""Laws of the history sweep: it is ``matrix`` asked on every date, and its snapshots are ``as_of``'s.

On generated worlds (``tests.strategies.worlds`` and ``tracked_worlds`` on any day, some with a
state dissolved part-way), ``engine.evaluation.history.history`` must give, on every date a fact, a
rule version or a state's existence changes and on random dates between them, exactly what a
separately compiled copy of the world answers when asked afresh on that date: ``matrix`` for
non-members, ``outcome_on`` for every state, ``member`` for members, ``none`` where no rules are in
force and ``gone`` for a dissolved state. The incremental snapshots (``Facts.step``, ``Facts.walk``)
must hold the same bitsets as ``Facts.as_of`` on every change date, stepping forwards, backwards
and across many dates at once, in a world's history and under what-if changes.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from engine import models as m
from engine.compiler.facts import Snapshot
from engine.compiler.world import World
from engine.evaluation.history import VERDICTS, History, history
from engine.evaluation.join import outcome_on
from engine.evaluation.sweep import matrix
from engine.evaluation.tally import Assume
from engine.reading.loader import Located
from engine.reading.yaml12 import Document
from tests import strategies as gen
from tests.laws import oracle
from tests.strategies import compiled, examples

ASSUME: st.SearchStrategy[Assume] = st.sampled_from(("unknown", "support", "oppose"))
STARTS = (date(1999, 1, 1), date(2000, 1, 1), date(2001, 7, 1), date(2003, 3, 15))
UNTILS = (None, date(2004, 1, 1), date(2012, 7, 1), date(2030, 1, 1))
EVENTS = TypeAdapter(m.Event)


@st.composite
def generated(draw: st.DrawFn) -> dict[str, Any]:
    """An inline world of either family, often with a recognition default, sometimes with one
    state dissolved on some date."""
    if draw(st.booleans(), label="tracked family"):
        world = draw(gen.tracked_worlds(any_day=True)).data
    else:
        world = draw(gen.worlds())
    if "recognition_default" not in world and draw(st.booleans(), label="recognition default"):
        # Membership of the organisation whose members recognise one another then moves
        # recognition, which other organisations' rules read: a path the sweep must not skip.
        world["recognition_default"] = {"among": draw(st.sampled_from(gen.orgs_of(world))), "source": "generated"}
    if draw(st.integers(0, 3), label="dissolve a state") == 0:
        state = draw(st.sampled_from(world["states"]))
        state["dissolved"] = draw(st.dates(date(2000, 1, 2), date(2006, 1, 1))).isoformat()
    return world


def raw_dates(world: dict[str, Any]) -> set[date]:
    """Every date the world's text names: events, interval ends, rule versions, dissolutions.

    Read off the inline world, not the engine, so a date the sweep fails to visit still gets asked.
    """
    found: set[date] = set()
    for event in world["events"]:
        found.add(oracle.event_date(event))
        if oracle.verb_of(event) in ("conflict", "sanction") and event.get("until"):
            found.add(date.fromisoformat(event["until"]))
    for org in world["organizations"]:
        found.update(date.fromisoformat(v["valid_from"]) for v in org["versions"])
    found.update(date.fromisoformat(s["dissolved"]) for s in world["states"] if s.get("dissolved"))
    return found


def expected(reference: World, on: date, assume: Assume) -> dict[tuple[str, str], str]:
    """Every (state, org) verdict on ``on`` as the engine answers a single date, asked afresh."""
    snap = reference.as_of(on)
    existing = reference.facts.existing(on)
    rows = {(r.state, r.org): r.verdict for r in matrix(reference, on, assume=assume).rows}
    out: dict[tuple[str, str], str] = {}
    for org in sorted(reference.orgs):
        rules = reference.orgs[org].version_at(on) is not None
        for i, code in enumerate(reference.codes):
            if not existing >> i & 1:
                out[(code, org)] = "gone"
                continue
            if not rules:
                out[(code, org)] = "none"
                continue
            verdict = outcome_on(reference.rules, snap, org, i, assume)[0]
            if snap.members(org) >> i & 1:
                assert verdict == "member"
            else:
                assert rows[(code, org)] == verdict, f"{code} joining {org} on {on}: matrix and outcome_on differ"
            out[(code, org)] = verdict
    return out


def check_history(found: History, reference: World, days: list[date], assume: Assume) -> None:
    for on in days:
        want = expected(reference, on, assume)
        for org in found.orgs:
            row = found.row(org, on)
            masks = found.masks(org, on)
            assert sum(masks.values()) == reference.all, f"{org} on {on}: the verdicts are not a partition"
            for code in reference.codes:
                where = f"{code} joining {org} on {on}"
                assert row[code] == want[(code, org)], (
                    f"{where}: history says {row[code]}, asked afresh {want[(code, org)]}"
                )
                assert found.verdict(code, org, on) == row[code], where


@settings(max_examples=examples(40), deadline=None)
@given(data=st.data())
def test_history_is_the_matrix_of_every_date(data: st.DataObject) -> None:
    world = data.draw(generated(), label="world")
    assume = data.draw(ASSUME, label="assume")
    start = data.draw(st.sampled_from(STARTS), label="from")
    until = data.draw(st.sampled_from(UNTILS), label="until")
    found = history(compiled(world), start, until, assume=assume)
    note(f"days {[d.isoformat() for d in found.days]}")
    end = until or date(2031, 1, 1)
    between = data.draw(st.lists(st.dates(start, end - timedelta(days=1)), max_size=8), label="between")
    named = {d for d in raw_dates(world) for d in (d - timedelta(days=1), d) if start <= d < end}
    days = sorted({start, end - timedelta(days=1), *named, *between})
    check_history(found, compiled(world), days, assume)
    assert found.days[0] == start
    assert list(found.days) == sorted(set(found.days))
    assert all(start <= d and (until is None or d < until) for d in found.days)


@settings(max_examples=examples(20), deadline=None)
@given(data=st.data())
def test_intervals_are_the_rows_read_pair_by_pair(data: st.DataObject) -> None:
    """A pair's intervals, the organisation's all at once and the JSON say the same; neighbours differ."""
    world = data.draw(generated(), label="world")
    until = data.draw(st.sampled_from(UNTILS), label="until")
    found = history(compiled(world), date(1999, 7, 1), until, orgs=gen.orgs_of(world)[:2])
    doc = found.to_json()
    assert doc["verdicts"] == list(VERDICTS)
    for org in found.orgs:
        every = found.all_intervals(org)
        for code in found.codes:
            spans = found.intervals(code, org)
            assert spans == every[code]
            assert doc["orgs"][org][code] == [[d.isoformat(), v] for d, v in spans]
            assert spans[0][0] == found.start
            for (d1, v1), (d2, v2) in pairwise(spans):
                assert d1 < d2, f"{code} in {org}: {spans}"
                assert v1 != v2, f"{code} in {org}: {spans}"
            for d, v in spans:
                assert found.verdict(code, org, d) == v
                if d > found.start:
                    assert found.verdict(code, org, d - timedelta(days=1)) != v
    assert found.changes() == sum(len(s) - 1 for org in found.orgs for s in found.all_intervals(org).values())


def bitsets(snap: Snapshot) -> dict[str, Any]:
    """What a snapshot holds, without the empty entries an incremental step leaves behind."""
    return {
        "rel": snap.rel,
        "rec_explicit": snap.rec_explicit,
        "rec": snap.rec,
        "rec_denied": snap.rec_denied,
        "conflict": snap.conflict,
        "sanctioned": snap.sanctioned,
        "status": {o: {s: k for s, k in t.items() if k} for o, t in snap.status.items() if any(t.values())},
        "positions": {k: v for k, v in snap.positions.items() if v},
        "assess": {k: v for k, v in snap.assess.items() if v != (0, 0)},
    }


def what_if(data: st.DataObject) -> tuple[World, World]:
    """A generated world under what-if changes, twice compiled (one to walk, one to ask afresh)."""
    tracked = data.draw(gen.tracked_worlds(any_day=True), label="world")
    worlds: list[World] = []
    on = data.draw(gen.tracked_dates(tracked), label="changes on")
    changes = data.draw(gen.tracked_changes(tracked, on), label="changes")
    here = Located(Document("changes.yaml", {}), ())
    for _ in range(2):
        base = compiled(tracked.data)
        worlds.append(base.with_changes([(EVENTS.validate_python(c), here) for c in changes], on))
    return worlds[0], worlds[1]


@settings(max_examples=examples(40), deadline=None)
@given(data=st.data())
def test_stepped_snapshots_are_projections(data: st.DataObject) -> None:
    if data.draw(st.booleans(), label="under what-if changes"):
        walked, reference = what_if(data)
        raw: set[date] = set()
    else:
        world = data.draw(generated(), label="world")
        walked, reference = compiled(world), compiled(world)
        raw = raw_dates(world)
    facts = walked.facts
    start = data.draw(st.sampled_from(STARTS), label="from")
    days = sorted({start, *facts.change_dates(start), *(d for d in raw if d > start)})
    stepped: list[Snapshot] = []
    for snap, keys in facts.walk(days):
        assert bitsets(snap) == bitsets(reference.facts.as_of(snap.on)), f"stepped to {snap.on}"
        assert keys == (facts.changed_between(stepped[-1].on, snap.on) if stepped else frozenset())
        stepped.append(snap)
    assert [s.on for s in stepped] == days
    # A step shares what it does not change with the snapshot it starts from, and writes to none of it.
    for snap in stepped:
        assert bitsets(snap) == bitsets(reference.facts.as_of(snap.on)), f"{snap.on} changed by a later step"
    # Any jump, either way: a step re-applies whatever changes in between.
    for _ in range(3):
        a, b = (
            data.draw(st.dates(date(1999, 1, 1), date(2008, 1, 1))),
            data.draw(st.dates(date(1999, 1, 1), date(2008, 1, 1))),
        )
        jumped = facts.step(facts.as_of(a), b)
        assert jumped.on == b
        assert bitsets(jumped) == bitsets(reference.facts.as_of(b)), f"stepped from {a} to {b}"


@settings(max_examples=examples(15), deadline=None)
@given(data=st.data())
def test_history_under_what_if_changes(data: st.DataObject) -> None:
    """A what-if world's facts are layered over the baseline's: the sweep steps through them too."""
    walked, reference = what_if(data)
    assume = data.draw(ASSUME, label="assume")
    found = history(walked, date(1999, 7, 1), date(2006, 1, 1), assume=assume)
    days = sorted({found.start, *found.days, *(d - timedelta(days=1) for d in found.days if d > found.start)})
    check_history(found, reference, days, assume)


# --- what one organisation's rules read of another's membership ------------------------------

#: AAA is a member of ORA from 2001 to 2003 and BBB from 2002; CCC is ORB's member throughout.
#: ORB's rules below read ORA's membership in one way each (and nothing else of ORA), so an
#: admission to ORA must move AAA's verdict for ORB, and a sweep that skipped ORB on that date
#: would keep the old one.
READS_ORA: dict[str, tuple[list[Any], list[Any], dict[str, Any], list[Any]]] = {
    "member_of": ([{"member_of": "ORA"}], [], {}, []),
    "status_in another": ([{"status_in": {"in": "ORA", "status": ["member"]}}], [], {}, []),
    "relations_with members_of": ([{"relations_with": {"members_of": "ORA"}}], [], {}, []),
    "recognized_by members_of": ([{"recognized_by": {"members_of": "ORA"}}], [], {}, []),
    "no_conflict_with members_of": (
        [{"no_conflict_with": {"members_of": "ORA"}}],
        [],
        {},
        [{"conflict": ["AAA", "BBB"], "from": "2000-01-01"}],
    ),
    "voters": ([], [{"by": {"members_of": "ORA"}, "pass": "unanimity"}], {}, []),
    "veto": (
        [],
        [{"by": "members", "pass": "majority", "veto": {"members_of": "ORA"}}],
        {},
        [{"support": "AAA", "by": "CCC", "in": "ORB", "on": "2000-01-01"}],
    ),
    "inside a combinator": ([{"not": {"any": [{"sanctioned": True}, {"member_of": "ORA"}]}}], [], {}, []),
    "recognition default": (
        [{"recognized_by": "members"}],
        [],
        {"recognition_default": {"among": "ORA", "source": "generated"}},
        [{"admit": "CCC", "to": "ORA", "as": "member", "on": "2000-01-01"}],
    ),
}


def reads_ora(checks: list[Any], decision: list[Any], extra: dict[str, Any], events: list[Any]) -> dict[str, Any]:
    def org(code: str, checks: list[Any], decision: list[Any]) -> dict[str, Any]:
        conditions = [{"id": f"{code.lower()}.c{k}", "text": "c", "check": c} for k, c in enumerate(checks)]
        version = {"valid_from": "2000-01-01", "conditions": conditions, "decision": decision}
        return {"code": code, "name": code, "statuses": list(gen.STATUSES), "versions": [version]}

    return {
        "default_relations": "none",
        "states": [{"code": c, "name": c, "region": "Asia"} for c in ("AAA", "BBB", "CCC")],
        "organizations": [org("ORA", [], []), org("ORB", checks, decision)],
        "events": [
            {"admit": "CCC", "to": "ORB", "as": "member", "on": "2000-01-01"},
            {"admit": "AAA", "to": "ORA", "as": "member", "on": "2001-01-01"},
            {"admit": "BBB", "to": "ORA", "as": "member", "on": "2002-01-01"},
            {"leave": "AAA", "from": "ORA", "on": "2003-01-01"},
            *events,
        ],
        **extra,
    }


@pytest.mark.parametrize("variant", sorted(READS_ORA))
def test_a_change_of_membership_reaches_the_rules_that_read_it(variant: str) -> None:
    world = reads_ora(*READS_ORA[variant])
    found = history(compiled(world), date(2000, 1, 1), date(2005, 1, 1))
    assert len(found.intervals("AAA", "ORB")) > 1, f"{variant}: the case does not move AAA's verdict for ORB"
    assert found.orgs["ORB"].dates[1] in {date(2001, 1, 1), date(2002, 1, 1), date(2003, 1, 1)}
    days = sorted({d + timedelta(days=k) for d in raw_dates(world) for k in (-1, 0)} - {date(1999, 12, 31)})
    check_history(found, compiled(world), days, "unknown")
    walked, reference = compiled(world).facts, compiled(world).facts
    for snap, _ in walked.walk(days):
        assert bitsets(snap) == bitsets(reference.as_of(snap.on)), f"{variant}: stepped to {snap.on}"
