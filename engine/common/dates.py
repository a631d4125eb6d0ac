"""The one reading of a date, for files, the command line and query strings alike.

ISO 8601 allows more than a calendar date (week dates such as ``2025-W35-6``, ordinal dates,
basic forms such as ``20250831``); ``date.fromisoformat`` accepts several of them since Python
3.11. accede documents calendar dates only, so every door reads exactly ``YYYY-MM-DD`` and nothing
else, and one mistake gets one message wherever it is made.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from engine.common.errors import AccedeError

__all__ = ["DATE_MESSAGE", "parse_date", "parse_day", "today"]

#: How a date that does not parse is reported, wherever it was written.
DATE_MESSAGE = "`{value}` is not an ISO 8601 calendar date (YYYY-MM-DD)"


def parse_date(value: object) -> date | None:
    """A calendar date from a ``date`` or a ``YYYY-MM-DD`` string; None when it is neither."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    # Exactly YYYY-MM-DD in ASCII digits, tested by hand: every event of a world has a date, and a
    # regular expression per date was a tenth of loading the bundled world.
    if (
        isinstance(value, str)
        and len(value) == 10
        and value.isascii()
        and value[4] == "-"
        and value[7] == "-"
        and value[:4].isdigit()
        and value[5:7].isdigit()
        and value[8:].isdigit()
    ):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def parse_day(text: str | None, field: str, today: date) -> date:
    """A date given outside a file (a command-line option, a query string); ``today`` when absent.

    ``today`` is also accepted as a word. An empty text is an error, not today: a client that sent
    ``as_of=`` meant some date, and silently answering another would mislead.
    """
    if text is None or text == "today":
        return today
    found = parse_date(text)
    if found is None:
        raise AccedeError.one("date.invalid", DATE_MESSAGE.format(value=text[:40]), field=field)
    return found


def today() -> date:
    """Today in UTC, as the docs say. Only the edges call it (the command line, the HTTP layer):
    the engine never reads the clock, its date is always an explicit ``as_of``."""
    return datetime.now(UTC).date()
