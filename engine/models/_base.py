"""What every file-format model shares: the frozen base, dates, codes and short texts."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints
from pydantic_core import PydanticCustomError

from engine.common.dates import DATE_MESSAGE, parse_date

__all__ = [
    "DEFAULT_STATUSES",
    "DeclaredCode",
    "DeclaredOrgCode",
    "ConditionId",
    "Confidence",
    "IsoDate",
    "Key",
    "Model",
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
StateCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,15}$")]
OrgCode = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,23}$")]
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
