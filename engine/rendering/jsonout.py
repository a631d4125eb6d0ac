"""The one JSON form of every answer: compact, UTF-8, fields in a fixed order.

The command line's ``--json`` and the HTTP service both serialise through ``dumps``, so the same
question gives the same bytes on either.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "flow"]


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def flow(data: Any) -> str:
    """A value in YAML flow style, as an analyst would paste it into a scenario: ``{assess: k, of: UKR}``."""
    if isinstance(data, dict):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in data.items()) + "}"
    if isinstance(data, list | tuple):
        return "[" + ", ".join(flow(v) for v in data) + "]"
    if isinstance(data, bool):
        return "true" if data else "false"
    if data is None:
        return "null"
    text = str(data)
    plain = text and all(ch.isalnum() or ch in "_-." for ch in text) and text.lower() not in ("true", "false", "null")
    return text if plain else json.dumps(text, ensure_ascii=False)
