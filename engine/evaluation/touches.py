"""Which verdicts an event can move: the analysis ``impact`` and the live watcher share.

A verdict for applicant X in organisation O reads three kinds of fact:

* facts about X that O's conditions read: its relations and recognitions (``relations_with``,
  ``recognized_by``), its conflicts (``no_conflict_with``), its sanctions, the assessments of the
  keys O's rules name, its status in the organisations O's ``status_in`` and ``member_of`` name,
  and its status in O itself (a member is not an applicant); and the stances on its bid in O;
* the membership of every organisation whose members O's groups mean (``members``,
  ``{members_of: P}``, a decision stage's voters and vetoes);
* recognition by default, which follows the membership of the organisation whose members
  recognise one another: a status there moves the recognition of its holder by every member and
  of every member by it.

So an event touches the states it names in the organisations whose rules read what it is about (a
stance: the applicant's bid in that organisation alone, not the voter's own verdicts), and a
status in P touches every applicant of the organisations whose groups mean P's members, and, when
P's members recognise one another by default, of those whose rules read recognition. The answer
is a superset of what moves (a status that is not membership touches P's readers too); callers
re-evaluate what it covers, and every other verdict stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from engine import models as m
from engine.compiler import checks as ck
from engine.compiler.history import Key
from engine.compiler.rulebook import Rulebook
from engine.compiler.world import World

__all__ = ["Reach", "Touched", "touched"]

#: What a fact about an applicant is, as rules read it and events change it: ``("rel",)``,
#: ``("assess", KEY)``, ``("status", ORG)``... ``("any",)`` is read by a check this analysis does
#: not know, which every event about the applicant may then move.
Topic = tuple[str, ...]
_ANY: Topic = ("any",)
#: Recognition by default (the membership of the organisation whose members recognise one another).
_DEFAULT_RECOGNITION: Topic = ("recognition",)
#: The facts events are about, as this analysis knows them.
_KINDS = frozenset({"rel", "rec", "conflict", "status", "sanction", "assess", "pos"})
#: Answers a ``Reach`` keeps, by fact (an event's answer depends only on the fact it is about).
_SEEN = 65536


@dataclass(frozen=True)
class Touched:
    """What some events can move: ``states[X]`` the organisations in which X's verdicts may move,
    and ``orgs`` those in which every applicant's may."""

    states: Mapping[str, frozenset[str]] = field(default_factory=dict)
    orgs: frozenset[str] = frozenset()

    def covers(self, state: str, org: str) -> bool:
        return org in self.orgs or org in self.states.get(state, ())

    def __or__(self, other: Touched) -> Touched:
        states = dict(self.states)
        for state, orgs in other.states.items():
            states[state] = states.get(state, frozenset()) | orgs
        return Touched(states, self.orgs | other.orgs)


def _parts(check: ck.CompiledCheck) -> Iterator[ck.CompiledCheck]:
    """A check and every check inside it (``all``, ``any``, ``not``)."""
    yield check
    if isinstance(check, ck.AllOf | ck.AnyOf):
        for part in check.parts:
            yield from _parts(part)
    elif isinstance(check, ck.Not):
        yield from _parts(check.inner)


def _topics(org: str, check: ck.CompiledCheck) -> Iterator[Topic]:
    """The facts about the applicant that one check (not its parts) reads."""
    if isinstance(check, ck.RelationsWith):
        yield ("rel",)
    elif isinstance(check, ck.RecognizedBy):
        yield from (("rel",), ("rec",), _DEFAULT_RECOGNITION)  # relations imply recognition
    elif isinstance(check, ck.NoConflictWith):
        yield ("conflict",)
    elif isinstance(check, ck.StatusIn):  # member_of included
        yield ("status", check.org or org)
    elif isinstance(check, ck.Sanctioned):
        yield ("sanction",)
    elif isinstance(check, ck.Assessed):
        yield ("assess", check.key)
    elif not isinstance(check, ck.RegionIn | ck.AllOf | ck.AnyOf | ck.Not):
        yield _ANY  # a check added to the vocabulary since: assume it reads everything


def _membership(org: str, group: m.Group | None) -> str | None:
    """The organisation whose members a group in ``org``'s rules means (a list: none)."""
    if group is None or group.kind == "list":
        return None
    return org if group.kind == "members" else group.org


