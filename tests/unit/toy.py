"""A toy world for unit tests: four states, one organisation, and one join asked of it.

``AAA`` applies to ``ORG``, whose members are ``BBB`` and ``CCC``; ``DDD`` is outside. Every
pair has relations unless an event says otherwise (``default_relations: established``).
"""

from __future__ import annotations

from typing import Any

from engine.evaluation.verdict import JoinVerdict
from engine.reading.yaml12 import Document
from engine.scenario import ScenarioResult
from engine.workspace import Workspace

__all__ = ["REC", "REL", "ask", "join_answer", "toy_world"]

REL = {"id": "rel", "text": "relations with every member", "check": {"relations_with": "members"}}
REC = {"id": "rec", "text": "recognised by every member", "check": {"recognized_by": "members"}}


def toy_world(
    events: list[dict[str, Any]], conditions: list[dict[str, Any]], decision: list[Any] | None = None
) -> dict[str, Any]:
    return {
        "default_relations": "established",
        "states": [
            {"code": "AAA", "name": "Aland", "region": "Europe"},
            {"code": "BBB", "name": "Bland", "region": "Europe"},
            {"code": "CCC", "name": "Cland", "region": "Asia"},
            {"code": "DDD", "name": "Dland", "region": "Europe"},
        ],
        "organizations": [
            {
                "code": "ORG",
                "name": "The Organisation",
                "statuses": ["member", "observer"],
                "versions": [
                    {
                        "valid_from": "2000-01-01",
                        "conditions": conditions,
                        "decision": decision if decision is not None else [{"by": "members", "pass": "unanimity"}],
                    }
                ],
            }
        ],
        "events": [
            {"admit": "BBB", "to": "ORG", "as": "member", "on": "2000-01-01"},
            {"admit": "CCC", "to": "ORG", "as": "member", "on": "2000-01-01"},
            *events,
        ],
    }


def join_answer(result: ScenarioResult, qid: str) -> JoinVerdict:
    """The answer to the join question ``qid`` of a scenario's result."""
    found = result.verdicts[qid]
    assert isinstance(found, JoinVerdict), f"{qid} is not a join question"
    return found


def ask(
    world: dict[str, Any], *, changes: list[Any] | None = None, forbid: list[Any] | None = None, assume: str = "unknown"
) -> JoinVerdict:
    """Can ``AAA`` join ``ORG`` on 2020-01-01 in this world (after these changes)?"""
    data = {
        "scenario": "unit",
        "world": world,
        "as_of": "2020-01-01",
        "assume": assume,
        "changes": changes or [],
        "questions": [{"id": "q", "join": {"state": "AAA", "org": "ORG", "forbid": forbid or []}}],
    }
    return join_answer(Workspace().run_document(Document("unit.yaml", data)), "q")
