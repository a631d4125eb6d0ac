"""Canonical layout of rule, world and scenario files: what ``accede fmt`` writes.

The layout: keys in the order their model declares its fields (``engine.models`` is the one home
for it; unknown keys keep their order after the known ones), documents and their sections in block
style, records and values (events, state records, checks, stages, question specs, expectations,
lists of scalars) as one flow collection on one line, 2-space indentation, scalars quoted as the
author quoted them, comments and single blank lines kept.

How: libyaml (through PyYAML, as ``engine.reading.yaml12`` reads) gives the node graph; comments
are found between its scalars and given to the entry they describe; the graph is then written out
here. Not by a round-trip dumper: ruamel.yaml's ties each comment to the token before it (so
reordering keys moves comments onto the wrong key) and drops comments inside flow collections.
Every result is read back with the engine's reader and must hold the same data and the same
comments, or nothing is returned (``LayoutError``): fmt never silently changes what a file means.
Anchors and aliases are written out in full, as plain data.
"""

from __future__ import annotations

import difflib
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Discriminator, Tag
from yaml.cyaml import CParser  # type: ignore[attr-defined]  # the C parser is not in the stubs' exports

from engine import models as m
from engine.common.errors import AccedeError, Problem
from engine.common.limits import DOCUMENT_BYTES
from engine.reading.loader import yaml_files as folder_yaml_files
from engine.reading.yaml12 import parse_yaml

__all__ = ["Formatted", "LayoutError", "diff", "format_file", "format_text", "yaml_files"]

_INDENT = 2


class LayoutError(RuntimeError):
    """The layout would change a file's data or lose a comment: a bug in fmt, never the user's."""


class _Composer(CParser):  # type: ignore[misc,unused-ignore]  # the C extension's base is untyped
    """libyaml's node graph, unresolved: the layout needs the text and the shape, not the types."""

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: str | None, implicit: tuple[bool, bool]) -> str:
        return ""


def _compose(text: str) -> yaml.Node | None:
    composer = _Composer(text)
    try:
        node: yaml.Node | None = composer.get_single_node()
    finally:
        composer.dispose()
    return node


# --- which model a mapping is, in which order its keys go, and how it is written -------------------


_KNOWN: dict[int, tuple[Any, tuple[list[tuple[Any, str | None]], Any]]] = {}


def _alternatives(hint: Any) -> tuple[list[tuple[Any, str | None]], Any]:
    """The types an annotation allows, each with its union tag, and the union's discriminator."""
    # Keyed by identity (annotations need not be hashable); the annotation is kept alive with it.
    known = _KNOWN.get(id(hint))
    if known is None or known[0] is not hint:
        known = _KNOWN[id(hint)] = (hint, _analyse(hint))
    return known[1]


def _analyse(hint: Any) -> tuple[list[tuple[Any, str | None]], Any]:
    tag, chooser = None, None
    while get_origin(hint) is Annotated:
        hint, *meta = get_args(hint)
        for item in meta:
            if isinstance(item, Discriminator):
                chooser = item.discriminator
            elif isinstance(item, Tag):
                tag = item.tag
    if get_origin(hint) in (Union, UnionType):
        found: list[tuple[Any, str | None]] = []
        for arg in get_args(hint):
            inner, inner_chooser = _alternatives(arg)
            found += inner
            chooser = chooser or inner_chooser
        return found, chooser
    return [(hint, tag)], chooser


def _models(hint: Any) -> list[type[BaseModel]]:
    return [t for t, _ in _alternatives(hint)[0] if isinstance(t, type) and issubclass(t, BaseModel)]


def _item_hint(hint: Any) -> Any:
    """What a list of this type holds (None if it is no list)."""
    for t, _ in _alternatives(hint)[0] if hint is not None else []:
        if get_origin(t) in (tuple, list) and get_args(t):
            return get_args(t)[0]
    return None


