"""Every request, seen once from outside: its id, its revision, its log line, HEAD as GET.

One pure-ASGI middleware (the outermost) so the access log sees the status every other part
decided, including problems and the body limit's refusals:

* ``X-Request-ID`` is echoed when the client sends a sane one (at most 128 characters of
  letters, digits and ``-_.:``), else generated; it is in the scope's state for the decision log.
* ``Accede-Revision`` names the world and rules every answer was computed on.
* ``HEAD`` is answered wherever ``GET`` is: the request is routed as a GET and the body dropped
  (its headers, ``Content-Length`` included, are kept), so routes declare GET only.
* One structured access-log line per request: id, method, path, status, duration, revision.
* A client that goes away mid-body is one log line, not a traceback.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["RequestContext", "access_log"]

access_log = logging.getLogger("accede.access")

_SANE_ID = re.compile(r"^[A-Za-z0-9\-_.:]{1,128}$")


class RequestContext:
    """Request ids, the revision header, HEAD as GET, and the access log."""

    def __init__(self, app: ASGIApp, revision: Callable[[], str]) -> None:
        self.app = app
        self.revision = revision

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
        request_id = given if given is not None and _SANE_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        started = time.perf_counter()
        status = 0
        revision = self.revision()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k not in (b"x-request-id", b"accede-revision")
                ]
                headers += [(b"x-request-id", request_id.encode()), (b"accede-revision", revision.encode())]
                message = {**message, "headers": headers}
            elif head and message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except ClientDisconnect:
            access_log.warning(
                "client disconnected mid-request", extra={"request_id": request_id, "path": scope["path"]}
            )
            return
        finally:
            duration = (time.perf_counter() - started) * 1000
            access_log.info(
                "%s %s %s",
                "HEAD" if head else scope["method"],
                scope["path"],
                status,
                extra={
                    "request_id": request_id,
                    "method": "HEAD" if head else scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(duration, 2),
                    "revision": revision,
                },
            )
