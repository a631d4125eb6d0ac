"""Laws of the SPEC's derived question kinds: ``order``, ``impact``, ``leverage``, ``earliest``.

Each derived question is restated in terms of the plainest question the engine answers, the
single ``join`` verdict (or a ``matrix`` of them), asked of a world with the relevant changes
written as ordinary scenario changes, and the two readings must agree:

- ``order``: every reported order replays admission by admission; on small worlds the reported
  orders are exactly the brute-force maximal orders over all permutations, and the conflicts are
  exactly the pairs where admitting one applicant blocks another that was open;
- ``impact``: the changed verdicts are exactly the difference of a matrix before and after;
- ``leverage``: the ranking is exactly what adding each missing relation (or recognition) one at
  a time unlocks in the matrix, most unlocks first;
- ``earliest``: the date is the first day of a day-by-day scan whose verdict is not blocked.

Worlds come from ``tests.strategies.tracked_worlds``; everything is driven through scenario documents.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from itertools import combinations, permutations
from typing import Any, TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import assume as only_if
from hypothesis import strategies as st

from engine.evaluation.verdict import JoinVerdict, MatrixResult, MatrixRow
from engine.questions.earliest import EarliestResult
from engine.questions.impact import ImpactResult
from engine.questions.leverage import LeverageResult
from engine.questions.order import MAX_ORDERS, OrderResult
from engine.questions.registry import Result
from engine.reading.yaml12 import Document
from engine.workspace import Workspace
from tests.strategies import Event, TrackedWorld, iso, tracked_changes, tracked_dates, tracked_worlds

WORKSPACE = Workspace()
ASSUME = st.sampled_from(("unknown", "support", "oppose"))

R = TypeVar("R", bound=Result)
#: A matrix by (state, organisation).
Rows = dict[tuple[str, str], MatrixRow]


def quick(examples: int) -> settings:
    """Few examples by default (the whole file runs in well under a minute); a deeper profile
    (``HYPOTHESIS_PROFILE=heavy``) raises every law to at least its own count."""
    profile = settings().max_examples  # the loaded profile's count
    deeper = profile if profile > 100 else 0
    return settings(
        max_examples=max(examples, deeper),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def run(data: dict[str, Any]) -> dict[str, Result]:
    """The result objects of a scenario's questions, by id."""
    return WORKSPACE.run_document(Document("gen.yaml", data)).verdicts


def answer(data: dict[str, Any], qid: str, kind: type[R]) -> R:
    """The answer to one question of a scenario, of the kind the question asks."""
    found = run(data)[qid]
    assert isinstance(found, kind), f"{qid}: a {type(found).__name__}, not a {kind.__name__}"
    return found


def joins(data: dict[str, Any]) -> dict[str, JoinVerdict]:
    """The verdicts of a scenario whose every question is a join, by id."""
    out = {}
    for qid, found in run(data).items():
        assert isinstance(found, JoinVerdict), f"{qid} is not a join"
        out[qid] = found
    return out


def matrix_rows(
    world: TrackedWorld, on: date, assume: str, orgs: list[str] | None, changes: Sequence[Event] = ()
) -> Rows:
    spec: dict[str, Any] = {} if orgs is None else {"orgs": orgs}
    scenario = world.scenario(on, [{"id": "m", "matrix": spec}], assume=assume, changes=list(changes))
    rows: Rows = {}
    for row in answer(scenario, "m", MatrixResult).rows:
        key = (row.state, row.org)
        assert key not in rows, f"matrix row {key} twice"
        rows[key] = row
    return rows


# --- order ------------------------------------------------------------------------------------


