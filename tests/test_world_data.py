"""Checks on the bundled world's data: codes, sources, histories, counts a specialist would verify."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pycountry
import pytest

from engine.compiler.bitsets import bits
from engine.compiler.context import OrgContext
from engine.compiler.world import World
from engine.evaluation.join import join
from engine.reading.loader import load_world_folder
from engine.reading.yaml12 import read_yaml
from engine.workspace import BUNDLED_WORLD, Workspace
from tests.paths import ROOT

#: Codes the world declares itself because ISO 3166-1 has none (SPEC: "a code the world declares").
USER_ASSIGNED = {"XKX"}


@pytest.fixture(scope="module")
def world(workspace: Workspace) -> World:
    return workspace.default


def test_every_state_code_is_iso_or_declared(world: World) -> None:
    for code, record in zip(world.codes, world.states, strict=True):
        if record.dissolved is not None:
            # A state that no longer exists keeps its withdrawn ISO 3166-3 code (CSK, DDR, YUG).
            assert pycountry.historic_countries.get(alpha_3=code) is not None, code
            continue
        assert code in USER_ASSIGNED or pycountry.countries.get(alpha_3=code) is not None, code


def test_every_un_member_and_observer_is_present(world: World) -> None:
    snap = world.as_of(date(2026, 1, 1))
    members = snap.status["UN"]["member"]
    assert members.bit_count() == 193
    assert sorted(world.codes[i] for i in bits(snap.status["UN"]["observer"])) == ["PSE", "VAT"]
    # The UN's own count of members is the number of ISO states minus the non-members we know of.
    assert {"TWN", "XKX", "ESH", "HKG", "MAC", "PSE", "VAT"}.isdisjoint(world.codes[i] for i in bits(members))


def test_every_event_and_condition_names_its_source_and_confidence() -> None:
    inp = load_world_folder(BUNDLED_WORLD)
    for event, where in inp.events:
        assert event.source, f"{where.doc.file}: {event.syntax()} has no source"
        assert event.confidence, f"{where.doc.file}: {event.syntax()} has no confidence"
    for org, where in inp.organizations:
        for version in org.versions:
            for condition in version.conditions:
                assert condition.source or version.source or org.source, f"{org.code}: {condition.id}"
                assert condition.confidence, f"{where.doc.file}: {condition.id} has no confidence"


def test_recognition_has_a_sourced_default_and_recorded_exceptions(world: World) -> None:
    header = load_world_folder(BUNDLED_WORLD).header
    default = header.recognition_default
    assert default is not None, "a missing relation must not read as missing recognition"
    assert default.source
    assert world.facts.recognition_among == default.among
    # A default without its exceptions would claim Israel is recognised by all.
    assert world.facts.denied, "no recognition exceptions recorded"
    assert all(record.source and record.confidence for record in world.facts.denied.values())


def test_every_coarse_date_is_listed(world: World) -> None:
    """Events whose source gives only a year or a month: each says so, and each is listed here."""
    inp = load_world_folder(BUNDLED_WORLD)
    coarse = [(where.doc.file, event) for event, where in inp.events if event.precision in ("year", "month")]
    for file, event in coarse:
        on = event.when
        assert on is not None
        # The convention: the first day of the year or month stands for it.
        assert on.day == 1, f"{file}: {event.syntax()} is {event.precision}-precise but not dated the 1st"
        if event.precision == "year":
            assert on.month == 1, f"{file}: {event.syntax()} is year-precise but not dated 1 January"
    print(f"\n{len(coarse)} events with year or month precision:")
    for file, event in coarse:
        print(f"  {file}: {event.syntax()} ({event.precision})")


def test_rule_files_cover_the_fifteen_organisations(world: World) -> None:
    expected = {
        "SCO", "NATO", "EU", "UN", "ASEAN", "BRICS", "WTO", "CSTO", "EAEU", "COE", "OECD", "AU",
        "COMMONWEALTH", "OIC", "ARAB_LEAGUE",
    }  # fmt: skip
    assert {p.stem for p in (ROOT / "rules").glob("*.yaml")} == expected
    assert expected | {"UNSC"} == set(world.orgs)


@pytest.mark.parametrize(
    ("org", "on", "status", "count"),
    [
        ("NATO", "2026-01-01", "member", 32),
        ("EU", "2026-01-01", "member", 27),
        ("COE", "2026-01-01", "member", 46),
        ("OECD", "2026-01-01", "member", 38),
        ("ASEAN", "2026-01-01", "member", 11),
        ("SCO", "2026-01-01", "member", 10),
        ("SCO", "2026-01-01", "partner", 17),
        ("COMMONWEALTH", "2026-01-01", "member", 56),
        ("ARAB_LEAGUE", "2026-01-01", "member", 22),
        ("OIC", "2026-01-01", "member", 57),  # Syria readmitted on 2025-03-07 (suspended 2012-08-16)
        ("OIC", "2026-01-01", "suspended", 0),
        ("AU", "2017-01-31", "member", 55),
        ("WTO", "2026-01-01", "member", 165),  # + the European Union, which has no state code
        ("UNSC", "2026-01-01", "member", 15),
        ("UNSC", "2024-04-18", "member", 15),
    ],
)
def test_membership_counts(world: World, org: str, on: str, status: str, count: int) -> None:
    snap = world.as_of(date.fromisoformat(on))
    assert snap.status[org].get(status, 0).bit_count() == count


@pytest.mark.parametrize(
    ("state", "org", "on", "status"),
    [
        ("GBR", "EU", "2020-01-31", "member"),
        ("GBR", "EU", "2020-02-01", None),  # left on 2020-01-31
        ("RUS", "COE", "2022-02-24", "member"),
        ("RUS", "COE", "2022-03-15", "suspended"),  # rights of representation suspended 2022-02-25
        ("RUS", "COE", "2022-03-16", None),  # expelled
        ("ARM", "SCO", "2025-08-31", "dialogue_partner"),
        ("ARM", "SCO", "2025-09-01", "partner"),  # statuses merged at Tianjin
        ("TLS", "ASEAN", "2025-10-26", "member"),
        ("FIN", "NATO", "2023-04-04", "member"),
        ("SWE", "NATO", "2024-03-06", "applicant"),
        ("SWE", "NATO", "2024-03-07", "member"),
    ],
)
def test_status_histories(world: World, state: str, org: str, on: str, status: str | None) -> None:
    held, _ = OrgContext(world.as_of(date.fromisoformat(on)), org).status_of(world.index[state], org)
    assert held == status


def test_armenia_is_blocked_by_pakistan_until_2025_08_31(world: World) -> None:
    before = join(world, "ARM", "SCO", date(2025, 8, 30))
    relations = next(c for c in before.conditions if c.id == "sco.relations")
    assert relations.outcome == "fails"
    assert [e.state for e in relations.evidence] == ["PAK"]
    for day in (date(2025, 8, 31), date(2025, 9, 1), date(2026, 6, 1)):
        after = join(world, "ARM", "SCO", day)
        assert next(c for c in after.conditions if c.id == "sco.relations").outcome == "holds"


def test_golden_episodes_span_enough_organisations() -> None:
    orgs: set[str] = set()
    files = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))
    for path in files:
        for question in read_yaml(Path(path)).data["questions"]:
            if "join" in question and "expect" in question:
                orgs.add(question["join"]["org"])
    assert len(files) >= 12
    assert len(orgs) >= 6, orgs