def _topics_of(key: Key, among: str | None) -> list[Topic]:
    """What an event about the fact ``key`` is about, as the topics rules read."""
    kind = key[0]
    if kind == "status":
        status: Topic = ("status", key[2])
        return [status, _DEFAULT_RECOGNITION] if key[2] == among else [status]
    if kind == "assess":
        return [("assess", key[1])]
    return [(kind,)]


def _parties(key: Key) -> tuple[str, ...]:
    """The states a fact names (an event's key names the states the event does)."""
    kind = key[0]
    if kind in ("rel", "rec", "conflict"):
        return key[1], key[2]
    if kind in ("status", "sanction"):
        return (key[1],)
    return (key[2],)  # an assessment's state; a stance's applicant (its voter is key[3])


class Reach:
    """What each organisation's rules read, found once per rulebook: the facts about an applicant
    (by topic), whose membership their groups mean, and so which verdicts an event can move."""

    def __init__(self, rules: Rulebook, recognition_among: str | None) -> None:
        readers: dict[Topic, set[str]] = {}
        members: dict[str, set[str]] = {}
        unknown: set[str] = set()  # organisations with a check this analysis does not know
        for code, compiled in rules.orgs.items():
            # Its own status decides whether the applicant is a member at all.
            readers.setdefault(("status", code), set()).add(code)
            for version in compiled.versions:  # every version: the answer holds on any date
                groups = [group for stage in version.decision for group in (stage.by, stage.veto)]
                for condition in version.conditions:
                    for check in _parts(condition.check):
                        for topic in _topics(code, check):
                            readers.setdefault(topic, set()).add(code)
                        if isinstance(check, ck.RelationsWith | ck.RecognizedBy | ck.NoConflictWith):
                            groups.append(check.group)
                        elif _ANY in _topics(code, check):
                            unknown.add(code)
                for group in groups:
                    read = _membership(code, group)
                    if read is not None:
                        members.setdefault(read, set()).add(code)
        self._readers = {topic: frozenset(codes) for topic, codes in readers.items()}
        self._anything = self._readers.get(_ANY, frozenset())
        self._members = {org: frozenset(codes) for org, codes in members.items()}
        self._unknown = frozenset(unknown)
        self._among = recognition_among
        self._seen: dict[Key, Touched] = {}
        self._every = frozenset(rules.orgs)

    @classmethod
    def of_world(cls, world: World) -> Reach:
        return cls(world.rules, world.facts.recognition_among)

    def readers(self, topic: Topic) -> frozenset[str]:
        """Organisations whose rules read the applicant's facts of ``topic``."""
        return self._readers.get(topic, frozenset()) | self._anything

    def members_read(self, org: str) -> frozenset[str]:
        """Organisations whose every applicant's verdict may move when ``org``'s membership does."""
        found = self._members.get(org, frozenset()) | self._unknown
        if org == self._among:
            # Each member's default recognition of every applicant follows its membership.
            found |= self.readers(_DEFAULT_RECOGNITION)
        return found

    def of(self, event: m.Event) -> Touched:
        """The verdicts one event can move."""
        return self.of_fact(event.key())

    def of_fact(self, key: Key) -> Touched:
        """The verdicts an event about the fact ``key`` can move (which depends on nothing else)."""
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= _SEEN:
                self._seen.clear()  # a long watch meets many facts; the answers are cheap to redo
            found = self._seen[key] = self._of_key(key)
        return found

    def _of_key(self, key: Key) -> Touched:
        kind = key[0]
        if kind not in _KINDS:
            return Touched(orgs=self._every)  # a fact added to the vocabulary since: anything may move
        if kind == "pos":  # ("pos", org, applicant, voter): the applicant's bid there alone
            return Touched({key[2]: frozenset({key[1]})})
        orgs = frozenset().union(*(self.readers(topic) for topic in _topics_of(key, self._among)))
        states = dict.fromkeys(_parties(key), orgs) if orgs else {}
        return Touched(states, self.members_read(key[2]) if kind == "status" else frozenset())

    def of_all(self, events: Iterable[m.Event]) -> Touched:
        out = Touched()
        for event in events:
            out |= self.of(event)
        return out


def touched(world: World, events: Iterable[m.Event]) -> Touched:
    """The verdicts ``events`` can move in ``world`` (on any date)."""
    return Reach.of_world(world).of_all(events)