@cache
def _fields(model: type[BaseModel]) -> dict[str, tuple[int, Any]]:
    """Each key a file may write for the model, with its place in the canonical order and its type."""
    names = list(model.model_fields)
    # Pydantic lists inherited fields first; two kinds read better otherwise. An event reads as its
    # fact, then its provenance (`{establish: [A, B], on: D, source: ...}`); a question as which one,
    # what is asked, then when and how, then what is expected (`id`, `join`, `as_of`, `expect`).
    if issubclass(model, m.EventBase):
        names = [n for n in names if n not in m.EventBase.model_fields] + list(m.EventBase.model_fields)
    if issubclass(model, m.QuestionBase) and model.kind in names:
        names.remove(model.kind)
        names.insert(names.index("id") + 1, model.kind)
    out: dict[str, tuple[int, Any]] = {}
    for place, name in enumerate(names):
        info = model.model_fields[name]
        hint = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        aliases = (info.alias, info.validation_alias if isinstance(info.validation_alias, str) else None, name)
        for key in aliases:
            if key is not None:
                out.setdefault(key, (place, hint))
    return out


def _listed(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The models a field of ``model`` lists (``intervals: [...]`` lists ``IntervalExpectation``)."""
    return [found for info in model.model_fields.values() for found in _models(_item_hint(info.annotation))]


def _question_parts(attribute: str) -> list[type[BaseModel]]:
    """The models of every question's spec (``spec``: its kind's field) or of its ``expect``."""
    parts: list[type[BaseModel]] = []
    for question in _models(m.Question):
        assert issubclass(question, m.QuestionBase)
        name = question.kind if attribute == "spec" else attribute
        if name in question.model_fields:
            parts += _models(question.model_fields[name].annotation)
    return parts


#: Mappings written as one flow collection on one line, whatever their length. Events above all:
#: one event is one line, so a grep for a pair finds the whole fact with its source, a diff of a
#: corrected source is one line, and line-oriented tools (sort, uniq, comm) work on histories. A
#: long event stays on its line, as the bundled history has it: wrapping past a width would make
#: the layout of an event flip between one line and several when a note grows by a word, and give
#: the history two shapes. Editors soft-wrap for reading. The same goes for the other records of
#: long lists (state records, pairs, stages) and for the small values of a rule or a question
#: (checks, groups, specs, expectations, amendments). Everything else (documents, organisations,
#: versions, conditions, questions) is a section, written in block style; so is an expectation that
#: lists records (a timeline's intervals, a matrix's rows), one record a line.
_EXPECTATIONS = _question_parts("expect")
_ONE_LINE: frozenset[type[BaseModel]] = frozenset(
    {
        *_models(m.Event),
        *_models(m.Check),
        m.StatusInOrg,
        m.Group,
        m.AtLeast,
        m.Stage,
        m.StateRecord,
        m.NeverEstablished,
        m.NotRecognized,
        m.Amendment,  # `SCO: {drop: [sco.peace]}`, as the SPEC writes it
        m.Replacement,
        *_question_parts("spec"),
        *(e for e in _EXPECTATIONS if not _listed(e)),
        *(record for e in _EXPECTATIONS for record in _listed(e)),
    }
)

_DOCUMENTS: tuple[type[BaseModel], ...] = (m.Scenario, m.Organization, m.WorldFile)


def _document_model(keys: list[str]) -> type[BaseModel] | None:
    """The kind of file, from its keys: the model that knows most of them (none if it knows none)."""
    scores = [(sum(k in _fields(model) for k in keys), model) for model in _DOCUMENTS]
    best = max(score for score, _ in scores)
    return next(model for score, model in scores if score == best) if best else None


@dataclass(frozen=True)
class _Shape:
    """What the format says of a mapping: its model (key order, style) or, for a ``dict``, its values."""

    model: type[BaseModel] | None = None
    values: Any = None


def _mapping_shape(hint: Any, keys: list[str]) -> _Shape | None:
    if hint is None:
        return None
    options, chooser = _alternatives(hint)
    models = [(t, tag) for t, tag in options if isinstance(t, type) and issubclass(t, BaseModel)]
    if len(models) == 1:
        return _Shape(models[0][0])
    if models and callable(chooser):
        # The unions' discriminators read the keys only: they are called on the keys alone.
        wanted = chooser(dict.fromkeys(keys))
        return next((_Shape(t) for t, tag in models if tag == wanted), None)
    for t, _ in options:
        if get_origin(t) is dict:
            return _Shape(values=get_args(t)[1])
    return None


# --- the source: comments, blank lines, scalars as written -----------------------------------------


@dataclass(eq=False)
class _Note:
    """A comment as written: its text from the ``#``, where it stood, and a blank line before it."""

    text: str
    line: int
    col: int
    own_line: bool
    blank: bool = False


_WS = " \t"  # YAML's white space: a no-break space is text
_BREAKS = re.compile("(\n|\x85|\u2028|\u2029)")
_ODD_BREAK = re.compile("[\x85\u2028\u2029]")


