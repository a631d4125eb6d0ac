"""Safe YAML 1.2 reading with line numbers kept for every value.

Why not ``yaml.safe_load``: PyYAML resolves scalars by YAML 1.1, where ``on``, ``off``, ``yes`` and
``no`` are booleans (the key ``on:`` of every event would become ``True``), ``1:20`` is an int
and ``2025-08-31`` a timestamp. Why not ruamel.yaml's 1.2 loader: it is pure Python and several
times slower, and the bundled world must load in well under a second. So we let libyaml (through
PyYAML's C parser) build the node graph, resolve plain scalars by the YAML 1.2 core schema
ourselves, and construct only plain data (dict, list, str, int, float, bool, None). No tag can
construct an object: an explicit tag outside the core schema is an error.

Alias bombs are refused by counting alias expansions; deep nesting by a depth limit; large
documents by a byte limit checked before parsing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.cyaml import CParser  # type: ignore[attr-defined]  # the C parser is not in the stubs' exports

from engine.common.errors import AccedeError, Problem
from engine.common.limits import ALIAS_EXPANSIONS, DOCUMENT_BYTES, NESTING_DEPTH

__all__ = ["Document", "Path_", "format_path", "parse_yaml", "read_yaml"]

MAX_BYTES = DOCUMENT_BYTES.file
MAX_DEPTH = NESTING_DEPTH.file
MAX_ALIAS_EXPANSIONS = ALIAS_EXPANSIONS.file

Path_ = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$"
)


_ALLOWED = frozenset({"str", "int", "float", "bool", "null", "seq", "map"})


class _Composer(CParser):  # type: ignore[misc,unused-ignore]  # the C extension's base is untyped
    """libyaml's composer with YAML 1.2 core-schema resolution of plain scalars."""

    # The C composer calls these path-resolver hooks; we resolve by value alone.
    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and value is not None and implicit[0]:
            for tag, pattern in (("null", _NULL), ("bool", _BOOL), ("int", _INT), ("float", _FLOAT)):
                if pattern.match(value):
                    return _CORE + tag
            return _CORE + "str"
        if kind is yaml.SequenceNode:
            return _CORE + "seq"
        if kind is yaml.MappingNode:
            return _CORE + "map"
        return _CORE + "str"


@dataclass(frozen=True)
class Document:
    """Plain data read from one file, with the 1-based (line, column) of every value."""

    file: str
    data: Any
    positions: Mapping[Path_, tuple[int, int]] = field(default_factory=dict, repr=False)

    def locate(self, path: Path_) -> tuple[int | None, int | None]:
        """Line and column of the value at ``path``, or of its nearest ancestor on record."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return None, None

    def problem(self, code: str, message: str, path: Path_ = (), rule_id: str | None = None) -> Problem:
        line, column = self.locate(path)
        return Problem(
            code,
            message,
            file=self.file,
            line=line,
            column=column,
            field=format_path(path) or None,
            rule_id=rule_id,
        )


def format_path(path: Path_) -> str:
    """``versions[0].conditions[1].check`` from ``("versions", 0, "conditions", 1, "check")``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_yaml(path: Path, display: str | None = None) -> Document:
    """Read and parse one YAML file. Only the reading stage touches the filesystem."""
    name = display or str(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise AccedeError.one("file.not-found", f"no file `{name}`", file=name) from None
    if size > MAX_BYTES:
        raise AccedeError.one("file.too-large", f"the document is {size} bytes; the limit is {MAX_BYTES}", file=name)
    return parse_yaml(path.read_bytes(), name)


def parse_yaml(text: bytes | str, file: str) -> Document:
    """Parse one YAML 1.2 document into plain data with positions."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > MAX_BYTES:
        raise AccedeError.one(
            "file.too-large", f"the document is {len(raw)} bytes; the limit is {MAX_BYTES}", file=file
        )
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AccedeError.one("yaml.syntax", f"the file is not UTF-8 text ({exc.reason})", file=file) from None
    composer = _Composer(decoded)
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "not valid YAML"
        raise AccedeError.one(
            "yaml.syntax",
            f"not valid YAML: {reason}",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise AccedeError.one("yaml.syntax", f"not valid YAML: {exc}", file=file) from None
    finally:
        composer.dispose()
    builder = _Builder(file)
    data = None if node is None else builder.build(node, (), 0)
    if builder.problems:
        raise AccedeError(builder.problems)
    return Document(file, data, builder.positions)


class _Builder:
    """Turns a node graph into plain data, recording positions and refusing what is unsafe."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path_, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()
        self._expansions = 0

    def _fail(self, code: str, message: str, node: yaml.Node, path: Path_) -> None:
        self.problems.append(
            Problem(
                code,
                message,
                file=self.file,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                field=format_path(path) or None,
            )
        )

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self._seen and not isinstance(node, yaml.ScalarNode):
            # libyaml shares the node of an anchor with its aliases: a revisit is an expansion.
            self._expansions += 1
            if self._expansions > MAX_ALIAS_EXPANSIONS:
                raise AccedeError.one(
                    "yaml.too-complex",
                    f"the document expands more than {MAX_ALIAS_EXPANSIONS} aliases",
                    file=self.file,
                    line=node.start_mark.line + 1,
                )
        self._seen.add(id(node))
        if depth > MAX_DEPTH:
            raise AccedeError.one(
                "yaml.too-complex",
                f"the document nests deeper than {MAX_DEPTH} levels",
                file=self.file,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        tag = node.tag
        kind = tag[len(_CORE) :] if tag.startswith(_CORE) else ""
        if kind not in _ALLOWED:
            shown = f"!!{kind}" if kind else tag
            self._fail("yaml.unsupported-tag", f"tag `{shown}` is not allowed: files are data only", node, path)
            return None
        if isinstance(node, yaml.MappingNode):
            if kind != "map":
                self._fail("yaml.unsupported-tag", f"tag `!!{kind}` cannot apply to a mapping", node, path)
                return None
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if kind != "seq":
                self._fail("yaml.unsupported-tag", f"tag `!!{kind}` cannot apply to a sequence", node, path)
                return None
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, kind, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail("schema.invalid-value", "a mapping key must be a plain scalar", key_node, path)
                continue
            key = str(key_node.value)
            if key in out:
                self._fail("yaml.duplicate-key", f"key `{key}` appears twice in this mapping", key_node, (*path, key))
                continue
            out[key] = self.build(value_node, (*path, key), depth + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode, kind: str, path: Path_) -> Any:
        value: str = node.value
        if kind == "str":
            return value
        if kind == "null":
            return None
        if kind == "bool":
            return value.lower() == "true"
        if kind == "int":
            try:
                if value.startswith("0o"):
                    return int(value[2:], 8)
                return int(value, 16) if value.startswith("0x") else int(value)
            except ValueError:
                self._fail("schema.invalid-value", f"`{value}` is not an integer", node, path)
                return None
        if kind == "float":
            lowered = value.lower().lstrip("+")
            if lowered in (".inf", "-.inf"):
                return -math.inf if lowered.startswith("-") else math.inf
            if lowered == ".nan":
                return math.nan
            try:
                return float(value)
            except ValueError:
                self._fail("schema.invalid-value", f"`{value}` is not a number", node, path)
                return None
        self._fail("yaml.unsupported-tag", f"tag `!!{kind}` cannot apply to a scalar", node, path)
        return None
