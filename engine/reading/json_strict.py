"""Strict JSON: HTTP bodies and ``accede watch``'s input lines, read into the engine's documents.

No YAML features (so no aliases), no duplicate keys, no NaN or Infinity, nesting at most the
documented depth. What is read is then validated by the engine exactly as a file is.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from engine.common.errors import AccedeError, shown
from engine.common.limits import NESTING_DEPTH
from engine.reading.yaml12 import Document

__all__ = ["read_json"]


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)  # in C; only an object that lost a key to a repeat is looked at again
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                message = f"key `{shown(key)}` appears twice in one object"
                raise AccedeError.one("json.duplicate-key", message, field=key)
            seen.add(key)
    return out


def _finite(text: str) -> float:
    # 1e400 would be read as infinity and could never be written back: refuse it as JSON does not have it.
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


def _surrogate(value: Any) -> str | None:
    """The first string (key or value) holding a lone surrogate: escapes such as \\ud800 are not text."""
    if isinstance(value, str):
        return value if any("\ud800" <= ch <= "\udfff" for ch in value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _surrogate(key) or _surrogate(item)
            if found is not None:
                return found
    if isinstance(value, list):
        for item in value:
            found = _surrogate(item)
            if found is not None:
                return found
    return None


#: The only ways a lone surrogate gets into parsed JSON: an escape ``\uD800``-``\uDFFF`` in its text,
#: or the character itself (json decodes bytes with ``surrogatepass``). Without a match the walk is skipped.
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _depth(value: Any, level: int = 0) -> int:
    if level > NESTING_DEPTH.file:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def read_json(body: bytes | str, name: str, *, limit: int, what: str = "body") -> Document:
    """One JSON object as a document; every problem located by line and column where JSON gives one."""
    size = len(body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body)
    if size > limit:
        raise AccedeError.one("file.too-large", f"the {what} is {size} bytes; the limit is {limit}", file=name)
    try:
        # Decoded here as json.loads would (its encoding sniffing, surrogates passed through), so the
        # pre-checks below read the same text the parser does.
        text = body if isinstance(body, str) else body.decode(json.detect_encoding(body), "surrogatepass")
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant, parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise AccedeError.one(
            "json.syntax", f"not valid JSON: {exc.msg}", file=name, line=exc.lineno, column=exc.colno
        ) from None
    except (RecursionError, UnicodeDecodeError, ValueError) as exc:
        raise AccedeError.one("json.syntax", f"not valid JSON: {type(exc).__name__.lower()}", file=name) from None
    # Each level opens with a bracket, so a text with few brackets (some may sit in strings) is not
    # walked for its depth.
    if text.count("[") + text.count("{") > NESTING_DEPTH.file and _depth(data) > NESTING_DEPTH.file:
        raise AccedeError.one(
            "yaml.too-complex", f"the {what} nests deeper than {NESTING_DEPTH.file} levels", file=name
        )
    if _SURROGATE.search(text) is not None and _surrogate(data) is not None:
        message = "a string holds a lone surrogate escape (such as \\ud800), which is not Unicode text"
        raise AccedeError.one("json.syntax", message, file=name)
    if not isinstance(data, dict):
        raise AccedeError.one("schema.not-mapping", f"the {what} must be a JSON object", file=name)
    return Document(name, data)
