"""Laws of ``accede fmt`` (``engine/tooling/fmt.py``) on generated scenario, world and rule files.

The documents are the strategies' own (``tests/strategies.py``), with notes of awkward text added,
written out as YAML with keys shuffled, collections in block or flow style (flow ones sometimes
spread over lines), scalars plain, quoted or as block scalars, indentation of 2 to 4 spaces, and
comments and blank lines sprinkled. Laws: formatting keeps the data and every comment, formatting
twice changes nothing more, and without comments the layout depends on the data alone.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterable
from functools import cache
from typing import Any

from hypothesis import given, note, settings
from hypothesis import strategies as st

from engine.common.errors import AccedeError
from engine.reading.yaml12 import parse_yaml
from engine.tooling.fmt import format_text
from tests import strategies as gen
from tests.strategies import examples

#: The layout's choices, from a seed Hypothesis draws: a failing layout replays exactly. (Its own
#: ``randoms()`` would shrink each choice, but costs a draw per choice, some 25,000 per run.)
RNG = st.integers(0, 2**32 - 1).map(random.Random)
#: Text that needs care: indicators, quotes, comment marks, line breaks, tabs, non-ASCII.
AWKWARD = st.text(alphabet=list("ab Z09:#,-?[]{}&*!|>'\"\\\n\té€\u00a0\u2028😀"), min_size=1, max_size=20)


@st.composite
def rule_files(draw: st.DrawFn) -> dict[str, Any]:
    book = draw(gen.rulebooks("ORA", gen.STATE_CODES[:4]))
    return {("org" if k == "code" else k): v for k, v in book.items()}


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario (with an inline world), a world, or a rule file, some of its texts awkward."""
    data: dict[str, Any] = copy.deepcopy(draw(st.one_of(gen.scenarios(), gen.worlds(), rule_files())))
    if draw(st.booleans()):
        data["description" if "scenario" in data else "note"] = draw(AWKWARD)
    events = data["world"].get("events", []) if isinstance(data.get("world"), dict) else data.get("events", [])
    for event in events:
        if draw(st.integers(0, 3)) == 0:
            event["note"] = draw(AWKWARD)
    return data


@cache
def _reads_back(text: str, flow: bool) -> bool:
    """Whether ``text`` written plain reads back as itself (in a flow collection, or as a value)."""
    try:
        doc = parse_yaml(f"k: [{text}]" if flow else f"k: {text}", "plain")
    except AccedeError:
        return False
    return bool(doc.data["k"] == ([text] if flow else text))


def _double_quoted(text: str) -> str:
    # JSON's escapes are YAML's, but YAML wants astral characters whole, not as surrogate pairs.
    out = json.dumps(text, ensure_ascii=False)
    return "".join(f"\\u{ord(c):04x}" if c in "\x85\u2028\u2029" else c for c in out)


def _printable(text: str) -> bool:
    # libyaml reads NEL, LS and PS as line breaks, so they are only safe escaped.
    return all(c == "\t" or (c.isprintable() and c not in "\x85\u2028\u2029") for c in text)


