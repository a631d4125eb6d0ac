"""Famous accession episodes reproduced from the bundled world alone: its positions and assessments.

No scenario, no `assume`: what the world records (vetoes, ratifications, General Assembly and
European Council findings) must be enough to tell each story as it happened.
"""

from __future__ import annotations

from datetime import date

import pytest

from engine.compiler.world import World
from engine.evaluation.bands import Band, bands
from engine.evaluation.join import join
from engine.reading.loader import load_world_folder
from engine.workspace import BUNDLED_WORLD, Workspace

STANCES = ("support", "oppose", "abstain")

#: The 30 Allies that signed the Finnish and Swedish accession protocols on 2022-07-05.
ALLIES_2022 = {
    "ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FRA", "DEU", "GRC", "HUN", "ISL", "ITA", "LVA",
    "LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "TUR", "GBR", "USA",
}  # fmt: skip

#: The 16 states recommended by Security Council resolution 109 and admitted on 1955-12-14.
PACKAGE_1955 = (
    "ALB", "JOR", "IRL", "PRT", "HUN", "ITA", "AUT", "ROU", "BGR", "FIN", "LKA", "NPL", "LBY", "KHM", "LAO", "ESP",
)  # fmt: skip


@pytest.fixture(scope="module")
def world(workspace: Workspace) -> World:
    return workspace.default


@pytest.fixture(scope="module")
def stances() -> list[dict[str, object]]:
    """Every position of the world as written (syntax and provenance)."""
    inp = load_world_folder(BUNDLED_WORLD)
    out = []
    for event, _ in inp.events:
        if event.verb in STANCES:
            out.append({**event.syntax(), **event.model_dump(include={"source", "confidence", "note", "reported_by"})})
    return out


def band_on(story: list[Band], day: date) -> Band:
    return next(b for b in story if b.start <= day and (b.end is None or day < b.end))


def blockers(world: World, state: str, org: str, day: date) -> set[tuple[str, str, str]]:
    return {(f.stage, voter, f.because) for f in join(world, state, org, day).blocked_by for voter in f.voters}


# ---- NATO: Sweden and Finland, 2022-2024


def test_sweden_is_blocked_by_turkey_then_hungary_then_joins(world: World) -> None:
    story = list(bands(world, "SWE", "NATO", date(2022, 5, 1), date(2024, 4, 1)))
    turkish_block = band_on(story, date(2022, 5, 18))
    assert turkish_block.start == date(2022, 5, 18)
    assert turkish_block.verdict == "blocked"
    assert {"oppose": "SWE", "by": "TUR"}.items() <= turkish_block.because[0].items()
    # Turkey ratified on 2024-01-23, and Sweden stays blocked: Hungary has not.
    after_turkey = band_on(story, date(2024, 2, 20))
    assert after_turkey.verdict == "blocked"
    assert any(e.get("support") == "SWE" and e.get("by") == "TUR" for e in after_turkey.within)
    assert blockers(world, "SWE", "NATO", date(2024, 2, 20)) == {
        ("invitation", "HUN", "opposition"),
        ("ratification", "HUN", "opposition"),
    }
    # Every Ally's ratification is on record, so Hungary's is the last hurdle.
    last = band_on(story, date(2024, 2, 26))
    assert (last.start, last.verdict) == (date(2024, 2, 26), "eligible")
    assert {"support": "SWE", "by": "HUN"}.items() <= last.because[0].items()
    member = band_on(story, date(2024, 3, 7))
    assert (member.start, member.verdict) == (date(2024, 3, 7), "member")


def test_sweden_before_turkey_ratified_is_blocked_by_turkey_and_hungary(world: World) -> None:
    assert blockers(world, "SWE", "NATO", date(2023, 6, 1)) == {
        (stage, voter, "opposition") for stage in ("invitation", "ratification") for voter in ("HUN", "TUR")
    }


def test_finland_is_blocked_by_turkey_until_its_ratification(world: World) -> None:
    story = list(bands(world, "FIN", "NATO", date(2022, 5, 1), date(2023, 5, 1)))
    assert band_on(story, date(2022, 5, 18)).verdict == "blocked"
    assert blockers(world, "FIN", "NATO", date(2023, 3, 28)) == {
        ("invitation", "TUR", "opposition"),
        ("ratification", "TUR", "opposition"),
    }
    eligible = band_on(story, date(2023, 3, 30))
    assert (eligible.start, eligible.verdict) == (date(2023, 3, 30), "eligible")
    assert band_on(story, date(2023, 4, 4)).verdict == "member"


@pytest.mark.parametrize("applicant", ["FIN", "SWE"])
def test_every_ally_of_2022_has_a_stance_on_the_nordic_bids(applicant: str, stances: list[dict[str, object]]) -> None:
    voters = {s["by"] for s in stances if s.get("support") == applicant and s["in"] == "NATO"}
    assert voters >= ALLIES_2022


