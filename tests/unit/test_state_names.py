"""The names of the bundled world's states: alpha-2 codes and aliases name one state each.

SPEC, Names: a state is accepted by its code, alpha-2 code, name or alias, compared after NFKC
case-folding, so two records sharing any of them would make a name ambiguous.
``fixtures/world/tools/make_states.py`` refuses to write such a file; this checks the file itself.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pycountry
import pytest

from engine.reading.yaml12 import read_yaml
from tests.paths import ROOT

STATES = ROOT / "fixtures" / "world" / "states.yaml"

#: Bare names that fit several states: each is at most the name of its own ISO state, no alias.
BARE = ("Congo", "Korea", "Guinea", "Sudan", "Dominica", "Niger")


def fold(text: str) -> str:
    """How names compare (SPEC, Names): NFKC, case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@pytest.fixture(scope="module")
def states() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = read_yaml(STATES).data["states"]
    return records


def labels(record: dict[str, Any]) -> list[str]:
    return [
        record["code"],
        record["name"],
        *([record["alpha2"]] if "alpha2" in record else []),
        *record.get("aliases", []),
    ]


def test_every_iso_state_has_its_alpha2(states: list[dict[str, Any]]) -> None:
    for record in states:
        country = pycountry.countries.get(alpha_3=record["code"])
        if country is not None:
            assert re.fullmatch(r"[A-Z]{2}", record.get("alpha2", "")), record["code"]
            assert record["alpha2"] == country.alpha_2, record["code"]


def test_alpha2_codes_are_unique(states: list[dict[str, Any]]) -> None:
    codes = [record["alpha2"] for record in states if "alpha2" in record]
    assert len(codes) == len(set(codes))


def test_no_code_name_or_alias_names_two_states(states: list[dict[str, Any]]) -> None:
    owners: dict[str, set[str]] = {}
    for record in states:
        for label in labels(record):
            owners.setdefault(fold(label), set()).add(record["code"])
    shared = {label: sorted(codes) for label, codes in owners.items() if len(codes) > 1}
    assert shared == {}


def test_aliases_repeat_nothing_and_no_bare_ambiguous_name(states: list[dict[str, Any]]) -> None:
    bare = {fold(word) for word in BARE}
    for record in states:
        aliases = [fold(alias) for alias in record.get("aliases", [])]
        assert len(aliases) == len(set(aliases)), record["code"]
        own = {fold(record["code"]), fold(record["name"]), fold(record.get("alpha2", ""))}
        assert own.isdisjoint(aliases), record["code"]
        assert bare.isdisjoint(aliases), record["code"]


def test_the_names_analysts_type_are_there(states: list[dict[str, Any]]) -> None:
    by_label = {fold(label): record["code"] for record in states for label in labels(record)}
    expected = {
        "UK": "GBR", "Great Britain": "GBR", "America": "USA", "Turkey": "TUR", "Holland": "NLD",
        "Ivory Coast": "CIV", "Czech Republic": "CZE", "Burma": "MMR", "DRC": "COD",
        "Congo-Brazzaville": "COG", "Congo": "COG", "the Gambia": "GMB", "GER": "DEU", "XK": "XKX",
    }  # fmt: skip
    assert {label: by_label.get(fold(label)) for label in expected} == expected
    assert fold("Korea") not in by_label
