"""JSON Schemas (draft 2020-12) of the files users write, generated from the models that parse them.

One home for how a model's schema is made to describe the syntax users write rather than the
parsed form: ``UserSyntax`` is the generator behind both ``accede schema`` and the OpenAPI
document's components (``api.schemas``). The models keep the hooks that sit next to the validator
they mirror (a group written as ``members``, ``{members_of: ORG}`` or a list; an organisation
coded by ``org`` or ``code``; a question known by its kind's key); what holds across models lives
here: field comments (``#:``) as descriptions, dates as the ISO strings users type, a pair that
names two different states, docstring markup made plain.

The file kinds, and which files of a project each one describes:

- ``scenario``: scenario files;
- ``rules``: ``rules/<ORG>.yaml``, and ``organizations/*.yaml`` in a world folder;
- ``world``: a world folder's ``world.yaml``, and a world written inline in a scenario;
- ``world-part``: the other files of a world folder, ``states.yaml`` and ``events/**/*.yaml``.
"""

from __future__ import annotations

import inspect
import json
import re
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import (
    DefsRef,
    GenerateJsonSchema,
    JsonSchemaKeyT,
    JsonSchemaMode,
    JsonSchemaValue,
    models_json_schema,
)
from pydantic_core import core_schema

from engine import models as m

__all__ = [
    "DRAFT",
    "KINDS",
    "WORLD_PART_KEYS",
    "FileKind",
    "UserSyntax",
    "components",
    "document",
    "dumps",
    "files",
    "schemas",
]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: What ``parse_date`` reads: exactly YYYY-MM-DD. ``format: date`` says the same, but 2020-12 makes
#: formats annotations only, so without the pattern many validators would take any string.
_DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: The fields the loader takes from a world folder's parts (``load_world_folder``'s ``add_part``);
#: a header field written in a part would be read and then ignored, so its schema refuses it.
WORLD_PART_KEYS: tuple[str, ...] = ("states", "events", "never_established", "not_recognized")
_PAIR_METADATA = list(typing.get_args(m.Pair)[1:])
_COMMENT = re.compile(r"^\s+#:\s?(?P<text>.*)$")
_FIELD = re.compile(r"^\s+(?P<name>[A-Za-z_]\w*)\s*:")


class UserSyntax(GenerateJsonSchema):
    """pydantic's generator, describing what users write (see the module's docstring)."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        found = super().model_schema(schema)
        properties = found.get("properties")
        if not isinstance(properties, dict):
            return found
        cls: type[BaseModel] = schema["cls"]
        comments = _field_comments(cls)
        for name, info in cls.model_fields.items():
            written = self._written_name(name, info.alias, info.validation_alias)
            prop = properties.get(written)
            if not isinstance(prop, dict):
                continue
            if name in comments:
                prop.setdefault("description", comments[name])
            if info.metadata == _PAIR_METADATA:
                # Every Pair field is checked by `distinct_pair` after its names are resolved; the
                # schema can only see the spelling, so it refuses `[ARM, ARM]` and not `[ARM, Armenia]`.
                prop["uniqueItems"] = True
        return found

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        return {**super().date_schema(schema), "pattern": _DATE_PATTERN}

    def generate(self, schema: core_schema.CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        found: JsonSchemaValue = _plain_markup(super().generate(schema, mode))
        return found

    def generate_definitions(
        self, inputs: Sequence[tuple[JsonSchemaKeyT, JsonSchemaMode, core_schema.CoreSchema]]
    ) -> tuple[dict[tuple[JsonSchemaKeyT, JsonSchemaMode], JsonSchemaValue], dict[DefsRef, JsonSchemaValue]]:
        refs, defs = super().generate_definitions(inputs)
        _plain_markup(defs)
        return refs, defs

    def _written_name(self, name: str, alias: str | None, validation_alias: Any) -> str:
        if not self.by_alias:
            return name
        if isinstance(validation_alias, str):
            return validation_alias
        return alias or name


@cache
def _field_comments(cls: type[BaseModel]) -> dict[str, str]:
    """The ``#:`` comment above each field, as Sphinx reads them, inherited fields included.

    The models document some fields this way rather than with ``Field(description=...)``; an
    editor should show those words too.
    """
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, BaseModel)) or klass is BaseModel:
            continue
        try:
            lines = inspect.getsource(klass).splitlines()
        except (OSError, TypeError):  # a class without source (built at run time): no comments
            continue
        block: list[str] = []
        for line in lines:
            if comment := _COMMENT.match(line):
                block.append(comment["text"].strip())
                continue
            if block and (field := _FIELD.match(line)):
                found[field["name"]] = " ".join(block)
            block = []
    return found


def _plain_markup(value: Any) -> Any:
    """Docstrings' reST literals (````on````) as the single backticks editors render as code."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "description" and isinstance(item, str):
                value[key] = item.replace("``", "`")
            elif key not in ("default", "examples", "const", "enum"):  # values, not schemas
                _plain_markup(item)
    elif isinstance(value, list):
        for item in value:
            _plain_markup(item)
    return value


