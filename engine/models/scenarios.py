"""Scenario files: a world, a date, what-if changes and amendments, questions and expectations."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag

from engine.models._base import ConditionId, IsoDate, Model, OrgCode, StateCode, Text
from engine.models.events import Event
from engine.models.rules import Condition, Stage
from engine.models.worlds import WorldFile

__all__ = [
    "QUESTION_KINDS",
    "Amendment",
    "Assume",
    "CheckRequest",
    "EarliestExpectation",
    "EarliestQuestion",
    "EarliestSpec",
    "Expectation",
    "ImpactExpectation",
    "ImpactQuestion",
    "ImpactSpec",
    "IntervalExpectation",
    "JoinQuestion",
    "JoinSpec",
    "LeverageExpectation",
    "LeverageQuestion",
    "LeverageSpec",
    "MatrixExpectation",
    "MatrixQuestion",
    "MatrixSpec",
    "OrderExpectation",
    "OrderQuestion",
    "OrderSpec",
    "Question",
    "QuestionBase",
    "RemedyExpectation",
    "Replacement",
    "RowExpectation",
    "Scenario",
    "TimelineExpectation",
    "TimelineQuestion",
    "TimelineSpec",
    "ToSettleExpectation",
    "Trust",
    "VerdictName",
]

VerdictName = Literal["eligible", "undetermined", "blocked", "member"]
Assume = Literal["unknown", "support", "oppose"]
#: The least confidence a fact of the world needs to be used: ``low`` (the default) uses every fact.
Trust = Literal["low", "medium", "high"]


class ToSettleExpectation(Model):
    """What must be open in an undetermined verdict: exactly these conditions and decision stages."""

    conditions: tuple[ConditionId, ...] = ()
    stages: tuple[Annotated[str, StringConstraints(min_length=1, max_length=100)], ...] = ()


class RemedyExpectation(Model):
    """Changes some remedy must propose (``offered``), and changes no remedy may (``not_offered``).

    Changes are written as events without a date; a pair matches in either order.
    """

    offered: tuple[Event, ...] = ()
    not_offered: tuple[Event, ...] = ()


class Expectation(Model):
    """What a ``join`` answer must say: the verdict, the exact failing ids, ids that must hold,
    what would settle it, the remedies offered, and the decision's outcome."""

    verdict: VerdictName | None = None
    failing: tuple[ConditionId, ...] | None = None
    holding: tuple[ConditionId, ...] | None = None
    to_settle: ToSettleExpectation | None = None
    remedies: RemedyExpectation | None = None
    decision: Literal["passes", "fails", "unknown"] | None = None


class RowExpectation(Model):
    """One row a ``matrix`` answer must contain: the state's verdict (in ``org``, which may be left
    out when the sweep has one organisation), and its failing ids if given."""

    state: StateCode
    org: OrgCode | None = None
    verdict: VerdictName
    failing: tuple[ConditionId, ...] | None = None


class MatrixExpectation(Model):
    """What a ``matrix`` answer must say: rows it contains, and how many rows have each verdict."""

    rows: tuple[RowExpectation, ...] | None = None
    counts: dict[VerdictName, Annotated[int, Field(ge=0)]] | None = None


class JoinSpec(Model):
    """The applicant, the organisation, and changes remedies must not propose."""

    state: StateCode
    org: OrgCode
    forbid: tuple[Event, ...] = ()


class MatrixSpec(Model):
    """The organisations and states to sweep (default: all)."""

    orgs: tuple[OrgCode, ...] | None = None
    states: tuple[StateCode, ...] | None = None


