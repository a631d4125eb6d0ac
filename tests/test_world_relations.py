"""Checks a specialist would run on the bundled world's diplomatic relations (the default is "established").

Relations are established by default among states, so a missing exception silently reads as relations:
these tests pin the documented exceptions (events/relations.yaml, events/never-established.yaml) to the
numbers the sources give, and catch a state that lost nearly all its relations by mistake.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.compiler.bitsets import bits
from engine.compiler.world import World
from engine.workspace import Workspace

ON = date(2026, 11, 1)

#: States allowed to have relations with fewer than MIN_PARTNERS others, each for a documented reason.
FEW_PARTNERS = {
    "BTN": "relations with ~58 states only (Bhutan MFA, 2025-10); never_established lists the others",
    "PRK": "~32 UN members never had or cut relations with the DPRK",
    "ISR": "~28 UN members do not recognise Israel, a few more cut relations",
    "TWN": "12 partners (default none)",
    "XKX": "relations only with part of its recognisers (default none)",
    "PSE": "default none: its bilateral relations are not recorded yet",
    "ESH": "default none: the SADR's relations are few and contested",
    "HKG": "a customs territory without diplomatic relations of its own",
    "MAC": "a customs territory without diplomatic relations of its own",
}
#: Every other state keeps relations with at least this many others (the most isolated UN member outside the
#: allow-list today is Chile, ~179, after its ~15 documented gaps; the Holy See has ~181).
MIN_PARTNERS = 175


@pytest.fixture(scope="module")
def world() -> World:
    return Workspace().default


def _partners(world: World, code: str, mask: int | None = None) -> set[str]:
    """The states `code` has relations with on ON (itself excluded), optionally within `mask`."""
    i = world.index[code]
    rel = world.as_of(ON).rel[i] & ~(1 << i)
    if mask is not None:
        rel &= mask
    return {world.codes[j] for j in bits(rel)}


def _un_members(world: World) -> int:
    return world.as_of(ON).status["UN"]["member"]


def test_bhutan_has_relations_with_50_to_60_un_members(world: World) -> None:
    # MFA 2025-10-10: the Philippines is the 58th country; 54 are identified, the rest default to none.
    partners = _partners(world, "BTN", _un_members(world))
    assert 50 <= len(partners) <= 60, len(partners)
    assert {"IND", "BGD", "JPN", "KOR", "ISR", "DEU", "SAU", "LSO", "PHL"} <= partners
    assert not partners & {"CHN", "FRA", "GBR", "RUS", "USA"}  # no relations with any of the P5


def test_the_dprk_never_established_relations_with_at_least_26_un_members(world: World) -> None:
    # Wikipedia (June 2012) and koryojournal (2017-10) agree on 26 UN members; KOR is one of them.
    prk = world.index["PRK"]
    un = _un_members(world)
    never = {code for key in world.facts.never for code in key[1:] if "PRK" in key[1:] and code != "PRK"}
    assert len({c for c in never if un >> world.index[c] & 1}) >= 26
    assert {"KOR", "JPN", "USA", "FRA", "EST", "SAU"} <= never
    assert world.as_of(ON).rel[prk] >> world.index["RUS"] & 1


def test_the_dprk_lacks_relations_with_at_least_30_un_members(world: World) -> None:
    # 31: the 26 that never had relations, and the severances MYS 2021, UKR 2022, BWA 2014, ARG 1977, IRQ 1980.
    # Chile, "terminated" on the 2012/2017 lists, restored relations in 1992.
    un = _un_members(world)
    lacking = un.bit_count() - 1 - len(_partners(world, "PRK", un))
    assert lacking >= 30, lacking


def test_israel_and_the_holy_see_lack_relations_with_the_documented_number(world: World) -> None:
    un = _un_members(world)
    # Israel: 28 non-recognising UN members (2024) plus the states that cut relations (BLZ, COL, NIC, ...).
    assert 28 <= un.bit_count() - 1 - len(_partners(world, "ISR", un)) <= 36
    # The Holy See: 12 states without relations (aleteia 2024-01) plus Nicaragua's 2023 suspension.
    assert 12 <= un.bit_count() - len(_partners(world, "VAT", un)) <= 15


def test_every_never_established_pair_names_its_source_and_confidence(world: World) -> None:
    assert world.facts.never, "never-established.yaml was not loaded"
    for (_, a, b), record in world.facts.never.items():
        assert record.source, f"{a}-{b} has no source"
        assert record.confidence in ("high", "medium", "low"), f"{a}-{b} has no confidence"
        if record.confidence != "high":
            assert record.note, f"{a}-{b}: a medium or low entry must say why in its note"


def test_a_never_established_pair_has_no_relations_before_its_first_establishment(world: World) -> None:
    for key in world.facts.never:
        _, a, b = key
        history = world.facts.history.get(key, ())
        first = min((p.on for p in history if p.event.verb == "establish"), default=None)
        day = date(1990, 1, 1) if first is None or first > date(1990, 1, 1) else None
        if day is not None:
            assert not world.as_of(day).rel[world.index[a]] >> world.index[b] & 1, f"{a}-{b} on {day}"
        if first is None:
            assert b not in _partners(world, a), f"{a}-{b} on {ON}"


def test_no_state_loses_nearly_all_its_relations_unless_documented(world: World) -> None:
    few = {code: len(_partners(world, code)) for code in world.codes}
    below = {code: n for code, n in few.items() if n < MIN_PARTNERS and code not in FEW_PARTNERS}
    assert not below, f"unexpectedly few partners (add the state to FEW_PARTNERS with a reason, or fix it): {below}"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("ARM", "AZE", False),  # never established (peace text initialled 2025, unsigned)
        ("ARM", "TUR", False),  # Turkey recognises Armenia, no relations
        ("ARM", "PAK", True),  # established 2025-08-31
        ("KOR", "PRK", False),
        ("VAT", "TUV", False),  # apostolic delegation for the Pacific only
        ("VAT", "OMN", True),  # established 2023-02-23
        ("BTN", "IND", True),
        ("BTN", "MEX", False),
        ("ISR", "SAU", False),
        ("ISR", "ARE", True),  # Abraham Accords 2020
        ("PRK", "ARG", False),  # severed 1977-06-14
        ("PRK", "CHL", True),  # broken 1973, restored 1992-09-25
        ("CHL", "BOL", False),  # broken 1978-03-17, not restored
        ("VAT", "MMR", True),  # established 2017-05-04
        ("XKX", "BHS", True),  # established with recognition 2025-12-19
        ("XKX", "KEN", False),  # recognised 2025-03-26, relations not yet established
    ],
)
def test_spot_checks(world: World, a: str, b: str, expected: bool) -> None:
    assert (b in _partners(world, a)) is expected


@pytest.mark.parametrize(
    ("a", "b", "before", "after"),
    [
        ("BTN", "IND", date(1967, 12, 31), date(1968, 1, 14)),
        ("BTN", "JPN", date(1986, 3, 27), date(1986, 3, 28)),
        ("BTN", "PHL", date(2025, 10, 5), date(2025, 10, 6)),
        ("VAT", "MMR", date(2017, 5, 3), date(2017, 5, 4)),
    ],
)
def test_a_dated_first_establishment_means_no_relations_before_it(
    world: World, a: str, b: str, before: date, after: date
) -> None:
    i, j = world.index[a], world.index[b]
    assert not world.as_of(before).rel[i] >> j & 1, f"{a}-{b} on {before}"
    assert world.as_of(after).rel[i] >> j & 1, f"{a}-{b} on {after}"
