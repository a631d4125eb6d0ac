"""Seeded synthetic worlds for the benchmarks: N states, K organisations, a relation density."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from engine import models as m
from engine.compiler.world import World, compile_world
from engine.reading.loader import Located, WorldInput
from engine.reading.yaml12 import Document

REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")


@dataclass(frozen=True)
class Synthetic:
    world: World
    states: list[str]
    orgs: list[str]


def _code(i: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "S" + letters[i // 676 % 26] + letters[i // 26 % 26] + letters[i % 26]


def synthetic_world(n_states: int, n_orgs: int, density: float = 0.9, seed: int = 20250831) -> Synthetic:
    rng = random.Random(seed)
    doc = Document("synthetic", {})
    here = Located(doc, ())
    states = [_code(i) for i in range(n_states)]
    records = [m.StateRecord(code=c, name=c, region=rng.choice(REGIONS)) for c in states]
    orgs = [f"ORG{k}" for k in range(n_orgs)]
    organizations = []
    events: list[Any] = []
    for code in orgs:
        regions = rng.sample(REGIONS, 3)
        organizations.append(
            m.Organization.model_validate(
                {
                    "org": code,
                    "name": code,
                    "versions": [
                        {
                            "valid_from": "2000-01-01",
                            "conditions": [
                                {"id": "region", "text": "region", "check": {"region_in": regions}},
                                {"id": "relations", "text": "relations", "check": {"relations_with": "members"}},
                                {"id": "status", "text": "status", "check": {"status_in": ["observer", "partner"]}},
                                {"id": "sanctions", "text": "sanctions", "check": {"not": {"sanctioned": True}}},
                                {"id": "peace", "text": "peace", "check": {"no_conflict_with": "members"}},
                            ],
                            "decision": [{"by": "members", "pass": "unanimity"}],
                        }
                    ],
                }
            )
        )
        for state in rng.sample(states, rng.randint(5, 50)):
            events.append(m.Admit.model_validate({"admit": state, "to": code, "as": "member", "on": "2001-01-01"}))
        for state in rng.sample(states, 10):
            events.append(m.Admit.model_validate({"admit": state, "to": code, "as": "observer", "on": "2001-01-01"}))
    # Density of relations: the default is established; the missing share is recorded as severances.
    for i in range(n_states):
        for j in range(i + 1, n_states):
            if rng.random() > density:
                events.append(m.Sever.model_validate({"sever": [states[i], states[j]], "on": "2005-01-01"}))
    for state in rng.sample(states, max(1, n_states // 50)):
        events.append(m.Sanction.model_validate({"sanction": state, "from": "2003-01-01"}))
    for _ in range(max(1, n_states // 40)):
        a, b = rng.sample(states, 2)
        events.append(m.ConflictEvent.model_validate({"conflict": [a, b], "from": "2004-01-01"}))
    header = m.WorldFile(name="synthetic", default_relations="established")
    world = compile_world(
        WorldInput(
            header,
            tuple((r, here) for r in records),
            tuple((o, here) for o in organizations),
            tuple((e, here) for e in events),
            "synthetic",
        )
    )
    return Synthetic(world, states, orgs)
