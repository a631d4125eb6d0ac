"""World files: states, never-established pairs, organisations and the event history."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints, field_validator

from engine.models._base import Confidence, DeclaredCode, IsoDate, Model, OrgCode, StateCode, Text
from engine.models.events import Event, Pair, distinct_pair
from engine.models.rules import Organization

__all__ = ["NeverEstablished", "NotRecognized", "RecognitionDefault", "StateRecord", "WorldFile"]


class StateRecord(Model):
    """A state or disputed entity: its code, name, region and where the record comes from."""

    code: DeclaredCode
    name: Text
    #: ISO 3166-1 alpha-2, accepted wherever a state is named (SPEC, Names).
    alpha2: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    #: Other names people use ("UK", "Britain"), accepted like the name.
    aliases: tuple[Text, ...] = ()
    region: Text
    subregion: Text | None = None
    default_relations: Literal["none", "established"] | None = None
    #: The day after the state ceased to exist (a state dissolved or merged, kept for history such
    #: as Security Council terms); sweeps leave it out from then on.
    dissolved: IsoDate | None = None
    source: Text | None = None
    note: Text | None = None


class RecognitionDefault(Model):
    """How recognition is defaulted: the members of ``among`` recognise one another, unless a
    ``not_recognized`` record or a recorded event says otherwise (relations still imply it)."""

    among: OrgCode
    source: Text
    confidence: Confidence | None = None
    note: Text | None = None


class NotRecognized(Model):
    """An exception to the recognition default: ``by`` has not recognised ``of`` (undated: there
    is no event; a later ``recognize`` or an establishment of relations ends it)."""

    by: StateCode
    of: StateCode
    source: Text | None = None
    confidence: Confidence | None = None
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
        return distinct_pair(value)


class WorldFile(Model):
    """A world: its header, states, organisations and history (a folder merges several files)."""

    name: Text | None = None
    default_relations: Literal["none", "established"] = "none"
    source: Text | None = None
    note: Text | None = None
    rules: Text | None = None
    #: The last date the world's facts were checked: answers after it say so (SPEC, horizon).
    horizon: IsoDate | None = None
    recognition_default: RecognitionDefault | None = None
    states: tuple[StateRecord, ...] = ()
    organizations: tuple[Organization, ...] = ()
    events: tuple[Event, ...] = ()
    never_established: tuple[NeverEstablished, ...] = ()
    not_recognized: tuple[NotRecognized, ...] = ()


WorldFile.model_rebuild()