def _refuse_clashes(defs: dict[str, Any]) -> None:
    # Given every class at once, pydantic module-qualifies two of one name
    # (``engine__models__...__Expectation``): one would be taken for the other.
    clashes = sorted(name for name in defs if "__" in name)
    if clashes:
        raise ValueError(f"two models share a name in one schema: {', '.join(clashes)}")


def components(models: Sequence[type[BaseModel]], ref_template: str) -> dict[str, Any]:
    """Every model's schema in one namespace, as the OpenAPI document's components.

    One generation for all models, so pydantic sees every class: a name two models share is
    refused, not merged.
    """
    refs, found = models_json_schema(
        [(model, "validation") for model in models],
        ref_template=ref_template,
        by_alias=True,
        schema_generator=UserSyntax,
    )
    defs: dict[str, Any] = found.get("$defs", {})
    _refuse_clashes(defs)
    for (model, _), ref in refs.items():
        assert ref == {"$ref": ref_template.format(model=model.__name__)}, f"{model.__name__} is not its own component"
    return defs


@dataclass(frozen=True, slots=True)
class FileKind:
    """One kind of file: its name in ``accede schema``'s output, its schema file, what it applies to."""

    name: str
    applies_to: str

    @property
    def file(self) -> str:
        return f"{self.name}.schema.json"


KINDS: tuple[FileKind, ...] = (
    FileKind("scenario", "scenario files"),
    FileKind("rules", "rules/<ORG>.yaml, and organizations/*.yaml in a world folder"),
    FileKind(
        "world",
        "a world folder's world.yaml, and a world written inline in a scenario; the folder's states.yaml "
        "and events/**/*.yaml follow world-part.schema.json (`#/$defs/WorldPart` here), its "
        "organizations/*.yaml follow rules.schema.json",
    ),
    FileKind(
        "world-part",
        "a world folder's states.yaml and events/**/*.yaml: their states, events, never_established and "
        "not_recognized are merged into the world; the header's fields belong in world.yaml",
    ),
)
#: The kinds ``accede schema`` prints as one document (SPEC, Command line); ``world-part`` is in
#: ``world``'s ``$defs`` there.
_DOCUMENT = ("scenario", "rules", "world")
_REF = "#/$defs/{model}"


def _file_schema(kind: FileKind, generated: dict[str, Any]) -> dict[str, Any]:
    """A generated schema as a file of its own: the dialect, a title, and what files it applies to."""
    body = {k: v for k, v in generated.items() if k not in ("title", "description", "$defs")}
    description = f"{generated.get('description', '').strip()}\n\nApplies to {kind.applies_to}.".strip()
    out: dict[str, Any] = {"$schema": DRAFT, "title": f"accede {kind.name} file", "description": description}
    out.update(body)
    if defs := generated.get("$defs"):
        out["$defs"] = dict(sorted(defs.items()))
    return out


def _generated(model: type[BaseModel]) -> dict[str, Any]:
    found = model.model_json_schema(by_alias=True, ref_template=_REF, schema_generator=UserSyntax)
    _refuse_clashes(found.get("$defs", {}))
    return found


def _world_part(world: dict[str, Any]) -> dict[str, Any]:
    """The world's schema cut to the fields a part may hold, with only the definitions they use."""
    properties = {k: v for k, v in world["properties"].items() if k in WORLD_PART_KEYS}
    missing = set(WORLD_PART_KEYS) - set(properties)
    assert not missing, f"WorldFile lost the part fields {sorted(missing)}"
    part: dict[str, Any] = {
        "type": "object",
        "title": "WorldPart",
        "description": "A part of a world folder: states and events merged into the world, no header.",
        "properties": properties,
        "additionalProperties": False,
    }
    defs: dict[str, Any] = world.get("$defs", {})
    used = _reachable(part, defs)
    return {**part, "$defs": {name: defs[name] for name in sorted(used)}}


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            yield ref.removeprefix("#/$defs/")
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _reachable(root: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    seen: set[str] = set()
    todo = list(_refs(root))
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(_refs(defs[name]))
    return seen


def schemas() -> dict[str, dict[str, Any]]:
    """Every file kind's schema, by kind name (``KINDS``), each a complete draft 2020-12 schema."""
    kinds = {kind.name: kind for kind in KINDS}
    world = _generated(m.WorldFile)
    part = _world_part(world)
    # `accede schema` prints one document of three keys: the part's schema travels inside `world`.
    world.setdefault("$defs", {})["WorldPart"] = {k: v for k, v in part.items() if k != "$defs"}
    return {
        "scenario": _file_schema(kinds["scenario"], _generated(m.Scenario)),
        "rules": _file_schema(kinds["rules"], _generated(m.Organization)),
        "world": _file_schema(kinds["world"], world),
        "world-part": _file_schema(kinds["world-part"], part),
    }


def document() -> dict[str, Any]:
    """What ``accede schema`` prints: the scenario, rules and world schemas, keyed so (SPEC)."""
    found = schemas()
    return {name: found[name] for name in _DOCUMENT}


def dumps(value: Any) -> str:
    """The one text of a schema: indented for people and diffs, keys in generation order, a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def files() -> dict[str, str]:
    """What ``accede schema --output DIR`` writes: file name to text, one file per kind."""
    found = schemas()
    return {kind.file: dumps(found[kind.name]) for kind in KINDS}
