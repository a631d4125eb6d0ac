"""``engine.common.dates``: exactly ``YYYY-MM-DD`` in ASCII digits is a date, nothing else is."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.common.dates import parse_date

_REFERENCE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def reference(text: str) -> date | None:
    """The documented reading: a calendar date written YYYY-MM-DD, and nothing ISO allows besides."""
    if _REFERENCE.fullmatch(text) is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


#: Near misses: real dates bent one character at a time, week and ordinal dates, other digits.
NEAR = (
    st.dates()
    .map(date.isoformat)
    .flatmap(
        lambda day: st.one_of(
            st.just(day),
            st.integers(0, 9).flatmap(
                lambda k: st.sampled_from("0123456789-W+ \n/\u0663\uff12").map(lambda c: day[:k] + c + day[k + 1 :])
            ),
            st.just(day + "\n"),
            st.just(day.replace("-", "")),
        )
    )
)


@settings(max_examples=500)
@given(st.one_of(NEAR, st.text(max_size=12)))
def test_only_calendar_dates_in_ascii_digits_are_read(text: str) -> None:
    assert parse_date(text) == reference(text)


def test_forms_iso_allows_but_accede_does_not() -> None:
    fullwidth = "\uff12\uff10\uff12\uff15-08-31"
    for text in ("2025-W35-6", "2025-243", "20250831", "2025-08-31T00:00", fullwidth):
        assert parse_date(text) is None, text
    assert parse_date("2025-08-31") == date(2025, 8, 31)
