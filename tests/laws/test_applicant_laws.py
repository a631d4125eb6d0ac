"""Laws of the per-applicant path: one state's outcome, worked out alone, is its bit in the bitsets.

A join (and every remedy it verifies on a hypothetical snapshot) asks ``CompiledCheck.outcome``
about one applicant without computing the whole population's bitsets; a sweep reads the bitsets.
On generated worlds, for every check and sub-check of every rule version, on any date, before and
after a remedy's changes are made, both ways must give the same outcome for every state. The
command line's direct ``Workspace.check`` must answer exactly what the same join asked as a
one-question scenario answers. And a hypothetical snapshot (a what-if's projection, a remedy's
variant) that takes the bitsets of a check reading none of the facts it changed from the snapshot
it was made from must hold exactly the bitsets it would compute afresh.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from hypothesis import given, note, reject, settings
from hypothesis import strategies as st

from engine.common.errors import AccedeError
from engine.compiler.checks import AllOf, AnyOf, CompiledCheck, Not
from engine.compiler.context import OrgContext
from engine.compiler.facts import Snapshot
from engine.compiler.world import World
from engine.evaluation.tally import Assume
from engine.reading.yaml12 import Document
from engine.workspace import Workspace
from tests import strategies as gen
from tests.strategies import compiled, examples


def every_check(check: CompiledCheck) -> Iterator[CompiledCheck]:
    """A check and all its parts, outermost first."""
    yield check
    if isinstance(check, AllOf | AnyOf):
        for part in check.parts:
            yield from every_check(part)
    elif isinstance(check, Not):
        yield from every_check(check.inner)


def bit_outcome(check: CompiledCheck, ctx: OrgContext, i: int) -> str:
    holds, fails = check.masks(ctx)
    return "holds" if holds >> i & 1 else "fails" if fails >> i & 1 else "unknown"


def alone(check: CompiledCheck, snap: Snapshot, org: str, i: int) -> str:
    """The outcome worked out for the applicant alone: on a copy whose condition cache is empty."""
    return check.outcome(OrgContext(snap._variant(frozenset()), org), i)


def agree(world: World, snap: Snapshot) -> int:
    """Assert both ways agree on ``snap`` for every check, organisation and state; how many were compared."""
    compared = 0
    for code, org in world.orgs.items():
        version = org.version_at(snap.on)
        if version is None:
            continue
        ctx = OrgContext(snap._variant(frozenset()), code)
        for condition in version.conditions:
            for check in every_check(condition.check):
                for i, state in enumerate(world.codes):
                    want = bit_outcome(check, ctx, i)
                    got = alone(check, snap, code, i)
                    where = f"{condition.id} ({type(check).__name__}) for {state} in {code}"
                    assert got == want, f"{where}: alone {got}, bits {want}"
                    compared += 1
    return compared


@settings(max_examples=examples(150))
@given(data=st.data())
def test_one_applicant_alone_is_its_bit(data: st.DataObject) -> None:
    inline = data.draw(gen.worlds(), label="world")
    world = compiled(inline)
    for on in data.draw(gen.question_dates(inline, 1, 3), label="dates"):
        assert agree(world, world.as_of(on)) > 0


@settings(max_examples=examples(150))
@given(data=st.data())
def test_after_a_remedy_alone_is_its_bit(data: st.DataObject) -> None:
    """The hypothetical snapshots remedies are verified on: each change made, then both ways."""
    inline = data.draw(gen.worlds(), label="world")
    world = compiled(inline)
    on = data.draw(gen.question_dates(inline, 1, 1), label="date")[0]
    snap = world.as_of(on)
    codes = world.codes
    orgs = sorted(world.orgs)
    a, b = data.draw(st.lists(st.sampled_from(codes), min_size=2, max_size=2, unique=True), label="pair")
    change = data.draw(
        st.sampled_from(
            [
                ("establish", a, b),
                ("recognize", a, b),
                ("end_conflict", a, b),
                ("lift_sanctions", a),
                ("leave", a, orgs[0]),
                *(("admit", a, org, status) for org in orgs for status in sorted(world.orgs[org].statuses)),
            ]
        ),
        label="change",
    )
    assert agree(world, snap.with_remedy([change])) > 0


def fresh(snap: Snapshot) -> Snapshot:
    """A copy of ``snap`` that inherits nothing: every check's bitsets computed on it."""
    copy = snap._variant(frozenset())
    copy.origin = None
    return copy


