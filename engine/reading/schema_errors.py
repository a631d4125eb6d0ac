"""pydantic's validation errors as accede's problems: a stable code, the field, the rule id, words.

pydantic reports union tags and Python-ish messages; an analyst should read `rule.unknown-check:
condition `sco.relations` uses unknown check `relations_wiht` (did you mean `relations_with`?)`.

Each error's location is walked along the model's own types and the document side by side, so a
union's tag (`join`, `establish`, `AtLeast`) is never taken for a key that happens to share its
name, the allowed values of a field are read from its ``Literal``, and an unknown key is
compared with the fields of the one model where it was written. One mistake is one problem: of a
union's members only the one that came closest is reported, a list emptied by its failing items
and a missing field that an unknown key misspells are not reported again. Whatever a user wrote
is echoed through ``shown``, in YAML's flow syntax, never as a Python repr.

``findings`` also says which list items (a question, an event, a condition...) enclose each
mistake, so that ``loader.validate`` can drop them and read the rest (``prune``).
"""

from __future__ import annotations

import datetime
import difflib
import re
import types
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeGuard, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_core.core_schema import ErrorType

from engine import models as m
from engine.common.dates import DATE_MESSAGE
from engine.common.errors import Problem, did_you_mean, shown
from engine.reading.yaml12 import Document, Path_

__all__ = ["Finding", "findings", "original_path", "prune", "translate"]

#: How a field's allowed values are named in a message; other fields say "not allowed here".
_NOUNS = {"verdict": "a verdict", "pass": "a pass rule", "confidence": "a confidence level"}
_BUILTIN_TYPES = frozenset(get_args(ErrorType))
#: Errors that say "this is not even the right kind of value" rather than "this value is wrong".
_KIND_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "`true` or `false`",
    "bool_parsing": "`true` or `false`",
    "tuple_type": "a list",
    "list_type": "a list",
    "iterable_type": "a list",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dict_type": "a mapping",
    "mapping_type": "a mapping",
    "date_type": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
}
_UNIONS = (Union, types.UnionType)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, where it is in the document, and the list items that enclose it (innermost first)."""

    problem: Problem
    path: Path_
    items: tuple[Path_, ...] = ()


def translate(doc: Document, exc: ValidationError, prefix: Path_ = (), root: Any = None) -> list[Problem]:
    """pydantic errors as accede problems: stable code, located, readable, one per mistake.

    ``root`` is the type that was validated (a model, ``tuple[Event, ...]``); without it, it is
    read from the error's title.
    """
    return [f.problem for f in findings(doc, exc, prefix, root)]


def findings(doc: Document, exc: ValidationError, prefix: Path_ = (), root: Any = None) -> list[Finding]:
    """``translate``'s problems with their document paths and the list items enclosing them."""
    data = doc.data
    for part in prefix:
        data = data[part]
    kind = root if root is not None else _root_type(exc.title)
    errors = [_Error(e, _walk(kind, data, tuple(e["loc"]))) for e in exc.errors(include_url=False)]
    errors = _one_per_mistake(errors)
    return [_finding(doc, prefix, error) for error in errors]


def prune(data: Any, items: Iterable[Path_]) -> tuple[Any, dict[Path_, list[int]]]:
    """The data without the list items at ``items``, and for each list that lost some, the
    original indexes of the items it kept (what ``original_path`` needs). ``data`` is not changed."""
    drop: dict[Path_, set[int]] = {}
    for item in items:
        if item and isinstance(item[-1], int):
            drop.setdefault(item[:-1], set()).add(item[-1])
    leads = {lst[:n] for lst in drop for n in range(len(lst) + 1)}
    kept: dict[Path_, list[int]] = {}

    def rebuild(node: Any, path: Path_) -> Any:
        if path not in leads:
            return node
        if isinstance(node, list):
            gone = drop.get(path, set())
            keep = [i for i in range(len(node)) if i not in gone]
            if gone:
                kept[path] = keep
            return [rebuild(node[i], (*path, i)) for i in keep]
        if isinstance(node, dict):
            return {k: rebuild(v, (*path, k)) for k, v in node.items()}
        return node

    return rebuild(data, ()), kept


def original_path(path: Path_, kept: dict[Path_, list[int]]) -> Path_:
    """A path in pruned data (``prune``) as the path of the same value in the original document."""
    out: list[str | int] = []
    for part in path:
        index = kept.get(tuple(out))
        if isinstance(part, int) and index is not None and 0 <= part < len(index):
            out.append(index[part])
        else:
            out.append(part)
    return tuple(out)


