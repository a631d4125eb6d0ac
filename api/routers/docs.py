"""``/docs``: Swagger UI on the OpenAPI document, served by the service itself.

FastAPI's own page loads Swagger UI from a CDN, so it is blank on a machine without the internet
(and tells a third party who reads the docs). The assets come instead from an installed package,
fastapi-offline (MIT), which ships Swagger UI 5 (Apache-2.0; 5 is the first to read OpenAPI
3.1), and are served under ``/docs/static/``. The page names no other host: the online
validator's badge is off. Neither route is in the OpenAPI document.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html

__all__ = ["ASSETS", "router"]

router = APIRouter(include_in_schema=False)

#: What the page loads, by file name, with its media type; nothing else is served from the package.
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon.png": "image/png",
}
_STATIC = "/docs/static"


@cache
def _asset(name: str) -> bytes:
    # Read once: the files are the installed package's and never change while the service runs.
    return (files("fastapi_offline") / "static" / name).read_bytes()


@router.get("/docs")
async def docs(request: Request) -> Response:
    """The interactive docs page."""
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title}: the HTTP service",
        swagger_js_url=f"{root}{_STATIC}/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{_STATIC}/swagger-ui.css",
        swagger_favicon_url=f"{root}{_STATIC}/favicon.png",
        oauth2_redirect_url=None,
        # validatorUrl: without null, Swagger UI sends the document to validator.swagger.io.
        swagger_ui_parameters={"validatorUrl": None, "defaultModelsExpandDepth": 0},
    )


@router.get(_STATIC + "/{name}")
async def asset(name: str) -> Response:
    """One of the page's assets, cacheable for a day (they change only with the package)."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(status_code=404)
    return Response(_asset(name), media_type=media_type, headers={"cache-control": "public, max-age=86400"})
