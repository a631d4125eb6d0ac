"""The remedy algebra and the change syntax: sets of atomic changes, combined and minimised.

A remedy is a set of ``Change`` tuples, the identity of an event without its date
(``("establish", "ARM", "PAK")``); alternatives are a tuple of such sets. ``both`` and ``either``
combine alternatives for ``all`` and ``any``; ``minimise`` keeps only the smallest sets that are
not supersets of others. The tuple form is read off the verb table, so every verb has one.
"""

from __future__ import annotations

from typing import Any, get_origin

from engine import models as m
from engine.common.limits import REMEDY_OPTIONS

__all__ = [
    "NOTHING",
    "Change",
    "Options",
    "both",
    "change_syntax",
    "change_text",
    "either",
    "event_change",
    "minimise",
    "parse_change",
    "same_change",
]

#: An atomic change a remedy may propose, e.g. ``("establish", "ARM", "PAK")``.
Change = tuple[str, ...]
#: Alternatives: any one of the sets lifts the check. ``()`` means nothing can.
Options = tuple[frozenset[Change], ...]

#: Most alternatives kept at any step of remedy search (smallest first).
MAX_OPTIONS = REMEDY_OPTIONS.file

NOTHING: Options = (frozenset(),)


def same_change(a: Change, b: Change) -> bool:
    """Pairs are symmetric: establishing ARM-PAK is establishing PAK-ARM."""
    if a[0] == b[0] and a[0] in ("establish", "end_conflict"):
        return {a[1], a[2]} == {b[1], b[2]}
    return a == b


def minimise(options: list[frozenset[Change]]) -> Options:
    """Drop duplicates, supersets and self-contradictory sets; keep the smallest few.

    Smallest means fewest changes, then the sorted changes compared in order. Each distinct change
    gets a rank in that order and each set a bitmask of its ranks, highest rank in the lowest bit:
    for two sets of one size, the one whose sorted changes come first holds the smallest change
    the other lacks, which is the higher bit, so it has the larger mask. Sorting and the subset
    tests are then integer operations, not comparisons of sorted tuples of strings (a remedy
    search over many members runs this at every step).
    """
    unique = set(options)
    ranked = sorted({c for option in unique for c in option})
    top = len(ranked) - 1
    bit = {c: 1 << (top - r) for r, c in enumerate(ranked)}
    # Two statuses for one state in one organisation cannot both be remedies.
    slots: dict[tuple[str, ...], int] = {}
    for change in ranked:
        if change[0] in ("admit", "leave"):
            slots[change[1:3]] = slots.get(change[1:3], 0) | bit[change]
    shared = [mask for mask in slots.values() if mask.bit_count() > 1]
    rank = bit.__getitem__
    keyed = []
    for option in unique:
        mask = sum(map(rank, option))  # distinct powers of two: the sum is the union
        if shared and any((mask & slot).bit_count() > 1 for slot in shared):
            continue
        keyed.append((len(option), -mask, option))
    keyed.sort(key=_size_then_order)
    kept: list[frozenset[Change]] = []
    masks: list[int] = []
    size, smaller = -1, 0
    for length, negated, option in keyed:
        if length != size:
            # Only a smaller set can be a strict subset (duplicates are gone): the ones kept so far.
            size, smaller = length, len(kept)
        mask = -negated
        if not smaller or not any(k & ~mask == 0 for k in masks[:smaller]):
            kept.append(option)
            masks.append(mask)
            if len(kept) >= MAX_OPTIONS:
                break
    return tuple(kept)


def _size_then_order(entry: tuple[int, int, frozenset[Change]]) -> tuple[int, int]:
    return entry[0], entry[1]


def both(a: Options, b: Options) -> Options:
    return minimise([x | y for x in a for y in b])


def either(a: Options, b: Options) -> Options:
    return minimise([*a, *b])


def _layout(spec: m.Verb) -> tuple[tuple[str, str, str], ...]:
    """(attribute, alias, shape) of the fields that identify an event of one verb, in order."""
    dated = {"on", "until"} | ({"from_"} if spec.interval else set())
    out = []
    for name, info in spec.model.model_fields.items():
        if name in dated or name in m.EventBase.model_fields:  # provenance, not identity
            continue
        shape = "pair" if get_origin(info.annotation) is tuple else "bool" if info.annotation is bool else "one"
        out.append((name, info.alias or name, shape))
    return tuple(out)


_LAYOUTS = {verb: _layout(spec) for verb, spec in m.VERBS.items()}


def event_change(event: m.Event) -> Change:
    """The change an event stands for (to match ``forbid`` lists and remedies), ignoring its date."""
    out: list[str] = [event.verb]
    for name, _alias, shape in _LAYOUTS[event.verb]:
        value = getattr(event, name)
        if shape == "pair":
            out.extend(value)
        elif shape == "bool":
            out.append("true" if value else "false")
        else:
            out.append(value)
    return tuple(out)


def change_syntax(change: Change, day: str) -> dict[str, Any]:
    """A change written as a scenario change (dated ``day``), so a remedy can be pasted back."""
    out: dict[str, Any] = {}
    rest = list(change[1:])
    for _name, alias, shape in _LAYOUTS[change[0]]:
        if shape == "pair":
            out[alias] = [rest.pop(0), rest.pop(0)]
        elif shape == "bool":
            out[alias] = rest.pop(0) == "true"
        else:
            out[alias] = rest.pop(0)
    out["from" if m.VERBS[change[0]].interval else "on"] = day
    return out


def parse_change(syntax: dict[str, Any]) -> Change:
    """The change a remedy's event syntax stands for: ``change_syntax`` read back (its date dropped)."""
    verb = next(k for k in syntax if k in _LAYOUTS)
    out: list[str] = [verb]
    for _name, alias, shape in _LAYOUTS[verb]:
        value = syntax[alias]
        if shape == "pair":
            out.extend(value)
        elif shape == "bool":
            out.append("true" if value else "false")
        else:
            out.append(value)
    return tuple(out)


def change_text(change: Change) -> str:
    """A change as an analyst writes it, without its date: ``{establish: [ARM, PAK]}``."""
    fields = []
    rest = list(change[1:])
    for _name, alias, shape in _LAYOUTS[change[0]]:
        if shape == "pair":
            fields.append(f"{alias}: [{rest.pop(0)}, {rest.pop(0)}]")
        else:
            fields.append(f"{alias}: {rest.pop(0)}")
    return "{" + ", ".join(fields) + "}"
