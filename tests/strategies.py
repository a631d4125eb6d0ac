"""Hypothesis strategies for small, valid worlds and scenarios in the SPEC's inline format.

Built bottom-up from small pieces: ``groups`` and ``checks`` make ``rulebooks``; ``events``
makes a history that is valid by construction (each fact's events on distinct dates, so no
same-day ordering question arises); ``worlds`` puts states, rulebooks and events together;
``changes`` proposes what-if events that cannot contradict the history; ``scenarios`` wraps a
world, a date, an ``assume`` and changes. Everything is plain dicts with ISO date strings,
exactly what a scenario file holds.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from itertools import combinations
from typing import Any

from hypothesis import strategies as st

from tests import oracle

__all__ = [
    "ORG_CODES",
    "QUESTION_DATES",
    "STATE_CODES",
    "STATUSES",
    "change_candidates",
    "changes",
    "checks",
    "codes_of",
    "day_before",
    "events",
    "first_rules",
    "groups",
    "orgs_of",
    "question_dates",
    "rulebooks",
    "scenarios",
    "worlds",
]

STATE_CODES = ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG")
ORG_CODES = ("ORA", "ORB", "ORC")
REGIONS = ("Asia", "Europe", "Africa")
STATUSES = ("member", "observer", "partner")
KEYS = ("democracy", "stability")
YEARS = tuple(range(2000, 2021))
#: Dates questions are asked on: every event date, and the middle of every year between them.
QUESTION_DATES = tuple(sorted({date(y, 1, 1) for y in range(2000, 2022)} | {date(y, 7, 1) for y in range(1999, 2022)}))

World = dict[str, Any]
Event = dict[str, Any]


def jan1(year: int) -> str:
    return f"{year}-01-01"


def _pick(*options: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of the options, each about equally often (``st.one_of`` drifts towards the branches
    with the most unexplored values, which here would be nested combinators)."""
    return st.integers(0, len(options) - 1).flatmap(options.__getitem__)


def _years(min_size: int, max_size: int) -> st.SearchStrategy[list[int]]:
    """Distinct event years, ascending: one fact's history never has two events on a day."""
    return st.lists(st.sampled_from(YEARS), min_size=min_size, max_size=max_size, unique=True).map(sorted)


# --- rules -------------------------------------------------------------------------------


@cache  # building a strategy costs more than drawing from it: build each shape once
def groups(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """``members``, ``{members_of: ORG}`` (this one or an earlier one) or a list of codes."""
    return _pick(
        st.just("members"),
        st.just("members"),
        st.sampled_from((own, *earlier)).map(lambda org: {"members_of": org}),
        st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True),
    )


@cache  # building a strategy costs more than drawing from it: build each shape once
def _leaves(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    statuses = st.lists(st.sampled_from(STATUSES), min_size=1, max_size=2, unique=True)
    grp = groups(codes, own, earlier)
    options = [
        grp.map(lambda g: {"relations_with": g}),
        grp.map(lambda g: {"recognized_by": g}),
        grp.map(lambda g: {"no_conflict_with": g}),
        statuses.map(lambda s: {"status_in": s}),
        st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2, unique=True).map(lambda r: {"region_in": r}),
        st.booleans().map(lambda b: {"sanctioned": b}),
        st.sampled_from(KEYS).map(lambda k: {"assessed": k}),
        st.sampled_from((own, *earlier)).map(lambda org: {"member_of": org}),
    ]
    if earlier:
        options.append(
            st.builds(lambda org, s: {"status_in": {"in": org, "status": s}}, st.sampled_from(earlier), statuses)
        )
    return _pick(*options)


@cache  # building a strategy costs more than drawing from it: build each shape once
def checks(
    codes: tuple[str, ...], own: str, earlier: tuple[str, ...], depth: int = 2
) -> st.SearchStrategy[dict[str, Any]]:
    """Any check of the SPEC's vocabulary; combinators nest at most ``depth`` deep."""
    leaves = _leaves(codes, own, earlier)
    if depth == 0:
        return leaves
    inner = checks(codes, own, earlier, depth - 1)
    parts = st.lists(inner, min_size=1, max_size=3)
    return _pick(
        *[leaves] * 5,
        parts.map(lambda p: {"all": p}),
        parts.map(lambda p: {"any": p}),
        inner.map(lambda c: {"not": c}),
    )


