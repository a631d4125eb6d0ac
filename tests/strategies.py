"""Hypothesis strategies for the tests: small, valid worlds, and what can be asked of them.

Strategies are plural nouns (``worlds()`` draws a world). Everything drawn is plain data in the
SPEC's inline format, dicts with ISO date strings, exactly what a scenario file holds. Three
families, each shaped for the laws that use it:

- ``worlds()`` for the laws against the naive oracle (``tests/laws/test_laws.py``), built bottom-up:
  ``groups`` and ``checks`` make ``rulebooks``; ``events`` makes a history that is valid by
  construction (each fact's events on distinct dates, so no same-day ordering question arises);
  ``worlds`` puts states, rulebooks and events together; ``question_dates`` are dates on which
  every rule is in force; ``changes`` proposes what-if events that cannot contradict the history
  (the oracle says what holds); ``scenarios`` wraps a world, a date, an ``assume`` and changes.
- ``tracked_worlds()`` for the laws of the derived questions (``tests/laws/test_question_laws.py``):
  a ``TrackedWorld`` is an inline world plus the same history kept fact by fact, so a law can ask
  which pairs have relations on a date, who recognises whom, who holds which status. Its rules
  lean on relations, recognition and conflicts (what orders, leverage and earliest dates turn on),
  and its dates may fall on any day; ``tracked_dates`` and ``tracked_changes`` go with it.
- ``watched_worlds()`` and ``event_streams()`` for the watcher's differential test
  (``tests/test_watcher.py``): streams of events drawn with no regard for the history, so that
  some are refused, as a live feed's may be.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import combinations
from typing import Any, TypeVar

from hypothesis import note, reject, settings
from hypothesis import strategies as st

from engine import models as m
from engine.common.errors import AccedeError
from engine.compiler.world import World as CompiledWorld
from engine.compiler.world import compile_world
from engine.reading.loader import inline_world, validate
from engine.reading.yaml12 import Document
from tests.laws import oracle

__all__ = [
    "ORG_CODES",
    "QUESTION_DATES",
    "STATE_CODES",
    "STATUSES",
    "Event",
    "TrackedWorld",
    "World",
    "change_candidates",
    "changes",
    "checks",
    "codes_of",
    "day_before",
    "event_streams",
    "events",
    "first_rules",
    "groups",
    "iso",
    "orgs_of",
    "question_dates",
    "rulebooks",
    "scenarios",
    "tracked_changes",
    "tracked_dates",
    "tracked_worlds",
    "watched_worlds",
    "worlds",
]

T = TypeVar("T")

STATE_CODES = ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF", "GGG")
ORG_CODES = ("ORA", "ORB", "ORC")
REGIONS = ("Asia", "Europe", "Africa")
STATUSES = ("member", "observer", "partner")
KEYS = ("democracy", "stability")
STANCES = ("support", "oppose", "abstain")
YEARS = tuple(range(2000, 2021))
#: Dates questions are asked on: every event date, and the middle of every year between them.
QUESTION_DATES = tuple(sorted({date(y, 1, 1) for y in range(2000, 2022)} | {date(y, 7, 1) for y in range(1999, 2022)}))

#: The inline format's pieces, as plain data.
World = dict[str, Any]
Event = dict[str, Any]
Check = dict[str, Any]
Rulebook = dict[str, Any]
Stage = dict[str, Any]
#: ``members``, ``{members_of: ORG}`` or a list of state codes.
Group = str | dict[str, str] | list[str]
#: ``unanimity``, ``majority``, ``two_thirds`` or ``{at_least: N}``.
PassRule = str | dict[str, int]


def iso(day: date) -> str:
    return day.isoformat()


def jan1(year: int) -> str:
    return f"{year}-01-01"


def day_before(day: date) -> date:
    return day - timedelta(days=1)


def _pair(a: str, b: str) -> tuple[str, str]:
    """A pair in code order: pairs are symmetric."""
    return (a, b) if a < b else (b, a)


def _pairs(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return list(combinations(codes, 2))


def _pick(*options: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """One of the options, each about equally often (``st.one_of`` drifts towards the branches
    with the most unexplored values, which here would be nested combinators)."""
    return st.integers(0, len(options) - 1).flatmap(options.__getitem__)


def _years(min_size: int, max_size: int) -> st.SearchStrategy[list[int]]:
    """Distinct event years, ascending: one fact's history never has two events on a day."""
    return st.lists(st.sampled_from(YEARS), min_size=min_size, max_size=max_size, unique=True).map(sorted)


