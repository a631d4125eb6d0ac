"""Laws of ``accede diff``: a rule diff is the difference of two matrices, taken date by date.

On generated worlds (``tests.strategies.worlds``) and amended rule sets (conditions dropped or
added, decisions replaced, versions moved, whole rule sets redrawn), the diff computed by
``engine.tooling.diff.compare`` must equal what the naive oracle (``tests/laws/oracle.py``) gives
when the two worlds are asked, independently, for a matrix on every date a fact or a rule version
changes, and on dates between them (verdicts are constant inside an interval). The causes must be
exactly the conditions whose outcome differs, or a decision stage when none does.
"""

from __future__ import annotations

import copy
import itertools
from datetime import date
from typing import Any

from hypothesis import given, note, reject, settings
from hypothesis import strategies as st

from engine import models as m
from engine.common.errors import AccedeError
from engine.compiler.world import World, compile_world
from engine.evaluation.tally import Assume
from engine.reading.loader import inline_world, validate
from engine.reading.yaml12 import Document
from engine.tooling.diff import RuleDiff, compare
from tests import strategies as gen
from tests.laws import oracle
from tests.strategies import examples

ASSUME: st.SearchStrategy[Assume] = st.sampled_from(("unknown", "support", "oppose"))
#: Questions are asked on these dates too: most fall between change dates.
BETWEEN = tuple(d for d in gen.QUESTION_DATES if d.month == 7)


def compiled(world: dict[str, Any]) -> World:
    """The generated world, compiled; one whose history contradicts itself is not a case of this law
    (the generator can withdraw a recognition that relations imply, which the compiler refuses)."""
    doc = Document("gen.yaml", {"world": world})
    try:
        return compile_world(inline_world(doc, validate(doc, m.WorldFile, ("world",))))
    except AccedeError as exc:
        reject_if = all(p.code == "history.contradiction" for p in exc.problems)
        if not reject_if:
            raise
        reject()


@st.composite
def amended(draw: st.DrawFn, org: dict[str, Any], codes: tuple[str, ...], earlier: tuple[str, ...]) -> dict[str, Any]:
    """An organisation's rules after an amendment: the same, or with a condition dropped or added,
    the decision replaced, the first version moved, or every version redrawn."""
    kind = draw(st.sampled_from(("same", "drop", "add", "decide", "move", "redraw")), label=f"{org['code']} amendment")
    out = copy.deepcopy(org)
    ids = sorted({c["id"] for v in org["versions"] for c in v["conditions"]})
    fresh = draw(gen.rulebooks(org["code"], codes, earlier))
    if kind == "drop" and ids:
        gone = draw(st.sampled_from(ids))
        for version in out["versions"]:
            version["conditions"] = [c for c in version["conditions"] if c["id"] != gone]
    elif kind == "add":
        added = {**fresh["versions"][0]["conditions"][0], "id": f"{org['code'].lower()}.added"}
        for version in out["versions"]:
            version["conditions"].append(added)
    elif kind == "decide":
        for version in out["versions"]:
            version["decision"] = fresh["versions"][0]["decision"]
    elif kind == "move":
        first = date.fromisoformat(out["versions"][0]["valid_from"])
        later = [date.fromisoformat(v["valid_from"]).year for v in out["versions"][1:]]
        year = draw(st.integers(1998, min([*later, 2016]) - 1).filter(lambda y: y != first.year))
        out["versions"][0]["valid_from"] = f"{year}-01-01"
    elif kind == "redraw":
        out = fresh
    return out


@st.composite
def rule_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A world, and that world with its rules amended: (world, OLD world, NEW world), either way round.

    The history is often thinned to a few facts (each kept whole, so it stays valid): with fewer
    events, a date left out of the sweep is less often covered by another event on the same day.
    """
    world = draw(gen.worlds())
    facts = sorted({oracle.fact_key(e) for e in world["events"]})
    thin: bool = draw(st.booleans(), label="thin the history")
    if facts and thin:
        kept = set(draw(st.lists(st.sampled_from(facts), min_size=1, max_size=4, unique=True), label="facts kept"))
        world = {**world, "events": [e for e in world["events"] if oracle.fact_key(e) in kept]}
    codes, orgs = gen.codes_of(world), gen.orgs_of(world)
    amended_orgs = [draw(amended(o, codes, orgs[:k])) for k, o in enumerate(world["organizations"])]
    other = {**world, "organizations": amended_orgs}
    return (world, world, other) if draw(st.booleans(), label="amended is NEW") else (world, other, world)


def overlay(world: dict[str, Any], base: dict[str, Any]) -> dict[str, m.Organization]:
    """The organisations of ``world`` whose rules differ from ``base``'s, as models."""
    mine = {o["code"]: o for o in base["organizations"]}
    return {o["code"]: m.Organization.model_validate(o) for o in world["organizations"] if o != mine[o["code"]]}


def change_dates(*worlds: dict[str, Any]) -> set[date]:
    """Every date a fact or a rule version changes on, in any of the worlds (brute force: all of them)."""
    found: set[date] = set()
    for world in worlds:
        for event in world["events"]:
            found.add(oracle.event_date(event))
            if oracle.verb_of(event) in ("conflict", "sanction") and event.get("until"):
                found.add(date.fromisoformat(event["until"]))
        for org in world["organizations"]:
            found.update(date.fromisoformat(v["valid_from"]) for v in org["versions"])
    return found