class _Source:
    """A document's lines, its comments, and which lines lie inside multi-line scalars.

    A comment is a ``#`` after a space (or at a line's start) outside every scalar: the scalars'
    spans come from the node graph, so comments are found without a second pass of the scanner.
    """

    def __init__(self, text: str, file: str, root: yaml.Node) -> None:
        self.text, self.file = text, file
        # Lines as libyaml counts them (its marks are in these): NEL, LS and PS break lines too.
        parts = _BREAKS.split(text)
        self.lines: list[str] = parts[::2]
        self.odd_breaks = {i for i, brk in enumerate(parts[1::2]) if brk != "\n"}  # lines ending so
        self.notes: list[_Note] = []
        self.covered: set[int] = set()  # lines inside multi-line scalars: `#` there is text
        self._hashes = {i for i, line in enumerate(self.lines) if "#" in line}
        self._spans: dict[int, list[tuple[int, int]]] = {}  # scalars on lines with a `#`
        self._walk(root)
        self._comments()
        self.blank = {i for i, line in enumerate(self.lines) if not line.strip(_WS) and i not in self.covered}
        for note in self.notes:
            note.blank = note.own_line and note.line - 1 in self.blank

    def _walk(self, root: yaml.Node) -> None:
        seen: set[int] = set()
        todo = [root]
        while todo:
            node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            line, col = self.start(node)
            if self.lines[line].startswith("!", col):
                raise AccedeError.one(
                    "yaml.unsupported-tag",
                    "tags are not allowed: files are plain data",
                    file=self.file,
                    line=line + 1,
                    column=col + 1,
                )
            if isinstance(node, yaml.ScalarNode):
                self._scalar(node, line, col)
            elif isinstance(node, yaml.MappingNode):
                todo += [part for pair in node.value for part in pair]
            else:
                todo += node.value

    def start(self, node: yaml.Node) -> tuple[int, int]:
        """Where a node's content starts: its mark is its anchor's, if it has one."""
        line, col = node.start_mark.line, node.start_mark.column
        text = self.lines[line]
        if not text.startswith("&", col):
            return line, col
        col = re.compile(r"&\S+").match(text, col).end()  # type: ignore[union-attr]  # `&` is there
        while line + 1 < len(self.lines) and (not text[col:].strip(_WS) or text[col:].lstrip(_WS).startswith("#")):
            line, col, text = line + 1, 0, self.lines[line + 1]
        return line, len(text) - len(text[col:].lstrip(_WS))

    def _scalar(self, node: yaml.ScalarNode, first: int, col: int) -> None:
        end = node.end_mark
        last = end.line - (end.column == 0 and end.line > first)
        if node.style in ("|", ">"):
            header = self.lines[first][col:]
            indicator = re.match(r"[|>][-+0-9]*", header)
            width = indicator.end() if indicator else 1
            self._span(first, col, col + width)  # a comment after the header is found as any other
            if "+" not in header[:width]:
                # Blank lines after clipped or stripped content are separators, not content.
                while last > first and not self.lines[last].strip(_WS):
                    last -= 1
            self.covered.update(range(first + 1, last + 1))
            return
        if last == first:
            self._span(first, col, end.column)
            return
        self._span(first, col, len(self.lines[first]))
        self.covered.update(range(first + 1, last))
        self._span(last, 0, end.column)

    def _span(self, line: int, start: int, end: int) -> None:
        if line in self._hashes:
            self._spans.setdefault(line, []).append((start, end))

    def _comments(self) -> None:
        for line in sorted(self._hashes - self.covered):
            text, spans = self.lines[line], self._spans.get(line, [])
            col = text.find("#")
            while col >= 0:
                after_space = col == 0 or text[col - 1] in " \t"
                if after_space and not any(a <= col < b for a, b in spans):
                    self.notes.append(_Note(text[col:].rstrip(_WS), line, col, not text[:col].strip(_WS)))
                    break
                col = text.find("#", col + 1)
        self.notes.sort(key=lambda n: (n.line, n.col))

    def span(self, node: yaml.ScalarNode) -> str | None:
        """A single-line scalar as written (its anchor left out), or None if it spans lines."""
        line, col = self.start(node)
        if line != node.end_mark.line:
            return None
        return self.lines[line][col : node.end_mark.column]


