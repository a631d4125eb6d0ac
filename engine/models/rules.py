"""Rule files: an organisation, its statuses and its dated rule versions (conditions and decision)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from engine.models._base import (
    DEFAULT_STATUSES,
    ConditionId,
    Confidence,
    DeclaredOrgCode,
    IsoDate,
    Key,
    Model,
    Status,
    Text,
)
from engine.models.checks import Check
from engine.models.groups import Group

__all__ = ["AtLeast", "Condition", "Organization", "PassRule", "Stage", "Version"]


class Condition(Model):
    """One accession condition: a stable id, the text it encodes, its source and its check."""

    id: ConditionId
    text: Text
    source: Text | None = None
    confidence: Confidence | None = None
    check: Check


class AtLeast(Model):
    """A stage that passes with at least N supporters."""

    at_least: int = Field(ge=1, strict=True)


PassRule = Literal["unanimity", "majority", "two_thirds"] | AtLeast


class Stage(Model):
    """One stage of a decision: who votes, what passes it, and who may veto."""

    #: What the stage is called in prose ("invitation", "ratification"); default from its voters.
    name: Key | None = None
    by: Group
    pass_: PassRule = Field(alias="pass", description="unanimity, majority, two_thirds or {at_least: N}")
    veto: Group | None = None

    def pass_syntax(self) -> Any:
        return self.pass_ if isinstance(self.pass_, str) else {"at_least": self.pass_.at_least}


class Version(Model):
    """The rules in force from ``valid_from`` until the next version (or ``valid_until``)."""

    valid_from: IsoDate
    valid_until: IsoDate | None = None
    source: Text | None = None
    conditions: tuple[Condition, ...] = ()
    decision: tuple[Stage, ...] = ()


def _org_or_code(schema: dict[str, Any]) -> None:
    # The schema says what `_code_or_org` accepts: the code as `org` or as `code`, never both.
    schema["properties"]["code"] = dict(schema["properties"]["org"], title="Code")
    schema["required"] = [name for name in schema["required"] if name != "org"]
    schema["oneOf"] = [{"required": ["org"]}, {"required": ["code"]}]


class Organization(Model):
    """An organisation and its rule versions: the body of ``rules/<ORG>.yaml``."""

    model_config = ConfigDict(json_schema_extra=_org_or_code)

    code: DeclaredOrgCode = Field(alias="org", validation_alias="org")
    name: Text
    #: How prose names it: "NATO", "the Council of Europe"; default "the <code>".
    called: Text | None = None
    #: Other names people use ("Shanghai Cooperation Organization"), accepted like the name.
    aliases: tuple[Text, ...] = ()
    source: Text | None = None
    note: Text | None = None
    statuses: tuple[Status, ...] = Field(default=DEFAULT_STATUSES, min_length=1)

    versions: tuple[Version, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _code_or_org(cls, value: Any) -> Any:
        # Rule files say `org:`, inline worlds say `code:` (SPEC); both mean the same field.
        if isinstance(value, dict) and "code" in value and "org" not in value:
            value = {("org" if k == "code" else k): v for k, v in value.items()}
        return value
