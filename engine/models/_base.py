"""What every file-format model shares: the frozen base, dates, codes and short texts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal, Protocol

from pydantic import BaseModel, BeforeValidator, ConfigDict, GetJsonSchemaHandler, StringConstraints, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from engine.common.dates import DATE_MESSAGE, parse_date

__all__ = [
    "DEFAULT_STATUSES",
    "ConditionId",
    "Confidence",
    "DeclaredCode",
    "DeclaredOrgCode",
    "IsoDate",
    "Key",
    "Model",
    "NameBook",
    "OrgCode",
    "StateCode",
    "Status",
    "Text",
]


class Model(BaseModel):
    """Frozen, closed: a field a format does not define is an error, and nothing is mutated."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def _iso_date(value: object) -> object:
    # pydantic alone would read 20250831 as a Unix timestamp: only the one date parser decides.
    found = parse_date(value)
    if found is None:
        raise PydanticCustomError("date_invalid", DATE_MESSAGE, {"value": str(value)})
    return found


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
#: A code as a world or rule file declares it.
DeclaredCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,15}$")]
DeclaredOrgCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,23}$")]


class NameBook(Protocol):
    """What the models need of a world's names (``engine.validation.names.Names``)."""

    def state(self, text: str) -> Any: ...

    def org(self, text: str) -> Any: ...


def _resolver(kind: str, what: str) -> Callable[[object, ValidationInfo], object]:
    """A field that names a state or organisation: a name or alias becomes its code (SPEC, Names).

    The world's names come as pydantic's validation context; a text that names nothing is left
    as written, so the semantic pass reports it once, with suggestions drawn from the world.
    """

    def resolve(value: object, info: ValidationInfo) -> object:
        context = info.context
        names: NameBook | None = context.get("names") if isinstance(context, dict) else None
        if names is None or not isinstance(value, str):
            return value
        found = getattr(names, kind)(value)
        if isinstance(found, str):
            return found
        listed = getattr(found, "listed", None)
        if listed:
            raise PydanticCustomError(
                "name_ambiguous",
                "`{text}` names several {what}: {listed}",
                {"text": value, "what": what, "listed": listed},
            )
        return value

    return resolve


@dataclass(frozen=True, slots=True)
class _Described:
    """A description in the JSON schema of a type (``Field`` describes fields, not the items of a list)."""

    text: str

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.setdefault("description", self.text)
        return schema


#: A field that names a state: its code, alpha-2 code, name or an alias, resolved to the code.
StateCode = Annotated[
    str,
    BeforeValidator(_resolver("state", "states")),
    StringConstraints(min_length=1, max_length=200),
    _Described("a state: its code (ARM), alpha-2 code (AM), name (Armenia) or an alias the world declares"),
]
#: A field that names an organisation: its code, name or an alias, resolved to the code.
OrgCode = Annotated[
    str,
    BeforeValidator(_resolver("org", "organisations")),
    StringConstraints(min_length=1, max_length=200),
    _Described("an organisation: its code (SCO), name or an alias the world declares"),
]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]
ConditionId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.\-]{0,99}$")]
Status = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Confidence = Literal["high", "medium", "low"]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]

DEFAULT_STATUSES: tuple[str, ...] = (
    "member",
    "observer",
    "dialogue_partner",
    "partner",
    "candidate",
    "applicant",
    "suspended",
)
