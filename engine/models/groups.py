"""Groups: who a check or a decision stage is about (``members``, ``{members_of: ORG}``, a list)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from engine.models._base import Model, StateCode

__all__ = ["Group"]

_ORG_CODE = r"^[A-Z][A-Z0-9_]{1,23}$"


class Group(Model):
    """Who a check or a decision stage is about: ``members``, ``{members_of: ORG}`` or a list.

    The fields are the parsed form; users write only the syntax (``syntax()`` gives it back), and
    the JSON schema describes the syntax, not the fields.
    """

    kind: Literal["members", "members_of", "list"]
    org: str | None = None
    states: tuple[StateCode, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_syntax(cls, value: Any) -> Any:
        if value == "members":
            return {"kind": "members"}
        if isinstance(value, dict) and set(value) == {"members_of"} and isinstance(value["members_of"], str):
            if not re.match(_ORG_CODE, value["members_of"]):
                raise PydanticCustomError(
                    "group_invalid", "`{org}` is not an organisation code", {"org": value["members_of"]}
                )
            return {"kind": "members_of", "org": value["members_of"]}
        if isinstance(value, list | tuple):
            return {"kind": "list", "states": tuple(value)}
        # The fields themselves (`{kind: list, states: [...]}`) are not syntax: refused like any typo.
        raise PydanticCustomError(
            "group_invalid", "a group is `members`, `{members_of: ORG}` or a list of state codes", {}
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        # The schema clients validate against is the syntax they write; the list's items are the
        # `states` field's own schema, so a change to StateCode shows here too.
        found = handler(core_schema)
        fields = handler.resolve_ref_schema(found)
        states = fields["properties"]["states"]
        syntax = {
            "title": "Group",
            "description": "Who a check or a decision stage is about (never the applicant itself).",
            "anyOf": [
                {
                    "type": "string",
                    "const": "members",
                    "description": "the organisation's members on the date",
                },
                {
                    "type": "object",
                    "properties": {"members_of": {"type": "string", "pattern": _ORG_CODE}},
                    "required": ["members_of"],
                    "additionalProperties": False,
                    "description": "the members of another organisation on the date",
                },
                {"type": "array", "items": states["items"], "description": "the states named"},
            ],
            "examples": ["members", {"members_of": "UN"}, ["CHN", "FRA", "GBR", "RUS", "USA"]],
        }
        fields.clear()
        fields.update(syntax)
        return found

    def syntax(self) -> Any:
        """The group as it is written in a file."""
        if self.kind == "members":
            return "members"
        if self.kind == "members_of":
            return {"members_of": self.org}
        return list(self.states)

    def describe(self, org: str) -> str:
        if self.kind == "members":
            return f"member of the {org}"
        if self.kind == "members_of":
            return f"member of the {self.org}"
        return "named state"