class Writer:
    """Writes data as YAML, drawing every choice of layout; ``canonical`` keeps scalars one way."""

    def __init__(self, rng: random.Random, comments: bool = True, canonical: bool = False) -> None:
        self.rng, self.comments, self.canonical = rng, comments, canonical
        self.lines: list[str] = []
        self.notes: list[str] = []

    def text(self, data: dict[str, Any]) -> str:
        self.mapping(data, 0)
        if self.comments and self.chance(2):
            self.lines.append(self.note())
        return "\n".join(self.lines) + "\n"

    def note(self) -> str:
        self.notes.append(f"# c{len(self.notes)}")
        return self.notes[-1]

    def chance(self, one_in: int) -> bool:
        return self.rng.randint(1, one_in) == 1

    def shuffled(self, keys: Iterable[str]) -> list[str]:
        out = list(keys)
        self.rng.shuffle(out)
        return out

    def eol(self) -> str:
        return f"  {self.note()}" if self.comments and self.chance(4) else ""

    def before(self, indent: int) -> None:
        if self.comments and self.chance(6):
            self.lines.append("")
        if self.comments and self.chance(5):
            self.lines.append(" " * indent + self.note())

    def mapping(self, data: dict[str, Any], indent: int, lead: str | None = None) -> None:
        for i, key in enumerate(self.shuffled(data)):
            if i or lead is None:
                self.before(indent)
            head = (lead if i == 0 and lead is not None else " " * indent) + key + ":"
            self.value(head, data[key], indent)

    def value(self, head: str, value: Any, indent: int) -> None:
        step = self.rng.choice((2, 3, 4))
        if isinstance(value, dict | list) and value and self.chance(2):
            self.lines.append(head + self.eol())
            if isinstance(value, dict):
                self.mapping(value, indent + step)
            else:
                # A sequence under a key may sit at the key's own indentation.
                self.sequence(value, indent + self.rng.choice((0, step)))
        elif isinstance(value, dict) and len(value) > 1 and self.comments and self.chance(4):
            self.spread(head, value, indent + step)
        elif isinstance(value, str) and not self.canonical and self.chance(4):
            if not self.block_scalar(head, value, " " * (indent + step)):
                self.lines.append(f"{head} {self.flow(value)}{self.eol()}")
        else:
            self.lines.append(f"{head} {self.flow(value)}{self.eol()}")

    def sequence(self, items: list[Any], indent: int) -> None:
        for item in items:
            self.before(indent)
            if isinstance(item, dict) and item and self.chance(2):
                self.mapping(item, indent + 2, lead=" " * indent + "- ")
            else:
                self.lines.append(f"{' ' * indent}- {self.flow(item)}{self.eol()}")

    def spread(self, head: str, value: dict[str, Any], indent: int) -> None:
        """A flow mapping over several lines, with comments between its entries."""
        parts = [f"{k}: {self.flow(value[k])}" for k in self.shuffled(value)]
        lines = [f"{head} {{{parts[0]}"]
        for part in parts[1:]:
            lines[-1] += "," + self.eol()
            lines.append(" " * indent + part)
        lines[-1] += "}" + self.eol()
        self.lines += lines

    def block_scalar(self, head: str, value: str, indent: str) -> bool:
        """``|`` or ``>``, when the value allows it; False if it does not."""
        body = value.removesuffix("\n")
        lines = body.split("\n")
        if not _printable(body) or value.endswith("\n\n") or any(not line.strip() for line in lines):
            return False
        if lines[0].startswith((" ", "\t")) or any(line != line.rstrip() for line in lines):
            return False
        chomp = "" if value.endswith("\n") else "-"
        words = body.split(" ")
        if "\n" not in body and "\t" not in body and "" not in words and self.chance(2):
            # Folded: each line break between words reads as one space.
            cuts = sorted(self.rng.sample(range(1, len(words)), min(3, len(words) - 1)))
            folded = [" ".join(words[a:b]) for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True) if a < b]
            self.lines += [f"{head} >{chomp}{self.eol()}", *(indent + line for line in folded)]
            return True
        self.lines += [f"{head} |{chomp}{self.eol()}", *(indent + line for line in lines)]
        return True

    def flow(self, value: Any) -> str:
        if isinstance(value, dict):
            return "{" + ", ".join(f"{k}: {self.flow(value[k])}" for k in self.shuffled(value)) + "}"
        if isinstance(value, list):
            return "[" + ", ".join(self.flow(v) for v in value) + "]"
        return self.scalar(value)

    def scalar(self, value: Any) -> str:
        if isinstance(value, bool):
            if self.canonical:
                return "true" if value else "false"
            return self.rng.choice(("true", "True", "TRUE") if value else ("false", "False"))
        if isinstance(value, int):
            return str(value)
        assert isinstance(value, str)
        double = _double_quoted(value)
        plain = _reads_back(value, flow=True) and _reads_back(value, flow=False)
        if self.canonical:
            return value if plain else double
        options = [double]
        if plain:
            options.append(value)
        if "\n" not in value and _printable(value):
            options.append("'" + value.replace("'", "''") + "'")
        return self.rng.choice(options)


def _data(text: str) -> str:
    """What a file means, as the engine reads it (JSON keeps ``True`` apart from ``1``)."""
    return json.dumps(parse_yaml(text, "law.yaml").data, sort_keys=True)


@settings(max_examples=examples(40))
@given(data=st.data())
def test_formatting_keeps_the_data_and_every_comment(data: st.DataObject) -> None:
    document = data.draw(documents(), label="document")
    writer = Writer(data.draw(RNG))
    text = writer.text(document)
    note(text)
    assert _data(text) == json.dumps(document, sort_keys=True), "the generator wrote what it meant"
    out = format_text(text, "law.yaml")
    note(out)
    assert _data(out) == _data(text)
    for comment in writer.notes:
        assert out.count(comment + "\n") + out.count(comment + " ") == 1, comment


@settings(max_examples=examples(40))
@given(data=st.data())
def test_formatting_twice_is_formatting_once(data: st.DataObject) -> None:
    text = Writer(data.draw(RNG)).text(data.draw(documents(), label="document"))
    once = format_text(text, "law.yaml")
    note(once)
    assert format_text(once, "law.yaml") == once


@settings(max_examples=examples(30))
@given(data=st.data())
def test_the_layout_depends_on_the_data_alone(data: st.DataObject) -> None:
    """Without comments, two files with the same data (any key order, any collection style) agree."""
    document = data.draw(documents(), label="document")
    first = Writer(data.draw(RNG), comments=False, canonical=True).text(document)
    second = Writer(data.draw(RNG), comments=False, canonical=True).text(document)
    note(first)
    note(second)
    assert format_text(first, "a.yaml") == format_text(second, "b.yaml")
