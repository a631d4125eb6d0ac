"""The audit's corrections to the bundled world, each pinned so that undoing it fails a test.

Sources are in the events themselves (fixtures/world/events/...); the comments here say which
event a test pins. Membership counts are the ones the world reproduces on dates a specialist
would check; where the world cannot reproduce the textbook figure, the comment says why.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.compiler.context import OrgContext
from engine.compiler.world import World
from engine.evaluation.join import join
from engine.reading.loader import load_world_folder
from engine.workspace import BUNDLED_WORLD, Workspace


@pytest.fixture(scope="module")
def world(workspace: Workspace) -> World:
    return workspace.default


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def status(world: World, state: str, org: str, on: str) -> str | None:
    held, _ = OrgContext(world.as_of(d(on)), org).status_of(world.index[state], org)
    return held


def relations(world: World, a: str, b: str, on: str) -> bool:
    snap = world.as_of(d(on))
    return bool(snap.rel[world.index[a]] >> world.index[b] & 1)


def in_conflict(world: World, a: str, b: str, on: str) -> bool:
    snap = world.as_of(d(on))
    return bool(snap.conflict[world.index[a]] >> world.index[b] & 1)


# --- 1. OIC: Syria readmitted on 2025-03-07; join years checked against the OIC list


def test_syria_is_back_in_the_oic_from_2025_03_07(world: World) -> None:
    syr = world.index["SYR"]
    assert not world.as_of(d("2025-03-06")).members("OIC") >> syr & 1
    assert status(world, "SYR", "OIC", "2025-03-06") == "suspended"
    assert world.as_of(d("2025-03-07")).members("OIC") >> syr & 1
    assert join(world, "SYR", "OIC", d("2025-03-07"), remedies=False).verdict == "member"


@pytest.mark.parametrize("state", ["ARE", "BHR", "OMN", "QAT", "SYR"])
def test_gulf_states_and_syria_join_the_oic_in_1972_as_the_oic_list_says(world: World, state: str) -> None:
    # The OIC list gives 1972 (Wikipedia 1970); the UAE did not exist before 1971-12-02.
    assert status(world, state, "OIC", "1971-12-31") is None
    assert status(world, state, "OIC", "1972-01-01") == "member"


def test_azerbaijan_joins_the_oic_at_the_dakar_summit(world: World) -> None:
    assert status(world, "AZE", "OIC", "1991-12-07") is None
    assert status(world, "AZE", "OIC", "1991-12-08") == "member"


def test_oic_year_level_dates_say_so() -> None:
    admits = [
        e for e, where in load_world_folder(BUNDLED_WORLD).events
        if str(where.doc.file).endswith("OIC.yaml") and e.verb == "admit" and e.when is not None
        and e.when.month == 1 and e.when.day == 1
    ]  # fmt: skip
    assert admits
    assert all(e.precision == "year" for e in admits), [e.syntax() for e in admits if e.precision != "year"]


# --- 2. AU: suspensions before 2009 (and the other unrecorded ones) with their readmissions


@pytest.mark.parametrize(
    ("state", "on", "held"),
    [
        ("CAF", "2003-03-16", "member"),
        ("CAF", "2003-03-17", "suspended"),  # Central Organ, after the coup of 2003-03-15
        ("CAF", "2005-06-01", "member"),  # lifted June 2005 (precision: month)
        ("TGO", "2005-02-24", "member"),
        ("TGO", "2005-02-25", "suspended"),
        ("TGO", "2005-05-27", "member"),
        ("MRT", "2005-08-04", "suspended"),
        ("MRT", "2007-04-10", "member"),
        ("MRT", "2008-08-09", "suspended"),
        ("MRT", "2009-06-29", "member"),
        ("GIN", "2008-12-29", "suspended"),
        ("GIN", "2010-12-09", "member"),
        ("GIN", "2021-09-10", "suspended"),
        ("GIN", "2026-01-21", "suspended"),
        ("GIN", "2026-01-22", "member"),  # PSC 1325th meeting
        ("NER", "2010-02-19", "suspended"),
        ("NER", "2011-03-16", "member"),
        ("CIV", "2010-12-09", "suspended"),
        ("CIV", "2011-04-21", "member"),
        ("MLI", "2012-03-23", "suspended"),
        ("MLI", "2012-10-24", "member"),
        ("MLI", "2020-08-19", "suspended"),
        ("MLI", "2020-10-09", "member"),
        ("MLI", "2021-06-01", "suspended"),
        ("GNB", "2012-04-17", "suspended"),
        ("GNB", "2014-06-17", "member"),
        ("BFA", "2015-09-18", "suspended"),
        ("BFA", "2015-09-26", "member"),
        ("SDN", "2019-06-06", "suspended"),
        ("SDN", "2019-09-06", "member"),
        ("MDG", "2009-03-20", "suspended"),
        ("MDG", "2014-01-27", "member"),
    ],
)
def test_au_suspensions_and_readmissions(world: World, state: str, on: str, held: str) -> None:
    assert status(world, state, "AU", on) == held


def test_a_suspended_au_state_is_not_a_member_and_does_not_count(world: World) -> None:
    assert join(world, "MRT", "AU", d("2006-01-01"), remedies=False).verdict != "member"
    snap = world.as_of(d("2005-03-01"))  # CAF and TGO suspended
    assert snap.status["AU"]["suspended"].bit_count() == 2
    assert snap.members("AU").bit_count() == 51


# --- 3. EU/EEC applications before 1987 (the French vetoes are positions, not written here)


@pytest.mark.parametrize(
    ("state", "on", "held"),
    [
        ("IRL", "1961-07-31", "applicant"),
        ("GBR", "1961-08-09", None),
        ("GBR", "1961-08-10", "applicant"),
        ("DNK", "1961-08-10", "applicant"),
        ("NOR", "1962-04-30", "applicant"),
        ("GBR", "1963-01-28", "applicant"),
        ("GBR", "1963-01-29", None),  # Brussels negotiations broken off
        ("NOR", "1963-01-29", None),
        ("GBR", "1967-05-11", "applicant"),
        ("IRL", "1967-05-11", "applicant"),
        ("DNK", "1967-05-11", "applicant"),
        ("NOR", "1967-07-24", "applicant"),
        ("GBR", "1967-12-20", "applicant"),  # the 1967 applications stayed on the table
        ("GBR", "1973-01-01", "member"),
        ("NOR", "1972-09-25", "applicant"),
        ("NOR", "1972-09-26", None),  # referendum of 1972-09-24/25
        ("GRC", "1975-06-12", "applicant"),
        ("GRC", "1981-01-01", "member"),
        ("PRT", "1977-03-28", "applicant"),
        ("ESP", "1977-07-28", "applicant"),
        ("NOR", "1992-11-25", "applicant"),
        ("NOR", "1994-11-28", "applicant"),
        ("NOR", "1994-11-29", None),  # referendum of 1994-11-27/28
    ],
)
def test_eec_applications(world: World, state: str, on: str, held: str | None) -> None:
    assert status(world, state, "EU", on) == held


@pytest.mark.parametrize(("on", "count"), [("1962-06-01", 4), ("1963-02-01", 0), ("1968-01-01", 4), ("1973-01-01", 0)])
def test_eec_applicant_counts(world: World, on: str, count: int) -> None:
    assert world.as_of(d(on)).status["EU"].get("applicant", 0).bit_count() == count


# --- 4. Conflicts


@pytest.mark.parametrize(
    ("a", "b", "on", "fighting"),
    [
        ("THA", "KHM", "2025-12-07", False),
        ("THA", "KHM", "2025-12-08", True),
        ("THA", "KHM", "2025-12-27", True),  # ceasefire at noon on the 27th
        ("THA", "KHM", "2025-12-28", False),
        ("THA", "KHM", "2025-07-24", True),
        ("THA", "KHM", "2025-07-28", True),
        ("THA", "KHM", "2025-07-29", False),
        ("ARM", "AZE", "2021-05-13", False),  # Sev Lich standoff, no fighting
        ("ARM", "AZE", "2021-11-16", True),
        ("ARM", "AZE", "2021-11-17", False),
        ("ARM", "AZE", "2022-09-13", True),
        ("ARM", "AZE", "2022-09-14", True),
        ("ARM", "AZE", "2022-09-15", False),
        ("ARM", "AZE", "2020-09-27", True),
        ("ARM", "AZE", "2020-11-09", True),
        ("ARM", "AZE", "2020-11-10", False),
        ("USA", "VEN", "2026-01-03", True),
    ],
)
def test_conflicts(world: World, a: str, b: str, on: str, fighting: bool) -> None:
    assert in_conflict(world, a, b, on) is fighting
    assert in_conflict(world, b, a, on) is fighting


# --- 5-7. Relations


@pytest.mark.parametrize(
    ("a", "b", "on", "held"),
    [
        # Niger-Israel: cut January 1973 (not 1973-12-31), restored 1996, cut again 2002-04-21
        ("NER", "ISR", "1972-12-31", True),
        ("NER", "ISR", "1973-06-01", False),
        ("NER", "ISR", "1996-09-30", False),
        ("NER", "ISR", "1999-01-01", True),
        ("NER", "ISR", "2002-04-20", True),
        ("NER", "ISR", "2002-04-21", False),
        # Saudi Arabia-Iran: resumed on 2023-04-06, not on the day of the Beijing agreement
        ("SAU", "IRN", "2016-01-02", True),
        ("SAU", "IRN", "2016-01-03", False),
        ("SAU", "IRN", "2023-03-10", False),
        ("SAU", "IRN", "2023-04-05", False),
        ("SAU", "IRN", "2023-04-06", True),
        # recent ruptures and restorations
        ("PER", "MEX", "2025-11-02", True),
        ("PER", "MEX", "2025-11-03", False),
        ("PAN", "VEN", "2024-07-28", True),
        ("PAN", "VEN", "2024-07-29", False),
        ("PAN", "VEN", "2026-01-01", False),  # consular services only since 2025-09-01
        ("PER", "VEN", "2024-07-30", False),
        ("ARG", "VEN", "2025-01-01", True),  # diplomats withdrawn, relations not severed
        ("CHL", "VEN", "2025-01-01", True),
        ("PRY", "VEN", "2019-01-10", False),
        ("PRY", "VEN", "2023-11-15", True),
        ("PRY", "VEN", "2025-01-05", True),
        ("PRY", "VEN", "2025-01-06", False),
        ("BWA", "PRK", "2014-02-18", True),
        ("BWA", "PRK", "2014-02-19", False),
        ("NIC", "ECU", "2024-04-06", False),
        ("MEX", "ECU", "2024-04-05", False),
        ("MDV", "IRN", "2023-09-21", False),
        ("MDV", "IRN", "2023-09-22", True),
        ("DZA", "MAR", "2021-08-23", True),
        ("DZA", "MAR", "2021-08-24", False),
        ("TUR", "ISR", "2025-01-01", True),  # Erdogan's 2024-11-13 statement is not a recorded severance
    ],
)
def test_relations(world: World, a: str, b: str, on: str, held: bool) -> None:
    assert relations(world, a, b, on) is held
    assert relations(world, b, a, on) is held


# --- Membership counts on checkpoint dates


@pytest.mark.parametrize(
    ("org", "on", "count"),
    [
        ("NATO", "1949-08-24", 12),
        ("NATO", "1952-02-18", 14),
        ("NATO", "1955-05-06", 15),
        ("NATO", "1982-05-30", 16),
        ("NATO", "1999-03-12", 19),
        ("NATO", "2004-03-29", 26),
        ("NATO", "2009-04-01", 28),
        ("NATO", "2017-06-05", 29),
        ("NATO", "2020-03-27", 30),
        ("NATO", "2023-04-04", 31),
        ("NATO", "2024-03-07", 32),
        ("EU", "1958-01-01", 6),
        ("EU", "1973-01-01", 9),
        ("EU", "1981-01-01", 10),
        ("EU", "1986-01-01", 12),
        ("EU", "1995-01-01", 15),
        ("EU", "2004-05-01", 25),
        ("EU", "2007-01-01", 27),
        ("EU", "2013-07-01", 28),
        ("EU", "2020-01-31", 28),
        ("EU", "2020-02-01", 27),
        # The UN dates each founder from its ratification: 29 had ratified by 1945-10-24 (the Charter's entry
        # into force), all 51 by 1945-12-27 (Czechoslovakia and Yugoslavia as the dissolved states CSK, YUG).
        ("UN", "1945-10-24", 29),
        ("UN", "1945-12-27", 51),
        ("UN", "2011-07-13", 192),
        ("UN", "2011-07-14", 193),
        ("AU", "1963-05-25", 32),
        ("AU", "2017-01-29", 54),
        ("AU", "2017-01-30", 55),  # Morocco back; 55 with the SADR (ESH)
        ("AU", "2026-01-01", 48),  # 7 suspended: MLI, GIN, SDN, BFA, NER, MDG, GNB
        ("AU", "2026-01-22", 49),  # Guinea readmitted
        ("OIC", "2025-03-06", 56),
        ("OIC", "2025-03-07", 57),  # Syria back
        ("OIC", "2026-01-01", 57),
        ("OECD", "1961-09-30", 19),  # Italy deposited on 1962-03-29
        ("OECD", "1962-03-29", 20),
        ("OECD", "2021-05-25", 38),
        ("ASEAN", "1967-08-08", 5),
        ("ASEAN", "1999-04-30", 10),
        ("ASEAN", "2025-10-26", 11),
        ("COE", "1949-08-03", 10),
        ("COE", "2026-01-01", 46),
        ("ARAB_LEAGUE", "1945-05-10", 7),
        ("ARAB_LEAGUE", "2026-01-01", 22),
        ("COMMONWEALTH", "1949-04-28", 8),
    ],
)
def test_membership_counts_on_checkpoints(world: World, org: str, on: str, count: int) -> None:
    assert world.as_of(d(on)).members(org).bit_count() == count


@pytest.mark.parametrize(
    ("org", "on", "held"), [("AU", "2026-01-01", 7), ("OIC", "2025-03-06", 1), ("OIC", "2026-01-01", 0)]
)
def test_suspended_counts(world: World, org: str, on: str, held: int) -> None:
    assert world.as_of(d(on)).status[org].get("suspended", 0).bit_count() == held
