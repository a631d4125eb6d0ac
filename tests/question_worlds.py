"""Small, valid inline worlds for the question-kind laws (``order``, ``impact``, ``leverage``,
``earliest``), with just enough bookkeeping to know every fact on any date.

A generated world is a ``Gen``: the inline world dict (``Gen.data``, exactly what a scenario's
``world:`` holds) plus the same history kept fact by fact, so a test can ask which pairs have
relations on a date, who recognises whom, who holds which status, and propose what-if changes that
cannot contradict the history. Every fact's events fall on distinct dates and alternate as the
SPEC requires (establish/sever, recognize/withdraw, never an admit to the status already held).

Nothing here is imported from ``engine`` or from the other test helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations
from typing import Any

from hypothesis import strategies as st

__all__ = [
    "STATES",
    "Gen",
    "change_options",
    "gen_changes",
    "gen_worlds",
    "iso",
    "scenario",
]

STATES = ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF")
ORGS = ("ORA", "ORB")
REGIONS = ("Asia", "Europe", "Africa")
STATUSES = ("member", "observer", "partner")
KEYS = ("democracy", "stability")
STANCES = ("support", "oppose", "abstain")


def iso(day: date) -> str:
    return day.isoformat()


def pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


# --- the generated world --------------------------------------------------------------------


@dataclass
class Gen:
    """An inline world and its history, fact by fact (each list sorted by date)."""

    codes: tuple[str, ...]
    regions: dict[str, str]
    orgs: list[dict[str, Any]]
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

    def events(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for (a, b), steps in self.rel.items():
            out += [{verb: [a, b], "on": iso(d)} for d, verb in steps]
        for (by, of), steps in self.rec.items():
            out += [{verb: of, "by": by, "on": iso(d)} for d, verb in steps]
        for (s, org), steps in self.status.items():
            for d, status in steps:
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
    def data(self) -> dict[str, Any]:
        return {
            "default_relations": self.default_relations,
            "states": [{"code": c, "name": f"State {c}", "region": self.regions[c]} for c in self.codes],
            "organizations": self.orgs,
            "events": self.events(),
        }

    def dates(self) -> list[date]:
        """Every date the world names: events, interval ends, rule versions."""
        out: list[date] = []
        for steps in (*self.rel.values(), *self.rec.values(), *self.status.values()):
            out += [d for d, _ in steps]
        for start, end in (*self.conflicts.values(), *self.sanctions.values()):
            out += [start] + ([end] if end else [])
        out += [p[4] for p in self.positions] + [a[3] for a in self.assessments]
        for o in self.orgs:
            out += [date.fromisoformat(v["valid_from"]) for v in o["versions"]]
        return out

    # --- facts on a date (history applied up to and including the date) ------------------

    def relations(self, a: str, b: str, on: date) -> bool:
        steps = self.rel.get(pair(a, b))
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
        found = self.conflicts.get(pair(a, b))
        return found is not None and found[0] <= on and (found[1] is None or on < found[1])

    def sanctioned(self, s: str, on: date) -> bool:
        found = self.sanctions.get(s)
        return found is not None and found[0] <= on and (found[1] is None or on < found[1])


# --- rules ------------------------------------------------------------------------------------


def _pick(*options: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.integers(0, len(options) - 1).flatmap(options.__getitem__)


def _group(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[Any]:
    options = [
        st.just("members"),
        st.just("members"),
        st.sampled_from((own, *earlier)).map(lambda o: {"members_of": o}),
        st.lists(st.sampled_from(codes), min_size=1, max_size=2, unique=True),
    ]
    if earlier:  # another organisation's members: admissions there reach this one's applicants
        options.append(st.sampled_from(earlier).map(lambda o: {"members_of": o}))
    return _pick(*options)


def _check(codes: tuple[str, ...], own: str, earlier: tuple[str, ...], depth: int) -> st.SearchStrategy[Any]:
    grp = _group(codes, own, earlier)
    statuses = st.lists(st.sampled_from(STATUSES), min_size=1, max_size=2, unique=True)
    # Relations, recognition and conflict checks are what orders, leverage and most earliest
    # dates turn on: they come up most; the checks about the applicant alone less often.
    relational = [
        grp.map(lambda g: {"relations_with": g}),
        grp.map(lambda g: {"relations_with": g}),
        grp.map(lambda g: {"relations_with": g}),
        grp.map(lambda g: {"recognized_by": g}),
        grp.map(lambda g: {"recognized_by": g}),
        grp.map(lambda g: {"no_conflict_with": g}),
        grp.map(lambda g: {"no_conflict_with": g}),
        st.just({"sanctioned": False}),
    ]
    own_facts = [
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
    inner = _check(codes, own, earlier, depth - 1)
    parts = st.lists(inner, min_size=1, max_size=2)
    combined = _pick(parts.map(lambda p: {"all": p}), parts.map(lambda p: {"any": p}), inner.map(lambda c: {"not": c}))
    return _pick(leaf, leaf, leaf, leaf, leaf, leaf, leaf, leaf, combined)


def _stage(codes: tuple[str, ...], own: str, earlier: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    rule = _pick(
        st.just("unanimity"),
        st.just("majority"),
        st.just("two_thirds"),
        st.integers(1, 2).map(lambda n: {"at_least": n}),
    )
    grp = _group(codes, own, earlier)

    def build(by: Any, rule: Any, veto: Any) -> dict[str, Any]:
        return {"by": by, "pass": rule, **({"veto": veto} if veto is not None else {})}

    return st.builds(build, grp, rule, _pick(st.none(), st.none(), st.none(), grp))


@st.composite
def _org(
    draw: st.DrawFn,
    code: str,
    codes: tuple[str, ...],
    earlier: tuple[str, ...],
    first: date,
    days: st.SearchStrategy[date],
) -> dict[str, Any]:
    starts = [first]
    if draw(st.integers(0, 3)) == 0:
        second = draw(days)
        if second > first:
            starts.append(second)
    versions = []
    for start in starts:
        checks = [draw(_check(codes, code, earlier, 1)) for _ in range(draw(st.integers(1, 3)))]
        if earlier and draw(st.booleans()):
            # Often a rule reads another organisation's members (as the SCO's read the UN's):
            # admissions there then move verdicts here.
            verb = draw(st.sampled_from(("relations_with", "recognized_by", "no_conflict_with")))
            checks[0] = {verb: {"members_of": draw(st.sampled_from(earlier))}}
        conditions = [
            {"id": f"{code.lower()}.c{k}", "text": f"condition {k}", "check": check} for k, check in enumerate(checks)
        ]
        decision = draw(st.lists(_stage(codes, code, earlier), max_size=draw(st.sampled_from((0, 1, 1, 2)))))
        versions.append({"valid_from": iso(start), "conditions": conditions, "decision": decision})
    return {"code": code, "name": f"Organisation {code}", "statuses": list(STATUSES), "versions": versions}


# --- history ----------------------------------------------------------------------------------


def _distinct_days(days: st.SearchStrategy[date], lo: int, hi: int) -> st.SearchStrategy[list[date]]:
    return st.lists(days, min_size=lo, max_size=hi, unique=True).map(sorted)


@st.composite
def gen_worlds(
    draw: st.DrawFn,
    *,
    states: tuple[int, int] = (3, 5),
    orgs: tuple[int, int] = (1, 2),
    first: date = date(2000, 1, 1),
    last: date = date(2004, 12, 31),
    any_day: bool = False,
) -> Gen:
    """A world of a few states and organisations, its events dated in [first, last].

    Dates are the first of January or of July unless ``any_day``, which draws any day of the span.
    """
    if any_day:
        days = st.dates(first, last)
    else:
        choices = sorted(
            d for y in range(first.year, last.year + 1) for d in (date(y, 1, 1), date(y, 7, 1)) if first <= d <= last
        )
        days = st.sampled_from(choices)
    codes = STATES[: draw(st.integers(*states))]
    org_codes = ORGS[: draw(st.integers(*orgs) | st.just(orgs[1]))]  # the most organisations, often
    regions = {c: draw(st.sampled_from(REGIONS)) for c in codes}
    rulebooks = [draw(_org(code, codes, org_codes[:k], first, days)) for k, code in enumerate(org_codes)]
    gen = Gen(codes, regions, rulebooks, draw(st.sampled_from(("none", "none", "established"))))
    pairs = list(combinations(codes, 2))

    for p in draw(st.lists(st.sampled_from(pairs), max_size=len(pairs), unique=True)):
        verb = draw(st.sampled_from(("establish", "establish", "sever")))
        steps = []
        for d in draw(_distinct_days(days, 1, 3)):
            steps.append((d, verb))
            verb = "sever" if verb == "establish" else "establish"
        gen.rel[p] = steps
    directed = [(a, b) for a in codes for b in codes if a != b]
    for key in draw(st.lists(st.sampled_from(directed), max_size=4, unique=True)):
        verb = "recognize"
        steps = []
        for d in draw(_distinct_days(days, 1, 2)):
            steps.append((d, verb))
            verb = "withdraw_recognition" if verb == "recognize" else "recognize"
        gen.rec[key] = steps
    holders = [(s, o) for s in codes for o in org_codes]
    for key in draw(st.lists(st.sampled_from(holders), max_size=len(holders), unique=True)):
        held: str | None = None
        steps_s: list[tuple[date, str | None]] = []
        for d in draw(_distinct_days(days, 1, 3)):
            options: list[str | None] = [s for s in STATUSES if s != held]
            if held is not None:
                options.append(None)
            held = draw(st.sampled_from(options))
            steps_s.append((d, held))
        gen.status[key] = steps_s
    for p in draw(st.lists(st.sampled_from(pairs), max_size=3, unique=True)):
        start, end = draw(_interval(days))
        gen.conflicts[p] = (start, end)
    for s in draw(st.lists(st.sampled_from(codes), max_size=3, unique=True)):
        gen.sanctions[s] = draw(_interval(days))
    for _ in range(draw(st.integers(0, 4))):
        s, by = draw(st.sampled_from(directed))
        gen.positions.append((draw(st.sampled_from(STANCES)), s, by, draw(st.sampled_from(org_codes)), draw(days)))
    for key, s in draw(st.lists(st.tuples(st.sampled_from(KEYS), st.sampled_from(codes)), max_size=3, unique=True)):
        gen.assessments.append((key, s, draw(st.booleans()), draw(days)))
    return gen


@st.composite
def _interval(draw: st.DrawFn, days: st.SearchStrategy[date]) -> tuple[date, date | None]:
    start = draw(days)
    end = draw(st.none() | days)
    if end is not None and end <= start:
        end = None if end == start else start + (start - end)
    return start, end


# --- what-if changes --------------------------------------------------------------------------


def change_options(gen: Gen, on: date, dated: bool = False) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Every single change that is valid on ``on``, keyed by the fact it touches.

    With ``dated`` the change carries ``on`` explicitly (or ``from`` for intervals).
    """
    stamp = {"on": iso(on)} if dated else {}
    start = {"from": iso(on)} if dated else {}
    out: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    for a, b in combinations(gen.codes, 2):
        verb = "sever" if gen.relations(a, b, on) else "establish"
        out.append((("rel", a, b), {verb: [a, b], **stamp}))
        if gen.in_conflict(a, b, on):
            out.append((("conflict", a, b), {"end_conflict": [a, b], **stamp}))
        elif pair(a, b) not in gen.conflicts or gen.conflicts[pair(a, b)][0] > on:
            out.append((("conflict", a, b), {"conflict": [a, b], **start}))
    for by in gen.codes:
        for of in gen.codes:
            if by != of:
                verb = "withdraw_recognition" if gen.explicit_recognition(by, of, on) else "recognize"
                out.append((("rec", by, of), {verb: of, "by": by, **stamp}))
    for s in gen.codes:
        for org in gen.org_codes:
            held = gen.status_of(s, org, on)
            for status in STATUSES:
                if status != held:
                    kind = "member" if status == "member" else "status"
                    out.append(((kind, s, org), {"admit": s, "to": org, "as": status, **stamp}))
            if held is not None:
                out.append((("status", s, org), {"leave": s, "from": org, **stamp}))
            for by in gen.codes:
                if by != s:
                    for stance in STANCES:
                        out.append((("pos", s, by, org), {stance: s, "by": by, "in": org, **stamp}))
        if gen.sanctioned(s, on):
            out.append((("sanction", s), {"lift_sanctions": s, **stamp}))
        elif s not in gen.sanctions or gen.sanctions[s][0] > on:
            out.append((("sanction", s), {"sanction": s, **start}))
        for key in KEYS:
            for value in (True, False):
                out.append((("assess", key, s), {"assess": key, "of": s, "as": value, **stamp}))
    return out