# ---- UN: Security Council vetoes


def test_the_us_vetoes_viet_nam_in_1975_and_1976(world: World) -> None:
    for day in (date(1975, 8, 12), date(1975, 10, 1), date(1976, 11, 16)):
        verdict = join(world, "VNM", "UN", day)
        assert verdict.verdict == "blocked"
        assert ("security_council", "USA", "veto") in blockers(world, "VNM", "UN", day)


def test_the_us_vetoes_palestine_in_2024(world: World) -> None:
    assert blockers(world, "PSE", "UN", date(2024, 4, 19)) == {("security_council", "USA", "veto")}


@pytest.mark.parametrize(
    ("state", "day"),
    [
        ("IRL", date(1946, 8, 30)),
        ("PRT", date(1947, 8, 19)),
        ("JOR", date(1949, 9, 14)),
        ("ITA", date(1948, 4, 11)),
        ("AUT", date(1947, 8, 22)),
        ("FIN", date(1947, 10, 2)),
        ("LKA", date(1948, 8, 19)),
        ("NPL", date(1949, 9, 8)),
        ("KOR", date(1949, 4, 9)),
        ("LBY", date(1952, 9, 17)),
        ("JPN", date(1952, 9, 19)),
        ("JPN", date(1955, 12, 16)),
        ("MRT", date(1960, 12, 5)),
        ("KWT", date(1961, 12, 1)),
    ],
)
def test_soviet_vetoes_of_the_early_applicants(world: World, state: str, day: date) -> None:
    """The USSR's seat is modelled as RUS."""
    assert ("security_council", "RUS", "veto") in blockers(world, state, "UN", day)


@pytest.mark.parametrize(("state", "day"), [("MNG", date(1955, 12, 13)), ("BGD", date(1972, 8, 26))])
def test_chinese_vetoes(world: World, state: str, day: date) -> None:
    assert ("security_council", "CHN", "veto") in blockers(world, state, "UN", day)


def test_the_1955_package_lifts_the_soviet_vetoes(stances: list[dict[str, object]]) -> None:
    on_the_day = {
        (s["by"], next(v for v in STANCES if v in s), s[next(v for v in STANCES if v in s)])
        for s in stances
        if s["in"] == "UN" and s["on"] == "1955-12-14"
    }
    for state in PACKAGE_1955:
        for voter in ("FRA", "GBR", "RUS"):
            assert (voter, "support", state) in on_the_day
        for voter in ("USA", "CHN"):
            assert (voter, "abstain", state) in on_the_day


def test_general_assembly_determinations_settle_article_4(world: World) -> None:
    for state, day in (("IRL", date(1950, 1, 1)), ("KOR", date(1950, 1, 1)), ("MRT", date(1961, 5, 1))):
        verdict = join(world, state, "UN", day)
        assert verdict.holding == ("un.peace_loving", "un.able_and_willing")
        assert verdict.verdict == "blocked"  # the Security Council still stands in the way


# ---- EU: the French vetoes of the United Kingdom


@pytest.mark.parametrize("day", [date(1963, 2, 1), date(1968, 1, 1)])
def test_france_blocks_the_united_kingdom(world: World, day: date) -> None:
    assert blockers(world, "GBR", "EU", day) == {
        ("council", "FRA", "opposition"),
        ("ratification", "FRA", "opposition"),
    }


def test_the_hague_summit_ends_the_french_veto(world: World) -> None:
    verdict = join(world, "GBR", "EU", date(1970, 7, 1))
    assert verdict.verdict != "blocked"
    assert not verdict.blocked_by


def test_the_2004_enlargement_meets_the_political_criterion(world: World) -> None:
    verdict = join(world, "POL", "EU", date(2003, 1, 1))
    assert "eu.copenhagen_political" in verdict.holding


# ---- Provenance


def test_every_position_has_a_source_and_a_confidence(stances: list[dict[str, object]]) -> None:
    for s in stances:
        assert s["source"], s
        assert s["confidence"] in ("high", "medium", "low"), s


def test_every_low_confidence_position_says_who_reported_it_or_why(stances: list[dict[str, object]]) -> None:
    for s in stances:
        if s["confidence"] == "low":
            assert s["reported_by"] or s["note"], s


@pytest.mark.parametrize(("applicant", "voter"), [("ARM", "PAK"), ("AZE", "IND"), ("IRN", "TJK")])
def test_objections_reported_by_one_side_are_low_and_attributed(
    applicant: str, voter: str, stances: list[dict[str, object]]
) -> None:
    (objection,) = [s for s in stances if s.get("oppose") == applicant and s["by"] == voter and s["in"] == "SCO"]
    assert objection["confidence"] == "low"
    assert objection["reported_by"]