def _kind_required(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    # A question is known by its kind's key (``_question_kind``), even where the spec has defaults
    # (``matrix: {}``): the schema requires the key, as the parser does.
    kind = getattr(cls, "kind", None)
    if isinstance(kind, str):
        required: list[str] = schema.setdefault("required", [])
        if kind not in required:
            required.append(kind)


class QuestionBase(Model):
    """What every question may set: an id, its own date and its own assumption about silent voters."""

    model_config = ConfigDict(json_schema_extra=_kind_required)

    id: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = None
    as_of: IsoDate | None = None
    assume: Assume | None = None
    kind: ClassVar[str]


class JoinQuestion(QuestionBase):
    """One verdict, with evidence, the tally and remedies."""

    kind: ClassVar[str] = "join"
    join: JoinSpec
    expect: Expectation | None = None


class MatrixQuestion(QuestionBase):
    """Verdicts of every non-member (or the states listed) against the organisations named."""

    kind: ClassVar[str] = "matrix"
    matrix: MatrixSpec = MatrixSpec()
    expect: MatrixExpectation | None = None


class OrderSpec(Model):
    """The organisation and the applicants whose admission orders are searched."""

    org: OrgCode
    applicants: tuple[StateCode, ...] = Field(min_length=1, max_length=16)


class ImpactSpec(Model):
    """The changes whose effect on every verdict is asked for."""

    changes: tuple[Event, ...] = Field(min_length=1, max_length=100)
    orgs: tuple[OrgCode, ...] | None = None


class LeverageSpec(Model):
    """Which kinds of single change to rank, in which organisations, how many to list."""

    orgs: tuple[OrgCode, ...] | None = None
    kinds: tuple[Literal["establish", "recognize"], ...] = ("establish", "recognize")
    limit: int = Field(default=20, ge=1, le=500)


class EarliestSpec(Model):
    """The pair, the date the search starts from, and what is searched for.

    ``target: not_blocked`` (the default) finds the first date the verdict is no longer blocked;
    ``eligible`` the first date it is eligible (with the scenario's ``assume`` for silent voters).
    A membership counts as reaching either.
    """

    state: StateCode
    org: OrgCode
    from_: IsoDate | None = Field(default=None, alias="from")
    target: Literal["not_blocked", "eligible"] = "not_blocked"


class TimelineSpec(Model):
    """The pair and the period [from, until) whose verdicts are told as intervals."""

    state: StateCode
    org: OrgCode
    from_: IsoDate = Field(alias="from")
    until: IsoDate


class IntervalExpectation(Model):
    """One interval a timeline must contain: its first day and verdict (and failing ids, if given)."""

    from_: IsoDate = Field(alias="from")
    verdict: VerdictName
    failing: tuple[ConditionId, ...] | None = None


class TimelineExpectation(Model):
    """What a ``timeline`` answer must say: its intervals, exactly (``intervals``) or among them (``includes``)."""

    intervals: tuple[IntervalExpectation, ...] | None = None
    includes: tuple[IntervalExpectation, ...] | None = None


class OrderExpectation(Model):
    """What an ``order`` answer must say."""

    largest: int | None = None
    includes: tuple[tuple[StateCode, ...], ...] | None = None
    conflicts: tuple[tuple[StateCode, StateCode], ...] | None = None


class ImpactExpectation(Model):
    """What an ``impact`` answer must say."""

    count: int | None = None
    includes: tuple[dict[str, str], ...] | None = None


class LeverageExpectation(Model):
    """What a ``leverage`` answer must say."""

    first: dict[str, Any] | None = None
    includes: tuple[dict[str, Any], ...] | None = None


class EarliestExpectation(Model):
    """What an ``earliest`` answer must say: the date (or ``never``), and the verdict reached then."""

    date: IsoDate | None = None
    never: bool | None = None
    verdict: VerdictName | None = None


class OrderQuestion(QuestionBase):
    """Which admission orders of the applicants are feasible, each admission changing the members."""

    kind: ClassVar[str] = "order"
    order: OrderSpec
    expect: OrderExpectation | None = None


class ImpactQuestion(QuestionBase):
    """The verdicts that change when the changes are made."""

    kind: ClassVar[str] = "impact"
    impact: ImpactSpec
    expect: ImpactExpectation | None = None


class LeverageQuestion(QuestionBase):
    """The single new relations or recognitions that would unlock the most accessions."""

    kind: ClassVar[str] = "leverage"
    leverage: LeverageSpec = LeverageSpec()
    expect: LeverageExpectation | None = None


class EarliestQuestion(QuestionBase):
    """The first date on or after ``from`` on which the verdict is no longer blocked."""

    kind: ClassVar[str] = "earliest"
    earliest: EarliestSpec
    expect: EarliestExpectation | None = None


class TimelineQuestion(QuestionBase):
    """The verdict on every date of [from, until), as intervals with the events that began each."""

    kind: ClassVar[str] = "timeline"
    timeline: TimelineSpec
    expect: TimelineExpectation | None = None


QUESTION_KINDS: tuple[str, ...] = ("join", "matrix", "order", "impact", "leverage", "earliest", "timeline")


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
        Annotated[TimelineQuestion, Tag("timeline")],
    ],
    Discriminator(_question_kind, custom_error_type="question_invalid", custom_error_message="not a known question"),
]


class Replacement(Model):
    """A decision that replaces the organisation's own in every version."""

    decision: tuple[Stage, ...]


class Amendment(Model):
    """A what-if on one organisation's rules, applied to every version."""

    drop: tuple[ConditionId, ...] = ()
    add: tuple[Condition, ...] = ()
    replace: Replacement | None = None


class Scenario(Model):
    """A world, a date, hypothetical changes and amendments, and the questions asked of them."""

    scenario: Text
    description: Text | None = None
    world: Annotated[str, StringConstraints(min_length=1, max_length=500)] | WorldFile = "default"
    as_of: IsoDate
    assume: Assume = "unknown"
    trust: Trust = "low"
    changes: tuple[Event, ...] = ()
    amend: dict[OrgCode, Amendment] = Field(default_factory=dict)
    questions: tuple[Question, ...] = Field(min_length=1)


class CheckRequest(Model):
    """One join question with optional what-if changes and rule amendments.

    The fields are a scenario's (`as_of`, `assume`, `changes`, `amend`) and a join question's
    (`state`, `org`, `forbid`), with the same types: a request is read as the scenario it stands for.
    """

    # The body of ``POST /v1/check`` and of ``Workspace.check_request``. Its validator is built
    # when first used (pydantic's defer_build): the service uses it, one-shot commands never do, and
    # building it cost them 8 ms. Deferring every model measured slower: most are used by every run.
    model_config = ConfigDict(defer_build=True)

    state: StateCode = Field(examples=["ARM"])
    org: OrgCode = Field(examples=["SCO"])
    as_of: IsoDate | None = Field(default=None, description="default: today (UTC)")
    assume: Assume = "unknown"
    trust: Trust = Field(default="low", description="leave out the world's facts of lower confidence")
    changes: tuple[Event, ...] = Field(default=(), examples=[[{"establish": ["ARM", "AZE"]}]])
    amend: dict[OrgCode, Amendment] = Field(default_factory=dict)
    forbid: tuple[Event, ...] = ()

    def scenario(self, today: date) -> Scenario:
        """The one-question scenario the request stands for (dated ``today`` when it names no date)."""
        join = JoinSpec(state=self.state, org=self.org, forbid=self.forbid)
        return Scenario(
            scenario="check",
            world="default",
            as_of=self.as_of or today,
            assume=self.assume,
            trust=self.trust,
            changes=self.changes,
            amend=self.amend,
            questions=(JoinQuestion(id="check", join=join),),
        )


for _model in (Amendment, Scenario, CheckRequest):
    _model.model_rebuild()