def _fact(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """The fact a change is about (an admission as member and as anything else: one status)."""
    return ("status", *key[1:]) if key[0] == "member" else key


@st.composite
def gen_changes(
    draw: st.DrawFn, gen: Gen, on: date, max_size: int = 3, dated: bool | None = None
) -> list[dict[str, Any]]:
    """1..max_size valid changes dated ``on`` (explicitly when ``dated``), each about a different fact."""
    options = change_options(gen, on, dated=draw(st.booleans()) if dated is None else dated)
    by_kind: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
    for option in options:
        by_kind.setdefault(option[0][0], []).append(option)
    # Kinds of fact weighted by how often rules read them (stances and assessments would otherwise
    # dominate, by sheer number).
    weight = {"rel": 4, "member": 3, "status": 2, "rec": 2}
    kinds = [kind for kind in sorted(by_kind) for _ in range(weight.get(kind, 1))]
    one = st.sampled_from(kinds).flatmap(lambda kind: st.sampled_from(by_kind[kind]))
    chosen = draw(st.lists(one, min_size=1, max_size=max_size, unique_by=lambda o: _fact(o[0])))
    return [change for _, change in chosen]


def scenario(
    gen: Gen,
    as_of: date,
    questions: list[dict[str, Any]],
    *,
    assume: str = "unknown",
    changes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {
        "scenario": "generated",
        "world": gen.data,
        "as_of": iso(as_of),
        "assume": assume,
        "changes": changes or [],
        "questions": questions,
    }


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]
