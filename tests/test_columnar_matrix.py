"""The columnar matrix (issue 15): the sweep keeps bitsets per organisation and builds rows on read.

Laws on generated worlds (``tests.strategies.worlds`` and the history laws' ``generated``, some
with a state dissolved part-way): every row agrees with the verdict of its pair asked alone
(``outcome_on``, ``verdict_on``, ``join``), the sweep has a row for exactly the pairs it should,
rows read lazily (one by one, by verdict, after other sweeps and a cleared cache) equal the rows
read at once, and the streamed JSON is ``json.dumps`` of ``to_json``. A few examples on the
bundled world pin the same on real rules.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from datetime import date

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.world import World
from engine.evaluation.join import join, outcome_on, verdict_on
from engine.evaluation.sweep import matrix
from engine.evaluation.tally import Assume
from engine.evaluation.verdict import MatrixResult
from engine.rendering.jsonout import dumps
from engine.workspace import Workspace
from tests import strategies as gen
from tests.laws.test_history_laws import generated
from tests.strategies import compiled, examples

ASSUME: st.SearchStrategy[Assume] = st.sampled_from(("unknown", "support", "oppose"))
VERDICTS = ("eligible", "undetermined", "blocked", "member")


def expected_pairs(world: World, on: date, states: list[str] | None) -> list[tuple[str, str]]:
    """The pairs a sweep answers, in its order: existing, chosen non-members of orgs with rules."""
    snap = world.as_of(on)
    existing = world.facts.existing(on)
    chosen = set(states) if states is not None else set(world.codes)
    out = []
    for org in sorted(world.orgs):
        if world.orgs[org].version_at(on) is None:
            continue
        for i, code in enumerate(world.codes):
            if code in chosen and existing >> i & 1 and not snap.members(org) >> i & 1:
                out.append((code, org))
    return out


def check_against_pairs(world: World, on: date, result: MatrixResult, assume: Assume, states: list[str] | None) -> None:
    """Every row as the pair asked alone answers it; and a row for exactly the pairs swept."""
    snap = world.as_of(on)
    rows = result.rows
    assert [(r.state, r.org) for r in rows] == expected_pairs(world, on, states)
    for row in rows:
        i = world.index[row.state]
        where = f"{row.state} joining {row.org} on {on}"
        verdict, failing, unknown = outcome_on(world.rules, snap, row.org, i, assume)
        assert row.verdict == verdict == verdict_on(world.rules, snap, row.org, i, assume), where
        assert row.failing == failing, f"{where}: failing"
        alone = join(world, row.state, row.org, on, assume=assume, remedies=False)
        assert row.verdict == alone.verdict, f"{where}: join"
        if failing:
            # Blocked by a condition: the sweep never tallies it, nor lists what is unknown.
            assert (row.unknown, row.decision) == ((), None), where
        else:
            assert row.unknown == unknown, f"{where}: unknown"
            assert row.decision == alone.decision.outcome, f"{where}: decision"
        if row.parties is None:
            continue
        ctx = OrgContext(snap, row.org)
        version = world.orgs[row.org].version_at(on)
        assert version is not None
        want: dict[str, tuple[str, ...]] = {}
        for condition in version.conditions:
            if condition.id in failing:
                if condition.check.about_applicant:
                    want[condition.id] = (row.state,)
                else:
                    want[condition.id] = tuple(world.codes[p] for p in bits(condition.check.parties(ctx, i, "fails")))
        assert row.parties == want, f"{where}: parties"


def check_readers(result: MatrixResult) -> None:
    """Counts, single look-ups and rows by verdict agree with the rows themselves."""
    rows = result.rows
    assert len(result) == len(rows)
    assert result.counts() == dict(Counter(r.verdict for r in rows))
    for row in rows:
        assert result.row_of(row.state, row.org) == row
        assert result.verdict_of(row.state, row.org) == row.verdict
    for verdict in VERDICTS:
        assert list(result.where(verdict)) == [r for r in rows if r.verdict == verdict], verdict


@settings(max_examples=examples(60))
@given(data=st.data())
def test_every_row_agrees_with_its_pair_asked_alone(data: st.DataObject) -> None:
    raw = data.draw(generated(), label="world")
    world = compiled(raw)
    assume = data.draw(ASSUME, label="assume")
    parties = data.draw(st.booleans(), label="parties")
    codes = list(world.codes)
    states = data.draw(st.none() | st.lists(st.sampled_from(codes), max_size=len(codes), unique=True), label="states")
    for on in data.draw(gen.question_dates(raw, 1, 3), label="dates"):
        result = matrix(world, on, states=states, assume=assume, parties=parties)
        note(f"{on}: {result.rows}")
        check_against_pairs(world, on, result, assume, states)
        check_readers(result)


@settings(max_examples=examples(40))
@given(data=st.data())
def test_rows_read_later_equal_rows_read_at_once(data: st.DataObject) -> None:
    """Rows are built from the column when read: after other sweeps and a cleared condition cache
    they are the rows the same sweep gave at once, whichever reader builds them."""
    raw = data.draw(gen.worlds(), label="world")
    world = compiled(raw)
    assume = data.draw(ASSUME, label="assume")
    parties = data.draw(st.booleans(), label="parties")
    first, *others = data.draw(gen.question_dates(raw, 1, 3), label="dates")
    at_once = matrix(world, first, assume=assume, parties=parties).rows
    later = matrix(world, first, assume=assume, parties=parties)
    for on in others:
        matrix(world, on, assume=assume, parties=not parties).rows  # noqa: B018 (read to fill caches)
    world.as_of(first).cache.clear()
    by_one = [later.row_of(r.state, r.org) for r in at_once]
    by_verdict = sorted((row for v in VERDICTS for row in later.where(v)), key=lambda r: (r.org, world.index[r.state]))
    assert by_one == list(at_once)
    assert by_verdict == list(at_once)
    assert list(later.iter_rows()) == list(at_once)
    assert later.rows == at_once
    assert later == matrix(world, first, assume=assume, parties=parties)


@settings(max_examples=examples(40))
@given(data=st.data())
def test_the_streamed_json_is_the_json_of_the_whole(data: st.DataObject) -> None:
    raw = data.draw(gen.worlds(), label="world")
    world = compiled(raw)
    on = data.draw(gen.question_dates(raw, 1, 1), label="date")[0]
    result = matrix(world, on, assume=data.draw(ASSUME), parties=data.draw(st.booleans(), label="parties"))
    whole = result.to_json()
    assert "".join(result.iter_json()) == json.dumps(whole)
    # The engine's own compact form (what the command line and the service print).
    assert "".join(result.iter_json(separators=(",", ":"), ensure_ascii=False)) == dumps(whole)


# --- the bundled world -----------------------------------------------------------------------------

DATES = [date(1950, 1, 1), date(1992, 6, 1), date(2000, 1, 1), date(2025, 9, 1)]


@pytest.fixture(scope="module")
def bundled() -> World:
    return Workspace().default


@pytest.mark.parametrize("on", DATES, ids=str)
@pytest.mark.parametrize("parties", [False, True], ids=["verdicts", "parties"])
def test_the_bundled_matrix_agrees_with_its_pairs(bundled: World, on: date, parties: bool) -> None:
    states = None if on.year != 1992 else ["CSK", "CZE", "SVK", "ARM", "UKR", "FRA"]
    result = matrix(bundled, on, states=states, parties=parties)
    assert result.rows, "the sweep is empty"
    check_against_pairs(bundled, on, result, "unknown", states)
    check_readers(result)
    text = "".join(result.iter_json(separators=(",", ":"), ensure_ascii=False))
    assert text == dumps(result.to_json())


def test_a_sweep_leaves_no_object_per_pair_for_the_collector(bundled: World) -> None:
    """The sweep's answer is a few bitsets per organisation: the objects the collector tracks
    grow with the organisations swept, not with the rows."""
    on = date(2025, 9, 1)
    matrix(bundled, on)  # conditions and positions memoised: only the answer is new below
    gc.collect()
    before = len(gc.get_objects())
    result = matrix(bundled, on)
    grown = len(gc.get_objects()) - before
    assert len(result) > 2000
    assert grown < 20 * len(result.columns), f"{grown} new tracked objects for {len(result)} rows"
    assert result._rows is None, "the sweep built its rows"