# --- the tree: entries with their comments, in source order and in canonical order -----------------


@dataclass(eq=False)
class _Coll:
    """A mapping or a sequence, with how it is written out."""

    node: yaml.MappingNode | yaml.SequenceNode
    flow: bool
    items: list[_Item] = field(default_factory=list)
    tail: list[_Note] = field(default_factory=list)
    owner: _Item | None = None
    end: int = 0


@dataclass(eq=False)
class _Item:
    """One entry of a mapping (``key``) or one item of a sequence (no key)."""

    key: yaml.ScalarNode | None
    value: _Coll | yaml.ScalarNode
    parent: _Coll
    line: int
    col: int
    end: int = 0
    blank: bool = False
    before: list[_Note] = field(default_factory=list)
    eol: list[_Note] = field(default_factory=list)


class _Builder:
    def __init__(self, source: _Source) -> None:
        self.source = source
        self.flat: list[_Item] = []  # every entry of the source, in source order
        self._seen: set[int] = set()

    def build(self, node: yaml.Node, hint: Any, in_flow: bool, copy: bool) -> _Coll | yaml.ScalarNode:
        if isinstance(node, yaml.ScalarNode):
            return node
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, hint, in_flow, copy)
        assert isinstance(node, yaml.SequenceNode)
        items = node.value
        item_hint = _item_hint(hint)
        # A list of scalars is one line, a list of records one record a line.
        flow = bool(node.flow_style) if item_hint is None else not any(isinstance(v, yaml.MappingNode) for v in items)
        coll = _Coll(node, in_flow or flow or not items)
        for value in items:
            self._add(coll, None, value, item_hint, copy)
        return self._close(coll)

    def _mapping(self, node: yaml.MappingNode, hint: Any, in_flow: bool, copy: bool) -> _Coll:
        keys = [str(k.value) for k, _ in node.value]
        shape = _Shape(_document_model(keys)) if hint is _DOCUMENT else _mapping_shape(hint, keys)
        fields = _fields(shape.model) if shape is not None and shape.model is not None else {}
        if hint is _DOCUMENT:
            flow = False
        elif shape is None:
            flow = bool(node.flow_style)
        elif shape.model is None:
            # A table of scalars is one line (`counts: {blocked: 3}`), a table of records is not.
            flow = not any(isinstance(v, yaml.MappingNode) for _, v in node.value)
        else:
            flow = shape.model in _ONE_LINE
        coll = _Coll(node, in_flow or flow or not node.value)
        for key, value in node.value:
            child = fields.get(str(key.value), (len(fields), None))[1]
            if shape is not None and shape.model is None:
                child = shape.values
            self._add(coll, key, value, child, copy)
        self._close(coll)
        order = {str(k.value): fields.get(str(k.value), (len(fields), None))[0] for k, _ in node.value}
        coll.items.sort(key=lambda item: order[str(item.key.value)] if item.key is not None else 0)
        return coll

    def _add(self, coll: _Coll, key: yaml.ScalarNode | None, value: yaml.Node, hint: Any, copy: bool) -> None:
        first = key if key is not None else value
        col = first.start_mark.column
        if key is None and not coll.node.flow_style:
            col = coll.node.start_mark.column  # the dash's column
        item = _Item(key, _NOTHING, coll, first.start_mark.line, col)
        # An alias repeats its anchor's data: written out in full (reordered keys could put an alias
        # before its anchor), and without comments, which stay with the anchored original.
        alias = copy or id(value) in self._seen
        self._seen.add(id(value))
        if not copy:
            item.blank = item.line - 1 in self.source.blank
            self.flat.append(item)
        item.value = self.build(value, hint, coll.flow, alias)
        item.end = item.line if alias else max(item.line, _last_line(item.value, self.source))
        if isinstance(item.value, _Coll):
            item.value.owner = item
        coll.items.append(item)

    def _close(self, coll: _Coll) -> _Coll:
        node = coll.node
        if node.flow_style or not coll.items:
            coll.end = node.end_mark.line
        else:
            coll.end = max(item.end for item in coll.items)
        return coll


_DOCUMENT = object()  # the hint of a document's top: its kind is read from its keys
_NOTHING = yaml.ScalarNode("tag:yaml.org,2002:null", "")  # an entry's value until it is built


