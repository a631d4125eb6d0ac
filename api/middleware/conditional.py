"""Conditional GETs: every successful GET answer carries an ``ETag`` and ``Cache-Control``, and a
client that already holds it (``If-None-Match``) gets ``304 Not Modified`` without the body.

The world is immutable while a process runs, so an answer changes only with its URL, the date
it defaults to (today, when the URL names none) and the revision; the ETag is a hash of the
answer's bytes, which captures all three. ``max-age`` is short because a URL without ``as_of``
means today, and a redeployed world has a new revision.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["Conditional"]

CACHE_CONTROL = b"public, max-age=300"


class Conditional:
    """ETag, Cache-Control and 304 for successful GETs (HEAD arrives here as a GET)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        wanted = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffering(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(start, b"".join(chunks), wanted, send)

        await self.app(scope, receive, buffering)

    async def _finish(self, start: Message, body: bytes, wanted: str | None, send: Send) -> None:
        if start["status"] != 200:
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        tag = f'"{hashlib.sha256(body).hexdigest()[:20]}"'
        headers = [(k, v) for k, v in start.get("headers", []) if k not in (b"etag", b"cache-control")]
        headers += [(b"etag", tag.encode()), (b"cache-control", CACHE_CONTROL)]
        if wanted is not None and (wanted.strip() == "*" or tag in [t.strip() for t in wanted.split(",")]):
            kept = [(k, v) for k, v in headers if k not in (b"content-length", b"content-type")]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})
