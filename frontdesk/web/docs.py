"""``/docs`` (Swagger UI) and ``/redoc`` served with no internet: their scripts and
styles come from the ``fastapi-offline`` package's files, not from a CDN. ``/`` leads to a
small landing page with links to the console, the dashboard and the docs."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from frontdesk.errors import NotFoundError

ASSETS = Path(str(files("fastapi_offline") / "static"))
ASSET_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
}
PREFIX = "/docs-assets"

router = APIRouter(include_in_schema=False, tags=["pages"])


@router.get("/")
def root() -> RedirectResponse:
    return RedirectResponse("/static/landing.html", status_code=307)


# The bundles still name outside images (ReDoc's "powered by" logo from its CDN, Swagger's
# validator badge): the browser may load images only from here, so reading the docs
# contacts no third party, and the pages render the same without them.
DOCS_CSP = "img-src 'self' data:"


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
        swagger_css_url=f"{PREFIX}/swagger-ui.css",
        swagger_favicon_url=f"{PREFIX}/favicon.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
    page.headers["Content-Security-Policy"] = DOCS_CSP
    return page


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    page = get_redoc_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} API",
        redoc_js_url=f"{PREFIX}/redoc.standalone.js",
        redoc_favicon_url=f"{PREFIX}/favicon.png",
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = DOCS_CSP
    return page


@router.get(PREFIX + "/{name}")
def docs_asset(name: str) -> FileResponse:
    path = (ASSETS / name).resolve()
    media_type = ASSET_TYPES.get(path.suffix)
    if media_type is None or path.parent != ASSETS.resolve() or not path.is_file():
        raise NotFoundError(f"no docs asset {name!r}")
    return FileResponse(
        path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"}
    )