# -- Walking an error's location along the types and the data ------------------------------------


@dataclass
class _Walk:
    """Where one error's ``loc`` leads, in the document and in the model's types."""

    path: Path_ = ()
    node: Any = None  # the data at ``path``
    kind: Any = None  # the type the last part of ``loc`` leads to (None: not known)
    parent: Any = None  # the type before the last part (the model of a missing or unknown field)
    parent_node: Any = None
    items: tuple[Path_, ...] = ()  # list items of models enclosing the error, innermost first
    #: Smart (undiscriminated) unions crossed: (index in loc, member's tag, the union, path there).
    unions: tuple[tuple[int, str, Any, Path_], ...] = ()


@dataclass
class _Error:
    raw: ErrorDetails
    walk: _Walk
    #: Set when a union's members all failed on the kind of value: the union to describe.
    union: Any = None
    #: Set when an unknown key misspells a missing field: that field's name.
    meant: str | None = None

    @property
    def loc(self) -> tuple[str | int, ...]:
        return tuple(self.raw["loc"])

    @property
    def type(self) -> str:
        return self.raw["type"]


def _root_type(title: str) -> Any:
    """The type a ValidationError's title names: a model, or one of the models' unions (in a tuple)."""
    if title.startswith("tuple[") and title.endswith(", ...]"):
        inner = _root_type(title[len("tuple[") : -len(", ...]")])
        return None if inner is None else types.GenericAlias(tuple, (inner, ...))
    found = getattr(m, title, None)
    if isinstance(found, type) and issubclass(found, BaseModel):
        return found
    for union in (m.Event, m.Check, m.Question):
        names = ",".join(getattr(_unwrap(a), "__name__", "") for a in get_args(_unwrap(union)))
        if title == f"tagged-union[{names}]":
            return union
    return None


def _unwrap(kind: Any) -> Any:
    """A type without its ``Annotated`` metadata and, for ``X | None``, without the ``None``."""
    while True:
        if get_origin(kind) is Annotated:
            kind = get_args(kind)[0]
            continue
        if get_origin(kind) in _UNIONS:
            members = [a for a in get_args(kind) if a is not type(None)]
            if len(members) == 1:
                kind = members[0]
                continue
        return kind


