"""The body limit, enforced as the bytes arrive: a handler never reads more than the limit.

A declared ``content-length`` over the limit is refused before anything is read; a streamed
(chunked) body is counted and refused as soon as it passes the limit, so a client cannot make
the server buffer an unbounded body by leaving the length out. A body that trickles (no byte
for ``BODY_SECONDS``) is refused with 408 and the connection closed: a slow client cannot hold
a connection and a handler open indefinitely.
"""

from __future__ import annotations

import asyncio

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from engine.common.errors import Problem

__all__ = ["BODY_SECONDS", "BodyLimit"]

#: Longest wait for the next part of a request body.
BODY_SECONDS = 10


class BodyLimit:
    """Refuses bodies over ``limit`` bytes with a 413 before a handler reads them, streamed or not."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and not (declared.isascii() and declared.isdigit() and int(declared) <= self.limit):
            await self._refuse(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            try:
                # asyncio's own timeout: half the cost of anyio's cancel scope, on every receive.
                async with asyncio.timeout(BODY_SECONDS):
                    message = await receive()
            except TimeoutError:
                raise _TooSlowError from None
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLargeError
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLargeError:
            await self._refuse(scope, receive, send)
        except _TooSlowError:
            problem = Problem("http.too-slow", f"no part of the body arrived for {BODY_SECONDS} seconds")
            await problem_response([problem], 408, headers={"connection": "close"})(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = Problem("file.too-large", f"the body is larger than the limit of {self.limit} bytes")
        await problem_response([problem], 413, headers={"connection": "close"})(scope, receive, send)


class _TooSlowError(Exception):
    """Raised from ``receive`` when the client stops sending its body."""


class _TooLargeError(Exception):
    """Raised from ``receive`` to unwind the handler that is reading an oversized body."""
