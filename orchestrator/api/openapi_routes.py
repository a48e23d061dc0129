"""The API's own description: ``GET /api/openapi.json`` (OpenAPI 3.1, generated from the routes)."""

from __future__ import annotations

from aiohttp import web

from orchestrator.api.keys import TOKEN
from orchestrator.api.openapi import build_openapi


def register(app: web.Application) -> None:
    app.router.add_get("/api/openapi.json", get_openapi)


async def get_openapi(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 document of this server's routes."""
    return web.json_response(build_openapi(request.app, has_token=bool(request.app[TOKEN])))