class Admissions:
    """Join verdicts of the remaining applicants once some have been admitted (as member, on the
    question's date, in the order given), each admission sequence asked once."""

    def __init__(self, world: TrackedWorld, org: str, applicants: tuple[str, ...], on: date, assume: str) -> None:
        self.world, self.org, self.applicants, self.on, self.assume = world, org, applicants, on, assume
        self._seen: dict[tuple[str, ...], dict[str, JoinVerdict]] = {}

    def after(self, admitted: tuple[str, ...]) -> dict[str, JoinVerdict]:
        """Applicant -> join verdict, for every applicant not in ``admitted``."""
        found = self._seen.get(admitted)
        if found is None:
            rest = [a for a in self.applicants if a not in admitted]
            changes = [{"admit": s, "to": self.org, "as": "member", "on": iso(self.on)} for s in admitted]
            questions = [{"id": a, "join": {"state": a, "org": self.org}} for a in rest]
            found = joins(self.world.scenario(self.on, questions, assume=self.assume, changes=changes)) if rest else {}
            self._seen[admitted] = found
        return found

    def open(self, admitted: tuple[str, ...]) -> set[str]:
        return {a for a, v in self.after(admitted).items() if v.verdict != "blocked"}

    def canonical(self, admitted: set[str] | frozenset[str]) -> tuple[str, ...]:
        return tuple(a for a in self.applicants if a in admitted)


@st.composite
def order_cases(draw: st.DrawFn) -> tuple[TrackedWorld, str, tuple[str, ...], date, str]:
    world = draw(tracked_worlds(states=(4, 6)))
    on = draw(tracked_dates(world))
    org = draw(st.sampled_from(world.org_codes))
    outside = [s for s in world.codes if s not in world.members(org, on)]
    only_if(len(outside) >= 2)
    applicants = draw(st.permutations(outside))[: draw(st.sampled_from((2, 3, 4, 5)))]
    return world, org, tuple(applicants), on, draw(ASSUME)


def brute_force_orders(adm: Admissions) -> set[tuple[str, ...]]:
    """Every permutation, cut at its first blocked applicant; kept when nobody left is open."""
    found: set[tuple[str, ...]] = set()
    for perm in permutations(adm.applicants):
        prefix: tuple[str, ...] = ()
        for a in perm:
            if a not in adm.open(adm.canonical(set(prefix))):
                break
            prefix += (a,)
        if not adm.open(adm.canonical(set(prefix))):
            found.add(prefix)
    return found


@quick(60)
@given(order_cases())
def test_order_replays_and_matches_brute_force(case: tuple[TrackedWorld, str, tuple[str, ...], date, str]) -> None:
    world, org, applicants, on, assume = case
    question = {"id": "o", "order": {"org": org, "applicants": list(applicants)}}
    result = answer(world.scenario(on, [question], assume=assume), "o", OrderResult)
    adm = Admissions(world, org, applicants, on, assume)

    # Every reported order replays: each applicant, at its turn, is not blocked; then nobody is open.
    for order in result.feasible:
        assert len(set(order)) == len(order), order
        assert set(order) <= set(applicants), order
        for k, a in enumerate(order):
            verdict = adm.after(order[:k])[a]
            assert verdict.verdict != "blocked", (
                f"order {order}: {a} is blocked after {order[:k]} (failing {verdict.failing})"
            )
        left = {a: v.verdict for a, v in adm.after(tuple(order)).items()}
        assert all(v == "blocked" for v in left.values()), f"order {order} is not maximal: {left}"

    # The orders are exactly the brute-force maximal orders, counted and measured.
    expected = brute_force_orders(adm)
    reported = [tuple(o) for o in result.feasible]
    assert len(set(reported)) == len(reported), "an order is reported twice"
    assert result.orders == len(expected)
    top = [o for o in expected if len(o) == max(len(e) for e in expected)]
    listable = result.orders if result.orders <= MAX_ORDERS else len(top)
    assert len(reported) == min(listable, MAX_ORDERS), "orders left out of a listing that is not full"
    if result.orders <= MAX_ORDERS:
        assert set(reported) == expected
    else:  # a truncated listing: what is listed is still feasible, and of the largest size
        assert all(len(o) == result.largest for o in reported), "a capped listing shows a smaller order"
        assert set(reported) <= expected
    assert result.largest == max(len(o) for o in expected)
    body = result.to_json()
    assert body["largest"] == result.largest
    assert len(body["feasible"]) == len(reported)

    # Conflicts: exactly the pairs where `then` is open alone and blocked once `first` is in.
    alone = adm.open(())
    expected_conflicts: dict[tuple[str, str], tuple[str, ...]] = {}
    for first in applicants:
        for then in applicants:
            if first != then and then in alone:
                verdict = adm.after((first,))[then]
                if verdict.verdict == "blocked":
                    expected_conflicts[(first, then)] = verdict.failing
    reported_conflicts = {(a, b): why for a, b, why in result.conflicts}
    assert len(reported_conflicts) == len(result.conflicts), "a conflict is reported twice"
    assert set(reported_conflicts) == set(expected_conflicts)
    for key, why in reported_conflicts.items():
        assert why, f"conflict {key} gives no reason"
        if expected_conflicts[key]:
            assert set(why) == set(expected_conflicts[key]), (key, why, expected_conflicts[key])


