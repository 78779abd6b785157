"""Routes for the widget script, the agent console, the demo page and their static assets.

The pages need no key: everything they show comes from ``/v1`` calls that do. Files are read
from the ``static`` folder next to this module, so an installed package serves them too.

``common.js`` holds what the widget and the console share. The console loads it as
``/static/common.js``; ``/widget.js`` is served with it inlined in one closure, so a site
still embeds the widget with one script tag, gets no new global, and makes no second
request that could race or be blocked.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse

from frontdesk.errors import NotFoundError

STATIC_DIR = Path(__file__).parent / "static"
WIDGET_PARTS = ("common.js", "widget.js")

# Explicit types: ``mimetypes`` answers differently per platform (``text/javascript`` or
# ``application/javascript``), and only these kinds of file are served at all.
MEDIA_TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}
# The widget's URL carries no version, so browsers may keep it only briefly; pages are
# always revalidated so a deploy shows up at the next reload.
WIDGET_CACHE = "public, max-age=300"
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300"
PAGE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
# The console loads nothing from elsewhere and runs no inline script.
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

router = APIRouter(include_in_schema=False, tags=["pages"])


def _file(name: str, cache: str, extra: dict[str, str] | None = None) -> FileResponse:
    path = (STATIC_DIR / name).resolve()
    media_type = MEDIA_TYPES.get(path.suffix)
    if media_type is None or not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
        raise NotFoundError(f"no static file {name!r}")
    headers = {"Cache-Control": cache, **PAGE_HEADERS, **(extra or {})}
    return FileResponse(path, media_type=media_type, headers=headers)


@router.get("/widget.js")
def widget_script() -> Response:
    """The embeddable chat widget: ``<script src="/widget.js" data-key="fdk_…">``."""
    # Read at each request, like the other files, so a deploy shows up without a restart.
    parts = [(STATIC_DIR / name).read_text("utf-8") for name in WIDGET_PARTS]
    body = ("(function () {\n" + "\n".join(parts) + "})();\n").encode()
    headers = {
        "Cache-Control": WIDGET_CACHE,
        "ETag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        # Any site may embed the widget, so the script itself is readable cross-origin.
        "Access-Control-Allow-Origin": "*",
        **PAGE_HEADERS,
    }
    return Response(body, media_type=MEDIA_TYPES[".js"], headers=headers)


@router.get("/console")
def console_page() -> FileResponse:
    """The agent console; it asks for an agent or admin key."""
    return _file("console.html", PAGE_CACHE, {"Content-Security-Policy": CONSOLE_CSP})


@router.get("/dashboard")
def dashboard_page() -> FileResponse:
    """The support lead's dashboard; it asks for an agent or admin key."""
    return _file("dashboard.html", PAGE_CACHE, {"Content-Security-Policy": CONSOLE_CSP})


@router.get("/demo")
def demo_page() -> FileResponse:
    """A demo help page of the fictional Parcelly with the widget embedded (``?key=``)."""
    return _file("demo.html", PAGE_CACHE)


@router.get("/static/{name:path}")
def static_asset(name: str) -> FileResponse:
    """Stylesheets, scripts and images used by the pages."""
    return _file(name, ASSET_CACHE)