def _is_model(kind: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _is_union(kind: Any) -> bool:
    return get_origin(kind) in _UNIONS


def _tag(member: Any) -> str | None:
    if get_origin(member) is Annotated:
        for meta in get_args(member)[1:]:
            if isinstance(meta, Tag):
                return meta.tag
    return None


def _base_name(kind: Any) -> str:
    origin = get_origin(kind) or kind
    return getattr(origin, "__name__", "")


def _member(union: Any, part: str | int) -> Any:
    """The member of a union that a location's part names (a ``Tag``, a class name, ``literal[...]``)."""
    if not isinstance(part, str):
        return None
    for member in get_args(union):
        if member is type(None):
            continue
        tag = _tag(member)
        inner = _unwrap(member)
        if tag is not None:
            if tag == part:
                return member
        elif _is_model(inner):
            if inner.__name__ == part:
                return member
        elif get_origin(inner) is Literal:
            if part.startswith("literal["):
                return member
        elif (base := _base_name(inner)) and part.split("[")[0].endswith(base):
            return member
    return None


def _field(model: type[BaseModel], part: str) -> tuple[str, FieldInfo] | None:
    for name, info in model.model_fields.items():
        if part in (name, info.alias, info.validation_alias):
            return name, info
    return None


def _is_entity(kind: Any) -> bool:
    """Whether a list's items are things of their own (questions, events, conditions), not codes."""
    kind = _unwrap(kind)
    return _is_model(kind) or (_is_union(kind) and any(_is_model(_unwrap(a)) for a in get_args(kind)))


def _element(kind: Any, part: int) -> Any:
    args = get_args(kind)
    if len(args) == 2 and args[1] is Ellipsis:
        return args[0]
    if get_origin(kind) is list and args:
        return args[0]
    return args[part] if 0 <= part < len(args) else None


def _walk(root: Any, data: Any, loc: tuple[str | int, ...]) -> _Walk:
    """Follow ``loc`` through the types from ``root`` and through the data at once.

    A part is a union's tag when the type there is a union; otherwise it is a key or an index of
    the data. Parts the data lacks (a group's ``states`` when the group was written as a list)
    move through the types only, so the path names what the user wrote.
    """
    path: list[str | int] = []
    node = data
    kind = root
    items: list[Path_] = []
    unions: list[tuple[int, str, Any, Path_]] = []
    parent: Any = None
    parent_node: Any = None
    for i, part in enumerate(loc):
        here = _unwrap(kind) if kind is not None else None
        parent, parent_node = here, node
        if _is_union(here):
            member = _member(here, part)
            if member is not None:
                if not any(_tag(a) is not None for a in get_args(here)):
                    unions.append((i, str(part), here, tuple(path)))
                kind = member
                continue
            here = None
        key: str | int | None = None
        if _is_model(here) and isinstance(part, str):
            found = _field(here, part)
            kind = found[1].annotation if found else None
            names = (part, found[1].alias, found[0]) if found else (part,)
            key = next((n for n in names if isinstance(node, dict) and n in node), None)
        elif get_origin(here) in (tuple, list) and isinstance(part, int):
            kind = _element(here, part)
            if isinstance(node, list) and 0 <= part < len(node):
                key = part
                if _is_entity(kind):
                    items.insert(0, (*path, part))
        elif get_origin(here) is dict:
            key_type, value_type = get_args(here)
            kind = key_type if part == "[key]" else value_type
            key = part if isinstance(node, dict) and part in node else None
        else:
            kind = None
            if (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            ):
                key = part
        if key is not None:
            path.append(key)
            node = node[key]
    return _Walk(tuple(path), node, kind, parent, parent_node, tuple(items), tuple(unions))


# -- One problem per mistake ----------------------------------------------------------------------


def _is_kind_mismatch(error: _Error, depth: int) -> bool:
    """Whether a union member failed at its root on the kind of value (a mapping for a Literal)."""
    if len(error.loc) != depth:
        return False
    if error.type == "literal_error":
        allowed = _literal_values(error.walk.kind)
        return not any(type(v) is type(error.raw["input"]) for v in allowed)
    return error.type in _KIND_WORDS


def _one_per_mistake(errors: list[_Error]) -> list[_Error]:
    # 1. Of a smart union's members, keep the one that came closest: one that failed past its
    #    root beats one that failed at its root, a deeper failure beats a shallower one. When
    #    every member failed on the kind of value, the union is reported once, as a whole.
    points: dict[tuple[str | int, ...], dict[str, list[_Error]]] = {}
    for error in errors:
        for index, tag, _union, _path in error.walk.unions:
            points.setdefault(error.loc[:index], {}).setdefault(tag, []).append(error)
    dropped: set[int] = set()
    for at, members in points.items():
        if len(members) < 2:
            continue
        depth = len(at) + 1

        def score(group: list[_Error], depth: int = depth) -> tuple[bool, int]:
            return (not all(_is_kind_mismatch(e, depth) for e in group), max(len(e.loc) for e in group))

        best = max(members.values(), key=score)
        for group in members.values():
            if group is not best:
                dropped.update(id(e) for e in group)
        if not score(best)[0]:
            first, *rest = best
            first.union = next(u for i, _t, u, _p in first.walk.unions if i == len(at))
            dropped.update(id(e) for e in rest)
    kept = [e for e in errors if id(e) not in dropped]
    # 2. A failure is reported where it is most specific: an error whose location encloses
    #    another's (a list too short once its failing items are gone, a union) is a consequence.
    # Every proper prefix of a location, once: linear in the errors, where comparing each error with
    # every other made a body of thousands of mistakes take minutes to refuse.
    locs = {e.loc if e.union is None else e.loc[:-1] for e in kept}
    enclosing = {loc[:k] for loc in locs for k in range(len(loc))}
    kept = [e for e in kept if _loc(e) not in enclosing]
    # 3. A misspelt required key is one mistake, not a missing field and an unknown one.
    missing = {(e.loc[:-1], str(e.loc[-1])): e for e in kept if e.type == "missing"}
    merged: set[int] = set()
    for error in kept:
        if error.type != "extra_forbidden":
            continue
        names = [name for (at, name), e in missing.items() if at == error.loc[:-1] and id(e) not in merged]
        close = _closest(str(error.loc[-1]), names)
        if close is not None:
            error.meant = close
            merged.add(id(missing[(error.loc[:-1], close)]))
    return [e for e in kept if id(e) not in merged]


def _loc(error: _Error) -> tuple[str | int, ...]:
    return error.loc if error.union is None else error.loc[:-1]


def _closest(word: str, choices: Sequence[str]) -> str | None:
    # The same measure as did_you_mean's, so the hint then given names this very choice.
    close = difflib.get_close_matches(word, [c for c in choices if c != word], n=1, cutoff=0.6)
    return close[0] if close else None


# -- Words ----------------------------------------------------------------------------------------


def _finding(doc: Document, prefix: Path_, error: _Error) -> Finding:
    walk = error.walk
    # A union reported as a whole is at the union's own place, where its members' tags led.
    path = walk.path if error.union is None else next(p for _i, _t, u, p in walk.unions if u is error.union)
    full = (*prefix, *path)
    rule_id = _rule_id(doc.data, full)
    code, message = _describe(error, rule_id)
    items = tuple((*prefix, *item) for item in walk.items)
    return Finding(doc.problem(code, message, full, rule_id), full, items)


def _describe(error: _Error, rule_id: str | None) -> tuple[str, str]:
    kind, raw, walk = error.type, error.raw, error.walk
    value = raw.get("input")
    ctx: dict[str, Any] = dict(raw.get("ctx") or {})
    if error.union is not None:
        return "schema.invalid-value", _not_one_of(value, error.union, walk.path)
    if kind == "missing" and isinstance(error.loc[-1], int):
        # A fixed-length list (a pair) that is too short.
        wanted = len(get_args(walk.parent)) or error.loc[-1] + 1
        found = len(walk.parent_node) if isinstance(walk.parent_node, list) else error.loc[-1]
        return "schema.invalid-value", f"expected {wanted} items here, found {found}"
    if kind == "missing":
        name = str(error.loc[-1])
        named = _field(walk.parent, name) if _is_model(walk.parent) else None
        shown_name = (named[1].alias or named[0]) if named else name
        return "schema.missing-field", f"missing required field `{shown(shown_name)}`"
    if kind == "extra_forbidden":
        return "schema.unknown-field", _unknown_field(error)
    if kind == "literal_error":
        allowed = _literal_values(walk.kind) or _quoted(str(ctx.get("expected", "")))
        union = _enclosing_union(walk)
        return "schema.invalid-value", _not_one_of(value, union, walk.path, allowed)
    if kind == "name_ambiguous":
        return "world.ambiguous-name", f"`{shown(ctx.get('text', value))}` names several {ctx['what']}: {ctx['listed']}"
    if kind == "date_invalid":
        if not _is_scalar(value):
            return "date.invalid", f"expected a date (YYYY-MM-DD), found {_found(value)}"
        return "date.invalid", DATE_MESSAGE.format(value=_show(value))
    if kind == "check_invalid":
        return _check_invalid(value, rule_id)
    if kind == "event_invalid":
        return _event_invalid(value)
    if kind == "question_invalid":
        if not isinstance(value, dict):
            return "schema.not-mapping", "a question must be a mapping"
        kinds = ", ".join(f"`{k}`" for k in m.QUESTION_KINDS)
        return "schema.invalid-value", f"a question names exactly one of {kinds}{_guess(value, m.QUESTION_KINDS)}"
    if kind == "group_invalid":
        if "org" in ctx:
            return "schema.invalid-value", f"`{shown(ctx['org'])}` is not an organisation code"
        hint = did_you_mean(value, ["members"]) if isinstance(value, str) else ""
        return "schema.invalid-value", f"{_found(value)} is not a group: {raw['msg']}{hint}"
    if kind == "pair_invalid":
        return "schema.invalid-value", f"a pair names two different states, not `{shown(ctx.get('code'))}` twice"
    if kind in ("model_type", "dict_type", "model_attributes_type", "mapping_type"):
        return "schema.not-mapping", f"expected a mapping here, found {_found(value)}"
    if kind in _KIND_WORDS:
        return "schema.invalid-value", f"expected {_KIND_WORDS[kind]}, found {_found(value)}"
    return "schema.invalid-value", _constraint(kind, value, ctx, raw["msg"])


def _constraint(kind: str, value: Any, ctx: dict[str, Any], msg: str) -> str:
    """Messages for values of the right kind that break a constraint (length, range, pattern)."""
    if kind == "string_pattern_mismatch":
        return f"{_found(value)} is not a valid code or id here"
    if kind in ("too_short", "too_long") and isinstance(value, str):
        # A text checked after a validator of ours: pydantic words its length like a list's.
        kind = "string_" + kind
    if kind == "string_too_short":
        n = ctx.get("min_length", 1)
        return "expected text, found an empty string" if n == 1 else f"{_found(value)} is shorter than {n} characters"
    if kind == "string_too_long":
        return f"{_found(value)} is longer than {ctx.get('max_length')} characters"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        few = "at least" if kind == "too_short" else "at most"
        count = len(value) if isinstance(value, list | tuple | dict) else ctx.get("actual_length")
        return f"expected {few} {bound} item{'s' if bound != 1 else ''} here, found {count}"
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "greater_than": ("more than", "gt"),
        "less_than_equal": ("at most", "le"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"{_found(value)} is out of range: expected {words} {ctx.get(key)}"
    if kind in ("value_error", "assertion_error"):
        return shown(msg.split(", ", 1)[-1], 200)
    if kind not in _BUILTIN_TYPES:
        # One of our own PydanticCustomErrors: its words are ours, the values in it the user's.
        for text in ctx.values():
            if isinstance(text, str) and text:
                msg = msg.replace(text, shown(text))
        return shown(msg, 300)
    return f"{_found(value)} is not valid here"


def _unknown_field(error: _Error) -> str:
    walk = error.walk
    key = str(error.loc[-1])
    union = _enclosing_union(walk, model=True)
    if error.meant is not None and union is not None and _literal_members(union):
        # `pass: {atleast: 9}`: the mapping form of a value that is usually a word.
        shape = _shape(_unwrap(walk.parent))
        return _not_one_of(walk.parent_node, union, walk.path[:-1], hint=f" (did you mean `{shape}`?)")
    if error.meant is not None:
        return f"unknown field `{shown(key)}`{did_you_mean(key, [error.meant])}"
    choices: list[str] = []
    if _is_model(walk.parent):
        present = walk.parent_node if isinstance(walk.parent_node, dict) else {}
        choices = [n for n in _field_names(walk.parent) if n not in present]
    return f"unknown field `{shown(key)}`{did_you_mean(key, choices)}"


def _field_names(model: type[BaseModel]) -> list[str]:
    """The keys a model takes, as written in files (``as``, ``from``; a field's name too when it has no ``_``)."""
    names: list[str] = []
    for name, info in model.model_fields.items():
        for key in (info.alias, info.validation_alias, name):
            if isinstance(key, str) and not key.endswith("_") and key not in names:
                names.append(key)
    return names


def _enclosing_union(walk: _Walk, model: bool = False) -> Any:
    """The smart union whose member the error is in, when that member is the value itself."""
    if not walk.unions:
        return None
    union, path = walk.unions[-1][2:]
    depth = len(walk.path) - (1 if model else 0)
    return union if len(path) == depth else None


def _literal_values(kind: Any) -> tuple[Any, ...]:
    kind = _unwrap(kind)
    return get_args(kind) if get_origin(kind) is Literal else ()


def _literal_members(union: Any) -> list[Any]:
    return [a for a in get_args(union) if get_origin(_unwrap(a)) is Literal]


def _quoted(expected: str) -> tuple[str, ...]:
    # pydantic's `'eligible', 'undetermined' or 'blocked'`, for a Literal the walk did not reach.
    return tuple(re.findall(r"'((?:[^'\\]|\\.)*)'", expected))


def _not_one_of(value: Any, union: Any, path: Path_, allowed: Sequence[Any] = (), hint: str | None = None) -> str:
    """``x`` is not a verdict; one of ``eligible``, ... (did you mean ``...``?)."""
    words: list[Any] = list(allowed)
    forms: list[str] = []
    if union is not None:
        for member in get_args(union):
            inner = _unwrap(member)
            if get_origin(inner) is Literal:
                words += [v for v in get_args(inner) if v not in words]
            else:
                forms.append(_form(inner))
    choices = [f"`{_flow(v)}`" for v in words] + forms
    name = next((p for p in reversed(path) if isinstance(p, str)), "")
    noun = _NOUNS.get(name)
    if hint is None:
        hint = did_you_mean(value, [str(w) for w in words]) if isinstance(value, str) and words else ""
    if not words:
        # No vocabulary to list: say what kinds of value are taken.
        return f"expected {_or(forms)}, found {_found(value)}{hint}"
    subject = f"is not {noun}" if noun else "is not allowed here"
    return f"{_found(value)} {subject}; one of {', '.join(choices)}{hint}"


def _or(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _form(kind: Any) -> str:
    """What a union member takes, in words or as a shape (``{at_least: N}``)."""
    if _is_model(kind):
        shape = _shape(kind)
        return f"`{shape}`" if shape != "{}" else "a mapping"
    origin = get_origin(kind) or kind
    words = {str: "text", int: "a whole number", bool: "`true` or `false`", tuple: "a list", list: "a list"}
    return words.get(origin, "a mapping" if origin is dict else "a date" if origin is datetime.date else "a value")


def _shape(model: Any) -> str:
    if not _is_model(model):
        return "{}"
    parts: list[str] = []
    for name, info in model.model_fields.items():
        if info.is_required():
            inner = get_origin(_unwrap(info.annotation)) or _unwrap(info.annotation)
            slot = {int: "N", tuple: "[...]", list: "[...]", datetime.date: "D"}.get(inner, "...")
            parts.append(f"{info.alias or name}: {slot}")
    return "{" + ", ".join(parts) + "}"


def _check_invalid(value: Any, rule_id: str | None) -> tuple[str, str]:
    if isinstance(value, dict) and len(value) == 1:
        verb = str(next(iter(value)))
        who = f"condition `{rule_id}`" if rule_id else "a condition"
        return "rule.unknown-check", f"{who} uses unknown check `{shown(verb)}`{did_you_mean(verb, m.CHECK_VERBS)}"
    if isinstance(value, dict):
        return "schema.invalid-value", f"a check has exactly one key; found {_keys(value) or 'none'}"
    return "schema.not-mapping", "a check must be a mapping such as `{relations_with: members}`"


def _event_invalid(value: Any) -> tuple[str, str]:
    if not isinstance(value, dict):
        return "schema.not-mapping", "an event must be a mapping such as `{establish: [ARM, PAK], on: 2025-08-31}`"
    verbs = [k for k in value if k in m.EVENT_VERBS]
    if verbs:
        return "event.unknown-verb", "an event names one verb; found " + ", ".join(f"`{v}`" for v in verbs)
    return "event.unknown-verb", f"no known event verb among {_keys(value)}{_guess(value, m.EVENT_VERBS)}"


def _keys(mapping: dict[Any, Any]) -> str:
    listed = [f"`{shown(k, 40)}`" for k in list(mapping)[:6]]
    return ", ".join(listed) + (", …" if len(mapping) > 6 else "")


def _guess(mapping: dict[Any, Any], vocabulary: Sequence[str]) -> str:
    return next((g for g in (did_you_mean(str(k), vocabulary) for k in mapping) if g), "")


def _show(value: Any) -> str:
    """A value as a message echoes it: YAML flow syntax, escaped, cut."""
    return shown(_flow(value))


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list | tuple)


def _found(value: Any) -> str:
    """What was written, for "found ...": the value in backticks, or its kind for a list of lists or
    mappings (whose flow syntax would read like the code that produced it)."""
    if isinstance(value, list | tuple) and not all(_is_scalar(v) for v in value):
        return "a list"
    return f"`{_show(value)}`"


def _flow(value: Any, budget: int = 80) -> str:
    """``{establish: [ARM, PAK], on: 2025-13-01}``: a value as YAML's flow syntax writes it.

    Stops once ``budget`` characters are written (``shown`` cuts the rest), so a huge list costs
    no more than a short one.
    """
    out: list[str] = []
    size = 0
    for token in _tokens(value):
        out.append(token)
        size += len(token)
        if size > budget:
            break
    return "".join(out)


def _tokens(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        yield "{"
        for i, (k, v) in enumerate(value.items()):
            yield (", " if i else "") + f"{_scalar(k)}: "
            yield from _tokens(v)
        yield "}"
    elif isinstance(value, list | tuple) and not all(_is_scalar(v) for v in value):
        yield "[…]"  # nested flow syntax reads like code; the line and field say where it is
    elif isinstance(value, list | tuple):
        yield "["
        for i, v in enumerate(value):
            if i:
                yield ", "
            yield from _tokens(v)
        yield "]"
    else:
        yield _scalar(value)


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _rule_id(data: Any, path: Path_) -> str | None:
    """The id of the condition a path lies inside, so rule errors name their rule."""
    node = data
    found: str | None = None
    for part in path:
        if isinstance(node, dict | list):
            try:
                node = node[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and isinstance(node.get("id"), str) and "check" in node:
                found = node["id"]
    return found
