"""Events: one vocabulary for the world's history and for what-if changes (SPEC, Events)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, field_validator
from pydantic_core import PydanticCustomError

from engine.models._base import Confidence, IsoDate, Key, Model, OrgCode, StateCode, Status, Text

__all__ = [
    "EVENT_VERBS",
    "VERBS",
    "Abstain",
    "Admit",
    "Assess",
    "ConflictEvent",
    "EndConflict",
    "Establish",
    "Event",
    "EventBase",
    "FactKey",
    "Leave",
    "LiftSanctions",
    "Oppose",
    "Pair",
    "Recognize",
    "Sanction",
    "Sever",
    "Support",
    "Verb",
    "WithdrawRecognition",
]

#: The fact an event is about: ``("rel", "ARM", "PAK")``, ``("status", "ARM", "SCO")``...
FactKey = tuple[str, ...]


class EventBase(Model):
    """What every event has: its verb, its provenance, and what the verb table says of it."""

    verb: ClassVar[str]
    source: Text | None = None
    confidence: Confidence | None = None
    note: Text | None = None
    #: How precise the source's date is: a year or a month when it gives no day (the date written
    #: is then the first day of that year or month).
    precision: Literal["day", "month", "year"] | None = None
    #: Who reported the fact, when only one side did (an objection reported by the other party).
    reported_by: Text | None = None

    @property
    def spec(self) -> Verb:
        return VERBS[self.verb]

    @property
    def when(self) -> date | None:
        """The date the event takes effect (``on``, or ``from`` for intervals)."""
        on: date | None = getattr(self, "on", None)
        if on is None and self.spec.interval:
            # Only intervals start with `from`; a `leave`'s `from` is the organisation left.
            on = getattr(self, "from_", None)
        return on

    @property
    def date_field(self) -> str:
        """The field that dates it, as written: ``from`` for intervals, ``on`` otherwise."""
        return "from" if self.spec.interval else "on"

    def key(self) -> FactKey:
        """The fact this event is about."""
        return self.spec.key(self)

    def states(self) -> tuple[tuple[str, tuple[str | int, ...]], ...]:
        """Every state the event names, with the field path it is written at."""
        out: list[tuple[str, tuple[str | int, ...]]] = []
        for name in self.spec.states:
            value = getattr(self, name)
            alias = name.rstrip("_")
            if isinstance(value, tuple):
                out.extend((code, (alias, k)) for k, code in enumerate(value))
            else:
                out.append((value, (alias,)))
        return tuple(out)

    def org(self) -> str | None:
        """The organisation the event names, if any."""
        name = self.spec.org
        return getattr(self, name) if name is not None else None

    def target(self) -> Any:
        """The value the fact takes from the event's date (intervals: None)."""
        return self.spec.target(self)

    def syntax(self) -> dict[str, Any]:
        """The event as written in a file, dates as ISO strings, provenance left out."""
        out = self.model_dump(
            by_alias=True, exclude_none=True, exclude={"source", "confidence", "note", "precision", "reported_by"}
        )
        return {
            k: (v.isoformat() if isinstance(v, date) else list(v) if isinstance(v, tuple) else v)
            for k, v in out.items()
        }


def distinct_pair(value: tuple[str, str]) -> tuple[str, str]:
    if value[0] == value[1]:
        raise PydanticCustomError(
            "pair_invalid", "a pair names two different states, not `{code}` twice", {"code": value[0]}
        )
    return value


Pair = Annotated[tuple[StateCode, StateCode], BeforeValidator(lambda v: tuple(v) if isinstance(v, list) else v)]


class _PairEvent(EventBase):
    @field_validator("establish", "sever", "conflict", "end_conflict", check_fields=False)
    @classmethod
    def _two_states(cls, value: tuple[str, str]) -> tuple[str, str]:
        return distinct_pair(value)


class Establish(_PairEvent):
    """Two states establish (or restore) diplomatic relations."""

    verb: ClassVar[str] = "establish"
    establish: Pair
    on: IsoDate | None = None


class Sever(_PairEvent):
    """Two states sever diplomatic relations."""

    verb: ClassVar[str] = "sever"
    sever: Pair
    on: IsoDate | None = None


class Recognize(EventBase):
    """``by`` recognises the state named."""

    verb: ClassVar[str] = "recognize"
    recognize: StateCode
    by: StateCode
    on: IsoDate | None = None


class WithdrawRecognition(EventBase):
    """``by`` stops recognising the state named."""

    verb: ClassVar[str] = "withdraw_recognition"
    withdraw_recognition: StateCode
    by: StateCode
    on: IsoDate | None = None


class Admit(EventBase):
    """A state holds a status in an organisation from ``on`` (replacing its earlier status there)."""

    verb: ClassVar[str] = "admit"
    admit: StateCode
    to: OrgCode
    as_: Status = Field(alias="as")
    on: IsoDate | None = None


class Leave(EventBase):
    """A state holds no status in an organisation from ``on``."""

    verb: ClassVar[str] = "leave"
    leave: StateCode
    from_: OrgCode = Field(alias="from")
    on: IsoDate | None = None


class ConflictEvent(_PairEvent):
    """An armed conflict between two states on every date in [from, until)."""

    verb: ClassVar[str] = "conflict"
    conflict: Pair
    from_: IsoDate | None = Field(default=None, alias="from")
    until: IsoDate | None = None


