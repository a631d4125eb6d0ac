"""Answers leave as the engine serialises them, so the bytes match ``accede ... --json``.

Routes return a ``Response`` built here rather than letting FastAPI encode their data: FastAPI's
encoder would be a second serialiser, and the two doors would drift apart.
"""

from __future__ import annotations

from fastapi import Response

from engine.rendering.jsonout import dumps

__all__ = ["answer"]


def answer(data: object) -> Response:
    return Response(dumps(data), media_type="application/json")
