"""Projects: list, read, create from the demo template."""

from __future__ import annotations

from aiohttp import web

from assetgen.errors import InvalidInput
from assetgen.projects import init_project
from orchestrator.api.keys import STORE


def register(app: web.Application) -> None:
    app.router.add_get("/api/projects", list_projects)
    app.router.add_post("/api/projects", create_project)
    app.router.add_get("/api/projects/{project_id}", get_project)


async def read_json_object(request: web.Request) -> dict:
    """The request body as a JSON object (400 otherwise)."""
    data = await request.json()
    if not isinstance(data, dict):
        raise InvalidInput("request body must be a JSON object")
    return data


async def list_projects(request: web.Request) -> web.Response:
    return web.json_response({"projects": request.app[STORE].list_projects()})


async def get_project(request: web.Request) -> web.Response:
    project = request.app[STORE].read_project(request.match_info["project_id"])
    return web.json_response(project.model_dump(mode="json"))


async def create_project(request: web.Request) -> web.Response:
    body = await read_json_object(request)
    project = init_project(request.app[STORE], body.get("id"), name=body.get("name"))
    return web.json_response(project.model_dump(mode="json"), status=201)
