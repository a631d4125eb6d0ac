"""The validated, immutable form of everything a user writes: rules, events, worlds, scenarios.

Parsing yields these frozen pydantic models; nothing here knows about files or dates other than
the ones written. Checks and events are discriminated unions keyed on their verb, so an unknown
verb is caught by name (with a did-you-mean) before anything is evaluated.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "CHECK_VERBS",
    "DEFAULT_STATUSES",
    "EVENT_VERBS",
    "QUESTION_KINDS",
    "Admit",
    "Amendment",
    "Assess",
    "Check",
    "Condition",
    "Confidence",
    "EarliestQuestion",
    "Establish",
    "Event",
    "Expectation",
    "Group",
    "ImpactQuestion",
    "JoinQuestion",
    "LeverageQuestion",
    "MatrixQuestion",
    "NeverEstablished",
    "OrderQuestion",
    "Organization",
    "Question",
    "Scenario",
    "Stage",
    "StateRecord",
    "Version",
    "WorldFile",
]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: object) -> object:
    # pydantic alone would read 20250831 as a Unix timestamp: accept only YYYY-MM-DD.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError(
        "date_invalid", "`{value}` is not an ISO 8601 calendar date (YYYY-MM-DD)", {"value": str(value)}
    )


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
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


# --- groups -------------------------------------------------------------------------------


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


# --- checks ------------------------------------------------------------------------------


class RelationsWith(Model):
    verb: ClassVar[str] = "relations_with"
    relations_with: Group


class RecognizedBy(Model):
    verb: ClassVar[str] = "recognized_by"
    recognized_by: Group


class NoConflictWith(Model):
    verb: ClassVar[str] = "no_conflict_with"
    no_conflict_with: Group


class StatusInOrg(Model):
    in_: OrgCode = Field(alias="in")
    status: tuple[Status, ...] = Field(min_length=1)


class StatusIn(Model):
    verb: ClassVar[str] = "status_in"
    status_in: Annotated[tuple[Status, ...], Field(min_length=1)] | StatusInOrg


class MemberOf(Model):
    verb: ClassVar[str] = "member_of"
    member_of: OrgCode


class RegionIn(Model):
    verb: ClassVar[str] = "region_in"
    region_in: tuple[Text, ...] = Field(min_length=1)


class Sanctioned(Model):
    verb: ClassVar[str] = "sanctioned"
    sanctioned: bool = Field(strict=True)


class Assessed(Model):
    verb: ClassVar[str] = "assessed"
    assessed: Key


class AllOf(Model):
    verb: ClassVar[str] = "all"
    all: tuple[Check, ...] = Field(min_length=1)


class AnyOf(Model):
    verb: ClassVar[str] = "any"
    any: tuple[Check, ...] = Field(min_length=1)


class Not(Model):
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


# --- rules -------------------------------------------------------------------------------


class Condition(Model):
    id: ConditionId
    text: Text
    source: Text | None = None
    confidence: Confidence | None = None
    check: Check


class AtLeast(Model):
    at_least: int = Field(ge=1, strict=True)


PassRule = Literal["unanimity", "majority", "two_thirds"] | AtLeast


class Stage(Model):
    by: Group
    pass_: PassRule = Field(alias="pass")
    veto: Group | None = None

    def pass_syntax(self) -> Any:
        return self.pass_ if isinstance(self.pass_, str) else {"at_least": self.pass_.at_least}


class Version(Model):
    valid_from: IsoDate
    valid_until: IsoDate | None = None
    source: Text | None = None
    conditions: tuple[Condition, ...] = ()
    decision: tuple[Stage, ...] = ()


class Organization(Model):
    """An organisation and its rule versions: the body of ``rules/<ORG>.yaml``."""

    code: OrgCode = Field(alias="org", validation_alias="org")
    name: Text
    #: How prose names it: "NATO", "the Council of Europe"; default "the <code>".
    called: Text | None = None
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


# --- events ------------------------------------------------------------------------------


class _Event(Model):
    verb: ClassVar[str]
    source: Text | None = None
    confidence: Confidence | None = None
    note: Text | None = None

    @property
    def when(self) -> date | None:
        """The date the event takes effect (``on``, or ``from`` for intervals)."""
        on: date | None = getattr(self, "on", None)
        if on is None and self.verb in ("conflict", "sanction"):
            # Only intervals start with `from`; a `leave`'s `from` is the organisation left.
            on = getattr(self, "from_", None)
        return on

    def syntax(self) -> dict[str, Any]:
        """The event as written in a file, dates as ISO strings, provenance left out."""
        out = self.model_dump(by_alias=True, exclude_none=True, exclude={"source", "confidence", "note"})
        return {
            k: (v.isoformat() if isinstance(v, date) else list(v) if isinstance(v, tuple) else v)
            for k, v in out.items()
        }


def _distinct_pair(value: tuple[str, str]) -> tuple[str, str]:
    if value[0] == value[1]:
        raise PydanticCustomError(
            "pair_invalid", "a pair names two different states, not `{code}` twice", {"code": value[0]}
        )
    return value


Pair = Annotated[tuple[StateCode, StateCode], BeforeValidator(lambda v: tuple(v) if isinstance(v, list) else v)]


class _PairEvent(_Event):
    @field_validator("establish", "sever", "conflict", "end_conflict", check_fields=False)
    @classmethod
    def _two_states(cls, value: tuple[str, str]) -> tuple[str, str]:
        return _distinct_pair(value)


class Establish(_PairEvent):
    verb: ClassVar[str] = "establish"
    establish: Pair
    on: IsoDate | None = None


class Sever(_PairEvent):
    verb: ClassVar[str] = "sever"
    sever: Pair
    on: IsoDate | None = None


class Recognize(_Event):
    verb: ClassVar[str] = "recognize"
    recognize: StateCode
    by: StateCode
    on: IsoDate | None = None


class WithdrawRecognition(_Event):
    verb: ClassVar[str] = "withdraw_recognition"
    withdraw_recognition: StateCode
    by: StateCode
    on: IsoDate | None = None


class Admit(_Event):
    verb: ClassVar[str] = "admit"
    admit: StateCode
    to: OrgCode
    as_: Status = Field(alias="as")
    on: IsoDate | None = None


class Leave(_Event):
    verb: ClassVar[str] = "leave"
    leave: StateCode
    from_: OrgCode = Field(alias="from")
    on: IsoDate | None = None


class ConflictEvent(_PairEvent):
    verb: ClassVar[str] = "conflict"
    conflict: Pair
    from_: IsoDate | None = Field(default=None, alias="from")
    until: IsoDate | None = None


class EndConflict(_PairEvent):
    verb: ClassVar[str] = "end_conflict"
    end_conflict: Pair
    on: IsoDate | None = None


class Sanction(_Event):
    verb: ClassVar[str] = "sanction"
    sanction: StateCode
    from_: IsoDate | None = Field(default=None, alias="from")
    until: IsoDate | None = None


class LiftSanctions(_Event):
    verb: ClassVar[str] = "lift_sanctions"
    lift_sanctions: StateCode
    on: IsoDate | None = None


class Support(_Event):
    verb: ClassVar[str] = "support"
    support: StateCode
    by: StateCode
    in_: OrgCode = Field(alias="in")
    on: IsoDate | None = None


class Oppose(_Event):
    verb: ClassVar[str] = "oppose"
    oppose: StateCode
    by: StateCode
    in_: OrgCode = Field(alias="in")
    on: IsoDate | None = None


class Abstain(_Event):
    verb: ClassVar[str] = "abstain"
    abstain: StateCode
    by: StateCode
    in_: OrgCode = Field(alias="in")
    on: IsoDate | None = None


class Assess(_Event):
    verb: ClassVar[str] = "assess"
    assess: Key
    of: StateCode
    as_: bool = Field(alias="as", strict=True)
    on: IsoDate | None = None


_EVENT_MODELS: tuple[type[_Event], ...] = (
    Establish,
    Sever,
    Recognize,
    WithdrawRecognition,
    Admit,
    Leave,
    ConflictEvent,
    EndConflict,
    Sanction,
    LiftSanctions,
    Support,
    Oppose,
    Abstain,
    Assess,
)
EVENT_VERBS: tuple[str, ...] = tuple(m.verb for m in _EVENT_MODELS)
_EVENT_VERB_SET = frozenset(EVENT_VERBS)


def _event_verb(value: Any) -> str | None:
    if isinstance(value, dict):
        verbs = [k for k in value if k in _EVENT_VERB_SET]
        return verbs[0] if len(verbs) == 1 else None
    return getattr(value, "verb", None)


Event = Annotated[
    Union[  # noqa: UP007
        Annotated[Establish, Tag("establish")],
        Annotated[Sever, Tag("sever")],
        Annotated[Recognize, Tag("recognize")],
        Annotated[WithdrawRecognition, Tag("withdraw_recognition")],
        Annotated[Admit, Tag("admit")],
        Annotated[Leave, Tag("leave")],
        Annotated[ConflictEvent, Tag("conflict")],
        Annotated[EndConflict, Tag("end_conflict")],
        Annotated[Sanction, Tag("sanction")],
        Annotated[LiftSanctions, Tag("lift_sanctions")],
        Annotated[Support, Tag("support")],
        Annotated[Oppose, Tag("oppose")],
        Annotated[Abstain, Tag("abstain")],
        Annotated[Assess, Tag("assess")],
    ],
    Discriminator(_event_verb, custom_error_type="event_invalid", custom_error_message="not a known event"),
]


# --- worlds ------------------------------------------------------------------------------


class StateRecord(Model):
    code: StateCode
    name: Text
    region: Text
    subregion: Text | None = None
    default_relations: Literal["none", "established"] | None = None
    source: Text | None = None
    note: Text | None = None


class NeverEstablished(Model):
    """A pair of states that have never had diplomatic relations (no date: there is no event).

    An extension of the SPEC's vocabulary: without it such a pair could only be written as a dated
    ``sever``, which would claim relations existed before and be worded "severed on".
    """

    pair: Pair
    source: Text | None = None
    confidence: Confidence | None = None
    note: Text | None = None

    @field_validator("pair")
    @classmethod
    def _two_states(cls, value: tuple[str, str]) -> tuple[str, str]:
        return _distinct_pair(value)


class WorldFile(Model):
    """A world: its header, states, organisations and history (a folder merges several files)."""

    name: Text | None = None
    default_relations: Literal["none", "established"] = "none"
    source: Text | None = None
    note: Text | None = None
    rules: Text | None = None
    states: tuple[StateRecord, ...] = ()
    organizations: tuple[Organization, ...] = ()
    events: tuple[Event, ...] = ()
    never_established: tuple[NeverEstablished, ...] = ()


# --- scenarios ---------------------------------------------------------------------------

Verdict_ = Literal["eligible", "undetermined", "blocked"]
Assume = Literal["unknown", "support", "oppose"]


class Expectation(Model):
    verdict: Verdict_ | None = None
    failing: tuple[ConditionId, ...] | None = None
    holding: tuple[ConditionId, ...] | None = None


class JoinSpec(Model):
    state: StateCode
    org: OrgCode
    forbid: tuple[Event, ...] = ()


class MatrixSpec(Model):
    orgs: tuple[OrgCode, ...] | None = None
    states: tuple[StateCode, ...] | None = None


class _Question(Model):
    id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    as_of: IsoDate | None = None
    assume: Assume | None = None
    kind: ClassVar[str]


class JoinQuestion(_Question):
    kind: ClassVar[str] = "join"
    join: JoinSpec
    expect: Expectation | None = None


class MatrixQuestion(_Question):
    kind: ClassVar[str] = "matrix"
    matrix: MatrixSpec = MatrixSpec()


class OrderSpec(Model):
    org: OrgCode
    applicants: tuple[StateCode, ...] = Field(min_length=1, max_length=16)


class ImpactSpec(Model):
    changes: tuple[Event, ...] = Field(min_length=1, max_length=100)
    orgs: tuple[OrgCode, ...] | None = None


class LeverageSpec(Model):
    orgs: tuple[OrgCode, ...] | None = None
    kinds: tuple[Literal["establish", "recognize"], ...] = ("establish", "recognize")
    limit: int = Field(default=20, ge=1, le=500)


class EarliestSpec(Model):
    state: StateCode
    org: OrgCode
    from_: IsoDate | None = Field(default=None, alias="from")


class OrderExpectation(Model):
    largest: int | None = None
    includes: tuple[tuple[StateCode, ...], ...] | None = None
    conflicts: tuple[tuple[StateCode, StateCode], ...] | None = None


class ImpactExpectation(Model):
    count: int | None = None
    includes: tuple[dict[str, str], ...] | None = None


class LeverageExpectation(Model):
    first: dict[str, Any] | None = None
    includes: tuple[dict[str, Any], ...] | None = None


class EarliestExpectation(Model):
    date: IsoDate | None = None
    never: bool | None = None


class OrderQuestion(_Question):
    kind: ClassVar[str] = "order"
    order: OrderSpec
    expect: OrderExpectation | None = None


class ImpactQuestion(_Question):
    kind: ClassVar[str] = "impact"
    impact: ImpactSpec
    expect: ImpactExpectation | None = None


class LeverageQuestion(_Question):
    kind: ClassVar[str] = "leverage"
    leverage: LeverageSpec = LeverageSpec()
    expect: LeverageExpectation | None = None


class EarliestQuestion(_Question):
    kind: ClassVar[str] = "earliest"
    earliest: EarliestSpec
    expect: EarliestExpectation | None = None


QUESTION_KINDS: tuple[str, ...] = ("join", "matrix", "order", "impact", "leverage", "earliest")


def _question_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        kinds = [k for k in value if k in QUESTION_KINDS]
        return kinds[0] if len(kinds) == 1 else None
    return getattr(value, "kind", None)


Question = Annotated[
    Union[  # noqa: UP007
        Annotated[JoinQuestion, Tag("join")],
        Annotated[MatrixQuestion, Tag("matrix")],
        Annotated[OrderQuestion, Tag("order")],
        Annotated[ImpactQuestion, Tag("impact")],
        Annotated[LeverageQuestion, Tag("leverage")],
        Annotated[EarliestQuestion, Tag("earliest")],
    ],
    Discriminator(_question_kind, custom_error_type="question_invalid", custom_error_message="not a known question"),
]


class Replacement(Model):
    decision: tuple[Stage, ...]


class Amendment(Model):
    """A what-if on one organisation's rules, applied to every version."""

    drop: tuple[ConditionId, ...] = ()
    add: tuple[Condition, ...] = ()
    replace: Replacement | None = None


class Scenario(Model):
    scenario: Text
    description: Text | None = None
    world: Annotated[str, StringConstraints(min_length=1, max_length=500)] | WorldFile = "default"
    as_of: IsoDate
    assume: Assume = "unknown"
    changes: tuple[Event, ...] = ()
    amend: dict[OrgCode, Amendment] = Field(default_factory=dict)
    questions: tuple[Question, ...] = Field(min_length=1)


for _model in (AllOf, AnyOf, Not, Condition, Version, Organization, WorldFile, Amendment, Scenario):
    _model.model_rebuild()
