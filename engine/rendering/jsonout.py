"""The one JSON form of every answer: compact, UTF-8, fields in a fixed order.

The command line's ``--json`` and the HTTP service both serialise through ``dumps``, so the same
question gives the same bytes on either.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps"]


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
