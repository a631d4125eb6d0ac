"""Checks a specialist would run on the bundled world's recognition data (events/recognition.yaml and the
undated exceptions of events/not-recognized.yaml).

The counts read the recorded events only (timelines keyed ``("rec", by, of)``), never the recognition default
or relations, so they pin the data itself: Kosovo's recognisers after the withdrawals on record, Palestine's
explicit recognisers, Taiwan's twelve partners.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine import models as m
from engine.compiler.world import World
from engine.reading.loader import load_world_folder
from engine.reading.yaml12 import read_yaml
from engine.workspace import BUNDLED_WORLD, Workspace

ON = date(2026, 11, 1)
RECOGNITION_VERBS = (m.Recognize, m.WithdrawRecognition)


@pytest.fixture(scope="module")
def world() -> World:
    return Workspace().default


def recognisers(world: World, of: str, on: date = ON) -> set[str]:
    """The states whose recorded recognition of ``of`` is in force on ``on`` (events only)."""
    return {key[1] for key, tl in world.facts.timelines.items() if key[0] == "rec" and key[2] == of and tl.at(on)}


def recognition_events() -> list[m.Recognize | m.WithdrawRecognition]:
    return [e for e, _ in load_world_folder(BUNDLED_WORLD).events if isinstance(e, RECOGNITION_VERBS)]


def not_recognized() -> tuple[m.NotRecognized, ...]:
    path = BUNDLED_WORLD / "events" / "not-recognized.yaml"
    return m.WorldFile.model_validate(read_yaml(path, str(path)).data).not_recognized


def test_kosovo_recognisers_after_the_withdrawals_on_record(world: World) -> None:
    now = recognisers(world, "XKX")
    # 118 recognitions (117 UN members and Taiwan) less 15 withdrawals with a dated note: 103 on the date.
    assert 100 <= len(now) <= 120, len(now)
    assert {"USA", "DEU", "TUR", "ALB", "ISR", "KEN", "SDN", "SYR", "BHS"} <= now
    assert {"SRB", "RUS", "CHN", "ESP", "GRC", "ROU", "SVK", "CYP"}.isdisjoint(now)
    # Withdrawn (Ghana confirmed its own; Sierra Leone only per Serbia), and not in force any more.
    assert {"GHA", "SLE", "SUR", "TGO"}.isdisjoint(now)
    assert "GHA" in recognisers(world, "XKX", date(2019, 1, 1))


def test_kosovo_recognitions_start_at_the_declaration(world: World) -> None:
    assert recognisers(world, "XKX", date(2008, 2, 16)) == set()
    assert recognisers(world, "XKX", date(2008, 2, 17)) == {"CRI"}


def test_every_kosovo_withdrawal_says_who_reported_it() -> None:
    events = recognition_events()
    withdrawals = [e for e in events if isinstance(e, m.WithdrawRecognition) and e.withdraw_recognition == "XKX"]
    assert len(withdrawals) == 15
    for e in withdrawals:
        assert e.note, e.syntax()
        assert e.confidence in ("low", "medium"), e.syntax()  # all are disputed by Kosovo


def test_palestine_explicit_recognisers(world: World) -> None:
    now = recognisers(world, "PSE")
    assert len(now) >= 150, len(now)
    # The three the audit found missing, the 2024 wave and the 2025-09 wave.
    assert {"COD", "NAM", "SSD", "ESP", "IRL", "NOR", "SVN", "ARM"} <= now
    assert {"GBR", "FRA", "CAN", "AUS", "PRT", "BEL", "LUX", "MLT", "MCO", "AND", "SMR"} <= now
    assert {"USA", "DEU", "ITA", "JPN", "ISR"}.isdisjoint(now)


def test_taiwan_is_recognised_by_its_twelve_partners(world: World) -> None:
    assert recognisers(world, "TWN") == {
        "GTM", "VAT", "HTI", "PRY", "SWZ", "TUV", "VCT", "KNA", "LCA", "BLZ", "MHL", "PLW",
    }  # fmt: skip


def test_every_recognition_event_has_source_and_confidence() -> None:
    events = recognition_events()
    assert events
    for e in events:
        assert e.source, e.syntax()
        assert e.confidence, e.syntax()


def test_imprecise_dates_are_written_as_the_first_day() -> None:
    dated = [e for e in recognition_events() if e.precision in ("month", "year")]
    assert dated
    for e in dated:
        assert e.on is not None
        assert e.on.day == 1, e.syntax()
        if e.precision == "year":
            assert e.on.month == 1, e.syntax()


def test_every_not_recognized_record_names_two_known_states_and_a_source(world: World) -> None:
    records = not_recognized()
    assert len(records) >= 40
    for r in records:
        assert r.by != r.of, r
        assert r.by in world.codes, r
        assert r.of in world.codes, r
        assert r.source, r
        assert r.confidence, r
    pairs = [(r.by, r.of) for r in records]
    assert len(pairs) == len(set(pairs)), "a pair is listed twice"


def test_not_recognized_covers_the_documented_cases() -> None:
    pairs = {(r.by, r.of) for r in not_recognized()}
    israel = {by for by, of in pairs if of == "ISR"}
    assert len(israel) == 28, sorted(israel)
    assert {("PAK", "ARM"), ("TUR", "CYP"), ("KOR", "PRK"), ("PRK", "KOR")} <= pairs
    # Sudan agreed normalisation in 2020 and is not counted among Israel's non-recognisers.
    assert "SDN" not in israel


def test_no_not_recognized_record_contradicts_a_recognition_in_force_today(world: World) -> None:
    for r in not_recognized():
        tl = world.facts.timelines.get(("rec", r.by, r.of))
        assert tl is None or not tl.at(ON), r