# === worlds for the oracle ===================================================================

# --- rules -----------------------------------------------------------------------------------


@cache  # building a strategy costs more than drawing from it: build each shape once
def groups(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[Group]:
    """``members``, ``{members_of: ORG}`` (this one or an earlier one) or a list of codes."""
    return _pick(
        st.just("members"),
        st.just("members"),
        st.sampled_from((own, *earlier)).map(lambda org: {"members_of": org}),
        st.lists(st.sampled_from(codes), min_size=1, max_size=3, unique=True),
    )


@cache  # building a strategy costs more than drawing from it: build each shape once
def _leaves(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[Check]:
    statuses = st.lists(st.sampled_from(STATUSES), min_size=1, max_size=2, unique=True)
    grp = groups(codes, own, earlier)
    options: list[st.SearchStrategy[Check]] = [
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
def checks(codes: tuple[str, ...], own: str, earlier: tuple[str, ...], depth: int = 2) -> st.SearchStrategy[Check]:
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


def _stage(by: Group, rule: PassRule, veto: Group | None) -> Stage:
    out: Stage = {"by": by, "pass": rule}
    if veto is not None:
        out["veto"] = veto
    return out


@cache  # building a strategy costs more than drawing from it: build each shape once
def _stages(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[Stage]:
    rules: st.SearchStrategy[PassRule] = _pick(
        st.just("unanimity"),
        st.just("majority"),
        st.just("two_thirds"),
        st.integers(1, 4).map(lambda n: {"at_least": n}),
    )
    grp = groups(codes, own, earlier)
    vetoes: st.SearchStrategy[Group | None] = _pick(st.none(), st.none(), grp)
    return st.builds(_stage, grp, rules, vetoes)


@st.composite
def rulebooks(draw: st.DrawFn, code: str, codes: tuple[str, ...], earlier: tuple[str, ...] = ()) -> Rulebook:
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


# --- history ---------------------------------------------------------------------------------


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
    out: list[Event] = []
    directed = [(a, b) for a in codes for b in codes if a != b]
    for by, of in draw(st.lists(st.sampled_from(directed), max_size=8, unique=True)):
        verb = "recognize"
        for year in draw(_years(1, 3)):
            out.append({verb: of, "by": by, "on": jan1(year)})
            verb = "withdraw_recognition" if verb == "recognize" else "recognize"
    return out


@st.composite
def _statuses(draw: st.DrawFn, codes: tuple[str, ...], orgs: tuple[str, ...]) -> list[Event]:
    out: list[Event] = []
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
def _intervals(draw: st.DrawFn, verb: str, subject: st.SearchStrategy[str | list[str]], end_verb: str) -> list[Event]:
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
    out: list[Event] = []
    keys = [(o, a, v) for o in orgs for a in codes for v in codes if a != v]
    for org, applicant, voter in draw(st.lists(st.sampled_from(keys), max_size=8, unique=True)):
        for year in draw(_years(1, 2)):
            stance = draw(st.sampled_from(STANCES))
            out.append({stance: applicant, "by": voter, "in": org, "on": jan1(year)})
    return out


@st.composite
def _assessments(draw: st.DrawFn, codes: tuple[str, ...]) -> list[Event]:
    out: list[Event] = []
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


# --- worlds, dates, changes and scenarios ----------------------------------------------------


def examples(share: int) -> int:
    """``share`` per cent of the profile's example count (100 by default, 1000 when heavy)."""
    return max(5, settings().max_examples * share // 100)


def compiled(world: World) -> CompiledWorld:
    """A generated inline world, compiled as a scenario's would be.

    The generators build histories valid by construction; a world the validator refuses all the
    same (a rule it has since gained) is no case of a law: it is drawn again.
    """
    doc = Document("gen.yaml", {"world": world})
    try:
        return compile_world(inline_world(doc, validate(doc, m.WorldFile, ("world",))))
    except AccedeError as exc:
        note(f"the generated world is refused: {exc}")
        reject()


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """3-7 states, 1-3 organisations (each referring only to earlier ones), and their history."""
    n = draw(st.integers(3, 7))
    codes = STATE_CODES[:n]
    states = [{"code": c, "name": f"State {c}", "region": draw(st.sampled_from(REGIONS))} for c in codes]
    orgs = ORG_CODES[: draw(st.integers(1, 3))]
    organizations = [draw(rulebooks(code, codes, orgs[:k])) for k, code in enumerate(orgs)]
    world: World = {
        "default_relations": draw(st.sampled_from(("none", "established"))),
        "states": states,
        "organizations": organizations,
        "events": draw(events(codes, orgs)),
    }
    if draw(st.booleans()):
        # The recognition default among one organisation's members, with recorded exceptions.
        world["recognition_default"] = {"among": draw(st.sampled_from(orgs)), "source": "generated"}
        pins = draw(
            st.lists(st.sampled_from([(a, b) for a in codes for b in codes if a != b]), max_size=4, unique=True)
        )
        world["not_recognized"] = [{"by": a, "of": b} for a, b in pins]
    return world


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
                    out["position"] += [{v: state, "by": voter, "in": org, "on": day} for v in STANCES]
    return {kind: found for kind, found in out.items() if found}


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


# === tracked worlds, for the derived questions ===============================================

#: The fact a tracked change is about: ``("rel", A, B)``, ``("member", S, ORG)``...
FactKey = tuple[str, ...]
#: A change, with the fact it touches.
Option = tuple[FactKey, Event]


@dataclass
class TrackedWorld:
    """An inline world and its history, fact by fact (each list sorted by date).

    Its facts are read off its own history (nothing here asks the engine or the oracle); every
    fact's events fall on distinct dates and alternate as the SPEC requires (establish/sever,
    recognize/withdraw, never an admit to the status already held).
    """

    codes: tuple[str, ...]
    regions: dict[str, str]
    orgs: list[Rulebook]
    default_relations: str
    rel: dict[tuple[str, str], list[tuple[date, str]]] = field(default_factory=dict)
    rec: dict[tuple[str, str], list[tuple[date, str]]] = field(default_factory=dict)  # (by, of)
    status: dict[tuple[str, str], list[tuple[date, str | None]]] = field(default_factory=dict)
    conflicts: dict[tuple[str, str], tuple[date, date | None]] = field(default_factory=dict)
    sanctions: dict[str, tuple[date, date | None]] = field(default_factory=dict)
    positions: list[tuple[str, str, str, str, date]] = field(default_factory=list)  # stance, S, by, org, on
    assessments: list[tuple[str, str, bool, date]] = field(default_factory=list)  # key, S, as, on

    @property
    def org_codes(self) -> tuple[str, ...]:
        return tuple(o["code"] for o in self.orgs)

    def first_rules(self, org: str) -> date:
        o = next(o for o in self.orgs if o["code"] == org)
        return min(date.fromisoformat(v["valid_from"]) for v in o["versions"])

    def events(self) -> list[Event]:
        out: list[Event] = []
        for (a, b), steps in self.rel.items():
            out += [{verb: [a, b], "on": iso(d)} for d, verb in steps]
        for (by, of), steps in self.rec.items():
            out += [{verb: of, "by": by, "on": iso(d)} for d, verb in steps]
        for (s, org), held in self.status.items():
            for d, status in held:
                out.append(
                    {"admit": s, "to": org, "as": status, "on": iso(d)}
                    if status
                    else {"leave": s, "from": org, "on": iso(d)}
                )
        for (a, b), (start, end) in self.conflicts.items():
            out.append({"conflict": [a, b], "from": iso(start), **({"until": iso(end)} if end else {})})
        for s, (start, end) in self.sanctions.items():
            out.append({"sanction": s, "from": iso(start), **({"until": iso(end)} if end else {})})
        for stance, s, by, org, d in self.positions:
            out.append({stance: s, "by": by, "in": org, "on": iso(d)})
        for key, s, value, d in self.assessments:
            out.append({"assess": key, "of": s, "as": value, "on": iso(d)})
        return out

    @property
    def data(self) -> World:
        """The inline world, exactly what a scenario's ``world:`` holds."""
        return {
            "default_relations": self.default_relations,
            "states": [{"code": c, "name": f"State {c}", "region": self.regions[c]} for c in self.codes],
            "organizations": self.orgs,
            "events": self.events(),
        }

    def scenario(
        self,
        as_of: date,
        questions: list[dict[str, Any]],
        *,
        assume: str = "unknown",
        changes: list[Event] | None = None,
    ) -> dict[str, Any]:
        """A scenario on this world asking ``questions`` on ``as_of``, after ``changes``."""
        return {
            "scenario": "generated",
            "world": self.data,
            "as_of": iso(as_of),
            "assume": assume,
            "changes": changes or [],
            "questions": questions,
        }

    def dates(self) -> list[date]:
        """Every date the world names: events, interval ends, rule versions."""
        out: list[date] = []
        for rel in (*self.rel.values(), *self.rec.values()):
            out += [d for d, _ in rel]
        for held in self.status.values():
            out += [d for d, _ in held]
        for start, end in (*self.conflicts.values(), *self.sanctions.values()):
            out += [start] + ([end] if end else [])
        out += [p[4] for p in self.positions] + [a[3] for a in self.assessments]
        for o in self.orgs:
            out += [date.fromisoformat(v["valid_from"]) for v in o["versions"]]
        return out

    # --- facts on a date (history applied up to and including the date) ------------------

    def relations(self, a: str, b: str, on: date) -> bool:
        steps = self.rel.get(_pair(a, b))
        if not steps:
            return self.default_relations == "established"
        held = steps[0][1] == "sever"  # before a first sever there were relations
        for d, verb in steps:
            if d <= on:
                held = verb == "establish"
        return held

    def explicit_recognition(self, by: str, of: str, on: date) -> bool:
        held = False
        for d, verb in self.rec.get((by, of), ()):
            if d <= on:
                held = verb == "recognize"
        return held

    def recognizes(self, by: str, of: str, on: date) -> bool:
        return self.explicit_recognition(by, of, on) or self.relations(by, of, on)

    def status_of(self, s: str, org: str, on: date) -> str | None:
        held = None
        for d, status in self.status.get((s, org), ()):
            if d <= on:
                held = status
        return held

    def members(self, org: str, on: date) -> list[str]:
        return [s for s in self.codes if self.status_of(s, org, on) == "member"]

    def in_conflict(self, a: str, b: str, on: date) -> bool:
        found = self.conflicts.get(_pair(a, b))
        return found is not None and found[0] <= on and (found[1] is None or on < found[1])

    def sanctioned(self, s: str, on: date) -> bool:
        found = self.sanctions.get(s)
        return found is not None and found[0] <= on and (found[1] is None or on < found[1])

    # --- what-if changes ----------------------------------------------------------------------

    def change_options(self, on: date, dated: bool = False) -> list[Option]:
        """Every single change that is valid on ``on``, keyed by the fact it touches.

        With ``dated`` the change carries ``on`` explicitly (or ``from`` for intervals).
        """
        stamp = {"on": iso(on)} if dated else {}
        start = {"from": iso(on)} if dated else {}
        out: list[Option] = []
        for a, b in combinations(self.codes, 2):
            verb = "sever" if self.relations(a, b, on) else "establish"
            out.append((("rel", a, b), {verb: [a, b], **stamp}))
            if self.in_conflict(a, b, on):
                out.append((("conflict", a, b), {"end_conflict": [a, b], **stamp}))
            elif _pair(a, b) not in self.conflicts or self.conflicts[_pair(a, b)][0] > on:
                out.append((("conflict", a, b), {"conflict": [a, b], **start}))
        for by in self.codes:
            for of in self.codes:
                if by != of:
                    verb = "withdraw_recognition" if self.explicit_recognition(by, of, on) else "recognize"
                    out.append((("rec", by, of), {verb: of, "by": by, **stamp}))
        for s in self.codes:
            for org in self.org_codes:
                held = self.status_of(s, org, on)
                for status in STATUSES:
                    if status != held:
                        kind = "member" if status == "member" else "status"
                        out.append(((kind, s, org), {"admit": s, "to": org, "as": status, **stamp}))
                if held is not None:
                    out.append((("status", s, org), {"leave": s, "from": org, **stamp}))
                for by in self.codes:
                    if by != s:
                        for stance in STANCES:
                            out.append((("pos", s, by, org), {stance: s, "by": by, "in": org, **stamp}))
            if self.sanctioned(s, on):
                out.append((("sanction", s), {"lift_sanctions": s, **stamp}))
            elif s not in self.sanctions or self.sanctions[s][0] > on:
                out.append((("sanction", s), {"sanction": s, **start}))
            for key in KEYS:
                for value in (True, False):
                    out.append((("assess", key, s), {"assess": key, "of": s, "as": value, **stamp}))
        return out


# --- rules -----------------------------------------------------------------------------------


def _tracked_groups(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[Group]:
    options: list[st.SearchStrategy[Group]] = [
        st.just("members"),
        st.just("members"),
        st.sampled_from((own, *earlier)).map(lambda o: {"members_of": o}),
        st.lists(st.sampled_from(codes), min_size=1, max_size=2, unique=True),
    ]
    if earlier:  # another organisation's members: admissions there reach this one's applicants
        options.append(st.sampled_from(earlier).map(lambda o: {"members_of": o}))
    return _pick(*options)


def _tracked_checks(codes: tuple[str, ...], own: str, earlier: tuple[str, ...], depth: int) -> st.SearchStrategy[Check]:
    grp = _tracked_groups(codes, own, earlier)
    statuses = st.lists(st.sampled_from(STATUSES), min_size=1, max_size=2, unique=True)
    # Relations, recognition and conflict checks are what orders, leverage and most earliest
    # dates turn on: they come up most; the checks about the applicant alone less often.
    relational: list[st.SearchStrategy[Check]] = [
        grp.map(lambda g: {"relations_with": g}),
        grp.map(lambda g: {"relations_with": g}),
        grp.map(lambda g: {"relations_with": g}),
        grp.map(lambda g: {"recognized_by": g}),
        grp.map(lambda g: {"recognized_by": g}),
        grp.map(lambda g: {"no_conflict_with": g}),
        grp.map(lambda g: {"no_conflict_with": g}),
        st.just({"sanctioned": False}),
    ]
    own_facts: list[st.SearchStrategy[Check]] = [
        statuses.map(lambda s: {"status_in": s}),
        st.lists(st.sampled_from(REGIONS), min_size=1, max_size=2, unique=True).map(lambda r: {"region_in": r}),
        st.booleans().map(lambda b: {"sanctioned": b}),
        st.sampled_from(KEYS).map(lambda k: {"assessed": k}),
    ]
    if earlier:
        own_facts.append(st.sampled_from(earlier).map(lambda o: {"member_of": o}))
        own_facts.append(
            st.builds(lambda o, s: {"status_in": {"in": o, "status": s}}, st.sampled_from(earlier), statuses)
        )
    leaves = [*relational, *relational, _pick(*own_facts), _pick(*own_facts)]
    leaf = _pick(*leaves)
    if depth == 0:
        return leaf
    inner = _tracked_checks(codes, own, earlier, depth - 1)
    parts = st.lists(inner, min_size=1, max_size=2)
    combined: st.SearchStrategy[Check] = _pick(
        parts.map(lambda p: {"all": p}), parts.map(lambda p: {"any": p}), inner.map(lambda c: {"not": c})
    )
    return _pick(leaf, leaf, leaf, leaf, leaf, leaf, leaf, leaf, combined)


def _tracked_stages(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[Stage]:
    rule: st.SearchStrategy[PassRule] = _pick(
        st.just("unanimity"),
        st.just("majority"),
        st.just("two_thirds"),
        st.integers(1, 2).map(lambda n: {"at_least": n}),
    )
    grp = _tracked_groups(codes, own, earlier)
    vetoes: st.SearchStrategy[Group | None] = _pick(st.none(), st.none(), st.none(), grp)
    return st.builds(_stage, grp, rule, vetoes)


@st.composite
def _tracked_rulebooks(
    draw: st.DrawFn,
    code: str,
    codes: tuple[str, ...],
    earlier: tuple[str, ...],
    first: date,
    days: st.SearchStrategy[date],
) -> Rulebook:
    starts = [first]
    if draw(st.integers(0, 3)) == 0:
        second = draw(days)
        if second > first:
            starts.append(second)
    versions = []
    for start in starts:
        found = [draw(_tracked_checks(codes, code, earlier, 1)) for _ in range(draw(st.integers(1, 3)))]
        if bool(earlier) and draw(st.booleans()):
            # Often a rule reads another organisation's members (as the SCO's read the UN's):
            # admissions there then move verdicts here.
            verb = draw(st.sampled_from(("relations_with", "recognized_by", "no_conflict_with")))
            found[0] = {verb: {"members_of": draw(st.sampled_from(earlier))}}
        conditions = [
            {"id": f"{code.lower()}.c{k}", "text": f"condition {k}", "check": check} for k, check in enumerate(found)
        ]
        decision = draw(st.lists(_tracked_stages(codes, code, earlier), max_size=draw(st.sampled_from((0, 1, 1, 2)))))
        versions.append({"valid_from": iso(start), "conditions": conditions, "decision": decision})
    return {"code": code, "name": f"Organisation {code}", "statuses": list(STATUSES), "versions": versions}


# --- history ---------------------------------------------------------------------------------


def _distinct_days(days: st.SearchStrategy[date], lo: int, hi: int) -> st.SearchStrategy[list[date]]:
    return st.lists(days, min_size=lo, max_size=hi, unique=True).map(sorted)


@st.composite
def _spans(draw: st.DrawFn, days: st.SearchStrategy[date]) -> tuple[date, date | None]:
    start = draw(days)
    end = draw(st.none() | days)
    if end is not None and end <= start:
        end = None if end == start else start + (start - end)
    return start, end


@st.composite
def tracked_worlds(
    draw: st.DrawFn,
    *,
    states: tuple[int, int] = (3, 5),
    orgs: tuple[int, int] = (1, 2),
    first: date = date(2000, 1, 1),
    last: date = date(2004, 12, 31),
    any_day: bool = False,
) -> TrackedWorld:
    """A world of a few states (at most 6) and organisations (at most 2), its events dated in [first, last].

    Dates are the first of January or of July unless ``any_day``, which draws any day of the span.
    """
    # The laws compare with brute force (orders over every permutation): small worlds only.
    assert states[1] <= 6, "six states at most"
    assert orgs[1] <= 2, "two organisations at most"
    days: st.SearchStrategy[date]
    if any_day:
        days = st.dates(first, last)
    else:
        choices = sorted(
            d for y in range(first.year, last.year + 1) for d in (date(y, 1, 1), date(y, 7, 1)) if first <= d <= last
        )
        days = st.sampled_from(choices)
    codes = STATE_CODES[: draw(st.integers(*states))]
    org_codes = ORG_CODES[: draw(st.integers(*orgs) | st.just(orgs[1]))]  # the most organisations, often
    regions = {c: draw(st.sampled_from(REGIONS)) for c in codes}
    rulebooks = [draw(_tracked_rulebooks(code, codes, org_codes[:k], first, days)) for k, code in enumerate(org_codes)]
    world = TrackedWorld(codes, regions, rulebooks, draw(st.sampled_from(("none", "none", "established"))))
    pairs = _pairs(codes)

    for p in draw(st.lists(st.sampled_from(pairs), max_size=len(pairs), unique=True)):
        verb = draw(st.sampled_from(("establish", "establish", "sever")))
        steps = []
        for d in draw(_distinct_days(days, 1, 3)):
            steps.append((d, verb))
            verb = "sever" if verb == "establish" else "establish"
        world.rel[p] = steps
    directed = [(a, b) for a in codes for b in codes if a != b]
    for key in draw(st.lists(st.sampled_from(directed), max_size=4, unique=True)):
        verb = "recognize"
        steps = []
        for d in draw(_distinct_days(days, 1, 2)):
            steps.append((d, verb))
            verb = "withdraw_recognition" if verb == "recognize" else "recognize"
        world.rec[key] = steps
    holders = [(s, o) for s in codes for o in org_codes]
    for key in draw(st.lists(st.sampled_from(holders), max_size=len(holders), unique=True)):
        held: str | None = None
        statuses: list[tuple[date, str | None]] = []
        for d in draw(_distinct_days(days, 1, 3)):
            options: list[str | None] = [s for s in STATUSES if s != held]
            if held is not None:
                options.append(None)
            held = draw(st.sampled_from(options))
            statuses.append((d, held))
        world.status[key] = statuses
    for p in draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True)):
        world.conflicts[p] = draw(_spans(days))
    for s in draw(st.lists(st.sampled_from(codes), max_size=3, unique=True)):
        world.sanctions[s] = draw(_spans(days))
    for _ in range(draw(st.integers(0, 4))):
        s, by = draw(st.sampled_from(directed))
        world.positions.append((draw(st.sampled_from(STANCES)), s, by, draw(st.sampled_from(org_codes)), draw(days)))
    assessed = st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(codes)), max_size=3, unique=True)
    for assessment, s in draw(assessed):
        world.assessments.append((assessment, s, draw(st.booleans()), draw(days)))
    return world


def tracked_dates(world: TrackedWorld) -> st.SearchStrategy[date]:
    """A question date on or after the first rules of every organisation: a date the world names,
    the day after one, or between (mid-2005 lies after every event of the default span)."""
    start = max(world.first_rules(o) for o in world.org_codes)
    near = sorted({d for d in world.dates() if d >= start} | {start, date(2005, 6, 1)})
    near += [d + timedelta(days=1) for d in near]
    return st.sampled_from(sorted(set(near)))


def _fact(key: FactKey) -> FactKey:
    """The fact a change is about (an admission as member and as anything else: one status)."""
    return ("status", *key[1:]) if key[0] == "member" else key


@st.composite
def tracked_changes(
    draw: st.DrawFn, world: TrackedWorld, on: date, max_size: int = 3, dated: bool | None = None
) -> list[Event]:
    """1..max_size valid changes dated ``on`` (explicitly when ``dated``), each about a different fact."""
    options = world.change_options(on, dated=draw(st.booleans()) if dated is None else dated)
    by_kind: dict[str, list[Option]] = {}
    for option in options:
        by_kind.setdefault(option[0][0], []).append(option)
    # Kinds of fact weighted by how often rules read them (stances and assessments would otherwise
    # dominate, by sheer number).
    weight = {"rel": 4, "member": 3, "status": 2, "rec": 2}
    kinds = [kind for kind in sorted(by_kind) for _ in range(weight.get(kind, 1))]
    one = st.sampled_from(kinds).flatmap(lambda kind: st.sampled_from(by_kind[kind]))
    chosen = draw(st.lists(one, min_size=1, max_size=max_size, unique_by=lambda o: _fact(o[0])))
    return [change for _, change in chosen]


# === watched worlds, for the live watcher ====================================================

#: The watcher's worlds: at most six states and two organisations, rules from 2000.
_WATCHED_STATES = STATE_CODES[:6]
_WATCHED_ORGS = ORG_CODES[:2]


@st.composite
def _watched_checks(draw: st.DrawFn, others: tuple[str, ...]) -> Check:
    named: list[Group] = ["members", *({"members_of": o} for o in others), list(_WATCHED_STATES[:3])]
    group = draw(st.sampled_from(named))
    options: list[Check] = [
        {"relations_with": group},
        {"recognized_by": group},
        {"no_conflict_with": group},
        {"status_in": ["observer", "partner"]},
        {"member_of": others[0]} if others else {"status_in": ["partner"]},
        {"region_in": ["Europe"]},
        {"not": {"sanctioned": True}},
        {"assessed": "stable"},
        {"any": [{"relations_with": group}, {"status_in": ["partner"]}]},
    ]
    return draw(st.sampled_from(options))


@st.composite
def watched_worlds(draw: st.DrawFn) -> World:
    """3-6 states, 1-2 organisations with one rule version each, and only their admissions as history."""
    states = _WATCHED_STATES[: draw(st.integers(3, len(_WATCHED_STATES)))]
    orgs = []
    history: list[Event] = []
    for k, code in enumerate(_WATCHED_ORGS[: draw(st.integers(1, 2))]):
        conditions = [
            {"id": f"{code.lower()}.c{j}", "text": "t", "check": draw(_watched_checks(_WATCHED_ORGS[:k]))}
            for j in range(draw(st.integers(1, 4)))
        ]
        decision = [{"by": "members", "pass": draw(st.sampled_from(["unanimity", "majority"]))}]
        version = {"valid_from": "2000-01-01", "conditions": conditions, "decision": decision}
        orgs.append({"code": code, "name": code, "statuses": ["member", "observer", "partner"], "versions": [version]})
        for state in draw(st.lists(st.sampled_from(states), unique=True, max_size=3)):
            history.append({"admit": state, "to": code, "as": "member", "on": "2000-01-01"})
    return {
        "default_relations": draw(st.sampled_from(["none", "established"])),
        "states": [{"code": s, "name": s, "region": draw(st.sampled_from(["Europe", "Asia"]))} for s in states],
        "organizations": orgs,
        "events": history,
    }


def event_streams(world: World) -> st.SearchStrategy[list[Event]]:
    """1-25 events of every verb about this world's states, some undated, with no regard for its history."""
    states = [s["code"] for s in world["states"]]
    orgs = [o["code"] for o in world["organizations"]]
    pair = st.lists(st.sampled_from(states), min_size=2, max_size=2, unique=True)
    state = st.sampled_from(states)
    org = st.sampled_from(orgs)
    day = st.sampled_from(["2010-01-01", "2015-06-01", "2020-01-01"])
    one = st.one_of(
        st.builds(lambda p, d: {"establish": p, "on": d}, pair, day),
        st.builds(lambda p, d: {"sever": p, "on": d}, pair, day),
        st.builds(lambda p, d: {"recognize": p[0], "by": p[1], "on": d}, pair, day),
        st.builds(
            lambda s, o, a, d: {"admit": s, "to": o, "as": a, "on": d},
            state,
            org,
            st.sampled_from(["member", "observer", "partner"]),
            day,
        ),
        st.builds(lambda s, o, d: {"leave": s, "from": o, "on": d}, state, org, day),
        st.builds(lambda p, d: {"conflict": p, "from": d}, pair, day),
        st.builds(lambda p, d: {"end_conflict": p, "on": d}, pair, day),
        st.builds(lambda s, d: {"sanction": s, "from": d}, state, day),
        st.builds(lambda s, d: {"lift_sanctions": s, "on": d}, state, day),
        st.builds(lambda p, o, v: {v: p[0], "by": p[1], "in": o}, pair, org, st.sampled_from(list(STANCES))),
        st.builds(lambda s, b: {"assess": "stable", "of": s, "as": b}, state, st.booleans()),
    )
    return st.lists(one, min_size=1, max_size=25)
