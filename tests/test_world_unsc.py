"""The Security Council of the bundled world, every term since 1946: checks a specialist would make.

The Council has 11 members from its first meeting (1946-01-17) to 1965-12-31 and 15 from 1966-01-01
(Charter art. 23 as amended in 1965), the five permanent members always among them; no elected member
sits more than two years in a row (art. 23(2): a retiring member is not immediately re-eligible); and a
UN admission recommended on a date the Council was complete is not blocked by the Council for want of
members. The dates checked are those where the composition changes (and the day before each), every
1 January and one probe a year: enough to see every composition, not every day.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta

import pytest

from engine.compiler.bitsets import bits
from engine.compiler.world import World
from engine.evaluation.join import join
from engine.models.events import Admit, Leave
from engine.reading.loader import load_world_folder
from engine.workspace import BUNDLED_WORLD, Workspace

FIRST_MEETING = date(1946, 1, 17)
ENLARGED = date(1966, 1, 1)  # art. 23 as amended (GA res. 1991 A (XVIII)), in force 1965-08-31
LAST_DAY = date(2026, 12, 31)  # the world's horizon is 2026-11-27: the Council is complete through this year
PERMANENT = ("CHN", "FRA", "GBR", "RUS", "USA")
HISTORICAL = {"YUG": date(1992, 4, 27), "CSK": date(1993, 1, 1), "DDR": date(1990, 10, 3)}

#: Dates on which the Council really had fewer members than its seats: the Latin American seat of
#: 1980-1981 was filled only on 1980-01-07, when Mexico was elected after 155 rounds.
SHORT = {date(1980, 1, 1) + timedelta(days=i): 14 for i in range(6)}

#: States that sat more than two consecutive years as elected members: none in the record.
CONSECUTIVE_EXCEPTIONS: dict[str, str] = {}


@pytest.fixture(scope="module")
def world(workspace: Workspace) -> World:
    return workspace.default


@pytest.fixture(scope="module")
def council_events() -> list[Admit | Leave]:
    inp = load_world_folder(BUNDLED_WORLD)
    return [
        e
        for e, _ in inp.events
        if (isinstance(e, Admit) and e.to == "UNSC") or (isinstance(e, Leave) and e.from_ == "UNSC")
    ]


def _code(event: Admit | Leave) -> str:
    return event.admit if isinstance(event, Admit) else event.leave


def _elected(events: list[Admit | Leave]) -> list[Admit | Leave]:
    return [e for e in events if _code(e) not in PERMANENT]


def _terms(events: list[Admit | Leave]) -> dict[str, list[tuple[date, date, Admit]]]:
    """Each elected member's seats as [first day, first day after) intervals, in order."""
    by_state: dict[str, list[Admit | Leave]] = defaultdict(list)
    for e in _elected(events):
        by_state[_code(e)].append(e)
    terms: dict[str, list[tuple[date, date, Admit]]] = {}
    for code, evs in by_state.items():
        evs.sort(key=lambda e: (e.on, isinstance(e, Admit)))
        seats: list[tuple[date, date, Admit]] = []
        open_admit: Admit | None = None
        for e in evs:
            assert e.on is not None
            if isinstance(e, Admit):
                assert open_admit is None, f"{code}: admitted on {e.on} while already a member"
                open_admit = e
            else:
                assert open_admit is not None, f"{code}: leaves on {e.on} unadmitted"
                assert open_admit.on is not None
                seats.append((open_admit.on, e.on, open_admit))
                open_admit = None
        assert open_admit is None, f"{code}: admitted on {open_admit.on if open_admit else ''} and never leaves"
        terms[code] = seats
    return terms


def _probe_dates(events: list[Admit | Leave]) -> list[date]:
    changes = {e.on for e in events if e.on is not None}
    days: set[date] = set()
    for d in changes:
        days.update((d, d - timedelta(days=1)))
    for year in range(1946, LAST_DAY.year + 1):
        days.update((date(year, 1, 1), date(year, 7, 1)))
    days.add(LAST_DAY)
    return sorted(d for d in days if FIRST_MEETING <= d <= LAST_DAY)


def _members(world: World, day: date) -> set[str]:
    return {world.codes[i] for i in bits(world.as_of(day).members("UNSC"))}


def test_the_council_has_its_full_size_on_every_date(world: World, council_events: list[Admit | Leave]) -> None:
    wrong = []
    for day in _probe_dates(council_events):
        seats = 11 if day < ENLARGED else 15
        expected = SHORT.get(day, seats)
        got = world.as_of(day).members("UNSC").bit_count()
        if got != expected:
            wrong.append(f"{day}: {got} members, expected {expected}: {sorted(_members(world, day))}")
    assert not wrong, "\n".join(wrong)


def test_the_first_council_and_the_enlarged_one(world: World) -> None:
    assert _members(world, FIRST_MEETING) == set(PERMANENT) | {"AUS", "BRA", "POL", "EGY", "MEX", "NLD"}
    assert world.as_of(date(1965, 12, 31)).members("UNSC").bit_count() == 11
    # 1966: the 1965-66 members, the two one-year seats of the enlargement and the 1966-67 members
    elected_1966 = {"JOR", "NLD", "URY", "NZL", "UGA", "ARG", "BGR", "JPN", "MLI", "NGA"}
    assert _members(world, ENLARGED) == set(PERMANENT) | elected_1966


