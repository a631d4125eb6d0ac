"""Names people use for states and organisations, resolved to the codes results always use.

SPEC, Names: a code (ISO 3166-1 alpha-3 or the world's own), an alpha-2 code, the record's name
or an alias the world declares are all accepted. Codes match ASCII-case-insensitively and only
ASCII input is ever taken for a code (so a dotless i in `IRN` does not make it Iran); names and aliases match after NFKC
case-folding. A name that fits several records is an error listing them. A did-you-mean never
offers the word typed, and never another record for a name that resolves.

The table is built once per world and handed to the models as pydantic's validation context
(``context={"names": ...}``), so every field that names a state or an organisation, in any file
or request, resolves through this one module.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from engine import models as m

__all__ = ["Ambiguous", "Names", "Vocabulary", "fold"]


def fold(text: str) -> str:
    """How names compare: NFKC, case-folded, inner whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True)
class Ambiguous:
    """A name that fits several records: the name and the codes it fits."""

    text: str
    codes: tuple[str, ...]
    what: str = "states"
    titles: tuple[str, ...] = ()

    @property
    def listed(self) -> str:
        """The records it fits, each with its name: "`COD` (Democratic Republic of the Congo), ..."."""
        return ", ".join(f"`{c}` ({t})" if t != c else f"`{c}`" for c, t in zip(self.codes, self.titles, strict=True))


@dataclass(frozen=True)
class Vocabulary(Collection[str]):
    """One kind of record (states or organisations): codes, alpha-2 codes, folded names.

    As a collection it holds the codes, so it stands wherever the set of known codes does and
    lends its suggestions to the message about an unknown one.
    """

    what: str
    codes: frozenset[str]
    titles: Mapping[str, str]  # code -> the record's name, for messages
    alpha2: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # folded name -> codes
    spelled: Mapping[str, str] = field(default_factory=dict)  # folded name -> as the world writes it

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.codes))

    def __len__(self) -> int:
        return len(self.codes)

    def resolve(self, text: str) -> str | Ambiguous | None:
        if text in self.codes:
            return text
        if text.isascii():
            upper = text.strip().upper()
            if upper in self.codes:
                return upper
            found = self.alpha2.get(upper)
            if found is not None:
                return found
        codes = self.names.get(fold(text))
        if codes is None:
            return None
        if len(codes) == 1:
            return codes[0]
        return Ambiguous(text, codes, self.what + "s", tuple(self.titles.get(c, c) for c in codes))

    def suggest(self, text: str) -> list[str]:
        """Codes close to an unknown ``text``: names it begins, else close codes and names."""
        folded = fold(text)
        if len(folded) >= 3:
            starts = sorted({c for name, codes in self.names.items() if name.startswith(folded) for c in codes})
            if 0 < len(starts) <= 3:
                return starts
        out: list[str] = []
        upper = text.upper() if text.isascii() else None
        if upper is not None:
            out += _closest(upper, self.codes)
        for name in difflib.get_close_matches(folded, sorted(self.names), n=3, cutoff=0.75):
            out += self.names[name]
        seen = dict.fromkeys(c for c in out if c != text)
        return list(seen)[:3]

    def did_you_mean(self, text: str) -> str:
        found = self.suggest(text)
        if not found:
            return ""
        shown = [f"`{c}` ({self.titles[c]})" if self.titles.get(c, c) != c else f"`{c}`" for c in found]
        return " (did you mean " + " or ".join(shown) + "?)"


def _closest(typed: str, codes: Iterable[str], n: int = 2) -> list[str]:
    """Codes close to a typed one, the likeliest first: similarity, then the length of the shared
    start (a slip of the last letter, `ARN`, means `ARM` rather than `PAN`)."""

    def shared(code: str) -> int:
        k = 0
        while k < min(len(code), len(typed)) and code[k] == typed[k]:
            k += 1
        return k

    def apart(code: str) -> int:
        # Then the nearest letter where they part: N is next to M, on keyboards and in the alphabet.
        k = shared(code)
        return abs(ord(code[k]) - ord(typed[k])) if k < min(len(code), len(typed)) else 0

    scored = []
    for code in codes:
        ratio = difflib.SequenceMatcher(None, typed, code).ratio()
        if ratio >= 0.6:
            scored.append((-ratio, -shared(code), apart(code), code))
    return [found[-1] for found in sorted(scored)[:n]]


def _names_table(what: str, rows: Iterable[tuple[str, str, str | None, Sequence[str]]]) -> Vocabulary:
    codes: set[str] = set()
    titles: dict[str, str] = {}
    alpha2: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    for code, name, two, aliases in rows:
        codes.add(code)
        titles[code] = name
        if two is not None:
            alpha2[two] = code
        for label in (name, *aliases):
            key = fold(label)
            spelled.setdefault(key, label)
            bucket = names.setdefault(key, [])
            if code not in bucket:
                bucket.append(code)
    return Vocabulary(
        what,
        frozenset(codes),
        titles,
        alpha2,
        {k: tuple(sorted(v)) for k, v in names.items()},
        spelled,
    )


class Names:
    """How people name the states and organisations of one world."""

    def __init__(self, states: Iterable[m.StateRecord], orgs: Iterable[m.Organization]) -> None:
        self.states = _names_table("state", ((s.code, s.name, s.alpha2, s.aliases) for s in states))
        self.orgs = _names_table("organisation", ((o.code, o.name, None, o.aliases) for o in orgs))

    def state(self, text: str) -> str | Ambiguous | None:
        """The code ``text`` names, an ``Ambiguous`` when it names several, or None."""
        return self.states.resolve(text)

    def org(self, text: str) -> str | Ambiguous | None:
        return self.orgs.resolve(text)

    def title(self, code: str) -> str:
        return self.states.titles.get(code) or self.orgs.titles.get(code) or code