def _last_line(value: _Coll | yaml.ScalarNode, source: _Source) -> int:
    if isinstance(value, _Coll):
        return value.end
    end = value.end_mark.line - (value.end_mark.column == 0 and value.end_mark.line > value.start_mark.line)
    while end > value.start_mark.line and not source.lines[end].strip(_WS):
        end -= 1
    return end


def _attach(source: _Source, builder: _Builder, root: _Coll) -> list[_Note]:
    """Give every comment to the entry it describes; returns the document's head comments.

    A comment on its own line describes what follows it, unless it is indented under an entry
    that has ended (then it closes that block); an end-of-line comment belongs to the innermost
    entry written on that line outside a flow collection.
    """
    flat = builder.flat
    starts = [item.line for item in flat]
    head: list[_Note] = []
    # Where the last comment between the same two entries went: comments keep their order, so
    # a later one may close the same block or an outer one, never an inner one.
    gap, floor = -1, None
    for note in source.notes:
        at = bisect_right(starts, note.line)
        if not note.own_line:
            owner = _owner(flat[at - 1] if at else None, note.line)
            if owner is not None:
                owner.eol.append(note)
                continue
            note.own_line = True
        following = flat[at] if at < len(flat) else None
        if at != gap:
            gap, floor = at, None
        if at == 0:
            head.append(note)
        elif following is not None and following.parent.node.flow_style:
            owner = _owner(flat[at - 1], note.line)
            (owner.eol if owner is not None else following.before).append(note)
        elif floor is not _NEXT and (following is None or note.col > following.col):
            block = _closed(floor if isinstance(floor, _Coll) else flat[at - 1].parent, note)
            floor = block or _NEXT
            (block.tail if block is not None else following.before if following else root.tail).append(note)
        else:
            floor = _NEXT
            (following.before if following is not None else root.tail).append(note)
    return head


def _owner(item: _Item | None, line: int) -> _Item | None:
    # The entries that contain a line are the last one started before it and its ancestors.
    while item is not None:
        if not item.parent.node.flow_style and item.line <= line <= item.end:
            return item
        item = item.parent.owner
    return None


def _closed(coll: _Coll | None, note: _Note) -> _Coll | None:
    """The innermost block, from ``coll`` out, that ended before the comment and is indented no deeper."""
    while coll is not None:
        if not coll.node.flow_style and coll.end < note.line and coll.items and coll.items[0].col <= note.col:
            return coll
        coll = coll.owner.parent if coll.owner is not None else None
    return None


_NEXT = object()  # a comment went to the entry after it


# --- writing ---------------------------------------------------------------------------------------