Row = tuple[str, frozenset[str]]


def rows(world: dict[str, Any], on: date, assume: str) -> dict[tuple[str, str], Row]:
    """The oracle's matrix on one date: (state, org) -> (verdict, failing), for non-members under rules."""
    found = oracle.matrix_rows(oracle.Projection(world, on), gen.orgs_of(world), assume)
    return {(state, org): (verdict, failing) for state, org, verdict, failing in found}


def outcomes(world: dict[str, Any], on: date, state: str, org: str, assume: str) -> dict[str, str]:
    """Each condition's outcome for one applicant, by id, as the oracle reads it."""
    v = oracle.verdict(world, on, state, org, assume)
    return {
        **dict.fromkeys(v.failing, "fails"),
        **dict.fromkeys(v.unknown, "unknown"),
        **dict.fromkeys(v.holding, "holds"),
    }


def check_date(diff: RuleDiff, old: dict[str, Any], new: dict[str, Any], on: date, assume: str) -> None:
    before, after = rows(old, on, assume), rows(new, on, assume)
    for state in gen.codes_of(old):
        for org in gen.orgs_of(old):
            was, now = before.get((state, org)), after.get((state, org))
            found = diff.at(org, state, on)
            where = f"{state} joining {org} on {on}"
            if was == now:
                assert found is None, f"{where}: the diff has {found}, the two matrices agree ({was})"
                continue
            assert found is not None, f"{where}: the matrices differ ({was} -> {now}), the diff has nothing"
            change, cause = found
            got_old = (change.old, frozenset(change.old_failing)) if change.old is not None else None
            got_new = (change.new, frozenset(change.new_failing)) if change.new is not None else None
            assert (got_old, got_new) == (was, now), f"{where}: the diff says {got_old} -> {got_new}"
            old_rules = oracle.version_in_force(old, org, on)
            new_rules = oracle.version_in_force(new, org, on)
            if old_rules is None or new_rules is None:
                assert cause.no_rules == ("old" if old_rules is None else "new"), f"{where}: {cause}"
                continue
            a, b = outcomes(old, on, state, org, assume), outcomes(new, on, state, org, assume)
            differ = {c for c in a.keys() | b.keys() if a.get(c, "holds") != b.get(c, "holds")}
            assert set(cause.conditions) == differ, f"{where}: cause {cause}, outcomes {a} -> {b}"
            if not differ:
                assert cause.stages, f"{where}: the conditions agree, so a decision stage must explain it"
            if old_rules.get("decision", []) == new_rules.get("decision", []):
                assert not cause.stages, f"{where}: the same decision cannot explain it: {cause}"


@settings(max_examples=examples(40))
@given(data=st.data())
def test_a_diff_is_the_difference_of_two_matrices_date_by_date(data: st.DataObject) -> None:
    world, old, new = data.draw(rule_pairs(), label="worlds")
    assume = data.draw(ASSUME, label="assume")
    start = data.draw(st.sampled_from((None, date(1999, 1, 1), date(2004, 7, 1), date(2010, 1, 1))), label="from")
    until = data.draw(st.sampled_from((None, date(2015, 1, 1), date(2030, 1, 1))), label="until")
    diff = compare(compiled(world), overlay(old, world), overlay(new, world), start=start, until=until, assume=assume)
    note(f"diff: {diff.to_json()}")
    begin = diff.start
    assert start is None or begin == start
    assert diff.until == until  # generated worlds have no horizon: the default is open
    days = sorted(d for d in change_dates(old, new) | {begin, *BETWEEN} if begin <= d and (until is None or d < until))
    for on in days:
        check_date(diff, old, new, on, assume)
    for _, change in diff.changes:
        assert begin <= change.start
        assert change.end is None or change.start < change.end
        assert until is None or (change.end is not None and change.end <= until)


@settings(max_examples=examples(20))
@given(world=gen.worlds())
def test_identical_rule_sets_change_nothing(world: dict[str, Any]) -> None:
    same = {o["code"]: m.Organization.model_validate(o) for o in world["organizations"]}
    diff = compare(compiled(world), {}, same)
    assert diff.compared == ()
    assert diff.groups == ()
    assert diff.summary() == {"changes": 0, "states": 0, "orgs": 0}


@settings(max_examples=examples(20))
@given(data=st.data())
def test_changes_never_overlap_and_neighbours_differ(data: st.DataObject) -> None:
    """Intervals are maximal: one pair never has two changes on a date, and two that meet differ."""
    world, old, new = data.draw(rule_pairs(), label="worlds")
    diff = compare(compiled(world), overlay(old, world), overlay(new, world))
    by_pair: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for group in diff.groups:
        for c in group.changes:
            by_pair.setdefault((group.org, c.state), []).append((c.start, c.end, c.old, c.new, group.cause, c))
    for pair, found in by_pair.items():
        found.sort(key=lambda item: item[0])
        for (_s1, e1, *v1, c1), (s2, _e2, *v2, c2) in itertools.pairwise(found):
            assert e1 is not None, f"{pair}: {c1} never ends, yet {c2} follows"
            assert e1 <= s2, f"{pair}: {c1} overlaps {c2}"
            if e1 == s2:
                assert (v1, c1.old_failing, c1.new_failing) != (v2, c2.old_failing, c2.new_failing), (
                    f"{pair}: {c1} and {c2} should be one interval"
                )
