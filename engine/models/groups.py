"""Groups: who a check or a decision stage is about (``members``, ``{members_of: ORG}``, a list)."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import model_validator
from pydantic_core import PydanticCustomError

from engine.models._base import Model, StateCode

__all__ = ["Group"]


class Group(Model):
    """Who a check or a decision stage is about: ``members``, ``{members_of: ORG}`` or a list."""

    kind: Literal["members", "members_of", "list"]
    org: str | None = None
    states: tuple[StateCode, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _from_syntax(cls, value: Any) -> Any:
        if value == "members":
            return {"kind": "members"}
        if isinstance(value, dict) and set(value) == {"members_of"} and isinstance(value["members_of"], str):
            if not re.match(r"^[A-Z][A-Z0-9_]{1,23}$", value["members_of"]):
                raise PydanticCustomError(
                    "group_invalid", "`{org}` is not an organisation code", {"org": value["members_of"]}
                )
            return {"kind": "members_of", "org": value["members_of"]}
        if isinstance(value, list | tuple):
            return {"kind": "list", "states": tuple(value)}
        if isinstance(value, dict) and "kind" in value:
            return value
        raise PydanticCustomError(
            "group_invalid", "a group is `members`, `{members_of: ORG}` or a list of state codes", {}
        )

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
