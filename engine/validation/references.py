"""The one check of a state or organisation code, with one code and one wording at every door.

A file, the command line, an HTTP path and the watcher all name states and organisations; each
door says where (a ``Report`` locates the problem), and this module says what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from engine.common.errors import Problem, did_you_mean

__all__ = ["Report", "check_org", "check_state", "unknown_org", "unknown_state"]

#: Locates a problem where it was written: ``(code, message) -> Problem``.
Report = Callable[[str, str], Problem]


def unknown_state(code: str, known: Collection[str]) -> tuple[str, str]:
    """The code and message for a state the world does not declare."""
    return "world.unknown-state", f"unknown state `{code[:40]}`{did_you_mean(code, known)}"


def unknown_org(code: str, known: Collection[str]) -> tuple[str, str]:
    """The code and message for an organisation the world does not declare."""
    return "world.unknown-org", f"unknown organisation `{code[:40]}`{did_you_mean(code, known)}"


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
