"""How an operator configures the service: ``ACCEDE_*`` environment variables, also set by flags.

``accede serve`` turns its flags into these variables before starting uvicorn, so every worker
process (which imports the application afresh) reads the same configuration, and a container
can configure the service with the environment alone. Each value is validated here, once; a bad
one stops the start with a message naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.common.errors import AccedeError, Problem
from engine.common.limits import DEADLINE, WORK

__all__ = ["ENV", "Settings"]

#: Every variable the service reads, with what it means (the README's table is this one).
ENV: dict[str, str] = {
    "ACCEDE_HOST": "address to bind (default 127.0.0.1)",
    "ACCEDE_PORT": "port to bind, 1-65535 (default 8000)",
    "ACCEDE_WORKERS": "worker processes (default 1)",
    "ACCEDE_THREADS": "evaluation threads per process (default: twice the CPUs, at least 4)",
    "ACCEDE_LOG_LEVEL": "critical, error, warning, info or debug (default info)",
    "ACCEDE_LOG_FORMAT": "json (one object per line, the default) or text",
    "ACCEDE_CORS_ORIGINS": "comma-separated origins allowed to call the service from a browser (default: none)",
    "ACCEDE_DECISION_LOG": "a file to append one JSON line per answered question to (default: off)",
    "ACCEDE_ANSWER_CACHE": (
        "answers kept for questions asked again, 0 to keep none (default 1024; none with a decision log)"
    ),
    "ACCEDE_WORK": f"work units a request may spend (default {WORK.served})",
    "ACCEDE_DEADLINE": f"seconds a request may compute (default {DEADLINE.served})",
}

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = env.get(name)
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise AccedeError(
            [
                Problem(
                    "schema.invalid-value",
                    f"{name}={text!s:.40}: expected a whole number from {low} to {high}",
                    field=name,
                )
            ]
        )
    return int(text)


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    text = env.get(name) or default
    if text not in choices:
        allowed = ", ".join(choices)
        raise AccedeError(
            [Problem("schema.invalid-value", f"{name}={text!s:.40}: expected one of {allowed}", field=name)]
        )
    return text


@dataclass(frozen=True)
class Settings:
    """The service's configuration, validated."""

    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    threads: int | None = None
    log_level: str = "info"
    log_format: str = "json"
    cors_origins: tuple[str, ...] = ()
    decision_log: str | None = None
    answer_cache: int = 1024
    work: int = WORK.served
    deadline: int = DEADLINE.served
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        origins = tuple(o.strip() for o in (env.get("ACCEDE_CORS_ORIGINS") or "").split(",") if o.strip())
        threads = env.get("ACCEDE_THREADS")
        return cls(
            host=env.get("ACCEDE_HOST") or "127.0.0.1",
            port=_int(env, "ACCEDE_PORT", 8000, 1, 65535),
            workers=_int(env, "ACCEDE_WORKERS", 1, 1, 64),
            threads=_int(env, "ACCEDE_THREADS", 0, 1, 256) if threads else None,
            log_level=_choice(env, "ACCEDE_LOG_LEVEL", "info", LOG_LEVELS),
            log_format=_choice(env, "ACCEDE_LOG_FORMAT", "json", ("json", "text")),
            cors_origins=origins,
            decision_log=env.get("ACCEDE_DECISION_LOG") or None,
            answer_cache=_int(env, "ACCEDE_ANSWER_CACHE", 1024, 0, 1 << 20),
            work=_int(env, "ACCEDE_WORK", WORK.served, 1, 1 << 40),
            deadline=_int(env, "ACCEDE_DEADLINE", DEADLINE.served, 1, 86_400),
        )