_FLOW_UNSAFE = re.compile(r"[,\[\]{}]|:\?")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\0": "\\0",
    "\x85": "\\N",  # libyaml reads NEL, LS and PS as line breaks: written raw they would fold
    "\u2028": "\\L",
    "\u2029": "\\P",
    "\ufeff": "\\ufeff",
}
# What may be written raw in a quoted scalar: YAML's printable characters less LS and PS.
_PRINTABLE = re.compile("[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _double_quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _PRINTABLE.match(ch):
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


@dataclass(frozen=True)
class _Block:
    """A literal or folded scalar as written: its header and its content lines, indented ``indent``."""

    header: str
    lines: list[str]
    indent: int


def _scalar(node: yaml.ScalarNode, flow: bool, source: _Source, key: bool = False) -> str | _Block:
    value: str = node.value
    style = node.style
    if style in ("|", ">"):
        block = None if flow or key else _block(node, source)
        return block if block is not None else _double_quoted(value)
    if style in ("'", '"'):
        written = source.span(node)
        if written is not None:
            return written
        if style == "'" and "\n" not in value and all(_PRINTABLE.match(c) for c in value):
            return "'" + value.replace("'", "''") + "'"
        return _double_quoted(value)
    if value == "":
        # The engine reads every key as text, so an empty key stays the empty text; an empty value
        # is null, and a flow line needs the word for it.
        return '""' if key else ("null" if flow else "")
    if "\n" in value or _ODD_BREAK.search(value) or (flow and _FLOW_UNSAFE.search(value)):
        return _double_quoted(value)
    return value


def _block(node: yaml.ScalarNode, source: _Source) -> _Block | None:
    first, col = source.start(node)
    header = source.lines[first][col:]
    indicator = re.match(r"[|>][-+]?", header)
    if indicator is None or re.match(r"[|>][-+]?[0-9]", header):
        return None  # an explicit indentation is relative to the old layout: quote it instead
    end = node.end_mark
    last = _last_line(node, source) if "+" not in indicator.group() else end.line - (end.column == 0)
    if any(line in source.odd_breaks for line in range(first, last + 1)):
        return None  # copied lines are joined with `\n`: a line that ended otherwise is quoted
    lines = source.lines[first + 1 : last + 1]
    indents = [len(line) - len(line.lstrip(" ")) for line in lines if line.strip(_WS)]
    return _Block(indicator.group(), lines, min(indents, default=0))


class _Writer:
    """The layout's lines, written entry by entry, with each entry's comments around it."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.out: list[str] = []
        self.fresh = True  # nothing written yet in the current block: no blank line here

    def line(self, text: str, blank: bool = False) -> None:
        if blank and not self.fresh:
            self.out.append("")
        self.out.append(text)
        self.fresh = False

    def notes(self, notes: Iterable[_Note], indent: int) -> None:
        for note in notes:
            self.line(" " * indent + note.text, note.blank)

    def block(self, coll: _Coll, indent: int) -> None:
        for item in coll.items:
            self.item(item, indent)
        self.notes(coll.tail, indent)

    def item(self, item: _Item, indent: int) -> None:
        before, eol, value = list(item.before), list(item.eol), item.value
        nested = isinstance(value, _Coll) and not value.flow
        if isinstance(value, _Coll) and value.flow:
            eol += _inner_notes(value)
        if nested and item.key is None:
            assert isinstance(value, _Coll)
            # `- key: ...` writes the item's first entry on the dash's line: comments go above it.
            before += value.items[0].before
            value.items[0].before = []
            eol, before = [], before + eol
        if len(eol) > 1 or any(n.own_line for n in eol):
            # Comments written inside what is now one line go above it; one at its end stays there.
            eol, before = [], before + sorted(eol, key=lambda n: (n.line, n.col))
        self.notes(before, indent)
        lead = " " * indent + ("- " if item.key is None else _key(item.key, self.source) + ":")
        if isinstance(value, _Coll) and nested:
            self.nested(item, value, lead, indent, eol=eol)
            return
        shown = self.inline(value) if isinstance(value, _Coll) else _scalar(value, False, self.source)
        sep = "" if item.key is None else " "
        if isinstance(shown, _Block):
            self.line(_with_eol(lead + sep + shown.header, eol, self.source), item.blank)
            for line in shown.lines:
                # Spaces past the indentation are content, even on an otherwise blank line.
                cut = line[shown.indent :]
                self.out.append(" " * (indent + _INDENT) + cut if len(line) > shown.indent else "")
        else:
            text = lead + sep + shown if shown else lead.rstrip(" ")
            self.line(_with_eol(text, eol, self.source), item.blank)

    def nested(self, item: _Item, value: _Coll, lead: str, indent: int, *, eol: list[_Note]) -> None:
        if item.key is not None:
            self.line(_with_eol(lead, eol, self.source), item.blank)
            self.fresh = True
            self.block(value, indent + _INDENT)
            self.fresh = False
            return
        # A sequence item that is a block collection starts on the dash's own line.
        start, fresh = len(self.out), self.fresh
        self.fresh = True
        self.block(value, indent + _INDENT)
        self.out[start] = lead + self.out[start][indent + _INDENT :]
        if item.blank and not fresh:
            self.out.insert(start, "")

    def inline(self, coll: _Coll) -> str:
        parts = []
        for item in coll.items:
            value = item.value
            shown = self.inline(value) if isinstance(value, _Coll) else _scalar(value, True, self.source)
            assert isinstance(shown, str)
            parts.append(shown if item.key is None else f"{_key(item.key, self.source, flow=True)}: {shown}")
        if isinstance(coll.node, yaml.MappingNode):
            return "{" + ", ".join(parts) + "}"
        return "[" + ", ".join(parts) + "]"


def _key(node: yaml.ScalarNode, source: _Source, flow: bool = False) -> str:
    shown = _scalar(node, flow, source, key=True)
    assert isinstance(shown, str)
    return shown


def _inner_notes(coll: _Coll) -> list[_Note]:
    found = list(coll.tail)
    for item in coll.items:
        found += item.before + item.eol
        item.before, item.eol = [], []
        if isinstance(item.value, _Coll):
            found += _inner_notes(item.value)
    coll.tail = []
    for note in found:
        note.blank = False
    return found


def _with_eol(line: str, eol: list[_Note], source: _Source) -> str:
    if not eol:
        return line
    note = eol[0]
    written = source.lines[note.line][: note.col].rstrip(_WS)
    # A line written as before keeps the space before its comment, so comments aligned in a column
    # stay aligned; a line that changed has its comment two spaces after it.
    gap = max(note.col - len(written), 2) if written.strip(_WS) == line.strip(_WS) else 2
    return line + " " * gap + note.text


# --- the whole document ----------------------------------------------------------------------------


def format_text(text: str | bytes, file: str = "<text>") -> str:
    """The canonical layout of one rule, world or scenario document.

    Raises ``AccedeError`` (located problems) for input that is not plain YAML data with a mapping
    at the top, and ``LayoutError`` if the layout would change the data or lose a comment.
    """
    before = parse_yaml(text, file)
    if not isinstance(before.data, dict):
        raise AccedeError([before.problem("schema.not-mapping", "expected a mapping at the top of the document")])
    source_text = text.decode("utf-8") if isinstance(text, bytes) else text
    source_text = source_text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    node = _compose(source_text)
    assert isinstance(node, yaml.MappingNode)
    source = _Source(source_text, file, node)
    builder = _Builder(source)
    root = builder.build(node, _DOCUMENT, False, False)
    assert isinstance(root, _Coll)
    writer = _Writer(source)
    head = _attach(source, builder, root)
    for note in head:
        writer.line(note.text, note.blank)
    if head and builder.flat and builder.flat[0].blank:
        # The blank line under a file's opening comment stays there, whichever key comes first.
        writer.line("")
        writer.fresh = True
        builder.flat[0].blank = False
    if root.flow:
        writer.line(writer.inline(root))
        writer.notes(root.tail, 0)
    else:
        writer.block(root, 0)
    result = "\n".join(writer.out) + "\n"
    if result != source_text:
        _verify(before.data, source, result, file)
    return result


def _verify(data: Any, source: _Source, result: str, file: str) -> None:
    try:
        after = parse_yaml(result, file)
        composed = _compose(result)
        assert composed is not None
        kept = _Source(result, file, composed).notes
    except AccedeError as exc:
        raise LayoutError(f"{file}: the layout is not valid YAML ({exc}); nothing was written") from None
    if not _same(data, after.data):
        raise LayoutError(f"{file}: the layout would change the file's data; nothing was written")
    if Counter(n.text for n in kept) != Counter(n.text for n in source.notes):
        raise LayoutError(f"{file}: the layout would lose or repeat a comment; nothing was written")


def _same(a: Any, b: Any) -> bool:
    """Equal data of the same types (``True`` is not ``1``, ``1`` is not ``1.0``; NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return bool(a == b)


# --- files -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formatted:
    """One file: as it is, and as fmt would write it."""

    path: Path
    name: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def yaml_files(names: Sequence[str]) -> list[Path]:
    """The files named: files as given, folders searched for ``.yaml`` and ``.yml`` (hidden folders skipped)."""
    found: dict[Path, None] = {}
    problems: list[Problem] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            for sub in folder_yaml_files(path):
                found.setdefault(sub)
        elif path.is_file():
            found.setdefault(path)
        else:
            problems.append(Problem("file.not-found", f"no file or folder `{name}`", file=name))
    if problems:
        raise AccedeError(problems)
    return list(found)


def format_file(path: Path, name: str) -> Formatted:
    """Read one file and lay it out (``name`` is how messages show it)."""
    try:
        if path.stat().st_size > DOCUMENT_BYTES.file:
            raise AccedeError.one(
                "file.too-large", f"the document is larger than {DOCUMENT_BYTES.file} bytes", file=name
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise AccedeError.one("file.not-found", f"cannot read `{name}`: {exc.strerror or exc}", file=name) from None
    after = format_text(raw, name)
    return Formatted(path, name, raw.decode("utf-8"), after)


def diff(result: Formatted) -> str:
    """A unified diff from the file as it is to the file as fmt writes it."""
    lines = difflib.unified_diff(
        _keep_ends(result.before),
        _keep_ends(result.after),
        fromfile=result.name,
        tofile=f"{result.name} (formatted)",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _keep_ends(text: str) -> list[str]:
    # Lines split at `\n` only: `str.splitlines` would also split at characters inside scalars.
    *lines, last = text.split("\n")
    return [line + "\n" for line in lines] + ([last] if last else [])
