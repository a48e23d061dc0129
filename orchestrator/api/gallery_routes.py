"""The review gallery: a static single page (plain ES modules + CSS, no build step) at /gallery/.

The page shell holds no project data, so it is served without the bearer token (the page sends
the token with every API call); ``/`` redirects to it.
"""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

from assetgen.errors import NotFound
from orchestrator.api.openapi import api

STATIC_DIR = Path(__file__).resolve().parent.parent / "gallery" / "static"
STATIC_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\.(?:js|css|html|svg)$")
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml"}


def register(app: web.Application) -> None:
    app.router.add_get("/", redirect_to_gallery)
    app.router.add_get("/gallery", redirect_to_gallery)
    app.router.add_get("/gallery/", get_index)
    app.router.add_get("/gallery/{name}", get_static)


@api(status=302)
async def redirect_to_gallery(request: web.Request) -> web.Response:
    """Redirect to the gallery page (``/gallery/``), keeping the query string."""
    query = f"?{request.query_string}" if request.query_string else ""
    raise web.HTTPFound(f"/gallery/{query}")


async def get_index(request: web.Request) -> web.StreamResponse:
    return _static_file("index.html")


async def get_static(request: web.Request) -> web.StreamResponse:
    return _static_file(request.match_info["name"])


def _static_file(name: str) -> web.StreamResponse:
    path = STATIC_DIR / name
    if not STATIC_NAME.match(name) or not path.is_file():
        raise NotFound(f"no gallery file {name!r}")
    response = web.FileResponse(path, headers={"Cache-Control": "no-cache"})
    response.content_type = CONTENT_TYPES[path.suffix]
    return response
