"""The closed vocabulary of checks a rule condition may use; nothing else can be written."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Union

from pydantic import Discriminator, Field, Tag

from engine.models._base import Key, Model, OrgCode, Status, Text
from engine.models.groups import Group

__all__ = [
    "CHECK_VERBS",
    "AllOf",
    "AnyOf",
    "Assessed",
    "Check",
    "MemberOf",
    "NoConflictWith",
    "Not",
    "RecognizedBy",
    "RegionIn",
    "RelationsWith",
    "Sanctioned",
    "StatusIn",
    "StatusInOrg",
]


class RelationsWith(Model):
    """The applicant has diplomatic relations with every state of the group."""

    verb: ClassVar[str] = "relations_with"
    relations_with: Group


class RecognizedBy(Model):
    """Every state of the group recognises the applicant (relations imply recognition)."""

    verb: ClassVar[str] = "recognized_by"
    recognized_by: Group


class NoConflictWith(Model):
    """The applicant is in armed conflict with no state of the group."""

    verb: ClassVar[str] = "no_conflict_with"
    no_conflict_with: Group


class StatusInOrg(Model):
    """Statuses held in another organisation: ``{in: ORG, status: [...]}``."""

    in_: OrgCode = Field(alias="in")
    status: tuple[Status, ...] = Field(min_length=1)


class StatusIn(Model):
    """The applicant holds one of these statuses in this organisation (or, with ``in``, another)."""

    verb: ClassVar[str] = "status_in"
    status_in: Annotated[tuple[Status, ...], Field(min_length=1)] | StatusInOrg


class MemberOf(Model):
    """The applicant is a member of the organisation named."""

    verb: ClassVar[str] = "member_of"
    member_of: OrgCode


class RegionIn(Model):
    """The applicant lies in one of these regions (its UN M49 region or subregion)."""

    verb: ClassVar[str] = "region_in"
    region_in: tuple[Text, ...] = Field(min_length=1)


class Sanctioned(Model):
    """Whether the applicant is under UN Security Council sanctions (usually ``not``-ed)."""

    verb: ClassVar[str] = "sanctioned"
    sanctioned: bool = Field(strict=True)


class Assessed(Model):
    """A political judgement about the applicant: holds or fails as an ``assess`` event says, unknown without one."""

    verb: ClassVar[str] = "assessed"
    assessed: Key


class AllOf(Model):
    """Every part holds (fails if any part fails; unknown otherwise)."""

    verb: ClassVar[str] = "all"
    all: tuple[Check, ...] = Field(min_length=1)


class AnyOf(Model):
    """Some part holds (fails only if every part fails)."""

    verb: ClassVar[str] = "any"
    any: tuple[Check, ...] = Field(min_length=1)


class Not(Model):
    """The opposite of a check; ``not unknown`` is unknown."""

    verb: ClassVar[str] = "not"
    not_: Check = Field(alias="not")


_CHECK_MODELS: tuple[type[Model], ...] = (
    RelationsWith,
    RecognizedBy,
    NoConflictWith,
    StatusIn,
    MemberOf,
    RegionIn,
    Sanctioned,
    Assessed,
    AllOf,
    AnyOf,
    Not,
)
CHECK_VERBS: tuple[str, ...] = tuple(m.verb for m in _CHECK_MODELS)  # type: ignore[attr-defined]


def _single_key(value: Any) -> str | None:
    if isinstance(value, dict):
        return next(iter(value)) if len(value) == 1 else None
    return getattr(value, "verb", None)


Check = Annotated[
    Union[  # noqa: UP007  (a discriminated union needs the Union form for Tag annotations)
        Annotated[RelationsWith, Tag("relations_with")],
        Annotated[RecognizedBy, Tag("recognized_by")],
        Annotated[NoConflictWith, Tag("no_conflict_with")],
        Annotated[StatusIn, Tag("status_in")],
        Annotated[MemberOf, Tag("member_of")],
        Annotated[RegionIn, Tag("region_in")],
        Annotated[Sanctioned, Tag("sanctioned")],
        Annotated[Assessed, Tag("assessed")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[Not, Tag("not")],
    ],
    Discriminator(
        _single_key,
        custom_error_type="check_invalid",
        custom_error_message="not a known check",
    ),
]


for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()