@cache  # building a strategy costs more than drawing from it: build each shape once
def _stages(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    rules = _pick(
        st.just("unanimity"),
        st.just("majority"),
        st.just("two_thirds"),
        st.integers(1, 4).map(lambda n: {"at_least": n}),
    )
    grp = groups(codes, own, earlier)

    def stage(by: Any, rule: Any, veto: Any) -> dict[str, Any]:
        out = {"by": by, "pass": rule}
        if veto is not None:
            out["veto"] = veto
        return out

    return st.builds(stage, grp, rules, _pick(st.none(), st.none(), grp))


@st.composite
def rulebooks(draw: st.DrawFn, code: str, codes: tuple[str, ...], earlier: tuple[str, ...] = ()) -> dict[str, Any]:
    """One organisation with 1-2 rule versions; it refers only to itself and ``earlier`` ones."""
    first = draw(st.integers(2000, 2010))
    starts = [first]
    if draw(st.booleans()):
        starts.append(draw(st.integers(first + 1, 2018)))
    versions = []
    for start in starts:
        n = draw(st.integers(1, 4))
        conditions = [
            {
                "id": f"{code.lower()}.c{k}",
                "text": f"condition {k} of the {code}",
                "check": draw(checks(codes, code, earlier)),
            }
            for k in range(n)
        ]
        decision = draw(st.lists(_stages(codes, code, earlier), min_size=0, max_size=2))
        versions.append({"valid_from": jan1(start), "conditions": conditions, "decision": decision})
    return {
        "code": code,
        "name": f"Organisation {code}",
        "statuses": list(STATUSES),
        "versions": versions,
    }


# --- history -----------------------------------------------------------------------------


def _pairs(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return list(combinations(codes, 2))


@st.composite
def _oriented(draw: st.DrawFn, pair: tuple[str, str]) -> list[str]:
    """A pair written either way round: pairs are symmetric."""
    return list(pair) if draw(st.booleans()) else [pair[1], pair[0]]


@st.composite
def _relations(draw: st.DrawFn, codes: tuple[str, ...]) -> list[Event]:
    out = []
    for pair in draw(st.lists(st.sampled_from(_pairs(codes)), max_size=8, unique=True)):
        verb = draw(st.sampled_from(("establish", "sever")))
        for year in draw(_years(1, 4)):
            out.append({verb: draw(_oriented(pair)), "on": jan1(year)})
            verb = "sever" if verb == "establish" else "establish"
    return out


@st.composite
def _recognition(draw: st.DrawFn, codes: tuple[str, ...]) -> list[Event]:
    out = []
    directed = [(a, b) for a in codes for b in codes if a != b]
    for by, of in draw(st.lists(st.sampled_from(directed), max_size=8, unique=True)):
        verb = "recognize"
        for year in draw(_years(1, 3)):
            out.append({verb: of, "by": by, "on": jan1(year)})
            verb = "withdraw_recognition" if verb == "recognize" else "recognize"
    return out


@st.composite
def _statuses(draw: st.DrawFn, codes: tuple[str, ...], orgs: tuple[str, ...]) -> list[Event]:
    out = []
    keys = [(s, o) for s in codes for o in orgs]
    for state, org in draw(st.lists(st.sampled_from(keys), max_size=10, unique=True)):
        held: str | None = None
        for year in draw(_years(1, 3)):
            # Never the status already held; `member` twice in the draw, so `members` is rarely empty.
            options = [s for s in (*STATUSES, "member") if s != held] + (["leave"] if held else [])
            pick = draw(st.sampled_from(options))
            if pick == "leave":
                out.append({"leave": state, "from": org, "on": jan1(year)})
                held = None
            else:
                out.append({"admit": state, "to": org, "as": pick, "on": jan1(year)})
                held = pick
    return out


@st.composite
def _intervals(draw: st.DrawFn, verb: str, subject: st.SearchStrategy[Any], end_verb: str) -> list[Event]:
    """Non-overlapping intervals of one fact; the last may stay open, or be ended by an event."""
    years = draw(_years(1, 5))
    out: list[Event] = []
    for k in range(0, len(years), 2):
        event: Event = {verb: draw(subject), "from": jan1(years[k])}
        if k + 1 < len(years):
            event["until"] = jan1(years[k + 1])
        out.append(event)
    if len(years) % 2:  # the last interval is open: perhaps an event ends it later
        end = draw(st.one_of(st.none(), st.integers(years[-1] + 1, 2021)))
        if end is not None:
            out.append({end_verb: draw(subject), "on": jan1(end)})
    return out


@st.composite
def _conflicts(draw: st.DrawFn, codes: tuple[str, ...]) -> list[Event]:
    out: list[Event] = []
    for pair in draw(st.lists(st.sampled_from(_pairs(codes)), max_size=3, unique=True)):
        out.extend(draw(_intervals("conflict", _oriented(pair), "end_conflict")))
    return out


@st.composite
def _sanctions(draw: st.DrawFn, codes: tuple[str, ...]) -> list[Event]:
    out: list[Event] = []
    for state in draw(st.lists(st.sampled_from(codes), max_size=2, unique=True)):
        out.extend(draw(_intervals("sanction", st.just(state), "lift_sanctions")))
    return out


@st.composite
def _positions(draw: st.DrawFn, codes: tuple[str, ...], orgs: tuple[str, ...]) -> list[Event]:
    out = []
    keys = [(o, a, v) for o in orgs for a in codes for v in codes if a != v]
    for org, applicant, voter in draw(st.lists(st.sampled_from(keys), max_size=8, unique=True)):
        for year in draw(_years(1, 2)):
            stance = draw(st.sampled_from(("support", "oppose", "abstain")))
            out.append({stance: applicant, "by": voter, "in": org, "on": jan1(year)})
    return out


@st.composite
def _assessments(draw: st.DrawFn, codes: tuple[str, ...]) -> list[Event]:
    out = []
    keys = [(k, s) for k in KEYS for s in codes]
    for key, state in draw(st.lists(st.sampled_from(keys), max_size=5, unique=True)):
        for year in draw(_years(1, 2)):
            out.append({"assess": key, "of": state, "as": draw(st.booleans()), "on": jan1(year)})
    return out


@st.composite
def events(draw: st.DrawFn, codes: tuple[str, ...], orgs: tuple[str, ...]) -> list[Event]:
    """A valid history over these states and organisations, in a random order."""
    out = [
        *draw(_relations(codes)),
        *draw(_recognition(codes)),
        *draw(_statuses(codes, orgs)),
        *draw(_conflicts(codes)),
        *draw(_sanctions(codes)),
        *draw(_positions(codes, orgs)),
        *draw(_assessments(codes)),
    ]
    return list(draw(st.permutations(out))) if out else out


# --- worlds and scenarios ----------------------------------------------------------------


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """3-7 states, 1-3 organisations (each referring only to earlier ones), and their history."""
    n = draw(st.integers(3, 7))
    codes = STATE_CODES[:n]
    states = [{"code": c, "name": f"State {c}", "region": draw(st.sampled_from(REGIONS))} for c in codes]
    orgs = ORG_CODES[: draw(st.integers(1, 3))]
    organizations = [draw(rulebooks(code, codes, orgs[:k])) for k, code in enumerate(orgs)]
    return {
        "default_relations": draw(st.sampled_from(("none", "established"))),
        "states": states,
        "organizations": organizations,
        "events": draw(events(codes, orgs)),
    }


def first_rules(world: World) -> date:
    """The first date on which every organisation of the world has rules in force."""
    return max(min(date.fromisoformat(v["valid_from"]) for v in o["versions"]) for o in world["organizations"])


def question_dates(world: World, min_size: int = 1, max_size: int = 3) -> st.SearchStrategy[list[date]]:
    """Distinct dates on which every organisation's rules are in force."""
    start = first_rules(world)
    return st.lists(
        st.sampled_from([d for d in QUESTION_DATES if d >= start]), min_size=min_size, max_size=max_size, unique=True
    ).map(sorted)


def codes_of(world: World) -> tuple[str, ...]:
    return tuple(s["code"] for s in world["states"])


def orgs_of(world: World) -> tuple[str, ...]:
    return tuple(o["code"] for o in world["organizations"])


def change_candidates(world: World, on: date) -> dict[str, list[Event]]:
    """Every single what-if event dated ``on`` that cannot contradict the world's history, by kind.

    A fact whose history goes on after the date is left alone, except where any event is a
    restatement (positions, assessments) or adds an interval (conflicts, sanctions).
    """
    proj = oracle.Projection(world, on)
    codes, orgs = codes_of(world), orgs_of(world)
    day = on.isoformat()
    out: dict[str, list[Event]] = {
        kind: []
        for kind in ("relations", "recognition", "admit", "leave", "conflict", "sanction", "assessment", "position")
    }
    for a, b in _pairs(codes):
        if not proj.later_events(("relations", a, b)):
            out["relations"].append({"sever" if proj.relations(a, b) else "establish": [a, b], "on": day})
        if proj.in_conflict(a, b) and not proj.later_events(("conflict", a, b)):
            out["conflict"].append({"end_conflict": [b, a], "on": day})
        out["conflict"].append({"conflict": [a, b], "from": day})
    for by in codes:
        for of in codes:
            if by != of and not proj.later_events(("recognition", by, of)):
                held, _ = proj.explicit_recognition(by, of)
                out["recognition"].append({"withdraw_recognition" if held else "recognize": of, "by": by, "on": day})
    for state in codes:
        for org in orgs:
            if proj.later_events(("status", state, org)):
                continue
            held_status = proj.status(state, org)
            out["admit"] += [{"admit": state, "to": org, "as": s, "on": day} for s in STATUSES if s != held_status]
            if held_status is not None:
                out["leave"].append({"leave": state, "from": org, "on": day})
        if proj.sanctioned(state) and not proj.later_events(("sanction", state)):
            out["sanction"].append({"lift_sanctions": state, "on": day})
        out["sanction"].append({"sanction": state, "from": day, "until": jan1(on.year + 2)})
        out["assessment"] += [
            {"assess": key, "of": state, "as": value, "on": day} for key in KEYS for value in (True, False)
        ]
        for org in orgs:
            for voter in codes:
                if voter != state:
                    out["position"] += [
                        {v: state, "by": voter, "in": org, "on": day} for v in ("support", "oppose", "abstain")
                    ]
    return {kind: events for kind, events in out.items() if events}


#: The verb that puts a fact back (an admitted state leaves again).
_UNDO = {
    "establish": "sever",
    "sever": "establish",
    "recognize": "withdraw_recognition",
    "withdraw_recognition": "recognize",
    "admit": "leave",
}


@st.composite
def changes(draw: st.DrawFn, world: World, on: date, max_size: int = 3) -> list[Event]:
    """Up to ``max_size`` what-if events on ``on``, one fact each, perhaps undone the same day.

    ``on`` is sometimes left out: a change defaults to the scenario's ``as_of``.
    """
    candidates = change_candidates(world, on)
    # A kind first, then an event of that kind: positions would otherwise crowd out the rest.
    pick = st.sampled_from(sorted(candidates)).flatmap(lambda kind: st.sampled_from(candidates[kind]))
    picked = draw(st.lists(pick, max_size=max_size, unique_by=oracle.fact_key))
    out = []
    for chosen in picked:
        verb = oracle.verb_of(chosen)
        event = {k: v for k, v in chosen.items() if k != "on"} if "on" in chosen and draw(st.booleans()) else chosen
        out.append(event)
        if verb in _UNDO and draw(st.integers(0, 4)) == 0:
            # The same fact changed back on the same day: changes apply in the order written.
            undo = {_UNDO[verb]: event[verb], "on": on.isoformat()}
            if "by" in event:
                undo["by"] = event["by"]
            if verb == "admit":
                undo = {"leave": event["admit"], "from": event["to"], "on": on.isoformat()}
            out.append(undo)
    return out


@st.composite
def scenarios(draw: st.DrawFn, world: World | None = None) -> dict[str, Any]:
    """A scenario on an inline world: joins for every state and organisation, and a matrix."""
    world = world if world is not None else draw(worlds())
    on = draw(question_dates(world, 1, 1))[0]
    questions: list[dict[str, Any]] = [
        {"id": f"{s}-{o}", "join": {"state": s, "org": o}} for s in codes_of(world) for o in orgs_of(world)
    ]
    questions.append({"id": "matrix", "matrix": {}})
    return {
        "scenario": "generated",
        "world": world,
        "as_of": on.isoformat(),
        "assume": draw(st.sampled_from(("unknown", "support", "oppose"))),
        "changes": draw(changes(world, on)),
        "questions": questions,
    }


def day_before(day: date) -> date:
    return day - timedelta(days=1)
