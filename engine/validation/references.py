"""The one check of a state or organisation code, with one code and one wording at every door.

A file, the command line, an HTTP path and the watcher all name states and organisations; each
door says where (a ``Report`` locates the problem), and this module says what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from engine.common.errors import Problem, did_you_mean, shown
from engine.validation.names import Ambiguous, Vocabulary

__all__ = ["Report", "ambiguous", "check_org", "check_state", "resolve_name", "unknown_org", "unknown_state"]

#: Locates a problem where it was written: ``(code, message) -> Problem``.
Report = Callable[[str, str], Problem]


def _hint(code: str, known: Collection[str]) -> str:
    # A world's vocabulary suggests from names too (`GER` -> Germany, not Peru); a bare set of
    # codes (a world still being validated) from its codes.
    return known.did_you_mean(code) if isinstance(known, Vocabulary) else did_you_mean(code, known)


def unknown_state(code: str, known: Collection[str]) -> tuple[str, str]:
    """The code and message for a state the world does not declare."""
    return "world.unknown-state", f"unknown state `{shown(code)}`{_hint(code, known)}"


def unknown_org(code: str, known: Collection[str]) -> tuple[str, str]:
    """The code and message for an organisation the world does not declare."""
    return "world.unknown-org", f"unknown organisation `{shown(code)}`{_hint(code, known)}"


def check_state(code: str, known: Collection[str], report: Report, problems: list[Problem]) -> bool:
    """Whether ``code`` is a declared state; if not, one located problem is added."""
    if code in known:
        return True
    problems.append(report(*unknown_state(code, known)))
    return False


def check_org(code: str, known: Collection[str], report: Report, problems: list[Problem]) -> bool:
    """Whether ``code`` is a declared organisation; if not, one located problem is added."""
    if code in known:
        return True
    problems.append(report(*unknown_org(code, known)))
    return False


def ambiguous(found: Ambiguous) -> tuple[str, str]:
    """The code and message for a name that fits several records: each listed with its name."""
    return "world.ambiguous-name", f"`{found.text}` names several {found.what}: {found.listed}"


def resolve_name(text: str, known: Vocabulary, report: Report, problems: list[Problem]) -> str | None:
    """The code a state or organisation is named by at a door (a path, an argument), else a problem.

    Files and bodies resolve names as they are parsed (``models._base``); this is the same
    resolution for a bare text.
    """
    found = known.resolve(text)
    if isinstance(found, str):
        return found
    if isinstance(found, Ambiguous):
        problems.append(report(*ambiguous(found)))
    else:
        problems.append(report(*(unknown_state if known.what == "state" else unknown_org)(text, known)))
    return None