# --- impact -----------------------------------------------------------------------------------


@st.composite
def impact_cases(draw: st.DrawFn) -> tuple[TrackedWorld, date, list[Event], list[str] | None, str]:
    world = draw(tracked_worlds(states=(2, 5)))
    on = draw(tracked_dates(world))
    when = on if draw(st.integers(0, 2)) else draw(tracked_dates(world))
    changes = draw(tracked_changes(world, when, max_size=3, dated=when != on))
    orgs = draw(st.none() | st.lists(st.sampled_from(world.org_codes), min_size=1, unique=True))
    return world, on, changes, orgs, draw(ASSUME)


def _row(row: MatrixRow) -> tuple[str, tuple[str, ...]]:
    return row.verdict, tuple(sorted(row.failing))


@quick(200)
@given(impact_cases())
def test_impact_is_the_difference_of_two_matrices(
    case: tuple[TrackedWorld, date, list[Event], list[str] | None, str],
) -> None:
    world, on, changes, orgs, assume = case
    spec: dict[str, Any] = {"changes": changes, **({"orgs": orgs} if orgs is not None else {})}
    result = answer(world.scenario(on, [{"id": "i", "impact": spec}], assume=assume), "i", ImpactResult)
    before = matrix_rows(world, on, assume, orgs)
    after = matrix_rows(world, on, assume, orgs, changes)
    expected = {
        key: (_row(before[key]), _row(after[key]))
        for key in before.keys() & after.keys()
        if _row(before[key]) != _row(after[key])
    }
    reported: dict[tuple[str, str], tuple[tuple[str, tuple[str, ...]], tuple[str, tuple[str, ...]]]] = {}
    for b, a in result.changed:
        assert (b.state, b.org) == (a.state, a.org), (b, a)
        assert (b.state, b.org) not in reported, f"{(b.state, b.org)} reported twice"
        reported[(b.state, b.org)] = (_row(b), _row(a))
    assert reported == expected, f"changes {changes}: engine {reported}, matrices {expected}"
    for entry in result.to_json()["changed"]:
        key = (entry["state"], entry["org"])
        assert (entry["before"], entry["after"]) == (expected[key][0][0], expected[key][1][0])


# --- leverage ---------------------------------------------------------------------------------


@st.composite
def leverage_cases(draw: st.DrawFn) -> tuple[TrackedWorld, date, tuple[str, ...], list[str] | None, str]:
    world = draw(tracked_worlds(states=(2, 4)))
    on = draw(tracked_dates(world))
    kinds = draw(st.sampled_from((("establish",), ("recognize",), ("establish", "recognize"))))
    orgs = draw(st.none() | st.lists(st.sampled_from(world.org_codes), min_size=1, max_size=1))
    return world, on, kinds, orgs, draw(ASSUME)


def change_key(change: Event) -> tuple[str, ...]:
    if "establish" in change:
        return ("establish", *sorted(change["establish"]))
    return ("recognize", change["recognize"], change["by"])


def brute_force_leverage(
    world: TrackedWorld, on: date, kinds: tuple[str, ...], orgs: list[str] | None, assume: str
) -> dict[tuple[str, ...], frozenset[tuple[str, str]]]:
    """Each missing relation (and recognition) added alone: the matrix rows it takes out of `blocked`."""
    before = matrix_rows(world, on, assume, orgs)
    blocked = {key for key, row in before.items() if row.verdict == "blocked"}
    candidates: list[Event] = []
    if "establish" in kinds:
        candidates += [{"establish": [a, b]} for a, b in combinations(world.codes, 2) if not world.relations(a, b, on)]
    if "recognize" in kinds:
        candidates += [
            {"recognize": of, "by": by}
            for by in world.codes
            for of in world.codes
            if by != of and not world.recognizes(by, of, on)
        ]
    found: dict[tuple[str, ...], frozenset[tuple[str, str]]] = {}
    for change in candidates:
        if not blocked:
            break
        after = matrix_rows(world, on, assume, orgs, [{**change, "on": iso(on)}])
        unlocks = frozenset(key for key in blocked if after[key].verdict != "blocked")
        if unlocks:
            found[change_key(change)] = unlocks
    return found