class EndConflict(_PairEvent):
    """The conflict in force between two states ends on ``on``."""

    verb: ClassVar[str] = "end_conflict"
    end_conflict: Pair
    on: IsoDate | None = None


class Sanction(EventBase):
    """A UN Security Council sanctions regime on a state on every date in [from, until)."""

    verb: ClassVar[str] = "sanction"
    sanction: StateCode
    from_: IsoDate | None = Field(default=None, alias="from")
    until: IsoDate | None = None


class LiftSanctions(EventBase):
    """Every sanctions regime in force on a state ends on ``on``."""

    verb: ClassVar[str] = "lift_sanctions"
    lift_sanctions: StateCode
    on: IsoDate | None = None


class Support(EventBase):
    """A voter supports an applicant's bid in an organisation from ``on``."""

    verb: ClassVar[str] = "support"
    support: StateCode
    by: StateCode
    in_: OrgCode = Field(alias="in")
    on: IsoDate | None = None


class Oppose(EventBase):
    """A voter opposes an applicant's bid in an organisation from ``on``."""

    verb: ClassVar[str] = "oppose"
    oppose: StateCode
    by: StateCode
    in_: OrgCode = Field(alias="in")
    on: IsoDate | None = None


class Abstain(EventBase):
    """A voter abstains on an applicant's bid in an organisation from ``on``."""

    verb: ClassVar[str] = "abstain"
    abstain: StateCode
    by: StateCode
    in_: OrgCode = Field(alias="in")
    on: IsoDate | None = None


class Assess(EventBase):
    """A recorded judgement about a state (``as: false`` records the opposite)."""

    verb: ClassVar[str] = "assess"
    assess: Key
    of: StateCode
    as_: bool = Field(alias="as", strict=True)
    on: IsoDate | None = None


_EVENT_MODELS: tuple[type[EventBase], ...] = (
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


@dataclass(frozen=True, slots=True)
class Verb:
    """What one verb means, read by history, changes, impact, the watcher and the renderer.

    ``states`` and ``org`` are the model fields that name states and an organisation; ``key`` the
    fact the event is about; ``target`` the value that fact takes; ``strict`` whether restating the
    value in force contradicts the history (a stance or an assessment may be restated);
    ``interval`` whether it opens a dated interval and ``ends`` whether it closes one.
    """

    model: type[EventBase]
    fact: str
    states: tuple[str, ...]
    key: Callable[[Any], FactKey]
    target: Callable[[Any], Any]
    org: str | None = None
    strict: bool = False
    interval: bool = False
    ends: bool = False


def _sorted_pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


VERBS: dict[str, Verb] = {
    "establish": Verb(
        Establish, "rel", ("establish",), lambda e: ("rel", *_sorted_pair(*e.establish)), lambda e: True, strict=True
    ),
    "sever": Verb(Sever, "rel", ("sever",), lambda e: ("rel", *_sorted_pair(*e.sever)), lambda e: False, strict=True),
    "recognize": Verb(
        Recognize, "rec", ("recognize", "by"), lambda e: ("rec", e.by, e.recognize), lambda e: True, strict=True
    ),
    "withdraw_recognition": Verb(
        WithdrawRecognition,
        "rec",
        ("withdraw_recognition", "by"),
        lambda e: ("rec", e.by, e.withdraw_recognition),
        lambda e: False,
        strict=True,
    ),
    "admit": Verb(
        Admit, "status", ("admit",), lambda e: ("status", e.admit, e.to), lambda e: e.as_, org="to", strict=True
    ),
    "leave": Verb(
        Leave, "status", ("leave",), lambda e: ("status", e.leave, e.from_), lambda e: None, org="from_", strict=True
    ),
    "conflict": Verb(
        ConflictEvent,
        "conflict",
        ("conflict",),
        lambda e: ("conflict", *_sorted_pair(*e.conflict)),
        lambda e: None,
        interval=True,
    ),
    "end_conflict": Verb(
        EndConflict,
        "conflict",
        ("end_conflict",),
        lambda e: ("conflict", *_sorted_pair(*e.end_conflict)),
        lambda e: None,
        ends=True,
    ),
    "sanction": Verb(
        Sanction, "sanction", ("sanction",), lambda e: ("sanction", e.sanction), lambda e: None, interval=True
    ),
    "lift_sanctions": Verb(
        LiftSanctions,
        "sanction",
        ("lift_sanctions",),
        lambda e: ("sanction", e.lift_sanctions),
        lambda e: None,
        ends=True,
    ),
    "support": Verb(
        Support, "pos", ("support", "by"), lambda e: ("pos", e.in_, e.support, e.by), lambda e: "support", org="in_"
    ),
    "oppose": Verb(
        Oppose, "pos", ("oppose", "by"), lambda e: ("pos", e.in_, e.oppose, e.by), lambda e: "oppose", org="in_"
    ),
    "abstain": Verb(
        Abstain, "pos", ("abstain", "by"), lambda e: ("pos", e.in_, e.abstain, e.by), lambda e: "abstain", org="in_"
    ),
    "assess": Verb(Assess, "assess", ("of",), lambda e: ("assess", e.assess, e.of), lambda e: e.as_),
}
assert tuple(VERBS) == EVENT_VERBS, "the verb table lists every event model, in order"


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