def inherits_exactly(world: World, snap: Snapshot) -> int:
    compared = 0
    afresh = fresh(snap)
    for code, org in world.orgs.items():
        version = org.version_at(snap.on)
        if version is None:
            continue
        for condition in version.conditions:
            for check in every_check(condition.check):
                got = check.masks(OrgContext(snap, code))
                want = check.masks(OrgContext(afresh, code))
                assert got == want, f"{condition.id} ({type(check).__name__}) in {code}: inherited {got}, afresh {want}"
                compared += 1
    return compared


@settings(max_examples=examples(150))
@given(data=st.data())
def test_a_what_if_inherits_only_the_bitsets_it_did_not_change(data: st.DataObject) -> None:
    inline = data.draw(gen.worlds(), label="world")
    on = data.draw(gen.question_dates(inline, 1, 1), label="date")[0]
    changes = data.draw(gen.changes(inline, on), label="changes")
    doc = Document(
        "gen.yaml",
        {
            "scenario": "generated",
            "world": inline,
            "as_of": on.isoformat(),
            "changes": changes,
            "questions": [{"join": {"state": gen.codes_of(inline)[0], "org": gen.orgs_of(inline)[0]}}],
        },
    )
    try:
        result = Workspace().run_document(doc)
    except AccedeError as exc:
        note(f"refused: {exc}")
        reject()
    what_if = result.evaluated_on
    assert what_if is not None
    base = compiled(inline)
    # The baseline's bitsets are computed first, so the what-if has something to inherit.
    inherits_exactly(base, base.as_of(on))
    snap = what_if.as_of(on)
    assert snap.origin is not None or not changes
    inherits_exactly(what_if, snap)


@settings(max_examples=examples(100))
@given(data=st.data())
def test_a_remedy_variant_inherits_only_the_bitsets_it_did_not_change(data: st.DataObject) -> None:
    inline = data.draw(gen.worlds(), label="world")
    world = compiled(inline)
    snap = world.as_of(data.draw(gen.question_dates(inline, 1, 1), label="date")[0])
    inherits_exactly(world, snap)
    codes, orgs = world.codes, sorted(world.orgs)
    a, b = data.draw(st.lists(st.sampled_from(codes), min_size=2, max_size=2, unique=True), label="pair")
    admissions: list[tuple[str, ...]] = [
        ("admit", a, org, status) for org in orgs for status in sorted(world.orgs[org].statuses)
    ]
    changes = data.draw(
        st.lists(
            st.sampled_from([("establish", a, b), ("recognize", a, b), ("end_conflict", a, b), ("lift_sanctions", a)])
            | st.sampled_from(admissions or [("lift_sanctions", b)]),
            min_size=1,
            max_size=3,
        ),
        label="changes",
    )
    variant = snap.with_remedy(changes)
    inherits_exactly(world, variant)
    members = data.draw(st.integers(0, (1 << len(codes)) - 1), label="admitted")
    inherits_exactly(world, snap.with_members(orgs[0], members))


STATES = st.sampled_from(("ARM", "AZE", "TUR", "UKR", "MDA", "SRB", "ISR", "PSE", "XKX", "TWN", "BTN", "CHE"))
ORGS = st.sampled_from(("SCO", "NATO", "EU", "UN", "COE", "ASEAN", "CSTO", "OIC", "AU", "CIS", "WTO"))


def answer(ws: Workspace, state: str, org: str, on: date, assumed: Assume, trust: str, direct: bool) -> Any:
    """The verdict's JSON by one path, or the codes and messages of the problems it reports."""
    try:
        if direct:
            return ws.check(state, org, on, assume=assumed, trust=trust).to_json()
        return ws.ask({"join": {"state": state, "org": org}}, on, assume=assumed, trust=trust)[0].to_json()
    except AccedeError as exc:
        return [(p.code, p.message) for p in exc.problems]


@settings(max_examples=examples(100), deadline=None)
@given(
    state=STATES,
    org=ORGS,
    on=st.dates(date(1946, 1, 1), date(2030, 12, 31)),
    assumed=st.sampled_from(("unknown", "support", "oppose")),
    trust=st.sampled_from(("low", "medium", "high")),
)
def test_the_direct_check_answers_as_the_scenario_does(
    state: str, org: str, on: date, assumed: Assume, trust: str
) -> None:
    via_scenario = answer(WORKSPACE, state, org, on, assumed, trust, direct=False)
    assert answer(WORKSPACE, state, org, on, assumed, trust, direct=True) == via_scenario


WORKSPACE = Workspace()