@quick(40)
@given(leverage_cases())
def test_leverage_matches_brute_force(case: tuple[TrackedWorld, date, tuple[str, ...], list[str] | None, str]) -> None:
    world, on, kinds, orgs, assume = case
    spec: dict[str, Any] = {"kinds": list(kinds), "limit": 500, **({"orgs": orgs} if orgs is not None else {})}
    result = answer(world.scenario(on, [{"id": "l", "leverage": spec}], assume=assume), "l", LeverageResult)
    reported: dict[tuple[str, ...], frozenset[tuple[str, str]]] = {}
    for change, unlocks in result.ranking:
        key = change_key(change)
        assert key not in reported, f"{change} ranked twice"
        assert len(set(unlocks)) == len(unlocks), f"{change} lists an unlock twice"
        reported[key] = frozenset(unlocks)
    expected = brute_force_leverage(world, on, kinds, orgs, assume)
    assert reported == expected, f"engine {reported}, brute force {expected}"
    counts = [len(unlocks) for _, unlocks in result.ranking]
    assert counts == sorted(counts, reverse=True), f"ranking not by unlocks: {counts}"


# --- earliest ---------------------------------------------------------------------------------

FIRST, LAST = date(2000, 1, 1), date(2001, 12, 31)


@st.composite
def earliest_cases(draw: st.DrawFn) -> tuple[TrackedWorld, str, str, date, str]:
    world = draw(tracked_worlds(states=(2, 4), first=FIRST, last=LAST, any_day=True))
    state = draw(st.sampled_from(world.codes))
    org = draw(st.sampled_from(world.org_codes))
    first = world.first_rules(org)
    start = draw(st.just(first) | st.dates(first, LAST + timedelta(days=40)) | st.sampled_from(sorted(world.dates())))
    start = max(start, first)
    return world, state, org, start, draw(ASSUME)


def first_open_day(world: TrackedWorld, state: str, org: str, start: date, assume: str) -> date | None:
    """Scan day by day from ``start`` to the day after the world's last date."""
    end = max([*world.dates(), start]) + timedelta(days=1)
    day = start
    while day <= end:
        chunk = [day + timedelta(days=k) for k in range(min(400, (end - day).days + 1))]
        questions = [{"id": iso(d), "as_of": iso(d), "join": {"state": state, "org": org}} for d in chunk]
        verdicts = joins(world.scenario(start, questions, assume=assume))
        for d in chunk:
            if verdicts[iso(d)].verdict != "blocked":
                return d
        day = chunk[-1] + timedelta(days=1)
    return None


@quick(120)
@given(earliest_cases())
def test_earliest_is_the_first_unblocked_day(case: tuple[TrackedWorld, str, str, date, str]) -> None:
    world, state, org, start, assume = case
    question = {"id": "e", "earliest": {"state": state, "org": org, "from": iso(start)}}
    result = answer(world.scenario(start, [question], assume=assume), "e", EarliestResult)
    expected = first_open_day(world, state, org, start, assume)
    assert result.found == expected, f"engine says {result.found}, the day-by-day scan {expected}"
    body = result.to_json()
    assert body["date"] == (iso(expected) if expected else None)
    if expected is None:
        assert body["because"] is None, body
    elif expected > start:
        # SPEC: an event dated that day is the cause, or a rule version beginning then (rules_from).
        if body["because"] is None:
            assert body["rules_from"] == iso(expected), f"{expected}: neither an event nor a rule version named"
        else:
            on = body["because"].get("on") or body["because"].get("from") or body["because"].get("until")
            assert iso(expected) in (on, body["because"].get("until")), f"{expected}: the cause is dated {on}"
