"""One router per resource (checks, scenarios, the world), each only assembly: it takes what
``api.deps`` hands it, asks the workspace, and answers with ``api.responses``.

Routes hold no engine logic: what is valid, and every word of a problem, is the engine's, so a
mistake reads the same over HTTP as in a file or on the command line.
"""

from fastapi import APIRouter

from api.routers import check, docs, page, resources, scenarios

__all__ = ["ROUTERS"]

ROUTERS: tuple[APIRouter, ...] = (check.router, scenarios.router, resources.router, docs.router, page.router)
