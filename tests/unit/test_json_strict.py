"""``engine.reading.json_strict``: the cheap pre-checks of a body never let a lone surrogate, a nesting
too deep or a repeated key through; they only spare the walk over bodies that cannot hold one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.common.errors import AccedeError
from engine.common.limits import NESTING_DEPTH
from engine.reading.json_strict import _depth, _surrogate, read_json

#: Text with lone surrogates, brackets and backslashes now and then: what the pre-checks look for.
TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff", "[", "{", "\\", "u", "d", "8"]),
    ),
    max_size=6,
)
VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=30,
)


def nested(value: Any, levels: int) -> Any:
    for _ in range(levels):
        value = [value]
    return value


def verdict(body: bytes | str) -> str:
    try:
        read_json(body, "body", limit=1 << 20)
    except AccedeError as exc:
        return exc.problems[0].code + (" surrogate" if "surrogate" in exc.problems[0].message else "")
    return "ok"


def slow(data: Any) -> str:
    """What the full walks say of the parsed value (the reference the pre-checks must agree with)."""
    if _depth(data) > NESTING_DEPTH.file:
        return "yaml.too-complex"
    if _surrogate(data) is not None:
        return "json.syntax surrogate"
    return "ok" if isinstance(data, dict) else "schema.not-mapping"


@settings(max_examples=300)
@given(
    value=VALUES,
    deep=st.integers(0, 70),
    encoding=st.sampled_from((None, "utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")),
)
def test_the_pre_checks_agree_with_the_full_walks(value: Any, deep: int, encoding: str | None) -> None:
    """Any body, as a decoded text or as bytes in any encoding json sniffs, with surrogates escaped
    (``\\ud800``) or written raw (which json reads from bytes too: it decodes with ``surrogatepass``)."""
    data = {"k": nested(value, deep)}
    text = json.dumps(data, ensure_ascii=bool(deep % 2))
    body: bytes | str = text if encoding is None else text.encode(encoding, "surrogatepass")
    assert verdict(body) == slow(json.loads(text))


def test_raw_surrogate_bytes_are_refused_as_a_surrogate() -> None:
    assert verdict(b'{"a": "\xed\xa0\x80"}') == "json.syntax surrogate"


def test_an_escaped_surrogate_in_utf16_is_refused() -> None:
    assert verdict('{"a": "\\ud800"}'.encode("utf-16-le")) == "json.syntax surrogate"


def test_a_repeated_key_is_found_in_any_object() -> None:
    with pytest.raises(AccedeError) as caught:
        read_json(b'{"a": {"b": 1, "c": 2, "b": 3}}', "body", limit=1000)
    assert caught.value.problems[0].code == "json.duplicate-key"
    assert caught.value.problems[0].field == "b"


def test_a_text_with_a_surrogate_character_is_measured_not_crashed_on() -> None:
    """A decoded text (a watched line) may hold the character itself: its size is counted, then refused."""
    assert verdict('{"a": "\udfff"}') == "json.syntax surrogate"
