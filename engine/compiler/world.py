"""The World: compiled facts and a compiled rulebook, two separate inputs paired for evaluation.

As Cedar's authorizer takes policies and entities apart, facts know no rules and rules know no
facts; a what-if on events replaces the facts (a thin layer over the baseline's), a what-if on
rules replaces the rulebook, and the baseline is never modified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from engine import models as m
from engine.common.errors import AccedeError
from engine.compiler.facts import Facts, Snapshot, compile_facts
from engine.compiler.rulebook import CompiledOrg, Rulebook, compile_rulebook
from engine.reading.loader import Located, WorldInput
from engine.validation import validate_world
from engine.validation.names import Names

__all__ = ["World", "compile_world"]


@dataclass(frozen=True, eq=False)
class World:
    """What a question is evaluated on: the facts, and the rules in force over them."""

    facts: Facts
    rules: Rulebook
    #: A content hash of the files the world was compiled from (what-ifs keep their base's: the
    #: request that made them says the rest).
    revision: str = "inline"

    # The names below read through to the facts or the rules; evaluation uses them constantly.

    @property
    def name(self) -> str:
        return self.facts.name

    @property
    def codes(self) -> tuple[str, ...]:
        return self.facts.codes

    @property
    def index(self) -> dict[str, int]:
        return self.facts.index

    @property
    def states(self) -> tuple[m.StateRecord, ...]:
        return self.facts.states

    @property
    def orgs(self) -> Mapping[str, CompiledOrg]:
        return self.rules.orgs

    @property
    def all(self) -> int:
        return self.facts.all

    @cached_property
    def names(self) -> Names:
        """How people name this world's states and organisations (SPEC, Names)."""
        return Names(self.facts.states, (o.model for o in self.rules.orgs.values()))

    def _derived(self, facts: Facts, rules: Rulebook) -> World:
        """A what-if of this world: same states and organisations, so the same names (built once:
        a what-if request is answered in about a millisecond, and building them cost half of it)."""
        world = World(facts, rules, self.revision)
        if "names" in self.__dict__:
            world.__dict__["names"] = self.__dict__["names"]
        return world

    def as_of(self, on: date) -> Snapshot:
        """Every fact of ``on`` (built once per date and cached)."""
        return self.facts.as_of(on)

    def with_changes(self, changes: Iterable[tuple[m.Event, Located]], default_on: date) -> World:
        """This world plus hypothetical events (dated ``default_on`` when undated); a new world."""
        models = {code: org.model for code, org in self.rules.orgs.items()}
        facts = self.facts.with_changes(changes, default_on, models)
        return self if facts is self.facts else self._derived(facts, self.rules)

    def flattened(self) -> World:
        """The same world with its what-if layers merged (a long-running watch reads faster)."""
        return self._derived(self.facts.flattened(), self.rules)

    def trusting(self, level: str) -> World:
        """This world without the facts whose confidence is below ``level`` (cached per level)."""
        if level == "low":
            return self
        found = self._trusted.get(level)
        if found is None:
            found = self._trusted.setdefault(level, self._derived(self.facts.trusting(level), self.rules))
        return found

    @cached_property
    def _trusted(self) -> dict[str, World]:
        return {}

    def with_rules(self, orgs: Mapping[str, m.Organization]) -> World:
        """This world under amended rules (a what-if on the rules themselves); a new world."""
        return self._derived(self.facts.layer(), self.rules.amended(orgs))


def compile_world(inp: WorldInput, revision: str = "inline") -> World:
    """Validate a world as read (every problem at once) and compile its facts and rules."""
    checked = validate_world(inp)
    if checked.problems:
        raise AccedeError(checked.problems)
    return World(compile_facts(checked), compile_rulebook(checked.orgs), revision)