def test_the_permanent_five_sit_on_every_date(world: World, council_events: list[Admit | Leave]) -> None:
    for day in _probe_dates(council_events):
        members = _members(world, day)
        assert set(PERMANENT) <= members, f"{day}: {sorted(set(PERMANENT) - members)} missing"


@pytest.mark.parametrize(
    ("day", "holder", "other"),
    [
        (date(1956, 6, 1), "YUG", "PHL"),
        (date(1957, 6, 1), "PHL", "YUG"),
        (date(1960, 6, 1), "POL", "TUR"),
        (date(1961, 6, 1), "TUR", "POL"),
        (date(1961, 6, 1), "LBR", "IRL"),
        (date(1962, 6, 1), "IRL", "LBR"),
        (date(1962, 6, 1), "ROU", "PHL"),
        (date(1963, 6, 1), "PHL", "ROU"),
        (date(1964, 6, 1), "CSK", "MYS"),
        (date(1965, 6, 1), "MYS", "CSK"),
        (date(2017, 6, 1), "ITA", "NLD"),
        (date(2018, 6, 1), "NLD", "ITA"),
    ],
)
def test_split_terms_give_each_holder_its_year(world: World, day: date, holder: str, other: str) -> None:
    members = _members(world, day)
    assert holder in members
    assert other not in members


def test_saudi_arabia_never_took_its_2014_seat(world: World) -> None:
    members = _members(world, date(2014, 6, 1))
    assert "SAU" not in members
    assert "JOR" in members


def test_every_elected_seat_is_sourced_and_says_its_term(council_events: list[Admit | Leave]) -> None:
    for e in _elected(council_events):
        assert e.source, f"{e.syntax()} has no source"
        assert e.confidence in {"high", "medium", "low"}, f"{e.syntax()} has no confidence"
        assert e.note, f"{e.syntax()} has no note"
    for code, seats in _terms(council_events).items():
        for start, end, admit in seats:
            note = admit.note or ""
            two = re.search(r"term (\d{4})-(\d{4})", note)
            one = re.search(r"for (\d{4}) only", note)
            assert two or one, f"{code} {start}: the note names no term: {note}"
            first, last = (int(two[1]), int(two[2])) if two else (int(one[1]), int(one[1]))  # type: ignore[index]
            assert start.year == first, f"{code}: admitted {start} for the term {first}-{last}"
            assert end == date(last + 1, 1, 1), f"{code}: leaves {end}, not the day after its {first}-{last} term"


def test_no_elected_member_sits_more_than_two_consecutive_years(council_events: list[Admit | Leave]) -> None:
    too_long = []
    for code, seats in _terms(council_events).items():
        spans: list[list[date]] = []
        for start, end, _ in seats:
            if spans and spans[-1][1] >= start:  # re-admitted on the day it left: one sitting
                spans[-1][1] = max(spans[-1][1], end)
            else:
                spans.append([start, end])
        for start, end in spans:
            if (end - start).days > 731 and code not in CONSECUTIVE_EXCEPTIONS:
                too_long.append(f"{code} sat from {start} to {end - timedelta(days=1)}")
    assert not too_long, "\n".join(too_long)


def test_every_elected_member_is_a_un_member_while_it_sits(world: World, council_events: list[Admit | Leave]) -> None:
    for code, seats in _terms(council_events).items():
        for start, end, _ in seats:
            for day in (start, end - timedelta(days=1)):
                un = world.as_of(day).status["UN"]["member"]
                assert un >> world.index[code] & 1, f"{code} sits on the Council on {day} but is no UN member"


def test_the_historical_states_are_declared_and_leave_the_un_when_they_end(world: World) -> None:
    records = {s.code: s for s, _ in load_world_folder(BUNDLED_WORLD).states}
    for code, dissolved in HISTORICAL.items():
        assert records[code].dissolved == dissolved, code
        assert records[code].source, code
        before = world.as_of(dissolved - timedelta(days=1)).status["UN"]["member"]
        after = world.as_of(dissolved).status["UN"]["member"]
        assert before >> world.index[code] & 1, f"{code} is no UN member the day before it ends"
        assert not after >> world.index[code] & 1, f"{code} is still a UN member on {dissolved}"
    assert "YUG" in _members(world, date(1950, 6, 1))
    assert "CSK" in _members(world, date(1964, 6, 1))
    assert "DDR" in _members(world, date(1980, 6, 1))


@pytest.mark.parametrize(
    ("state", "day"),
    [
        ("SSD", date(2011, 7, 13)),  # Council recommendation of South Sudan
        ("MNE", date(2006, 6, 27)),  # Council recommendation of Montenegro (admitted 2006-06-28)
        ("BRN", date(1984, 9, 1)),  # Brunei, admitted 1984-09-21: a 15-member Council of 1984
        ("JPN", date(1956, 12, 12)),  # Japan, recommended by the 11 members of 1956 (res. 121), the veto lifted
    ],
)
def test_an_admission_is_not_blocked_by_the_council(world: World, state: str, day: date) -> None:
    verdict = join(world, state, "UN", day, assume="support", remedies=False)
    assert verdict.verdict != "member", f"{state} is already a UN member on {day}"
    assert "security_council" not in {f.stage for f in verdict.blocked_by}
    council = next(s for s in verdict.decision.stages if s.name == "security_council")
    assert council.outcome == "passes", f"{state} on {day}: the Council stage {council.outcome}"
